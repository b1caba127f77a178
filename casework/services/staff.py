"""The council's SEND team: invitations and memberships."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from casework.models import StaffInvitation, StaffRole
from casework.services.emails import email_queue

INVITATION_LIFETIME = timedelta(days=7)


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def staff_invitation_create(*, email: str, role: str, invited_by=None, base_url: str) -> StaffInvitation:
    """Invite someone to the current council's SEND team and email them the link."""
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation(
        email=email.strip().lower(),
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    council = connection.tenant
    email_queue(
        to=[invitation.email],
        subject=f"You have been invited to {council.name}'s {council.service_name}",
        body=(
            f"You have been invited to join {council.name}'s SEND team on the {council.service_name} "
            f"as {StaffRole(role).label.lower()}.\n\n"
            f"Accept the invitation within 7 days:\n{base_url}/staff/invitations/{token}/\n\n"
            "If you were not expecting this, you can ignore this email."
        ),
    )
    return invitation
