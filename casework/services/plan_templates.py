"""A council's own version of the EHC plan template (issue 15, item 1): a draft its
admins edit as JSON, checked whole (casework.plans.template.template_problems), then
published; new plans start on the latest published version, plans already started keep
theirs. Every save and publish is an audit event."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from casework.models import AuditEvent
from casework.plans.template import template_problems
from casework.services.audit import audit_record
from tenants.models import Council, PlanTemplateVersion

if TYPE_CHECKING:
    from citizen.accounts.models import Account

MAX_BYTES = 200_000


def plan_template_text_check(text: str) -> tuple[Any, list[str]]:
    """JSON text from the editor: (definition, problems in words, each with its path)."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        return None, [f"The template must be {MAX_BYTES // 1000} KB or smaller."]
    try:
        definition = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [f"This is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."]
    return definition, [str(problem) for problem in template_problems(definition)]


@transaction.atomic
def plan_template_save(
    *,
    council: Council,
    text: str,
    publish: bool,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
) -> PlanTemplateVersion:
    """Keep the text as the council's draft (one draft at a time), and publish it if asked.
    Refused whole, naming every problem, when it is not a template a plan can be written on."""
    definition, problems = plan_template_text_check(text)
    if problems:
        raise ValidationError({"definition": problems})
    draft = PlanTemplateVersion.objects.select_for_update().filter(council=council, published_at__isnull=True).first()
    if draft is None:
        latest = PlanTemplateVersion.objects.filter(council=council).order_by("-number").first()
        draft = PlanTemplateVersion(council=council, number=(latest.number + 1) if latest else 1, created_by=actor)
    draft.definition = definition
    if publish:
        draft.published_at, draft.published_by = timezone.now(), actor
    draft.save()
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.COUNCIL_SETTINGS,
        subject_id=draft.pk,
        summary=f"{'Published' if publish else 'Saved a draft of'} the council's EHC plan template, "
        f"version {draft.number}",
        request=request,
    )
    return draft
