"""The council's SEND team: invitations and memberships.

Every change is an audit event (subject "staff_membership" or "staff_invitation") whose
summary names roles, never people: the event's actor and subject id say who.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from casework.models import AuditEvent, StaffInvitation, StaffMembership, StaffRole
from casework.services.audit import audit_record
from citizen.accounts.models import Account
from citizen.accounts.services import account_set_password
from citizen.accounts.services_account import account_sign_out_everywhere
from tenants.current import current_council
from tenants.links import council_url
from tenants.outbox.services import email_queue

INVITATION_LIFETIME = timedelta(days=7)


class InvitationUnusable(Exception):
    """The invitation has expired, has been used or withdrawn, or is for another address."""


class AccountExists(Exception):
    """Someone registered the invited address between the page and the form being sent:
    they sign in with that account instead."""


class TeamChangeRefused(Exception):
    """A change to the team that would leave it without its admin; str() says why, for the page."""


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor_role(account: Account | None) -> str:
    """The acting account's role in this council, for the audit trail ("platform" when an
    operator provisioned the council, so nobody in the council acted)."""
    if account is None:
        return "platform"
    role = StaffMembership.objects.filter(account=account).values_list("role", flat=True).first()
    return role or "platform"


@transaction.atomic
def staff_invitation_create(
    *, email: str, role: str, invited_by: Account | None = None, request: HttpRequest | None = None
) -> StaffInvitation:
    """Invite someone to the current council's SEND team and email them the link. An
    invitation still open for the same address is replaced: its link stops working. A
    former member may be invited back; an active one is refused (ValidationError)."""
    email = email.strip().lower()
    if StaffMembership.objects.filter(account__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": f"{email} is already in the team"})
    StaffInvitation.objects.filter(email__iexact=email, accepted_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation(
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    council = current_council()
    # A literal path: provisioning (a command, no request) calls this too.
    invitation_path = f"/staff/invitations/{token}/"
    email_queue(
        to=[invitation.email],
        subject=f"You have been invited to {council.name}'s {council.service_name}",
        body=(
            f"You have been invited to join {council.name}'s SEND team on the {council.service_name} "
            f"as {StaffRole(role).label.lower()}.\n\n"
            f"Accept the invitation within 7 days:\n{council_url(council=council, path=invitation_path)}\n\n"
            "If you were not expecting this, you can ignore this email."
        ),
    )
    audit_record(
        actor=invited_by,
        actor_role=_actor_role(invited_by),
        action=AuditEvent.Action.SENT,
        subject=AuditEvent.Subject.STAFF_INVITATION,
        subject_id=invitation.pk,
        summary=f"Invited someone to join the team as {StaffRole(role).label.lower()}",
        request=request,
    )
    return invitation


def _open_invitation_locked(invitation: StaffInvitation) -> StaffInvitation:
    """The invitation's row, locked so two clicks at once cannot both accept it, while it
    is still open and unexpired."""
    locked = StaffInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None or locked.accepted_at is not None or locked.expires_at <= timezone.now():
        raise InvitationUnusable
    return locked


def _join(*, invitation: StaffInvitation, account: Account, request: HttpRequest | None) -> StaffMembership:
    membership = StaffMembership.objects.select_for_update().filter(account=account).first()
    rejoining = membership is not None
    if membership is None:
        membership = StaffMembership(account=account)
    membership.role = invitation.role
    membership.is_active = True
    membership.full_clean()
    membership.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    role = StaffRole(invitation.role).label.lower()
    audit_record(
        actor=account,
        actor_role=invitation.role,
        action=AuditEvent.Action.CHANGED if rejoining else AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.STAFF_MEMBERSHIP,
        subject_id=membership.pk,
        summary=f"{'Rejoined' if rejoining else 'Joined'} the team as {role} by invitation {invitation.pk}",
        request=request,
    )
    return membership


@transaction.atomic
def staff_invitation_accept(
    *, invitation: StaffInvitation, account: Account, request: HttpRequest | None = None
) -> StaffMembership:
    """An existing, signed-in account accepts: it joins the team with the invited role
    (a former member is made active again). Raises InvitationUnusable."""
    locked = _open_invitation_locked(invitation)
    if account.email.lower() != locked.email.lower() or not account.is_active:
        raise InvitationUnusable
    return _join(invitation=locked, account=account, request=request)


def invited_account_create(*, email: str, first_name: str, last_name: str, password: str) -> Account:
    """The account for an invited address with none yet (staff or an organisation's
    people; the caller holds the invitation's lock): active and verified (the emailed
    link proves the address), with the password they chose (checked against the
    council's policy by the caller). An account registered but never activated is taken
    over the same way, as a password reset would: whoever registered it never proved the
    address. Raises AccountExists when an active account has the address."""
    account = Account.objects.select_for_update().filter(email__iexact=email).first()
    now = timezone.now()
    if account is None:
        try:
            with transaction.atomic():
                account = Account.objects.create_user(
                    email,
                    None,
                    first_name=first_name,
                    last_name=last_name,
                    is_active=True,
                    email_verified_at=now,
                )
        except IntegrityError as exc:  # registered between the lock and the insert
            raise AccountExists from exc
    elif not account.is_active and account.email_verified_at is None:
        account.first_name, account.last_name = first_name, last_name
        account.is_active, account.email_verified_at = True, now
        account.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
        account.save(update_fields=["first_name", "last_name", "is_active", "email_verified_at"])
    else:
        raise AccountExists
    account_set_password(account=account, password=password, end_other_sessions=True)
    return account


@transaction.atomic
def staff_invitation_accept_new_account(
    *,
    invitation: StaffInvitation,
    first_name: str,
    last_name: str,
    password: str,
    request: HttpRequest | None = None,
) -> StaffMembership:
    """Someone with no account accepts: invited_account_create, then they join the team.
    Raises InvitationUnusable, or AccountExists when an active account has the address."""
    locked = _open_invitation_locked(invitation)
    account = invited_account_create(email=locked.email, first_name=first_name, last_name=last_name, password=password)
    return _join(invitation=locked, account=account, request=request)


@transaction.atomic
def staff_invitation_withdraw(*, invitation: StaffInvitation, by: StaffMembership, request: HttpRequest | None = None):
    """Withdraw an invitation not yet accepted: its link stops working."""
    locked = StaffInvitation.objects.select_for_update().filter(pk=invitation.pk, accepted_at__isnull=True).first()
    if locked is None:
        return
    audit_record(
        actor=by.account,
        actor_role=by.role,
        action=AuditEvent.Action.WITHDRAWN,
        subject=AuditEvent.Subject.STAFF_INVITATION,
        subject_id=locked.pk,
        summary="Withdrew an invitation to join the team",
        request=request,
    )
    locked.delete()


OWN_CHANGES = {"role": "You cannot change your own role", "deactivate": "You cannot deactivate yourself"}


def refuse_own_change(*, membership: StaffMembership, by: StaffMembership, change: str) -> None:
    """A council admin may not change their own role or deactivate themselves: the team
    could be left without an admin. Raises TeamChangeRefused, whose words fit the page."""
    if membership.pk == by.pk:
        raise TeamChangeRefused(
            f"{OWN_CHANGES[change]}. Ask another council admin to do it, so the team always has an admin."
        )


@transaction.atomic
def staff_member_change_role(
    *, membership: StaffMembership, role: str, by: StaffMembership, request: HttpRequest | None = None
) -> StaffMembership:
    refuse_own_change(membership=membership, by=by, change="role")
    locked = StaffMembership.objects.select_for_update().get(pk=membership.pk)
    before = locked.role
    if before == role:
        return locked
    locked.role = role
    locked.full_clean()
    locked.save(update_fields=["role"])
    audit_record(
        actor=by.account,
        actor_role=by.role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.STAFF_MEMBERSHIP,
        subject_id=locked.pk,
        summary=f"Role changed from {StaffRole(before).label.lower()} to {StaffRole(role).label.lower()}",
        request=request,
    )
    return locked


@transaction.atomic
def staff_member_deactivate(
    *, membership: StaffMembership, by: StaffMembership, request: HttpRequest | None = None
) -> StaffMembership:
    """Take someone off the team: they lose access at once, and every session of their
    account ends (on every council's site: sessions are checked against a hash that
    includes `Account.session_version`), so nothing they had open keeps working."""
    refuse_own_change(membership=membership, by=by, change="deactivate")
    locked = StaffMembership.objects.select_for_update().select_related("account").get(pk=membership.pk)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    account_sign_out_everywhere(account=locked.account)
    audit_record(
        actor=by.account,
        actor_role=by.role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.STAFF_MEMBERSHIP,
        subject_id=locked.pk,
        summary=f"Deactivated ({StaffRole(locked.role).label.lower()}); every session of the account ended",
        request=request,
    )
    return locked


@transaction.atomic
def staff_member_reactivate(
    *, membership: StaffMembership, by: StaffMembership, request: HttpRequest | None = None
) -> StaffMembership:
    locked = StaffMembership.objects.select_for_update().get(pk=membership.pk)
    if locked.is_active:
        return locked
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    audit_record(
        actor=by.account,
        actor_role=by.role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.STAFF_MEMBERSHIP,
        subject_id=locked.pk,
        summary=f"Reactivated ({StaffRole(locked.role).label.lower()})",
        request=request,
    )
    return locked
