"""Writes about cases: opening one, recording its steps, advice and exceptions, assigning
it. Every write is atomic, leaves an audit event, then refreshes the case's cached stage
and next deadline from the statutory clock (`case_refresh`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from casework import clock
from casework.models import AdviceRequest, AuditEvent, Case, CaseException, CaseKind, Child, Milestone, StaffMembership
from casework.selectors.cases import (
    FINISHED,
    KINDS_WITH_EXCEPTIONS,
    STARTED_ON_LABELS,
    TRANSFER_KINDS,
    CaseRecords,
    Recorded,
    StepKind,
    case_family_members,
    case_records,
    case_stage,
    case_timeline,
    family_replies,
    step_kind,
    step_kinds,
    step_out_of_order,
    timeline_build,
)
from casework.services.audit import audit_record
from casework.services.messages import case_kind_phrase, family_alert, family_case_path
from casework.steps import STAGE_TEXTS
from tenants.current import current_schema
from themes.wording import in_sentence

if TYPE_CHECKING:
    from citizen.accounts.models import Account

REFERENCE_PREFIXES: dict[str, str] = {
    CaseKind.ASSESSMENT: "EHC",
    CaseKind.ANNUAL_REVIEW: "AR",
    CaseKind.REASSESSMENT: "RA",
    CaseKind.PHASE_TRANSFER: "PT",
}


# --- Helpers ------------------------------------------------------------------------


def _role(actor: Account | None, actor_role: str | None) -> str:
    if actor_role:
        return actor_role
    membership = StaffMembership.objects.filter(account_id=getattr(actor, "pk", None), is_active=True).first()  # type: ignore[misc]
    return membership.role if membership else "family"


# The clock's refusals in words staff can act on (the rest say what the clock says).
_STAFF_WORDS = {
    clock.RefusalCode.NEEDS_DECISION_TO_ASSESS: "Record the decision to assess first: this step needs it.",
    clock.RefusalCode.AMENDMENTS_NEED_AMEND: (
        "Proposed changes and an amended plan need a decision to change (amend) the plan."
    ),
    clock.RefusalCode.NOT_TO_ISSUE_WITH_PLAN: (
        "A decision not to issue a plan cannot be recorded with a draft or final plan."
    ),
}


def _plain(error: ValueError) -> str:
    """A refusal from the clock, worded for the SEND team."""
    if not isinstance(error, clock.Refusal):
        return str(error)
    if error.code == clock.RefusalCode.DATE_BEFORE_START:
        start = error.params["start"]
        assert isinstance(start, date)
        return f"The date must be the same as or after {clock.long_date(start)} ({error.params['start_name']})."
    return _STAFF_WORDS.get(error.code, str(error))


def _active_caseworker(account: Account | None) -> None:
    if account is not None and not StaffMembership.objects.filter(account_id=account.pk, is_active=True).exists():
        raise ValidationError({"caseworker": "Choose someone in the SEND team."})


def _next_reference(kind: str, year: int) -> str:
    """The next "EHC-2026-00042": numbered per kind and year, never reused. A
    transaction-scoped advisory lock per council, kind and year serialises two openings."""
    prefix = f"{REFERENCE_PREFIXES[kind]}-{year}-"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"case-reference:{current_schema()}:{prefix}"])
    last = (
        Case.objects.filter(reference__startswith=prefix).order_by("-reference").values_list("reference", flat=True)
    ).first()
    number = int(last.removeprefix(prefix)) + 1 if last and last.removeprefix(prefix).isdigit() else 1
    return f"{prefix}{number:05d}"


# --- The cached clock --------------------------------------------------------------------


def case_refresh(*, case: Case, today: date | None = None) -> Case:
    """Recompute the case's timeline from its rows and cache its stage (the key of the
    next step, or "finished") and next deadline, for the caseload to sort and filter."""
    today = today or timezone.localdate()
    timeline = case_timeline(case, today)
    case.stage = case_stage(timeline)
    case.next_deadline = timeline.next_deadline
    if case.stage == FINISHED:
        done = [s.done_on for s in timeline.steps if s.done_on]
        case.closed_on = max(done) if done else today
    else:
        case.closed_on = None
    case.save(update_fields=["stage", "next_deadline", "closed_on", "updated_at"])
    return case


def cases_refresh_stale(*, today: date | None = None) -> int:
    """Refresh every open case whose cached next deadline has passed: a family's window
    that closed or a review meeting now held changes what comes next without any write.
    Meant for a daily task. Returns how many were refreshed."""
    today = today or timezone.localdate()
    count = 0
    for case in Case.objects.exclude(stage=FINISHED).filter(next_deadline__lt=today).select_related("child"):
        with transaction.atomic():
            case_refresh(case=case, today=today)
        count += 1
    return count


# --- Opening and assigning ------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    child: Child,
    kind: str,
    started_on: date,
    caseworker: Account | None = None,
    transfer_kind: str = "",
    actor: Account | None,
    actor_role: str | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Case:
    """Open a case on the statutory clock for a child. `started_on` is the date the
    clock counts from, as the kind needs it (see selectors.cases.STARTED_ON_LABELS)."""
    today = today or timezone.localdate()
    if kind not in CaseKind.values:
        raise ValidationError({"kind": "Choose what kind of case this is."})
    errors: dict[str, str] = {}
    if kind == CaseKind.PHASE_TRANSFER:
        if transfer_kind not in dict(TRANSFER_KINDS):
            errors["transfer_kind"] = "Choose what kind of move this is."
    else:
        transfer_kind = ""
        if started_on > today:
            errors["started_on"] = f"{STARTED_ON_LABELS[kind]} must be today or in the past."
    if errors:
        raise ValidationError(errors)
    _active_caseworker(caseworker)

    case = Case(
        child=child,
        kind=kind,
        reference=_next_reference(kind, today.year),
        caseworker=caseworker,
        started_on=started_on,
        transfer_kind=transfer_kind,
    )
    case.full_clean()
    case.save()
    audit_record(
        actor=actor,
        actor_role=_role(actor, actor_role),
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.CASE,
        subject_id=case.pk,
        case=case,
        summary=f"Opened the case ({case.get_kind_display()})",
        request=request,
    )
    case = case_refresh(case=case, today=today)
    _tell_family_case_opened(case)
    return case


def _tell_family_case_opened(case: Case) -> None:
    """Each family member who can see the child hears that the case is open, what happens
    first and the legal deadline for it (issue 19, item 7): never the child's name."""
    if case.stage == FINISHED or case.next_deadline is None:
        return
    first_step = STAGE_TEXTS.get(case.stage, "")
    for access in case_family_members(case):
        what = case_kind_phrase(case, relationship=access.relationship)
        family_alert(
            access=access,
            subject=f"{what[0].upper()}{what[1:]} is open",
            lines=[
                f"The SEND team has opened {what} (case {case.reference}).",
                f"What happens first: {in_sentence(first_step)}. The law says this must happen by "
                f"{clock.long_date(case.next_deadline)}.",
                "You do not need to do anything now. You can follow each step and its deadline in your SEND area, "
                "and send the SEND team a message there.",
            ],
            path=family_case_path(case.pk),
        )


@transaction.atomic
def case_assign(
    *,
    case: Case,
    caseworker: Account | None,
    actor: Account | None,
    actor_role: str | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Give the case to a member of the SEND team (or to nobody, with None)."""
    _active_caseworker(caseworker)
    case.caseworker = caseworker
    case.save(update_fields=["caseworker", "updated_at"])
    audit_record(
        actor=actor,
        actor_role=_role(actor, actor_role),
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.CASE,
        subject_id=case.pk,
        case=case,
        summary="Assigned the case to a caseworker" if caseworker else "Took the caseworker off the case",
        request=request,
    )
    return case_refresh(case=case)


# --- Steps ----------------------------------------------------------------------------------


@transaction.atomic
def milestone_record(
    *,
    case: Case,
    key: str,
    occurred_on: date,
    outcome: str = "",
    note: str = "",
    actor: Account | None,
    actor_role: str | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Milestone:
    """Record the date a step happened (and the decision, where the step is one).

    `key` must be one of the case kind's steps (the clock argument it fills). The date
    is checked against the case's start and its neighbouring steps, then the whole
    timeline is rebuilt with it: anything the clock refuses becomes a ValidationError in
    plain English. A review meeting not yet held may be recorded again (re-booked).
    """
    today = today or timezone.localdate()
    case = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    step = step_kind(case.kind, key)
    if step is None:
        raise ValidationError({"key": "Choose a step this case has."})
    records = case_records(case)
    existing = records.milestones.get(key)
    if existing is not None and not (key == "meeting" and existing.occurred_on > today):
        raise ValidationError({"key": f"{step.label} has already been recorded."})
    out_of_order = step_out_of_order(
        case=case, step=step, milestones=records.milestones, replies=family_replies(case), occurred_on=occurred_on
    )
    if out_of_order is not None:
        raise ValidationError({"key": out_of_order.staff_words()})
    outcome = _milestone_outcome(step, outcome)
    _milestone_date_check(case=case, step=step, records=records, occurred_on=occurred_on, today=today)
    trial = {**records.milestones, key: Recorded(occurred_on, outcome)}
    try:
        timeline_build(case=case, milestones=trial, advice=records.advice, exceptions=records.exceptions, today=today)
    except ValueError as error:
        raise ValidationError({"key": _plain(error)}) from None

    milestone, summary = _milestone_save(
        case=case, step=step, existing=existing, occurred_on=occurred_on, outcome=outcome, note=note, actor=actor
    )
    audit_record(
        actor=actor,
        actor_role=_role(actor, actor_role),
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.MILESTONE,
        subject_id=milestone.pk,
        case=case,
        summary=summary,
        request=request,
    )
    case_refresh(case=case, today=today)
    return milestone


def _milestone_outcome(step: StepKind, outcome: str) -> str:
    """The decision a step records: one of its outcomes, or none for a step without."""
    if not step.outcomes:
        return ""
    if outcome not in dict(step.outcomes):
        raise ValidationError({"outcome": step.outcome_error})
    return outcome


def _milestone_date_check(*, case: Case, step: StepKind, records: CaseRecords, occurred_on: date, today: date) -> None:
    """The date against today, the case's start, and the steps it must come after or before."""
    if occurred_on > today and not step.may_be_future:
        raise ValidationError({"occurred_on": "The date must be today or in the past."})
    if case.kind != CaseKind.PHASE_TRANSFER and occurred_on < case.started_on:
        start = f"{clock.long_date(case.started_on)} ({in_sentence(STARTED_ON_LABELS[case.kind])})"
        raise ValidationError({"occurred_on": f"The date must be the same as or after {start}."})
    for earlier in step.after:
        other = records.milestones.get(earlier)
        if other is not None and occurred_on < other.occurred_on:
            label = in_sentence(step_kind(case.kind, earlier).label)  # type: ignore[union-attr]
            when = clock.long_date(other.occurred_on)
            raise ValidationError({"occurred_on": f"The date must be the same as or after {when} ({label})."})
    for later in step_kinds(case.kind):
        other = records.milestones.get(later.key)
        if step.key in later.after and other is not None and occurred_on > other.occurred_on:
            when = clock.long_date(other.occurred_on)
            raise ValidationError(
                {"occurred_on": f"The date must be the same as or before {when} ({in_sentence(later.label)})."}
            )


def _milestone_save(
    *, case: Case, step: StepKind, existing, occurred_on: date, outcome: str, note: str, actor: Account | None
) -> tuple[Milestone, str]:
    """A new milestone, or a booked review meeting moved; and what the audit log says.
    A council system (the API) records as no account: recorded_by stays empty."""
    if existing is not None:
        previous = existing.occurred_on
        existing.occurred_on, existing.note, existing.recorded_by = occurred_on, note or existing.note, actor
        existing.full_clean()
        existing.save()
        return existing, f"Changed the date of: {step.label} (was {clock.long_date(previous)})"
    milestone = Milestone(
        case=case, key=step.key, occurred_on=occurred_on, outcome=outcome, note=note, recorded_by=actor
    )
    milestone.full_clean()
    milestone.save()
    summary = f"Recorded: {step.label}"
    if outcome:
        summary += f" ({in_sentence(dict(step.outcomes)[outcome])})"
    return milestone, summary


# --- Advice (reg 8) -----------------------------------------------------------------------


@transaction.atomic
def advice_request_record(
    *,
    case: Case,
    adviser: str,
    requested_on: date,
    actor: Account | None,
    actor_role: str | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
    **asked: Any,
) -> AdviceRequest:
    """Record that the council asked an adviser for advice (6 weeks to answer, reg 8).
    `asked`: an organisation asked through the portal (casework.services.advice) with its
    kind, what to cover and the family's consent."""
    today = today or timezone.localdate()
    case = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if case.kind != CaseKind.ASSESSMENT:
        raise ValidationError("Advice requests are recorded on EHC needs assessments only.")
    adviser = adviser.strip()
    if not adviser:
        raise ValidationError({"adviser": "Enter who the advice was asked from."})
    if requested_on > today:
        raise ValidationError({"requested_on": "The date must be today or in the past."})
    if requested_on < case.started_on:
        raise ValidationError(
            {
                "requested_on": f"The date must be the same as or after {clock.long_date(case.started_on)} "
                "(the date the request was received)."
            }
        )
    records = case_records(case)
    advice = AdviceRequest(case=case, adviser=adviser, requested_on=requested_on, requested_by=actor, **asked)
    try:
        timeline_build(case=case, milestones=records.milestones, advice=[*records.advice, advice], today=today)
    except ValueError as error:
        raise ValidationError(_plain(error)) from None
    advice.full_clean()
    advice.save()
    audit_record(
        actor=actor,
        actor_role=_role(actor, actor_role),
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.ADVICE_REQUEST,
        subject_id=advice.pk,
        case=case,
        summary="Asked for advice from a professional",
        request=request,
        organisation=advice.organisation,
    )
    case_refresh(case=case, today=today)
    return advice


@transaction.atomic
def advice_received(
    *,
    advice_request: AdviceRequest,
    received_on: date,
    actor: Account | None,
    actor_role: str | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> AdviceRequest:
    """Record the day an adviser's advice arrived."""
    today = today or timezone.localdate()
    advice = AdviceRequest.objects.select_for_update().select_related("case__child").get(pk=advice_request.pk)
    if advice.received_on is not None:
        raise ValidationError("This advice has already been recorded as received.")
    if advice.status == AdviceRequest.Status.DECLINED:
        raise ValidationError("This request was declined, so no advice is coming from it.")
    if received_on > today:
        raise ValidationError({"received_on": "The date must be today or in the past."})
    if received_on < advice.requested_on:
        raise ValidationError(
            {
                "received_on": f"The date must be the same as or after {clock.long_date(advice.requested_on)} "
                "(the date the advice was asked for)."
            }
        )
    advice.received_on = received_on
    advice.status, advice.closed_at = AdviceRequest.Status.RECEIVED, timezone.now()
    advice.full_clean()
    advice.save(update_fields=["received_on", "status", "closed_at"])
    audit_record(
        actor=actor,
        actor_role=_role(actor, actor_role),
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.ADVICE_REQUEST,
        subject_id=advice.pk,
        case=advice.case,
        summary="Recorded advice received from a professional",
        request=request,
    )
    case_refresh(case=advice.case, today=today)
    return advice


# --- Exceptions (reg 10(4)) -------------------------------------------------------------------


@transaction.atomic
def case_exception_record(
    *,
    case: Case,
    reason: str,
    start: date,
    end: date,
    setting: str = "",
    details: str = "",
    actor: Account | None,
    actor_role: str | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> CaseException:
    """Record an exception to the time limits (reg 10(4), 13(3), 27(3)): the clock's
    rules apply (a closure or an absence lasts at least 4 weeks; it ends after it starts)."""
    today = today or timezone.localdate()
    case = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if case.kind not in KINDS_WITH_EXCEPTIONS:
        raise ValidationError("Exceptions to the time limits apply to assessments and re-assessments only.")
    if reason not in {r.value for r in clock.ExceptionReason}:
        raise ValidationError({"reason": "Choose the reason for the exception."})
    if start > today:
        raise ValidationError({"start": "The start date must be today or in the past."})
    try:
        period = clock.ExceptionPeriod(
            reason=clock.ExceptionReason(reason), start=start, end=end, setting=setting.strip(), details=details.strip()
        )
    except ValueError as error:
        raise ValidationError({"end": _plain(error)}) from None
    exception = CaseException(
        case=case,
        reason=period.reason.value,
        start=period.start,
        end=period.end,
        setting=period.setting,
        details=period.details,
        recorded_by=actor,
    )
    exception.full_clean()
    exception.save()
    audit_record(
        actor=actor,
        actor_role=_role(actor, actor_role),
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.CASE_EXCEPTION,
        subject_id=exception.pk,
        case=case,
        summary=f"Recorded an exception to the time limits ({reason.replace('_', ' ')})",
        request=request,
    )
    case_refresh(case=case, today=today)
    return exception


# --- Views of a case ----------------------------------------------------------------------------


def case_view_record(
    *, case: Case, actor: Account | None, actor_role: str | None = None, request: HttpRequest | None = None
) -> None:
    """Viewing a case is itself an audit event."""
    audit_record(
        actor=actor,
        actor_role=_role(actor, actor_role),
        action=AuditEvent.Action.VIEWED,
        subject=AuditEvent.Subject.CASE,
        subject_id=case.pk,
        case=case,
        summary="Viewed the case",
        request=request,
    )
