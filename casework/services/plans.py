"""Saving a case's EHC plan as data (issue 15): the whole content in the template's shape,
checked first, with the revision it started from so that a save made meanwhile by
someone else is never overwritten silently. Every save is kept (PlanRevision) and is an
audit event.

Two ways in: `plan_save` replaces the whole content (the API); `plan_section_save` saves
one section from the drafting screen, merged into what is there when nobody else changed
that section since the revision the screen showed."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from casework.models import AdviceRequest, AuditEvent, Case, Plan, PlanRevision
from casework.plans.prefill import advice_from, section_a_from
from casework.plans.template import NATIONAL, plan_problems, without_dangling
from casework.selectors.professionals import advice_files_by_request
from casework.services.audit import audit_record
from casework.submissions.models import FormSubmission
from tenants.form_definitions import form_definition

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
    summary: str = "",
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
    PlanRevision.objects.create(plan=plan, revision=plan.revision, content=content, saved_by=actor)
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.PLAN,
        subject_id=plan.pk,
        case=case,
        summary=summary or f"Saved the EHC plan (revision {plan.revision})",
        request=request,
    )
    return plan


def plan_starting_content(case: Case) -> dict:
    """A new plan for the case: section A from the family's latest Section A (or their
    request for the assessment, where that is the council's form), and section K from the
    advice received, each with the document it came in."""
    content: dict[str, Any] = {}
    family_form = (
        FormSubmission.objects.filter(Q(case=case) | Q(child=case.child))
        .filter(feeds__in=(FormSubmission.Feeds.CONTRIBUTION, FormSubmission.Feeds.NEW_REQUEST))
        .select_related("version")
        .order_by("feeds", "-submitted_at", "-id")  # "contribution" sorts before "new_request"
        .first()
    )
    if family_form is not None:
        section_a = section_a_from(form_definition(family_form.version.definition), family_form.answers)
        if section_a:
            content["A"] = section_a
    received = list(
        AdviceRequest.objects.filter(case=case, received_on__isnull=False)
        .select_related("organisation")
        .order_by("received_on", "id")
    )
    if received:
        files = advice_files_by_request(case=case)
        content["K"] = {
            "advice": advice_from(
                (
                    advice.get_kind_display() if advice.kind else f"Advice from {advice.adviser}",
                    advice.organisation.name if advice.organisation else advice.adviser,
                    advice.received_on,
                    files[advice.pk][0].pk if files.get(advice.pk) else None,
                )
                for advice in received
            )
        }
    return content


def plan_start(*, case: Case, actor: Account, actor_role: str, request: HttpRequest | None = None) -> Plan:
    """Start the case's plan from what the case holds. Starting one already started
    changes nothing (two caseworkers pressing the button at once get the same plan)."""
    existing = Plan.objects.filter(case=case).first()
    if existing is not None and existing.revision:
        return existing
    try:
        return plan_save(
            case=case,
            content=plan_starting_content(case),
            revision=0,
            actor=actor,
            actor_role=actor_role,
            request=request,
            summary="Started the EHC plan from the case's Section A and advice",
        )
    except PlanChangedMeanwhile:
        return Plan.objects.get(case=case)


@transaction.atomic
def plan_section_save(
    *,
    case: Case,
    section: str,
    parts: dict,
    revision: int | None,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
) -> Plan:
    """Save one section as the drafting screen sent it, started from `revision`. Saved
    meanwhile by someone else: kept when they changed other sections only (their change
    and this one both stand); refused, naming them, when they changed this section too
    (None: they were told, and this replaces it). Links to items this save removed are
    removed with them."""
    plan = Plan.objects.select_for_update().get(case=case)
    current = plan.content or {}
    if revision is not None and revision != plan.revision:
        base = PlanRevision.objects.filter(plan=plan, revision=revision).first()
        # Revision 0 is the empty plan; any other revision is kept, unless it never was.
        lost = bool(revision) and base is None
        if lost or (base.content if base else {}).get(section, {}) != current.get(section, {}):
            raise PlanChangedMeanwhile(_changed_by(plan, section, since=revision))
    content = copy.deepcopy(current)
    content[section] = parts
    if not any(parts.values()):
        del content[section]
    return plan_save(
        case=case,
        content=without_dangling(content),
        revision=plan.revision,
        actor=actor,
        actor_role=actor_role,
        request=request,
        summary=f"Saved section {section} of the EHC plan (revision {plan.revision + 1})",
    )


def _changed_by(plan: Plan, section: str, *, since: int) -> str:
    last = plan.revisions.filter(revision__gt=since).select_related("saved_by").order_by("-revision").first()
    who = (last.saved_by.get_full_name() or last.saved_by.email) if last and last.saved_by else "A council system"
    when = timezone.localtime(last.saved_at).strftime("%-I:%M%p").lower() if last else ""
    return (
        f"{who} saved section {section} at {when}, while you were changing it. Your changes are below and "
        "have not been saved: compare them with the section as it is now, then save again to replace theirs."
    )
