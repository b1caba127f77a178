"""Advice asked of organisations through the portal (reg 6 and 8: 6 weeks to answer).

The SEND team asks one or more organisations from the case page; each gets a request
on its tray and an email that says what is needed, for which case reference and by
when, never a child's name. A member takes the request (or an admin gives it to a
colleague), then sends the advice with its files, which records "advice received" on
the case's timeline, on time or late; or declines it with a reason, which tells the
SEND team at once and takes the step off the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from casework import clock
from casework.models import AdviceKind, AdviceRequest, AuditEvent, Case, Document, Organisation, OrganisationMembership
from casework.services.audit import audit_record
from casework.services.cases import advice_received, advice_request_record, case_refresh
from casework.services.documents import documents_upload_each
from casework.services.messages import case_page_path, council_link, staff_alert_recipients
from casework.services.organisations import PROFESSIONAL
from casework.submissions.models import FormDraft
from casework.submissions.services import professional_submission_record, sending, unsent_draft
from citizen.accounts.models import Account
from tenants.configuration import council_configuration
from tenants.current import current_council
from tenants.models import FormVariant, FormVersion
from tenants.outbox.services import email_queue

ADVICE_NOTE_MAX = 20_000


def asked_of(advice: AdviceRequest) -> Organisation:
    """The organisation a request through the portal was asked of (every one has one)."""
    if advice.organisation is None:
        raise ValueError(f"Advice request {advice.pk} was not asked through the portal")
    return advice.organisation


def professional_request_path(advice_id: int) -> str:
    return reverse("professionals:advice", args=[advice_id])


@transaction.atomic
def advice_ask(
    *,
    case: Case,
    organisations: Sequence[Organisation],
    kind: str,
    cover: str,
    family_consent: bool,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> list[AdviceRequest]:
    """Ask each organisation for advice on the case today; email each one. Raises
    ValidationError (nothing is asked of anyone then)."""
    today = today or timezone.localdate()
    errors = {}
    if not organisations:
        errors["organisations"] = "Choose who to ask for advice"
    if not family_consent:
        errors["family_consent"] = "Confirm the family has agreed to the advice being asked for"
    cover = (cover or "").strip()
    if not cover:
        errors["cover"] = "Enter what the advice should cover"
    if errors:
        raise ValidationError(errors)
    asked = []
    for organisation in organisations:
        if not organisation.is_active:
            raise ValidationError({"organisations": f"{organisation.name} is no longer registered"})
        if AdviceRequest.objects.filter(
            case=case, organisation=organisation, status__in=[AdviceRequest.Status.OPEN, AdviceRequest.Status.TAKEN]
        ).exists():
            raise ValidationError({"organisations": f"{organisation.name} has already been asked and has not answered"})
        asked.append(
            advice_request_record(
                case=case,
                adviser=organisation.name,
                requested_on=today,
                actor=actor,
                actor_role=actor_role,
                request=request,
                today=today,
                organisation=organisation,
                kind=kind,
                cover=cover,
                family_consent=True,
            )
        )
    council = current_council()
    for advice in asked:
        link = council_link(professional_request_path(advice.pk))
        email_queue(
            to=[asked_of(advice).contact_email],
            subject=f"Advice requested for case {case.reference}: due {clock.long_date(advice.due_on)}",
            body="\n\n".join(
                [
                    f"{council.name}'s SEND team has asked {asked_of(advice).name} for "
                    f"{AdviceKind(kind).label.lower()} for an EHC needs assessment, case {case.reference}.",
                    f"It is due by {clock.long_date(advice.due_on)} (6 weeks, regulation 8 of the SEND "
                    "Regulations 2014).",
                    *([f"Sign in to see the request and send the advice:\n{link}"] if link else []),
                    "This email does not include the child's name or details: sign in to see them.",
                ]
            ),
        )
    return asked


def _locked(advice: AdviceRequest, membership: OrganisationMembership) -> AdviceRequest:
    locked = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("case__child", "organisation")
        .get(pk=advice.pk)
    )
    if locked.organisation_id != membership.organisation_id or not membership.is_active:
        raise ValidationError("This request is not your organisation's.")
    if not locked.is_open:
        raise ValidationError(f"This request is already {locked.get_status_display().lower()}.")
    return locked


def _audit(advice: AdviceRequest, membership: OrganisationMembership, summary: str, request, action=None) -> None:
    audit_record(
        actor=membership.account,
        actor_role=PROFESSIONAL,
        action=action or AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.ADVICE_REQUEST,
        subject_id=advice.pk,
        case=advice.case,
        summary=summary,
        request=request,
        organisation=advice.organisation,
    )


@transaction.atomic
def advice_take(
    *,
    advice: AdviceRequest,
    membership: OrganisationMembership,
    to: OrganisationMembership | None = None,
    request: HttpRequest | None = None,
) -> AdviceRequest:
    """`membership` takes the request, or (an admin) gives it to the colleague `to`."""
    locked = _locked(advice, membership)
    who = to or membership
    if to is not None and (
        not membership.is_admin or to.organisation_id != membership.organisation_id or not to.is_active
    ):
        raise ValidationError({"to": "Choose a colleague in your organisation"})
    locked.taken_by_id, locked.status = who.account_id, AdviceRequest.Status.TAKEN
    locked.save(update_fields=["taken_by", "status"])
    _audit(locked, membership, "Gave the request to a colleague" if to else "Took the request", request)
    return locked


@transaction.atomic
def advice_send(
    *,
    advice: AdviceRequest,
    membership: OrganisationMembership,
    note: str,
    files: Iterable = (),
    request: HttpRequest | None = None,
    today: date | None = None,
) -> AdviceRequest:
    """Send the organisation's advice: the note and files go on the case (files as
    advice documents, checked and scanned like any upload; shared with the family at once
    where the council says so), and the case records the advice received today, on time
    or late. The SEND team is told. Raises ValidationError (nothing is kept then)."""
    today = today or timezone.localdate()
    locked = _locked(advice, membership)
    note, files = (note or "").strip(), list(files)
    if not note and not files:
        raise ValidationError({"note": "Write your advice, or attach it as a file"})
    if len(note) > ADVICE_NOTE_MAX:
        raise ValidationError(
            {"note": f"Your advice must be {ADVICE_NOTE_MAX:,} characters or fewer: attach it as a file"}
        )
    titled = [
        (
            upload,
            f"{locked.get_kind_display() or 'Advice'} from {asked_of(locked).name}"
            + (f" ({number} of {len(files)})" if len(files) > 1 else ""),
        )
        for number, upload in enumerate(files, start=1)
    ]
    _advice_documents(locked, membership, titled, request=request)
    return _arrived(locked, membership, note=note, request=request, today=today)


def _advice_documents(
    locked: AdviceRequest, membership: OrganisationMembership, titled: list, *, request
) -> list[Document]:
    """Each (file, title) kept on the case as an advice document of the request: checked
    and virus-scanned like any upload, seen by the SEND team, and by the family once
    shared (at once where the council says so). Raises ValidationError naming the file."""
    council = current_council()
    documents = documents_upload_each(
        case=locked.case,
        kind=Document.Kind.ADVICE,
        titled=titled,
        actor=membership.account,
        actor_role=PROFESSIONAL,
        field="files",
        request=request,
    )
    for document in documents:
        document.advice_request = locked
        update = ["advice_request"]
        if council.advice_shared_at_once:
            document.shared_with_family_at = timezone.now()
            update.append("shared_with_family_at")
        document.save(update_fields=update)
    return documents


def _arrived(
    locked: AdviceRequest, membership: OrganisationMembership, *, note: str, request, today: date
) -> AdviceRequest:
    """The advice has come (a note and files, or a form): recorded received today on the
    case's timeline, on time or late, and the SEND team told."""
    locked.advice_note, locked.sent_by = note, membership.account
    locked.taken_by_id = locked.taken_by_id or membership.account_id
    locked.save(update_fields=["advice_note", "sent_by", "taken_by"])
    locked = advice_received(
        advice_request=locked,
        received_on=today,
        actor=membership.account,
        actor_role=PROFESSIONAL,
        request=request,
        today=today,
    )
    verdict = "on time" if locked.on_time else f"late (it was due by {clock.long_date(locked.due_on)})"
    _tell_send_team(
        locked,
        subject=f"Advice received for case {locked.case.reference}",
        lines=[f"{asked_of(locked).name} has sent its advice for case {locked.case.reference}, {verdict}."],
    )
    return locked


# --- Advice through the council's form for that kind of advice (forms as data) -------------------


def advice_form_for(advice: AdviceRequest) -> tuple[FormVariant, FormVersion] | None:
    """The council's published form for the request's kind of advice (psychological
    advice uses the educational form where the council has no form of its own for it),
    or None: the organisation then writes its advice and attaches files."""
    forms = council_configuration(council=current_council()).advice_forms
    found = forms.get(advice.kind)
    if found is None and advice.kind == AdviceKind.PSYCHOLOGICAL:
        found = forms.get(AdviceKind.EDUCATIONAL)
    return found


def advice_draft(advice: AdviceRequest) -> FormDraft | None:
    """The request's advice form being filled in: one per request, shared by the
    organisation's people, so a colleague who takes over carries on where it was left."""
    return unsent_draft(advice_request=advice)


@transaction.atomic
def advice_draft_open(
    *, advice: AdviceRequest, membership: OrganisationMembership, request: HttpRequest | None = None
) -> FormDraft:
    """The request's advice form, started now if it is not yet (the request is taken by
    whoever starts it, when nobody has). Raises ValidationError."""
    locked = _locked(advice, membership)
    draft = advice_draft(locked)
    if draft is not None:
        return draft
    found = advice_form_for(locked)
    if found is None:
        raise ValidationError("The council has no form for this kind of advice: write it and attach files instead.")
    variant, version = found
    draft = FormDraft.objects.create(
        child=locked.case.child,
        advice_request=locked,
        variant=variant,
        version=version,
        account=membership.account,
    )
    if locked.taken_by_id is None:
        locked.taken_by_id, locked.status = membership.account_id, AdviceRequest.Status.TAKEN
        locked.save(update_fields=["taken_by", "status", "updated_at"])
    _audit(locked, membership, f"Started the advice form ({version.variant.title}, version {version.number})", request)
    return draft


def advice_form_send(
    *,
    advice: AdviceRequest,
    membership: OrganisationMembership,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> AdviceRequest:
    """Send the advice form: a submission on the case (its answers, files and PDF, as a
    family's form is kept), then the advice recorded received today, on time or late, and
    the SEND team told. Raises ValidationError, saying what is missing."""
    today = today or timezone.localdate()
    with sending() as stored:
        locked = _locked(advice, membership)
        draft = unsent_draft(advice_request=locked, lock=True)
        if draft is None:
            raise ValidationError("Start the advice form first.")
        # The form as a document (its PDF) and each file it sent, so the SEND team shares
        # them with the family as it shares any advice (or they go at once).
        professional_submission_record(
            draft=draft,
            case=locked.case,
            account=membership.account,
            organisation=asked_of(locked),
            actor_role=PROFESSIONAL,
            today=today,
            stored=stored,
            request=request,
            file_as=lambda sent: _advice_documents(locked, membership, sent, request=request),
        )
        return _arrived(locked, membership, note="", request=request, today=today)


@transaction.atomic
def advice_decline(
    *,
    advice: AdviceRequest,
    membership: OrganisationMembership,
    reason: str,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> AdviceRequest:
    """The organisation cannot give this advice (for example "not known to us"): the
    step leaves the case's clock and the SEND team is told at once, so they can ask
    someone else. Raises ValidationError."""
    today = today or timezone.localdate()
    locked = _locked(advice, membership)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why your organisation cannot give this advice"})
    locked.status, locked.declined_on, locked.decline_reason = AdviceRequest.Status.DECLINED, today, reason
    locked.closed_at = timezone.now()
    locked.sent_by = membership.account
    locked.save(update_fields=["status", "declined_on", "decline_reason", "closed_at", "sent_by"])
    _audit(locked, membership, "Declined the request", request, action=AuditEvent.Action.DECIDED)
    case_refresh(case=locked.case, today=today)
    _tell_send_team(
        locked,
        subject=f"Advice request declined for case {locked.case.reference}",
        lines=[
            f"{asked_of(locked).name} has declined the request for advice for case {locked.case.reference}. "
            "Its reason is on the case page.",
            "If the advice is still needed, ask someone else: the 6 weeks start again from the new request.",
        ],
    )
    return locked


def _tell_send_team(advice: AdviceRequest, *, subject: str, lines: list[str]) -> None:
    link = council_link(case_page_path(advice.case_id))
    for address in staff_alert_recipients(advice.case):
        email_queue(
            to=[address],
            subject=subject,
            body="\n\n".join(
                [*lines, *([f"See the case:\n{link}"] if link else []), "This email does not include any names."]
            ),
        )


REMIND_AHEAD = timedelta(days=7)  # as the SEND team's own reminders (casework.services.reminders)
CATCH_UP = timedelta(days=7)


def advice_reminders_send(*, today: date) -> int:
    """Remind organisations of their open requests: once 7 days before the due date, and
    once when it has passed (a run missed is caught up for a week, as the SEND team's
    reminders are). To the organisation's contact address and whoever took the request;
    what is needed, for which case and by when, never a child's name. Returns how many."""
    open_requests = AdviceRequest.objects.filter(
        organisation__isnull=False, status__in=[AdviceRequest.Status.OPEN, AdviceRequest.Status.TAKEN]
    ).select_related("organisation", "case", "taken_by")
    windows = {
        "reminded_ahead_at": open_requests.filter(
            reminded_ahead_at__isnull=True,
            requested_on__gte=today - clock.ADVICE,
            requested_on__lte=today + REMIND_AHEAD - clock.ADVICE,
        ),
        "reminded_overdue_at": open_requests.filter(
            reminded_overdue_at__isnull=True,
            requested_on__lt=today - clock.ADVICE,
            requested_on__gte=today - clock.ADVICE - CATCH_UP,
        ),
    }
    sent = 0
    for stamp, requests in windows.items():
        for advice in requests.order_by("requested_on", "pk"):
            with transaction.atomic():
                claimed = AdviceRequest.objects.filter(pk=advice.pk, **{f"{stamp}__isnull": True}).update(
                    **{stamp: timezone.now()}
                )
                if claimed:  # not sent by a run at the same moment
                    _remind(advice, overdue=stamp == "reminded_overdue_at")
                    sent += 1
    return sent


def _remind(advice: AdviceRequest, *, overdue: bool) -> None:
    organisation, due = asked_of(advice), clock.long_date(advice.due_on)
    what = f"{advice.get_kind_display() or 'Advice'} for case {advice.case.reference}"
    news = (
        f"{what} was due by {due} and has not arrived. The family's EHC needs assessment is waiting for it."
        if overdue
        else f"{what} is due by {due}, in a week or less."
    )
    to = [organisation.contact_email]
    if advice.taken_by is not None and advice.taken_by.email.lower() != organisation.contact_email.lower():
        to.append(advice.taken_by.email)
    link = council_link(professional_request_path(advice.pk))
    email_queue(
        to=to,
        subject=f"{'Overdue' if overdue else 'Due soon'}: advice for case {advice.case.reference}",
        body="\n\n".join(
            [
                f"To {organisation.name}: {news}",
                *([f"Sign in to send the advice, or to decline the request:\n{link}"] if link else []),
                "This email does not include the child's name or details: sign in to see them.",
            ]
        ),
    )
