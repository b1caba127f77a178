"""People a family trusts: the grants on a child with their consent log, the invitations
waiting for a signed-in person, and the SEND team's queue of grants to approve."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casework.models import Child, StaffMembership, TrustedGrant, TrustedGrantEvent

if TYPE_CHECKING:
    from citizen.accounts.models import Account


def _open() -> Q:
    return Q(ended_at__isnull=True, declined_at__isnull=True) & (
        Q(until__isnull=True) | Q(until__gte=timezone.localdate())
    )


def trusted_grants_for_child(*, child: Child) -> list[TrustedGrant]:
    """Every grant on the child, newest first, with its log and the people in it (two queries)."""
    events = TrustedGrantEvent.objects.select_related("actor").order_by("created_at", "id")
    return list(
        TrustedGrant.objects.filter(child=child)
        .select_related("invited_by", "account", "approved_by")
        .prefetch_related(Prefetch("events", queryset=events))
    )


def consent_log(grants: list[TrustedGrant]) -> list[TrustedGrantEvent]:
    """The grants' events as one log, newest first, from trusted_grants_for_child's
    prefetch (which also gives each event its grant: no query)."""
    events = [event for grant in grants for event in grant.events.all()]
    return sorted(events, key=lambda e: (e.created_at, e.pk), reverse=True)


def trusted_grant_on_child(*, child: Child, grant_id: int) -> TrustedGrant:
    grant = (
        TrustedGrant.objects.select_related("child", "invited_by", "account").filter(child=child, pk=grant_id).first()
    )
    if grant is None:
        raise Http404
    return grant


def invitations_for(*, account: Account) -> QuerySet[TrustedGrant]:
    """Invitations sent to the account's own (verified) address, not yet accepted, still open."""
    if account is None or not account.is_authenticated or not account.email:
        return TrustedGrant.objects.none()
    return (
        TrustedGrant.objects.filter(_open(), email__iexact=account.email, accepted_at__isnull=True)
        .select_related("child", "invited_by")
        .order_by("created_at", "id")
    )


def invitation_for(*, account: Account, grant_id: int) -> TrustedGrant:
    grant = invitations_for(account=account).filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    return grant


def trusted_grants_to_approve() -> QuerySet[TrustedGrant]:
    """The SEND team's queue: open grants waiting for approval, oldest first."""
    return (
        TrustedGrant.objects.filter(_open(), needs_approval=True, approved_at__isnull=True)
        .select_related("child", "invited_by", "account")
        .order_by("created_at", "id")
    )


def trusted_grant_for_staff(*, membership: StaffMembership | None, grant_id: int) -> TrustedGrant:
    if membership is None or not membership.is_active:
        raise Http404
    grant = (
        TrustedGrant.objects.select_related("child", "invited_by", "account", "approved_by")
        .prefetch_related(Prefetch("events", queryset=TrustedGrantEvent.objects.select_related("actor")))
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        raise Http404
    return grant
