"""Writes on the family side of a council."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from casework.models import StaffMembership
from citizen.accounts.models import Account
from citizen.accounts.roles import account_signed_in, is_council_staff
from citizen.models import FamilyMembership, PasswordExpiryWarning
from tenants.links import council_url
from tenants.models import SignInPolicy
from tenants.outbox.services import email_queue

# How long before a password reaches the council's maximum age its owner is told.
PASSWORD_EXPIRY_WARNING_AHEAD = timedelta(days=7)


def family_membership_ensure(*, account: Account) -> FamilyMembership:
    """The account's membership of the current council's portal, created on first use
    (registration here, or the first sign-in here with an account made elsewhere)."""
    membership, _ = FamilyMembership.objects.get_or_create(account=account)
    return membership


def family_membership_on_account_event(*, signal, account: Account, **kwargs) -> None:
    """An account registered, activated or signed in on this council's site becomes a
    member of its portal, unless (at sign-in) it is on the council's SEND team."""
    if signal is account_signed_in and is_council_staff(account):
        return
    family_membership_ensure(account=account)


def password_expiry_warnings_send(*, now: datetime | None = None) -> int:
    """Email every family member and active staff member of the current council whose
    password reaches the council's maximum age within a week, once per password.
    Nothing when the council's passwords never expire. Returns how many were queued."""
    council = connection.tenant
    policy = SignInPolicy.objects.filter(council=council).first()
    if policy is None or not policy.password_max_age_days:
        return 0
    now = now or timezone.now()
    max_age = timedelta(days=policy.password_max_age_days)
    # citizen.accounts.passwords.password_is_expired: expired once older than max_age.
    members = Q(pk__in=FamilyMembership.objects.values("account_id")) | Q(
        pk__in=StaffMembership.objects.filter(is_active=True).values("account_id")
    )
    warned = PasswordExpiryWarning.objects.filter(
        account=OuterRef("pk"), password_changed_at=OuterRef("password_changed_at")
    )
    expires_within_a_week = Q(password_changed_at__gte=now - max_age) & Q(
        password_changed_at__lte=now - max_age + PASSWORD_EXPIRY_WARNING_AHEAD
    )
    accounts = (
        Account.objects.filter(members, expires_within_a_week, is_active=True)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)  # no password: nothing expires
        .exclude(Exists(warned))
        .order_by("pk")
    )
    change_url = council_url(council=council, path=reverse("accounts:change-password"))
    queued = 0
    for account in accounts:
        with transaction.atomic():
            _, created = PasswordExpiryWarning.objects.get_or_create(
                account=account, password_changed_at=account.password_changed_at
            )
            if created:  # not warned by a run at the same moment
                _email_password_expiry_warning(
                    account=account, expires_at=account.password_changed_at + max_age, change_url=change_url
                )
                queued += 1
    return queued


def _email_password_expiry_warning(*, account: Account, expires_at: datetime, change_url: str) -> None:
    council = connection.tenant
    greeting = f"Dear {account.get_full_name()}," if account.get_full_name() else "Hello,"
    expiry_date = dateformat.format(timezone.localtime(expires_at), "j F Y")
    change = f"To change it now, sign in and choose a new password:\n{change_url}\n\n" if change_url else ""
    email_queue(
        to=[account.email],
        subject="Your password will expire soon",
        body=(
            f"{greeting}\n\n"
            f"The password for your {council.service_name} account will expire on {expiry_date}. "
            f"{council.name} asks everyone to change their password at least every "
            f"{(expires_at - account.password_changed_at).days} days.\n\n"
            f"{change}"
            "If you do not change it by then, you will be asked to choose a new one the next time you sign in.\n\n"
            f"{council.name}\n{council.service_name}"
        ),
    )
