"""Writes from the family's SEND area (citizen/): documents a family sends (with a
request to see a child's records, or on a case), their reply to a draft plan, a young
person's choice of who else sees their records, a printed copy of the plan, which emails
they want, and the reminder before their time to reply runs out.

Each write checks what it can itself (the caller has already checked who may see the
case or request, through casework.selectors), runs in a transaction, and leaves an audit
event. Emails say what kind of thing happened and link to the portal: never a name, a
date of birth, or what anybody wrote.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from casework import clock
from casework.file_checks import FileRefused, file_check, size_text
from casework.models import (
    AccessEvidence,
    AccessRequest,
    AlertPreference,
    AuditEvent,
    Case,
    ChildAccess,
    Document,
    DraftPlanReply,
    FamilyReminder,
    Milestone,
    PrintedCopyRequest,
    Relationship,
    ScanStatus,
)
from casework.selectors.cases import case_records
from casework.selectors.children import PENDING
from casework.selectors.messages import family_accesses_for_case
from casework.services.access import child_access_revoke
from casework.services.audit import audit_record
from casework.services.documents import _forget_stored_file, document_upload
from casework.services.messages import (
    alert_wanted,
    case_kind_phrase,
    case_page_path,
    council_link,
    family_alert,
    family_case_path,
    staff_alert_recipients,
)
from casework.services.scanning import upload_scan_enqueue
from citizen.selectors import REPLY_WINDOWS, plan_for_family, reply_window
from tenants.current import current_council
from tenants.models import Council
from tenants.outbox.services import email_queue
from tenants.storage import StorageRefused

if TYPE_CHECKING:
    from citizen.accounts.models import Account

logger = logging.getLogger(__name__)

FAMILY = "family"
FILES_PER_UPLOAD = 10  # in one form; more can be sent again
EVIDENCE_FILES_MAX = 10  # per request to see a child's records
REPLY_MAX_LENGTH = 10_000
PRINTED_COPY_INTERVAL = timedelta(hours=24)
REMINDER_DAYS_BEFORE = 3  # the reminder goes when this many days (or fewer) are left
NO_DETAILS = "This email does not include any names or what was written: sign in to read it."


def family_upload_max_bytes(council: Council) -> int:
    """The largest file a family may send to this council (Council.family_upload_max_mb)."""
    return council.family_upload_max_mb * 1024 * 1024


def _email_send_team(*, case: Case, subject: str, lines: list[str], path: str | None = None) -> None:
    """Tell whoever looks after the case (casework.services.messages: the caseworker, else
    the service area's or the council's address) that something arrived, with a link to
    the staff case page and nothing else."""
    link = council_link(path or case_page_path(case.pk))
    for address in staff_alert_recipients(case):
        email_queue(
            to=[address],
            subject=subject,
            body="\n\n".join([*lines, *([f"See it on the case page:\n{link}"] if link else []), NO_DETAILS]),
        )


# --- Which emails a family member wants -------------------------------------------------


@transaction.atomic
def alert_preferences_set(
    *, account: Account, messages: bool, documents: bool, deadlines: bool, request: HttpRequest | None = None
) -> AlertPreference:
    preference, _ = AlertPreference.objects.select_for_update().get_or_create(account=account)
    values = {"messages": messages, "documents": documents, "deadlines": deadlines}
    changed = [name for name, value in values.items() if getattr(preference, name) != value]
    for name in changed:
        setattr(preference, name, values[name])
    preference.full_clean()
    preference.save()
    if changed:
        audit_record(
            actor=account,
            actor_role=FAMILY,
            action=AuditEvent.Action.CHANGED,
            subject=AuditEvent.Subject.ALERT_PREFERENCES,
            subject_id=preference.pk,
            summary="Changed which emails they get: " + ", ".join(changed),
            request=request,
        )
    return preference


def alerts_channel_set(*, account: Account, alerts_by: str, mobile: str, request: HttpRequest | None = None) -> None:
    """Email, text or both, and the mobile number (already in +447… form, or empty)."""
    if alerts_by not in ("email", "text", "both"):
        raise ValidationError({"alerts_by": "Select how we should tell you"})
    if alerts_by != "email" and not mobile:
        raise ValidationError({"mobile": "Enter a UK mobile number to get texts"})
    changed = [
        name for name, value in (("alerts_by", alerts_by), ("mobile", mobile)) if getattr(account, name) != value
    ]
    if not changed:
        return
    account.alerts_by, account.mobile = alerts_by, mobile
    account.save(update_fields=changed)
    audit_record(
        actor=account,
        actor_role=FAMILY,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.ALERT_PREFERENCES,
        summary=f"Changed how they are told: {alerts_by}" + (" (mobile number changed)" if "mobile" in changed else ""),
        request=request,
    )


def alert_preferences(*, account: Account) -> AlertPreference:
    """The account's choices (every alert on when it has never chosen)."""
    return AlertPreference.objects.filter(account=account).first() or AlertPreference(account=account)


# --- Files a family sends ------------------------------------------------------------------


@dataclass(frozen=True)
class FileRefusal:
    """A file that was not kept, and why, in words the sender can act on."""

    name: str
    messages: tuple[str, ...]


@dataclass
class FilesSent:
    kept: list = field(default_factory=list)
    refused: list[FileRefusal] = field(default_factory=list)


def sent_name(upload) -> str:
    """The file's own name as the family chose it (no folders), for its title."""
    name = posixpath.basename((getattr(upload, "name", "") or "").replace("\\", "/")).strip()
    return name[:200] or "Document"


def _refusal(upload, error: Exception) -> FileRefusal:
    if isinstance(error, ValidationError):
        return FileRefusal(sent_name(upload), tuple(str(m) for m in error.messages))
    return FileRefusal(sent_name(upload), (str(error),))


VIRUS_FOUND = (
    "'{name}' has a virus in it, so we deleted it and the SEND team has not received it. Check your computer "
    "or phone with antivirus software, then send a clean copy."
)


def _after_scans(sent: FilesSent) -> None:
    """A kept document whose scan has already run and found a virus is a refused file."""
    for document in list(sent.kept):
        if document.scan_status == Document.ScanStatus.INFECTED:
            sent.kept.remove(document)
            sent.refused.append(FileRefusal(document.title, (VIRUS_FOUND.format(name=document.title),)))


def family_documents_upload(
    *, case: Case, account: Account, uploads: list, max_bytes: int, request: HttpRequest | None = None
) -> FilesSent:
    """Keep each good file on the case (as "From the family", visible to the family once
    its virus scan passes) and explain each refused one; a bad file never stops the good
    ones. Each kept file is its own audit event (casework.services.documents.document_upload);
    the SEND team gets one email for the lot. A scan that has already run (tasks run
    in-process without a broker) and found a virus turns its file into a refused one."""
    if len(uploads) > FILES_PER_UPLOAD:
        raise ValidationError(f"Choose {FILES_PER_UPLOAD} files or fewer at a time")
    sent = FilesSent()
    for upload in uploads:
        try:
            document = document_upload(
                case=case,
                kind=Document.Kind.FAMILY_UPLOAD,
                title=sent_name(upload),
                upload=upload,
                actor=account,
                actor_role=FAMILY,
                request=request,
                max_bytes=max_bytes,
            )
        except (ValidationError, StorageRefused) as error:
            sent.refused.append(_refusal(upload, error))
        else:
            sent.kept.append(document)
    _after_scans(sent)
    if sent.kept:
        count = len(sent.kept)
        what = "a document" if count == 1 else f"{count} documents"
        _email_send_team(
            case=case,
            subject=f"A family has sent {what} on case {case.reference}",
            lines=[f"A family member has sent {what} on case {case.reference} ({case.get_kind_display()})."],
        )
    return sent


def access_evidence_add(
    *, access_request: AccessRequest, account: Account, upload, max_bytes: int, request: HttpRequest | None = None
) -> AccessEvidence:
    """Keep a document sent with a request to see a child's records, checked by content
    (casework.file_checks). Only the family member who asked, and only while the SEND team
    has not decided. Raises FileRefused (a ValidationError) or StorageRefused; either way
    nothing is kept."""
    if access_request.account_id != account.pk:
        raise PermissionDenied
    if access_request.status not in PENDING:
        raise ValidationError("The SEND team has already decided this request, so you cannot send documents for it")
    if AccessEvidence.objects.filter(access_request=access_request).count() >= EVIDENCE_FILES_MAX:
        raise ValidationError(
            f"You have already sent {EVIDENCE_FILES_MAX} documents with this request. Send a message to the SEND "
            "team if you need to send more."
        )
    checked = file_check(upload, max_bytes=max_bytes)
    evidence = AccessEvidence(
        access_request=access_request,
        title=sent_name(upload),
        file=File(upload, name=checked.name),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=account,
    )
    evidence.full_clean()
    try:
        with transaction.atomic():
            evidence.save()  # stores the file first: StorageRefused leaves no row
            audit_record(
                actor=account,
                actor_role=FAMILY,
                action=AuditEvent.Action.CREATED,
                subject=AuditEvent.Subject.ACCESS_EVIDENCE,
                subject_id=evidence.pk,
                child=access_request.child,
                summary=f"Sent a document with a request to see a child's records: {checked.kind.label}, "
                f"{size_text(checked.size)}",
                request=request,
            )
            upload_scan_enqueue(evidence)  # the SEND team sees it once clamd says it is clean
    except Exception:
        _forget_stored_file(evidence)
        raise
    evidence.refresh_from_db(fields=["scan_status", "threat", "file"])
    if evidence.scan_status == ScanStatus.INFECTED:  # scanned already (tasks run in-process)
        raise FileRefused(VIRUS_FOUND.format(name=evidence.title), code="virus")
    return evidence


def access_evidence_upload_all(
    *,
    access_request: AccessRequest,
    account: Account,
    uploads: list,
    max_bytes: int,
    request: HttpRequest | None = None,
) -> FilesSent:
    """Several files at once, each kept or refused on its own."""
    if len(uploads) > FILES_PER_UPLOAD:
        raise ValidationError(f"Choose {FILES_PER_UPLOAD} files or fewer at a time")
    sent = FilesSent()
    for upload in uploads:
        try:
            sent.kept.append(
                access_evidence_add(
                    access_request=access_request, account=account, upload=upload, max_bytes=max_bytes, request=request
                )
            )
        except (FileRefused, StorageRefused) as error:
            sent.refused.append(_refusal(upload, error))
    return sent


# --- Replying to a draft plan ----------------------------------------------------------------


@transaction.atomic
def draft_plan_reply_create(
    *,
    case: Case,
    account: Account,
    response: str,
    comments: str = "",
    school_requested: str = "",
    meeting_requested: bool = False,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> DraftPlanReply:
    """The family's reply to the draft plan (or proposed changes): "I agree", or comments,
    and perhaps a school or college to name and a meeting (reg 13(1), reg 22(2)(c)).
    Accepted after the window's last day too, marked late; refused before the draft is
    sent and once the final plan is issued. The SEND team is told by email."""
    today = today or timezone.localdate()
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("child__service_area", "caseworker").get(pk=case.pk)
    )
    window = reply_window(case=case, milestones=case_records(case).milestones, today=today)
    if window is None:
        raise ValidationError("There is nothing to reply to on this case yet")
    if window.final_issued:
        raise ValidationError(
            f"The final plan has been issued, so you can no longer reply to {window.what}. "
            "Send a message to the SEND team instead"
        )
    comments = (comments or "").strip()
    school_requested = (school_requested or "").strip()
    if response not in DraftPlanReply.Response.values:
        raise ValidationError({"response": f"Select whether you agree with {window.what}"})
    if response == DraftPlanReply.Response.COMMENTS and not comments:
        raise ValidationError({"comments": f"Enter your comments on {window.what}"})
    if len(comments) > REPLY_MAX_LENGTH:
        raise ValidationError({"comments": f"Your comments must be {REPLY_MAX_LENGTH:,} characters or fewer"})
    reply = DraftPlanReply(
        case=case,
        account=account,
        step_key=window.kind.step_key,
        served_on=window.served_on,
        last_day=window.last_day,
        response=response,
        comments=comments,
        school_requested=school_requested,
        meeting_requested=meeting_requested,
        is_late=today > window.last_day,
    )
    reply.full_clean()
    reply.save()
    asks = [
        *(["asked for a school or college to be named"] if school_requested else []),
        *(["asked for a meeting"] if meeting_requested else []),
    ]
    audit_record(
        actor=account,
        actor_role=FAMILY,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.DRAFT_PLAN_REPLY,
        subject_id=reply.pk,
        case=case,
        summary=f"Replied to {window.what} ({reply.get_response_display().lower()}"
        + "".join(f", {a}" for a in asks)
        + (", after the last day" if reply.is_late else "")
        + ")",
        request=request,
    )
    late = (
        f" The reply came after the time to reply ended on {clock.long_date(window.last_day)}." if reply.is_late else ""
    )
    _email_send_team(
        case=case,
        subject=f"A family has replied to {window.what} on case {case.reference}",
        lines=[
            f"A family member has replied to {window.what} on case {case.reference} ({case.get_kind_display()})." + late
        ],
    )
    return reply


# --- Young people: who else sees their records --------------------------------------------


@transaction.atomic
def young_person_sharing_choose(
    *, young_person: ChildAccess, access: ChildAccess, keep: bool, request: HttpRequest | None = None
) -> ChildAccess:
    """From 16 the young person decides whether each parent or carer keeps seeing their
    records. Keeping is recorded; removing ends the access as the SEND team would
    (casework.services.access.child_access_revoke), recorded as the young person's decision,
    and the parent is told by email that their access changed, without detail."""
    young_person = ChildAccess.objects.select_for_update().get(pk=young_person.pk)
    if young_person.revoked_at is not None or young_person.relationship != Relationship.YOUNG_PERSON:
        raise PermissionDenied
    locked = ChildAccess.objects.select_for_update().select_related("account").get(pk=access.pk)
    if locked.child_id != young_person.child_id or locked.account_id == young_person.account_id:
        raise PermissionDenied
    if locked.revoked_at is not None:
        raise ValidationError("This person can no longer see your records")
    if not keep:
        return child_access_revoke(
            access=locked,
            reason="The young person chose to stop sharing their records with this person.",
            actor=young_person.account,
            actor_role=FAMILY,
            by_young_person=True,
            request=request,
        )
    locked.kept_by_young_person_at = timezone.now()
    locked.save(update_fields=["kept_by_young_person_at"])
    audit_record(
        actor=young_person.account,
        actor_role=FAMILY,
        action=AuditEvent.Action.DECIDED,
        subject=AuditEvent.Subject.CHILD_ACCESS,
        subject_id=locked.pk,
        child=locked.child,
        summary=f"The young person chose to keep sharing their records ({locked.get_relationship_display().lower()})",
        request=request,
    )
    return locked


# --- A printed copy of the plan -----------------------------------------------------------


class PrintedCopyTooSoon(ValidationError):
    """The same family member asked for a printed copy of this case's plan a short while
    ago: the first request is enough."""

    def __init__(self, previous: PrintedCopyRequest):
        self.previous = previous
        again = timezone.localtime(previous.requested_at + PRINTED_COPY_INTERVAL)
        super().__init__(
            "You asked for a printed copy of this plan on "
            f"{clock.long_date(timezone.localtime(previous.requested_at).date())}. The SEND team has your request. "
            f"You can ask again from {again:%-I:%M%p} on {clock.long_date(again.date())}".replace("AM", "am").replace(
                "PM", "pm"
            ),
            code="too_soon",
        )


def _postal_address(account: Account) -> list[str]:
    lines = [account.address_line_1, account.address_line_2, account.town, account.postcode]
    return [line for line in lines if line]


@transaction.atomic
def printed_copy_request(*, case: Case, account: Account, request: HttpRequest | None = None) -> PrintedCopyRequest:
    """Send a family member's request for the plan on paper to the contact address of the
    child's service area (the council's contact address when the area has none), and
    confirm it to them by email. The subject names the case reference, never the child.
    A second request from the same person within PRINTED_COPY_INTERVAL is refused."""
    case = Case.objects.select_for_update(of=("self",)).select_related("child__service_area").get(pk=case.pk)
    plan = plan_for_family(case=case)
    if plan is None:
        raise ValidationError("There is no plan on this case to print yet")
    previous = (
        PrintedCopyRequest.objects.filter(
            case=case, account=account, requested_at__gt=timezone.now() - PRINTED_COPY_INTERVAL
        )
        .order_by("-requested_at")
        .first()
    )
    if previous is not None:
        raise PrintedCopyTooSoon(previous)
    council = current_council()
    area = case.child.service_area
    to = (area.contact_email if area is not None else "") or council.contact_email
    if not to:
        raise ValidationError(
            "We cannot send your request online, because the SEND team has no email address set up for it. "
            "Contact the SEND team to ask for a printed copy"
        )
    row = PrintedCopyRequest(case=case, account=account, document=plan, sent_to=to)
    row.full_clean()
    row.save()
    plan_name = plan.get_kind_display()
    audit_record(
        actor=account,
        actor_role=FAMILY,
        action=AuditEvent.Action.SENT,
        subject=AuditEvent.Subject.PRINTED_COPY_REQUEST,
        subject_id=row.pk,
        case=case,
        summary=f"Asked for a printed copy of the plan ({plan_name})",
        request=request,
    )
    address = _postal_address(account)
    post_to = (
        "Post it to:\n" + "\n".join([account.get_full_name() or "The family member", *address])
        if address
        else "No postal address is recorded on their account: ask them for it through the case's messages."
    )
    link = council_link(case_page_path(case.pk))
    email_queue(
        to=[to],
        subject=f"Printed copy of an EHC plan requested: case {case.reference}",
        body="\n\n".join(
            [
                f"A family member has asked for a printed copy of the {plan_name.lower()} on case {case.reference} "
                f"({case.get_kind_display()}), shared with them on "
                f"{clock.long_date(timezone.localtime(plan.shared_with_family_at).date())}.",
                post_to,
                *([f"The case page:\n{link}"] if link else []),
            ]
        ),
    )
    family_link = council_link(family_case_path(case.pk))
    email_queue(
        to=[account.email],
        subject="We have your request for a printed copy of the plan",
        body="\n\n".join(
            [
                f"You asked for a printed copy of the plan on case {case.reference}. We have sent your request to "
                "the SEND team, who will post it to the address on your account.",
                "If your address has changed, update it in My account and tell the SEND team.",
                *([f"Sign in to the {council.service_name} to see the case:\n{family_link}"] if family_link else []),
                f"{council.name} SEND team",
            ]
        ),
    )
    return row


# --- Reminders before the time to reply runs out ------------------------------------------------


def draft_reply_reminders_send(*, today: date | None = None) -> int:
    """Remind each family member with live access whose time to reply to a draft plan (or
    proposed changes) ends within REMINDER_DAYS_BEFORE days, once per window, unless they
    have replied, the final plan is out, or they turned these reminders off. For a daily
    task; returns how many were queued."""
    today = today or timezone.localdate()
    # comments_close(served) = served + COMMENT_DAYS - 1: served in this range closes in 0..N days.
    latest_served = today - timedelta(days=clock.COMMENT_DAYS - 1)
    served = Milestone.objects.filter(
        key__in={kind.served for kind in REPLY_WINDOWS.values()},
        occurred_on__range=(latest_served, latest_served + timedelta(days=REMINDER_DAYS_BEFORE)),
    ).select_related("case__child")
    queued = 0
    for milestone in served:
        case = milestone.case
        window = reply_window(case=case, milestones=case_records(case).milestones, today=today)
        if window is None or window.final_issued or window.kind.served != milestone.key:
            continue
        replied = set(
            DraftPlanReply.objects.filter(case=case, served_on=window.served_on).values_list("account_id", flat=True)
        )
        for access in family_accesses_for_case(case=case):
            if access.is_trusted or access.account_id in replied:  # someone the family trusts cannot reply
                continue
            if not alert_wanted(account=access.account, kind="deadlines"):
                continue
            with transaction.atomic():
                _, created = FamilyReminder.objects.get_or_create(
                    case=case, account=access.account, last_day=window.last_day
                )
                if not created:
                    continue
                phrase = case_kind_phrase(case, relationship=access.relationship)
                left = "today" if window.days_left == 0 else f"on {clock.long_date(window.last_day)}"
                family_alert(
                    access=access,
                    subject=f"Your time to reply to {window.what} ends soon",
                    lines=[
                        f"Your time to reply to {window.what} about {phrase} ends {left}.",
                        "You can tell the SEND team you agree, send comments, ask for a school or college to be "
                        "named, and ask for a meeting. A reply after the last day is still sent, marked late.",
                    ],
                    path=family_case_path(case.pk, "reply"),
                    text=f"Your time to reply to {window.what} ends {left}. You can reply in your SEND area",
                )
                queued += 1
    return queued
