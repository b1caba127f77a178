"""Saving a case's EHC plan as data (issue 15): the whole content in the template's shape,
checked first, with the revision it started from so that a save made meanwhile by
someone else is never overwritten silently. Every save is an audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from casework.models import AuditEvent, Case, Plan
from casework.plans.template import NATIONAL, plan_problems
from casework.services.audit import audit_record

if TYPE_CHECKING:
    from citizen.accounts.models import Account


class PlanChangedMeanwhile(ValidationError):
    """The plan was saved by someone else after the revision this save started from."""


@transaction.atomic
def plan_save(
    *,
    case: Case,
    content: Any,
    revision: int | None,
    actor: Account | None,
    actor_role: str,
    request: HttpRequest | None = None,
) -> Plan:
    """Replace the plan's content. `revision`: the revision the caller read (0 for a new
    plan); None only to replace whatever is there, knowingly."""
    problems = plan_problems(content)
    if problems:
        raise ValidationError({"content": [str(problem) for problem in problems]})
    Plan.objects.get_or_create(case=case, defaults={"template": NATIONAL.slug, "template_version": NATIONAL.version})
    plan = Plan.objects.select_for_update().get(case=case)
    if revision is not None and revision != plan.revision:
        raise PlanChangedMeanwhile(
            f"This plan has been saved since revision {revision}: it is at revision {plan.revision} now. "
            "Read it again and make your change to that."
        )
    plan.content = content
    plan.revision += 1
    plan.save(update_fields=["content", "revision", "updated_at"])
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.PLAN,
        subject_id=plan.pk,
        case=case,
        summary=f"Saved the EHC plan (revision {plan.revision})",
        request=request,
    )
    return plan
