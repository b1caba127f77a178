"""Audit events: every view and change of a child's data, who, what, when, from where."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from casework.models import AuditEvent, Case, Child

if TYPE_CHECKING:
    from citizen.accounts.models import Account


def client_address(request: HttpRequest | None) -> str | None:
    """The address axes resolved for this request (it honours TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


def summary_with_actor_label(summary: str, request: HttpRequest | None) -> str:
    """The summary, naming who acted when no account did: an API client puts its name on
    the request (`audit_actor_label`, set by api.authentication), so every event a
    service records for a council system says which one."""
    label = getattr(request, "audit_actor_label", "") if request is not None else ""
    if not label:
        return summary[:200]
    suffix = f" (by {label})"
    return summary[: 200 - len(suffix)] + suffix


def audit_record(
    *,
    actor: Account | None,
    actor_role: str,
    action: str,
    subject: AuditEvent.Subject | str,  # a Subject's value; checked below
    subject_id: int | None = None,
    child: Child | None = None,
    case: Case | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
    organisation=None,
) -> AuditEvent:
    """Write one audit event. `summary` says what happened without personal data
    (never a name, a date of birth or message text). `organisation`: the professional's
    organisation, which the family's "who has seen the records" names."""
    if case is not None and child is None:
        child = case.child
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=actor_role,
        action=action,
        subject=AuditEvent.Subject(subject),  # a ValueError for free text
        subject_id=subject_id,
        child=child,
        case=case,
        summary=summary_with_actor_label(summary, request),
        organisation=organisation,
        ip_address=client_address(request),
    )
