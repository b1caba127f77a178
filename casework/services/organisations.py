"""The organisations a council asks for advice, and their people.

The council registers an organisation and invites its first admin; from then on the
organisation's admins invite and remove their colleagues themselves. The work (advice
requests) belongs to the organisation, so when someone leaves, what they had taken is
handed to a colleague, or back to the organisation's tray, in the same step.

Every change is an audit event (subject "organisation", "organisation_invitation" or
"organisation_membership") whose summary names no one: the event's actor and subject
id say who.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from casework.models import (
    AdviceRequest,
    AuditEvent,
    Organisation,
    OrganisationInvitation,
    OrganisationKind,
    OrganisationMembership,
)
from casework.services.audit import audit_record
from casework.services.staff import InvitationUnusable, invitation_token_hash, invited_account_create
from citizen.accounts.models import Account
from tenants.current import current_council
from tenants.links import council_url
from tenants.outbox.services import email_queue

PROFESSIONAL = "professional"  # the actor_role of an organisation's people in the audit trail
INVITATION_LIFETIME = timedelta(days=7)


class MemberChangeRefused(Exception):
    """A change that would leave an organisation without an admin; str() says why."""


def _audit(
    *,
    actor: Account | None,
    actor_role: str,
    action: str,
    subject: str,
    subject_id: int,
    summary: str,
    organisation: Organisation,
    request: HttpRequest | None,
) -> None:
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=action,
        subject=subject,
        subject_id=subject_id,
        summary=summary,
        request=request,
        organisation=organisation,
    )


@transaction.atomic
def organisation_save(
    *,
    organisation: Organisation | None,
    name: str,
    kind: str,
    contact_email: str,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
    is_active: bool = True,
) -> Organisation:
    """Register an organisation (`organisation` None) or change one; one no longer
    registered (`is_active` False) is not offered to the SEND team, and its people lose
    access at once (casework.selectors.professionals). Raises ValidationError."""
    name = " ".join((name or "").split())
    creating = organisation is None
    row = Organisation() if organisation is None else Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Organisation.objects.filter(name__iexact=name).exclude(pk=row.pk).exists():
        raise ValidationError({"name": f"{name} is already registered"})
    row.name, row.kind, row.contact_email = name, kind, (contact_email or "").strip().lower()
    row.is_active = is_active
    row.full_clean()
    row.save()
    _audit(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CREATED if creating else AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.ORGANISATION,
        subject_id=row.pk,
        summary=f"{'Registered' if creating else 'Changed'} an organisation ({OrganisationKind(kind).label.lower()})"
        + ("" if is_active else ", no longer registered"),
        organisation=row,
        request=request,
    )
    return row


@transaction.atomic
def organisation_invitation_create(
    *,
    organisation: Organisation,
    email: str,
    is_admin: bool,
    invited_by: Account | None,
    actor_role: str,
    request: HttpRequest | None = None,
) -> OrganisationInvitation:
    """Invite someone to the organisation and email them the link. An open invitation for
    the same address is replaced (its link stops working); an active member is refused."""
    email = (email or "").strip().lower()
    if OrganisationMembership.objects.filter(
        organisation=organisation, account__email__iexact=email, is_active=True
    ).exists():
        raise ValidationError({"email": f"{email} is already in {organisation.name}"})
    OrganisationInvitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    ).delete()
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation(
        organisation=organisation,
        email=email,
        is_admin=is_admin,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    council = current_council()
    link = council_url(council=council, path=f"/professionals/invitations/{token}/")
    role = "an admin, who can invite and remove colleagues" if is_admin else "a member"
    email_queue(
        to=[email],
        subject=f"You have been invited to join {organisation.name} on {council.name}'s {council.service_name}",
        body="\n\n".join(
            [
                f"You have been invited to join {organisation.name} on {council.name}'s {council.service_name} "
                f"as {role}. Through it the council's SEND team asks {organisation.name} for advice about "
                "children and young people, and you send the advice back.",
                f"Accept the invitation within 7 days:\n{link}",
                "You will sign in with two-step verification every time.",
                "If you were not expecting this, you can ignore this email.",
            ]
        ),
    )
    _audit(
        actor=invited_by,
        actor_role=actor_role,
        action=AuditEvent.Action.SENT,
        subject=AuditEvent.Subject.ORGANISATION_INVITATION,
        subject_id=invitation.pk,
        summary=f"Invited someone to join an organisation{' as its admin' if is_admin else ''}",
        organisation=organisation,
        request=request,
    )
    return invitation


def organisation_invitation_for_token(token: str) -> OrganisationInvitation | None:
    """The invitation an emailed link is for, while it can still be accepted (unexpired,
    unused, its organisation still registered); found by the token's hash."""
    if not token or len(token) > 100:
        return None
    return (
        OrganisationInvitation.objects.select_related("organisation")
        .filter(
            token_hash=invitation_token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
            organisation__is_active=True,
        )
        .first()
    )


def _open_invitation_locked(invitation: OrganisationInvitation) -> OrganisationInvitation:
    locked = (
        OrganisationInvitation.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=invitation.pk)
        .first()
    )
    if (
        locked is None
        or locked.accepted_at is not None
        or locked.expires_at <= timezone.now()
        or not locked.organisation.is_active
    ):
        raise InvitationUnusable
    return locked


def _join(*, invitation: OrganisationInvitation, account: Account, request: HttpRequest | None):
    membership = (
        OrganisationMembership.objects.select_for_update()
        .filter(organisation=invitation.organisation, account=account)
        .first()
    )
    rejoining = membership is not None
    membership = membership or OrganisationMembership(organisation=invitation.organisation, account=account)
    membership.is_admin = invitation.is_admin or (rejoining and membership.is_active and membership.is_admin)
    membership.is_active, membership.ended_at = True, None
    membership.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _audit(
        actor=account,
        actor_role=PROFESSIONAL,
        action=AuditEvent.Action.CHANGED if rejoining else AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.ORGANISATION_MEMBERSHIP,
        subject_id=membership.pk,
        summary=f"{'Rejoined' if rejoining else 'Joined'} an organisation by invitation {invitation.pk}",
        organisation=invitation.organisation,
        request=request,
    )
    return membership


@transaction.atomic
def organisation_invitation_accept(
    *, invitation: OrganisationInvitation, account: Account, request: HttpRequest | None = None
) -> OrganisationMembership:
    """A signed-in account with the invited address joins. Raises InvitationUnusable."""
    locked = _open_invitation_locked(invitation)
    if account.email.lower() != locked.email.lower() or not account.is_active:
        raise InvitationUnusable
    return _join(invitation=locked, account=account, request=request)


@transaction.atomic
def organisation_invitation_accept_new_account(
    *,
    invitation: OrganisationInvitation,
    first_name: str,
    last_name: str,
    password: str,
    request: HttpRequest | None = None,
) -> OrganisationMembership:
    """Someone with no account joins, with a new verified account (staff's
    invited_account_create). Raises InvitationUnusable or AccountExists."""
    locked = _open_invitation_locked(invitation)
    account = invited_account_create(email=locked.email, first_name=first_name, last_name=last_name, password=password)
    return _join(invitation=locked, account=account, request=request)


@transaction.atomic
def organisation_invitation_withdraw(
    *, invitation: OrganisationInvitation, actor: Account, actor_role: str, request: HttpRequest | None = None
) -> None:
    locked = (
        OrganisationInvitation.objects.select_for_update().filter(pk=invitation.pk, accepted_at__isnull=True).first()
    )
    if locked is None:
        return
    _audit(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.WITHDRAWN,
        subject=AuditEvent.Subject.ORGANISATION_INVITATION,
        subject_id=locked.pk,
        summary="Withdrew an invitation to join an organisation",
        organisation=locked.organisation,
        request=request,
    )
    locked.delete()


@transaction.atomic
def organisation_member_remove(
    *,
    membership: OrganisationMembership,
    hand_to: OrganisationMembership | None,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
) -> int:
    """Take someone out of the organisation: they lose access to its work at once, and
    the open advice requests they had taken go to `hand_to` (an active colleague) or, with
    None, back to the organisation's tray. The last active admin cannot be removed (the
    council can invite a new admin first). Returns how many requests were handed over."""
    locked = OrganisationMembership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    if not locked.is_active:
        return 0
    if (
        locked.is_admin
        and not OrganisationMembership.objects.filter(organisation=locked.organisation, is_active=True, is_admin=True)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise MemberChangeRefused(
            f"This is {locked.organisation.name}'s only admin. Invite another admin first, "
            "so the organisation can always manage its people."
        )
    if hand_to is not None and (
        hand_to.organisation_id != locked.organisation_id or not hand_to.is_active or hand_to.pk == locked.pk
    ):
        raise ValidationError({"hand_to": "Choose a colleague who is still in the organisation"})
    taken = AdviceRequest.objects.select_for_update().filter(
        organisation=locked.organisation, taken_by_id=locked.account_id, status=AdviceRequest.Status.TAKEN
    )
    if hand_to is None:
        handed = taken.update(taken_by=None, status=AdviceRequest.Status.OPEN, updated_at=timezone.now())
    else:
        handed = taken.update(taken_by_id=hand_to.account_id, updated_at=timezone.now())
    locked.is_active, locked.ended_at = False, timezone.now()
    locked.save(update_fields=["is_active", "ended_at"])
    where = "to a colleague" if hand_to is not None else "back to the organisation's tray"
    _audit(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.ORGANISATION_MEMBERSHIP,
        subject_id=locked.pk,
        summary=f"Removed from an organisation; {handed} open request(s) handed {where}",
        organisation=locked.organisation,
        request=request,
    )
    return handed
