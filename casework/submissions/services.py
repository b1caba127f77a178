"""Writes about families' forms: starting a draft, saving it page by page (and the files
in it), deleting it, and submitting it.

Submitting is one transaction: the submission, its files, the case step it feeds (a new
request opens an EHC needs assessment, starting the 20-week clock; a contribution joins
the child's case under way), the alert to the SEND team (an outbox row, delivered on
commit) and the PDF for the case file happen together or not at all. The draft's row is
locked first, so a double click, the back button or a retry finds the draft already sent
and gets the same submission back.

A request for an assessment need not wait for the SEND team to verify the family (issue
19, item 10): it can be started from an access request still waiting, and is received
the day it is sent. It feeds no case until the access request is approved; approving it
(request_submissions_attach) attaches the child and opens the assessment with its clock
counting from that day.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from casework.file_checks import FileRefused
from casework.models import AccessRequest, AuditEvent, Case, CaseKind, Child, ChildAccess, ScanStatus
from casework.selectors.access import acting_relationship, family_access
from casework.selectors.children import PENDING
from casework.services.audit import audit_record
from casework.services.cases import case_open
from casework.services.documents import audited_download
from casework.services.messages import account_alert, council_link
from casework.services.scanning import upload_scan_enqueue
from tenants.form_definitions import (
    FEEDS_ANNUAL_REVIEW,
    FEEDS_CONTRIBUTION,
    FEEDS_NEW_REQUEST,
    PROFESSIONAL_FEEDS,
    FormDefinition,
    Question,
    form_definition,
)
from tenants.models import FormVariant, FormVersion
from tenants.outbox.services import email_queue
from themes.wording import long_date

from .answers import file_answers, is_answered
from .flow import page_answered, progress, shown_answers
from .models import FormDraft, FormFile, FormSubmission
from .pdf import submission_pdf

logger = logging.getLogger(__name__)

FAMILY = "family"
REFERENCE_PREFIX = "FS"
# The PDF's "Case" for a request sent before the family's access was checked.
WAITING_CASE = "Not yet opened: the SEND team opens it when they have checked the family's access request"
# Which open cases a form's answers join, newest first.
CASE_KINDS_FED = {
    FEEDS_CONTRIBUTION: (CaseKind.ASSESSMENT, CaseKind.REASSESSMENT),
    FEEDS_ANNUAL_REVIEW: (CaseKind.ANNUAL_REVIEW,),
}
NO_CASE_TO_JOIN = {
    FEEDS_CONTRIBUTION: "There is no EHC needs assessment under way for this child, so this form cannot be sent "
    "yet. Keep your draft, and contact the SEND team: they will tell you when to send it.",
    FEEDS_ANNUAL_REVIEW: "There is no annual review under way for this child, so this form cannot be sent yet. "
    "Keep your draft, and contact the SEND team: they will tell you when to send it.",
}


# The same, before anything was started: no draft to keep (issue 19, item 16).
NO_CASE_TO_START = {
    FEEDS_CONTRIBUTION: "There is no EHC needs assessment under way for this child yet, so this form cannot be "
    "started. The SEND team will ask you for it once an assessment has begun.",
    FEEDS_ANNUAL_REVIEW: "There is no annual review under way for this child yet, so this form cannot be started. "
    "The SEND team will ask you for it before the review meeting.",
}


class DraftAlreadySent(ValidationError):
    """The draft was submitted (in another tab, or a moment ago): it cannot change."""

    def __init__(self) -> None:
        super().__init__("This form has already been sent, so it cannot be changed.")


def definition_of(draft: FormDraft) -> FormDefinition:
    return form_definition(draft.version.definition)


# --- Starting and deleting -------------------------------------------------------------


def draft_start(
    *,
    child: Child,
    variant: FormVariant,
    version: FormVersion,
    account,
    request: HttpRequest | None = None,
) -> tuple[FormDraft, bool]:
    """A new draft of the form's `version` for the child, or (when the definition does
    not allow two drafts at once) the account's draft already open: (draft, created).
    The caller has checked the account may see the child."""
    definition = form_definition(version.definition)
    access = family_access(account=account, child=child)
    if access is None:
        raise ValidationError("You cannot fill in forms for this child.")
    if acting_relationship(access) not in definition.who_can_start:
        raise ValidationError("This form is not one you can fill in for this child.")
    return _draft_find_or_make(
        about={"child": child},
        lock=f"{account.pk}:{child.pk}:{variant.pk}",
        one_at_a_time=not definition.allow_multiple_drafts,
        variant=variant,
        version=version,
        account=account,
        summary=f"Started a form: {definition.short_title} (version {version.number})",
        request=request,
    )


def _draft_find_or_make(
    *, about: dict, lock: str, one_at_a_time: bool, variant, version, account, summary: str, request
) -> tuple[FormDraft, bool]:
    """The account's open draft of the form `about` a child (or an access request) when
    only one is allowed at a time, else a new one: (draft, created). One start at a time
    per account, child and form (an advisory lock), so two clicks make one draft."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"form-draft:{connection.schema_name}:{lock}"]
            )
        if one_at_a_time:
            open_draft = (
                FormDraft.objects.filter(**about, account=account, variant=variant, submitted_at__isnull=True)
                .order_by("-updated_at")
                .first()
            )
            if open_draft is not None:
                return open_draft, False
        draft = FormDraft(**about, variant=variant, version=version, account=account)
        draft.full_clean()
        draft.save()
        audit_record(
            actor=account,
            actor_role=FAMILY,
            action=AuditEvent.Action.CREATED,
            subject=AuditEvent.Subject.FORM_DRAFT,
            subject_id=draft.pk,
            child=about.get("child"),
            summary=summary,
            request=request,
        )
    return draft, True


def request_draft_start(
    *,
    access_request: AccessRequest,
    variant: FormVariant,
    version: FormVersion,
    account,
    request: HttpRequest | None = None,
) -> tuple[FormDraft, bool]:
    """A draft of a request for an assessment for the child of the account's access
    request still waiting for the SEND team (or the draft already open): (draft, created)."""
    definition = form_definition(version.definition)
    problem = request_feed_problem(definition=definition, access_request=access_request, account=account)
    if problem:
        raise ValidationError(problem)
    return _draft_find_or_make(
        about={"access_request": access_request},
        lock=f"{account.pk}:request-{access_request.pk}:{variant.pk}",
        one_at_a_time=True,  # one request for an assessment per access request
        variant=variant,
        version=version,
        account=account,
        summary=f"Started a form before the SEND team checked access: {definition.short_title} "
        f"(version {version.number}, access request {access_request.pk})",
        request=request,
    )


def request_feed_problem(*, definition: FormDefinition, access_request: AccessRequest, account) -> str:
    """Why this form cannot be started or sent from the access request ("" when it can):
    only a request for an assessment, by the family member who asked, as one who may send
    it, while the SEND team has not decided, and once."""
    if access_request.account_id != account.pk:
        return "You cannot fill in forms for this child."
    if definition.feeds != FEEDS_NEW_REQUEST:
        return (
            "This form can be filled in once the SEND team has checked you can see this child's records. "
            "Only a request for an EHC needs assessment can be sent before then."
        )
    if access_request.relationship not in definition.who_can_start:
        return "This form is not one you can fill in for this child."
    if access_request.status not in PENDING:
        return (
            "The SEND team has already decided your request to see this child's records, so this form cannot "
            "be sent from it." + (" Find the child under your children instead." if access_request.child_id else "")
        )
    sent = FormSubmission.objects.filter(access_request=access_request, feeds=FEEDS_NEW_REQUEST).first()
    if sent is not None:
        return (
            f"You have already sent a request for an EHC needs assessment for this child (reference "
            f"{sent.reference}). It was received on {long_date(timezone.localdate(sent.submitted_at))}."
        )
    return ""


def draft_delete(*, draft: FormDraft, account, request: HttpRequest | None = None) -> None:
    """Delete a draft not yet sent, with the files uploaded to it."""
    with transaction.atomic():
        locked = FormDraft.objects.select_for_update().select_related("version").get(pk=draft.pk)
        if locked.submitted_at is not None:
            raise DraftAlreadySent()
        files = list(locked.files.all())
        audit_record(
            actor=account,
            actor_role=FAMILY,
            action=AuditEvent.Action.WITHDRAWN,
            subject=AuditEvent.Subject.FORM_DRAFT,
            subject_id=locked.pk,
            child=locked.child,
            summary=f"Deleted a draft: {definition_of(locked).short_title}",
            request=request,
        )
        locked.delete()
        _forget_files_on_commit(files)


# --- Saving as the family goes ------------------------------------------------------------


def _locked_open(draft: FormDraft) -> FormDraft:
    locked = FormDraft.objects.select_for_update().select_related("version").get(pk=draft.pk)
    if locked.submitted_at is not None:
        raise DraftAlreadySent()
    return locked


def draft_page_save(*, draft: FormDraft, page_id: str, answers: dict[str, Any], done: bool) -> FormDraft:
    """Save one page's answers (None: not answered). `done` when saved with "Save and
    continue" (its answers complete); "Save and come back later" leaves it not done
    unless every question it asks is answered (issue 19, item 16: a section fully
    answered showed "In progress").
    Answers on other pages are kept, even those a changed answer now hides: changing
    it back shows them again; only the shown ones are ever sent."""
    with transaction.atomic():
        locked = _locked_open(draft)
        page = definition_of(locked).page(page_id)
        if page is None:
            raise ValidationError("This page is not part of the form.")
        replaced = []
        for q in page.questions:
            if q.id not in answers:
                continue
            old, new = locked.answers.get(q.id), answers[q.id]
            if q.type == "file" and isinstance(old, dict) and (not isinstance(new, dict) or new != old):
                replaced.append(old.get("file_id"))
            if new is None:
                locked.answers.pop(q.id, None)
            else:
                locked.answers[q.id] = new
        pages_done = [p for p in locked.pages_done if p != page_id]
        kept = shown_answers(definition_of(locked), locked.answers)
        answered_all = page_answered(page, kept) and any(is_answered(kept.get(q.id)) for q in page.questions)
        if done or answered_all:
            pages_done.append(page_id)
        locked.pages_done = pages_done
        locked.save(update_fields=["answers", "pages_done", "updated_at"])
        _forget_draft_files(locked, [file_id for file_id in replaced if file_id])
    draft.answers, draft.pages_done, draft.updated_at = locked.answers, locked.pages_done, locked.updated_at
    return locked


def draft_item_save(*, draft: FormDraft, group: Question, index: int, item: dict[str, Any]) -> FormDraft:
    """Add (index = number of items) or change one item of a repeating group."""
    with transaction.atomic():
        locked = _locked_open(draft)
        items = list(locked.answers.get(group.id) or [])
        if index > len(items) or index < 0:
            raise ValidationError("That item is not part of this list.")
        if index == len(items) and len(items) >= group.group_max:
            raise ValidationError(f"You can add up to {group.group_max} {group.items_label}.")
        kept = {key: value for key, value in item.items() if value is not None}
        replaced = []
        if index < len(items):
            for sub in group.questions:
                old = items[index].get(sub.id)
                if sub.type == "file" and isinstance(old, dict) and kept.get(sub.id) != old:
                    replaced.append(old.get("file_id"))
            items[index] = kept
        else:
            items.append(kept)
        locked.answers[group.id] = items
        locked.save(update_fields=["answers", "updated_at"])
        _forget_draft_files(locked, [file_id for file_id in replaced if file_id])
    draft.answers, draft.updated_at = locked.answers, locked.updated_at
    return locked


def draft_item_remove(*, draft: FormDraft, group: Question, index: int) -> FormDraft:
    with transaction.atomic():
        locked = _locked_open(draft)
        items = list(locked.answers.get(group.id) or [])
        if not 0 <= index < len(items):
            raise ValidationError("That item is not part of this list.")
        removed = items.pop(index)
        if items:
            locked.answers[group.id] = items
        else:
            locked.answers.pop(group.id, None)
        locked.save(update_fields=["answers", "updated_at"])
        files = [v.get("file_id") for v in removed.values() if isinstance(v, dict) and v.get("file_id")]
        _forget_draft_files(locked, files)
    draft.answers, draft.updated_at = locked.answers, locked.updated_at
    return locked


def draft_file_store(*, draft: FormDraft, question: Question, upload, checked, account) -> dict:
    """Store a file that passed its checks (casework.file_checks) on the draft, under the
    council's prefix; returns the answer that names it. A store that refuses the file
    (tenants.storage.StorageRefused) leaves no row behind."""
    form_file = FormFile(
        draft=draft,
        question_id=question.id,
        file=File(upload, name=checked.name),
        name=checked.name[:120],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=account if getattr(account, "pk", None) else None,
    )
    form_file.full_clean()
    try:
        with transaction.atomic():
            form_file.save()
            upload_scan_enqueue(form_file)  # the SEND team can download it once clamd says it is clean
    except Exception:
        _forget_files([form_file])
        raise
    form_file.refresh_from_db(fields=["scan_status", "threat", "file"])
    if form_file.scan_status == ScanStatus.INFECTED:  # scanned already (tasks run in-process)
        raise FileRefused(
            f"'{form_file.name}' has a virus in it, so we deleted it. Check your computer or phone with antivirus "
            "software, then choose a clean copy.",
            code="virus",
        )
    return {
        "file_id": form_file.pk,
        "name": form_file.name,
        "size": form_file.size,
        "content_type": form_file.content_type,
    }


def _forget_draft_files(draft: FormDraft, file_ids: list[int]) -> None:
    """Files a changed answer no longer names: their rows go with this transaction, the
    stored files once it commits."""
    if not file_ids:
        return
    files = list(FormFile.objects.filter(draft=draft, submission__isnull=True, pk__in=file_ids))
    FormFile.objects.filter(pk__in=[f.pk for f in files]).delete()
    _forget_files_on_commit(files)


def _forget_files_on_commit(files: list[FormFile]) -> None:
    names = [f.file.name for f in files if f.file]
    if names:
        storage = files[0].file.storage
        transaction.on_commit(lambda: _delete_stored(storage, names))


def _forget_files(files: list[FormFile]) -> None:
    for form_file in files:
        if form_file.file and form_file.file._committed:
            _delete_stored(form_file.file.storage, [form_file.file.name])


def _delete_stored(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # the operators can sweep an orphan; the change itself stands
            logger.warning("Could not remove a stored form file: %s", name, exc_info=True)


# --- Submitting -------------------------------------------------------------------------


def submission_problem(*, draft: FormDraft) -> str:
    """Why the draft cannot be sent now ("" when it can): unfinished sections, or no case
    under way for a form that joins one (or one already under way for a new request)."""
    definition = definition_of(draft)
    if not progress(definition, draft.answers, draft.pages_done).complete:
        return "You need to complete every section before you send this form."
    return draft_feed_problem(draft=draft, definition=definition)


def draft_feed_problem(*, draft: FormDraft, definition: FormDefinition) -> str:
    """Why the draft's form cannot be sent for its child (or its access request's) now.
    A professional's advice answers its request, and a review report its review, which
    say which case each joins."""
    if definition.feeds in PROFESSIONAL_FEEDS:
        return ""
    if draft.child is None:
        assert draft.access_request is not None
        return request_feed_problem(definition=definition, access_request=draft.access_request, account=draft.account)
    return feed_problem(definition=definition, child=draft.child)


def feed_problem(*, definition: FormDefinition, child: Child, starting: bool = False) -> str:
    """Why a form of this definition cannot be sent (or, `starting`, started) for the
    child now ("" when it can)."""
    if definition.feeds == FEEDS_NEW_REQUEST:
        under_way = _open_cases(child, (CaseKind.ASSESSMENT,)).first()
        if under_way is not None:
            return (
                f"An EHC needs assessment is already under way for this child (case {under_way.reference}), so "
                "there is no need to ask for one. Contact the SEND team if something has changed."
            )
        return ""
    if _open_cases(child, CASE_KINDS_FED[definition.feeds]).first() is None:
        return (NO_CASE_TO_START if starting else NO_CASE_TO_JOIN)[definition.feeds]
    return ""


def _open_cases(child: Child, kinds):
    return Case.objects.filter(child=child, kind__in=kinds, closed_on__isnull=True).order_by("-started_on", "-id")


def _next_reference(year: int) -> str:
    """The next "FS-2026-00042": numbered per council and year, never reused."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"form-reference:{connection.schema_name}:{prefix}"]
        )
    last = (
        FormSubmission.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last and last.removeprefix(prefix).isdigit() else 1
    return f"{prefix}{number:05d}"


def _feed_case(
    *, definition: FormDefinition, child: Child, account, today: date, request: HttpRequest | None
) -> tuple[Case, bool]:
    """The case the submission feeds: a new EHC needs assessment for a request (the
    request received today: the clock starts), else the child's open case of the kind."""
    problem = feed_problem(definition=definition, child=child)
    if problem:
        raise ValidationError(problem)
    if definition.feeds == FEEDS_NEW_REQUEST:
        case = case_open(
            child=child,
            kind=CaseKind.ASSESSMENT,
            started_on=today,
            actor=account,
            actor_role=FAMILY,
            request=request,
            today=today,
        )
        return case, True
    return _open_cases(child, CASE_KINDS_FED[definition.feeds]).select_related("child").first(), False


def draft_submit(
    *, draft: FormDraft, account, request: HttpRequest | None = None, today: date | None = None
) -> FormSubmission:
    """Send the draft (see the module's docstring). Sending it again returns the same
    submission. Raises ValidationError, saying why, when it cannot be sent."""
    with sending() as stored:
        return _submit(draft=draft, account=account, request=request, today=today, stored=stored)


@contextlib.contextmanager
def sending() -> Iterator[list[str]]:
    """A transaction for sending a form: yields the list submission_record adds the
    stored PDF's name to, and removes what was stored if the transaction fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        _delete_stored(FormSubmission._meta.get_field("pdf").storage, stored)
        raise


def _submit(*, draft: FormDraft, account, request, today, stored: list[str]) -> FormSubmission:
    if draft.access_request_id is not None:
        # The access request's row first, as its approval takes it (then the drafts'), so
        # a request decided while this is sent is seen, never half-attached.
        AccessRequest.objects.select_for_update().filter(pk=draft.access_request_id).first()
    locked = (
        FormDraft.objects.select_for_update(of=("self",))
        .select_related("version", "variant", "child", "child__service_area", "access_request", "account")
        .get(pk=draft.pk)
    )
    if locked.submitted_at is not None:
        return FormSubmission.objects.select_related("case", "version").get(draft=locked)
    if locked.account_id != account.pk:
        raise ValidationError("You cannot send this form.")
    access: ChildAccess | None = None
    if locked.child is not None:
        access = family_access(account=account, child=locked.child)
        if access is None or acting_relationship(access) is None:  # ended, or no forms allowed
            raise ValidationError("You cannot send this form.")
    assert access is not None or locked.access_request is not None
    speaking_as = access.relationship if access is not None else locked.access_request.relationship
    today = today or timezone.localdate()
    definition = definition_of(locked)
    problem = submission_problem(draft=locked)
    if problem:
        raise ValidationError(problem)
    answers = shown_answers(definition, locked.answers)
    case: Case | None = None
    opened = False
    if locked.child is not None:
        case, opened = _feed_case(
            definition=definition, child=locked.child, account=account, today=today, request=request
        )

    submission = submission_record(
        draft=locked,
        definition=definition,
        answers=answers,
        case=case,
        submitted_by=account,
        speaking_as=speaking_as,
        actor_role=FAMILY,
        today=today,
        stored=stored,
        request=request,
        child_text=f"{locked.about.full_name}, born {long_date(locked.about.date_of_birth)}"
        + ("" if locked.child else " (as the family gave them; not yet checked by the SEND team)"),
    )
    if case is not None:
        _alert_send_team(submission=submission, case=case, definition=definition, opened=opened)
    else:
        _alert_send_team_waiting(submission=submission, definition=definition)
    _tell_sender_received(submission=submission, account=account, definition=definition)
    return submission


def submission_record(
    *,
    draft: FormDraft,
    definition: FormDefinition,
    answers: dict,
    case: Case | None,
    submitted_by,
    speaking_as: str,
    actor_role: str,
    today: date,
    stored: list[str],
    request: HttpRequest | None,
    child_text: str,
    organisation=None,
) -> FormSubmission:
    """Keep a draft (locked by the caller, inside its transaction) as sent: the
    submission with the answers shown, the files those answers name (the rest removed),
    the draft marked sent, the audit event, and the PDF for the case file (its stored name
    added to `stored`, so the caller removes it if the transaction fails). A family's form
    (draft_submit) and a professional's advice (casework.services.advice) both end here."""
    now = timezone.now()
    submission = FormSubmission(
        reference=_next_reference(today.year),
        draft=draft,
        child=draft.child,
        case=case,
        access_request=draft.access_request if draft.child is None else None,
        variant=draft.variant,
        version=draft.version,
        feeds=definition.feeds,
        answers=answers,
        submitted_by=submitted_by,
        speaking_as=speaking_as,
        submitted_at=now,
    )
    submission.full_clean(exclude=["pdf", "pdf_sha256"])
    submission.save()

    sent_file_ids = [value.get("file_id") for value in file_answers(definition, answers) if value.get("file_id")]
    FormFile.objects.filter(draft=draft, pk__in=sent_file_ids).update(submission=submission)
    _forget_files_on_commit_delete(draft, sent_file_ids)

    draft.submitted_at = now
    draft.save(update_fields=["submitted_at", "updated_at"])
    audit_record(
        actor=submitted_by,
        actor_role=actor_role,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.FORM_SUBMISSION,
        subject_id=submission.pk,
        case=case,
        child=draft.child,
        summary=f"Sent {definition.short_title} (version {draft.version.number}), reference {submission.reference}"
        + ("" if case else f", with access request {submission.access_request_id}"),
        request=request,
        organisation=organisation,
    )

    council = connection.tenant
    content = submission_pdf(
        council_name=council.name,
        council_colour=council.primary_colour,
        definition=definition,
        version_number=draft.version.number,
        reference=submission.reference,
        case_reference=case.reference if case else WAITING_CASE,
        submitted_at=now,
        submitted_by=submitted_by.get_full_name() or submitted_by.email,
        speaking_as=submission.speaking_as_text,
        answers=answers,
        child=child_text,
    )
    submission.pdf.save(f"{submission.reference}.pdf", ContentFile(content), save=False)
    stored.append(submission.pdf.name)
    submission.pdf_sha256 = hashlib.sha256(content).hexdigest()
    submission.save(update_fields=["pdf", "pdf_sha256", "updated_at"])
    return submission


def unsent_draft(*, lock: bool = False, **where) -> FormDraft | None:
    """The draft matching `where` not yet sent (a professional's form has one, shared by
    the organisation's people), locked for sending when `lock`."""
    drafts = FormDraft.objects.select_for_update(of=("self",)) if lock else FormDraft.objects
    return (
        drafts.select_related("version", "variant", "child")
        .filter(submitted_at__isnull=True, **where)
        .order_by("-updated_at")
        .first()
    )


def professional_submission_record(
    *,
    draft: FormDraft,
    case: Case,
    account,
    organisation,
    actor_role: str,
    today: date,
    stored: list[str],
    request: HttpRequest | None,
    file_as: Callable[[list[tuple[Any, str]]], object],
) -> FormSubmission:
    """A professional's form (advice, a review's report; the draft locked by the caller,
    inside `sending()`) kept as sent, as submission_record keeps a family's; then its PDF
    and each file it sent, open and titled for the SEND team, are given to `file_as` to
    keep as the case's documents. Raises ValidationError, saying what is missing."""
    problem = submission_problem(draft=draft)
    if problem:
        raise ValidationError(problem)
    definition = definition_of(draft)
    child = case.child
    submission = submission_record(
        draft=draft,
        definition=definition,
        answers=shown_answers(definition, draft.answers),
        case=case,
        submitted_by=account,
        speaking_as="",
        actor_role=actor_role,
        today=today,
        stored=stored,
        request=request,
        child_text=f"{child.full_name}, born {long_date(child.date_of_birth)}",
        organisation=organisation,
    )
    sent = [(submission.pdf, f"{definition.short_title} from {organisation.name} ({submission.reference})")]
    sent += [
        (form_file.file, f"{organisation.name}: {form_file.name}")
        for form_file in FormFile.objects.filter(submission=submission).order_by("pk")
    ]
    for field_file, _ in sent:
        field_file.open("rb")
    try:
        file_as(sent)
    finally:
        for field_file, _ in sent:
            field_file.close()
    return submission


def _forget_files_on_commit_delete(draft: FormDraft, keep_ids: list[int]) -> None:
    """Files uploaded to the draft that the sent answers do not name (replaced, or on a
    page no longer shown) are removed with the submission."""
    unsent = list(FormFile.objects.filter(draft=draft, submission__isnull=True).exclude(pk__in=keep_ids))
    if unsent:
        FormFile.objects.filter(pk__in=[f.pk for f in unsent]).delete()
        _forget_files_on_commit(unsent)


def alert_recipients(child: Child | None) -> list[str]:
    """The child's service area's contact address, else the council's SEND address."""
    area = child.service_area if child is not None else None
    if area is not None and area.contact_email:
        return [area.contact_email]
    council = connection.tenant
    return [council.contact_email] if council.contact_email else []


def _alert_send_team(*, submission: FormSubmission, case: Case, definition: FormDefinition, opened: bool) -> None:
    """Tell the SEND team what kind of thing arrived and on which case: never a name or
    an answer."""
    council = connection.tenant
    title = definition.short_title
    if opened:
        what = (
            f"A family has sent {title} through the {council.service_name}: a request for an EHC needs "
            f"assessment. Case {case.reference} has been opened for it, and the 20-week clock started on "
            f"{long_date(case.started_on)}, the day the request was received."
        )
    else:
        what = (
            f"A family has sent {title} through the {council.service_name}. It has been added to case "
            f"{case.reference} ({case.get_kind_display()})."
        )
    link = council_link(reverse("staff:submission", args=[submission.pk]))
    body = "\n\n".join(
        [
            what,
            f"Submission reference: {submission.reference}.",
            *([f"Read it, with its files and a PDF for the case file:\n{link}"] if link else []),
            "This email does not include any names or answers: sign in to read them.",
        ]
    )
    for address in alert_recipients(case.child):
        email_queue(to=[address], subject=f"{title} received: case {case.reference}", body=body)


def _alert_send_team_waiting(*, submission: FormSubmission, definition: FormDefinition) -> None:
    """A request for an assessment sent with an access request the team has not decided:
    it was received today, so the team hears at once that a clock runs on the request."""
    council = connection.tenant
    title = definition.short_title
    received = long_date(timezone.localdate(submission.submitted_at))
    link = council_link(reverse("staff:access-request", args=[submission.access_request_id]))
    body = "\n\n".join(
        [
            f"A family has sent {title} through the {council.service_name}: a request for an EHC needs assessment, "
            f"sent while their request to see the child's records (access request {submission.access_request_id}) "
            "is still waiting for the SEND team.",
            f"The request was received on {received}: the 20-week clock counts from that day. Approving the access "
            "request opens the case with that start date.",
            f"Submission reference: {submission.reference}.",
            *([f"Check the access request and read what was sent:\n{link}"] if link else []),
            "This email does not include any names or answers: sign in to read them.",
        ]
    )
    for address in alert_recipients(None):
        email_queue(
            to=[address],
            subject=f"{title} received with access request {submission.access_request_id}: decide the request",
            body=body,
        )


def _tell_sender_received(*, submission: FormSubmission, account, definition: FormDefinition) -> None:
    """The family member who sent the form hears that it arrived, with its reference
    (issue 19, item 16): never the child's name or an answer. The link goes to the
    confirmation: what happens next, and the copy of what was sent."""
    sent_on = long_date(timezone.localdate(submission.submitted_at))
    lines = [
        f"The SEND team has received the {definition.short_title} you sent on {sent_on}. "
        f"Your reference is {submission.reference}.",
    ]
    if submission.case_id is None:
        lines.append(
            f"Your request counts as received on {sent_on}, even though the SEND team has not yet checked your "
            "request to see the child's records. We will email you when they have."
        )
    lines.append("You do not need to do anything now. Keep the reference in case you contact the SEND team about it.")
    account_alert(
        account=account,
        subject=f"{definition.short_title} received: reference {submission.reference}",
        lines=lines,
        path=reverse("runner:confirmation", args=[submission.pk]),
    )


# --- Approving the access request a request for an assessment was sent with ------------


def request_submissions_attach(
    *,
    access_request: AccessRequest,
    child: Child,
    actor,
    actor_role: str,
    request: HttpRequest | None = None,
) -> list[Case]:
    """The access request has been approved for `child` (the caller holds its row lock):
    its drafts are now about the child, and each request for an assessment sent with it
    opens the child's EHC needs assessment, the clock counting from the day it was sent
    (or, when one is already under way, joins it). Returns the cases fed."""
    FormDraft.objects.filter(access_request=access_request, child__isnull=True).update(child=child)
    cases = []
    for submission in (
        FormSubmission.objects.select_for_update()
        .filter(access_request=access_request, case__isnull=True)
        .select_related("version")
        .order_by("submitted_at", "pk")
    ):
        received = timezone.localdate(submission.submitted_at)
        under_way = _open_cases(child, (CaseKind.ASSESSMENT,)).first()
        if under_way is not None:
            case = under_way
            summary = f"Added {submission.reference}, sent before access was checked, to the case under way"
        else:
            case = case_open(
                child=child,
                kind=CaseKind.ASSESSMENT,
                started_on=received,
                actor=actor,
                actor_role=actor_role,
                request=request,
            )
            summary = (
                f"Opened the case from {submission.reference}, sent before access was checked: "
                "the clock counts from the day it was sent"
            )
        submission.child = child
        submission.case = case
        submission.save(update_fields=["child", "case", "updated_at"])
        audit_record(
            actor=actor,
            actor_role=actor_role,
            action=AuditEvent.Action.CHANGED,
            subject=AuditEvent.Subject.FORM_SUBMISSION,
            subject_id=submission.pk,
            case=case,
            summary=summary,
            request=request,
        )
        cases.append(case)
    return cases


# --- Downloads ---------------------------------------------------------------------------


def submission_pdf_download(
    *, submission: FormSubmission, actor, actor_role: str, request: HttpRequest | None
) -> FileResponse:
    """Stream a submission's PDF to someone the caller has checked may see it; every
    download is an audit event, as for documents."""
    if not submission.pdf:
        raise Http404
    return audited_download(
        submission.pdf,
        filename=f"{submission.reference}.pdf",
        content_type="application/pdf",
        what=f"The PDF of form submission {submission.pk}",
        actor=actor,
        actor_role=actor_role,
        subject=AuditEvent.Subject.FORM_SUBMISSION,
        subject_id=submission.pk,
        case=submission.case,
        summary=f"Downloaded the PDF of a form submission ({submission.reference})",
        request=request,
    )


def submission_file_download(
    *, form_file: FormFile, submission: FormSubmission, actor, actor_role: str, request: HttpRequest | None
) -> FileResponse:
    return audited_download(
        form_file.file,
        filename=form_file.name,
        content_type=form_file.content_type,
        what=f"Form file {form_file.pk}",
        actor=actor,
        actor_role=actor_role,
        subject=AuditEvent.Subject.FORM_FILE,
        subject_id=form_file.pk,
        case=submission.case,
        summary=f"Downloaded a file sent with a form ({submission.reference})",
        request=request,
    )


def submission_view_record(*, submission: FormSubmission, actor, actor_role: str, request: HttpRequest | None) -> None:
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.VIEWED,
        subject=AuditEvent.Subject.FORM_SUBMISSION,
        subject_id=submission.pk,
        case=submission.case,
        summary=f"Viewed a form submission ({submission.reference})",
        request=request,
    )
