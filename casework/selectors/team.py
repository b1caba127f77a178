"""Reads for the team screens: members, invitations, and the invitation a link is for."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from casework.models import StaffInvitation, StaffMembership
from casework.services.staff import invitation_token_hash


def team_members() -> QuerySet[StaffMembership]:
    """Everyone in this council's SEND team, active first, then by name (one query)."""
    return StaffMembership.objects.select_related("account").order_by(
        "-is_active", "account__last_name", "account__first_name", "account__email"
    )


def team_member(*, member_id: int) -> StaffMembership:
    member = StaffMembership.objects.select_related("account").filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def invitations_open() -> QuerySet[StaffInvitation]:
    """Invitations not yet accepted (expired ones too, so an admin can send them again),
    soonest to expire first."""
    return StaffInvitation.objects.filter(accepted_at__isnull=True).order_by("expires_at", "id")


def invitation_open(*, invitation_id: int) -> StaffInvitation:
    invitation = invitations_open().filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def invitation_for_token(*, token: str) -> StaffInvitation | None:
    """The invitation an emailed link is for, while it can still be accepted: found by
    the token's hash (the token itself is never stored), unexpired and unused."""
    if not token or len(token) > 100:
        return None
    return StaffInvitation.objects.filter(
        token_hash=invitation_token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
