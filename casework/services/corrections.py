"""A step recorded by mistake, put right (issue 19, item 1): a team manager (or the council
admin) changes its date or decision, or withdraws it, giving the reason. The same rules
as recording apply to what is left (the law's order of steps, the dates, the clock);
the correction is kept with its reason (MilestoneCorrection) and audited; the timeline
is recomputed; and the family is told only if their timeline reads differently after it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from casework import clock
from casework.models import AuditEvent, Case, Milestone, MilestoneCorrection, StaffMembership, StaffRole
from casework.selectors.cases import (
    CaseRecords,
    Recorded,
    case_family_members,
    case_records,
    case_timeline,
    family_replies,
    step_kind,
    step_kinds,
    step_out_of_order,
    timeline_build,
)
from casework.services.audit import audit_record
from casework.services.cases import _milestone_date_check, _milestone_outcome, _plain, case_refresh
from casework.services.messages import case_kind_phrase, family_alert, family_case_path

if TYPE_CHECKING:
    from citizen.accounts.models import Account

CORRECTORS = (StaffRole.TEAM_MANAGER, StaffRole.COUNCIL_ADMIN)


def corrector_role(account: Account | None) -> str | None:
    """The role that lets the account correct or withdraw a recorded step (a team
    manager or the council admin, active in this council's SEND team), else None."""
    if account is None or account.pk is None:
        return None
    membership = StaffMembership.objects.filter(account_id=account.pk, is_active=True, role__in=CORRECTORS).first()
    return membership.role if membership else None


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the step is being corrected"})
    return reason


@transaction.atomic
def milestone_correct(
    *,
    milestone: Milestone,
    occurred_on: date,
    outcome: str = "",
    reason: str,
    actor: Account,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> MilestoneCorrection:
    """Change a recorded step's date (and decision, where it is one)."""
    return _correct(
        milestone=milestone, occurred_on=occurred_on, outcome=outcome, reason=reason, actor=actor,
        request=request, today=today,
    )  # fmt: skip


@transaction.atomic
def milestone_withdraw(
    *, milestone: Milestone, reason: str, actor: Account, request: HttpRequest | None = None, today: date | None = None
) -> MilestoneCorrection:
    """Withdraw a step recorded by mistake: as if it had never been recorded, except in
    the audit log and the case's corrections."""
    return _correct(milestone=milestone, occurred_on=None, reason=reason, actor=actor, request=request, today=today)


def _correct(
    *,
    milestone: Milestone,
    occurred_on: date | None,
    outcome: str = "",
    reason: str,
    actor: Account,
    request: HttpRequest | None,
    today: date | None,
) -> MilestoneCorrection:
    today = today or timezone.localdate()
    role = corrector_role(actor)
    if role is None:
        raise PermissionDenied("Only a team manager can correct a step")
    reason = _reason(reason)
    case = Case.objects.select_for_update().select_related("child").get(pk=milestone.case_id)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, case=case)
    step = step_kind(case.kind, milestone.key)
    if step is None:
        raise ValidationError({"key": "This step cannot be corrected here."})
    records = case_records(case)
    before = case_timeline(case, today, records)
    trial = dict(records.milestones)
    if occurred_on is None:
        del trial[milestone.key]
    else:
        outcome = _milestone_outcome(step, outcome)
        if (occurred_on, outcome) == (milestone.occurred_on, milestone.outcome):
            raise ValidationError({"occurred_on": "This is what is recorded already: change the date or the decision"})
        rest = CaseRecords(milestones={k: m for k, m in trial.items() if k != step.key}, advice=records.advice)
        _milestone_date_check(case=case, step=step, records=rest, occurred_on=occurred_on, today=today)
        trial[step.key] = Recorded(occurred_on, outcome)
    _order_holds(case=case, milestones=trial)
    try:
        after = timeline_build(
            case=case, milestones=trial, advice=records.advice, exceptions=records.exceptions, today=today
        )
    except ValueError as error:
        raise ValidationError({"occurred_on" if occurred_on else "reason": _plain(error)}) from None

    correction = MilestoneCorrection(
        case=case,
        key=step.key,
        action=MilestoneCorrection.Action.WITHDRAWN if occurred_on is None else MilestoneCorrection.Action.CHANGED,
        was_on=milestone.occurred_on,
        was_outcome=milestone.outcome,
        now_on=occurred_on,
        now_outcome=outcome if occurred_on else "",
        reason=reason,
        corrected_by=actor,
        family_told=after.steps != before.steps,
    )
    if occurred_on is None:
        milestone.delete()
        summary = f"Withdrawn (recorded by mistake): {step.label}"
    else:
        milestone.occurred_on, milestone.outcome = occurred_on, outcome
        milestone.full_clean()
        milestone.save(update_fields=["occurred_on", "outcome"])
        summary = f"Corrected: {step.label}"
    correction.save()
    audit_record(
        actor=actor,
        actor_role=role,
        action=AuditEvent.Action.WITHDRAWN if occurred_on is None else AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.MILESTONE,
        subject_id=milestone.pk if occurred_on else None,
        case=case,
        summary=summary,
        request=request,
    )
    case_refresh(case=case, today=today)
    if correction.family_told:
        _tell_family(case)
    return correction


def _order_holds(*, case: Case, milestones: dict) -> None:
    """Every step left recorded still follows the law's order without the corrected one."""
    replies = family_replies(case)
    for step in step_kinds(case.kind):
        if step.key not in milestones:
            continue
        out = step_out_of_order(
            case=case, step=step, milestones=milestones, replies=replies, occurred_on=milestones[step.key].occurred_on
        )
        if out is not None:
            if out.missing is not None:
                raise ValidationError(
                    {"reason": f"“{step.label}” is recorded and comes after this step: correct or withdraw it first."}
                )
            closes = clock.long_date(out.comments_close)  # set when nothing is missing
            raise ValidationError(
                {
                    "occurred_on": f"“{step.label}” would then fall within the family's 15 days to comment, "
                    f"which would end on {closes}: correct it first."
                }
            )


def _tell_family(case: Case) -> None:
    """What the family read on their timeline changed: say so, without details ("your
    child's …", or "your …" to the young person themself)."""
    for access in case_family_members(case):
        what = case_kind_phrase(case, relationship=access.relationship)
        family_alert(
            access=access,
            subject="We corrected the timeline of " + what,
            lines=[
                f"The SEND team corrected a step on the timeline of {what}: it had been recorded "
                "by mistake or with the wrong date.",
                "The deadlines on the timeline are worked out again from the corrected steps. You do not need "
                "to do anything.",
            ],
            path=family_case_path(case.pk),
        )
