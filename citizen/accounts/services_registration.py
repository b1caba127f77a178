"""Registering, activating an account and resetting a forgotten password.

Nobody learns from these whether an email address has an account: each answers the
same whatever the address, and only the address's owner, by email, learns more.
The links in the emails are on the council's stored domain (tenants.links), never the
Host header the request came with.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tenants.enqueue import enqueue_on_commit
from tenants.links import council_url
from tenants.outbox.services import email_queue

from .models import Account, AddressRequest
from .roles import account_activated, account_registered
from .services import account_set_password
from .tokens import account_pk_from_uid, account_uid, activation_tokens, password_reset_tokens

EMAIL_TEMPLATES = "accounts/registration/emails"


def lifetime_text(lifetime: timedelta) -> str:
    """ "72 hours", "1 hour": how long a link works, as the emails and pages say it."""
    hours = int(lifetime.total_seconds() // 3600)
    return f"{hours} hour" if hours == 1 else f"{hours} hours"


ACTIVATION_LINK_LIFETIME = lifetime_text(activation_tokens.lifetime)
PASSWORD_RESET_LINK_LIFETIME = lifetime_text(password_reset_tokens.lifetime)


@transaction.atomic
def account_register(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    address_line_1: str,
    address_line_2: str = "",
    town: str,
    postcode: str,
    phone_numbers: Sequence[str] = (),
) -> Account | None:
    """Create an inactive account with this council's family membership, and email
    it an activation link. The password must already meet the council's policy.

    When the address already has an account, nothing is created: the address's owner
    is told by email that someone tried to register with it. Returns the new account,
    or None then (the caller must answer exactly as it does for a new account)."""
    existing = Account.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                account = Account.objects.create_user(
                    email,
                    None,
                    is_active=False,
                    first_name=first_name,
                    last_name=last_name,
                    address_line_1=address_line_1,
                    address_line_2=address_line_2,
                    town=town,
                    postcode=postcode,
                    phone_numbers=list(phone_numbers),
                )
        except (IntegrityError, ValidationError):
            # Registered a moment ago, by a request running alongside; anything else is a bug.
            existing = Account.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
        else:
            account_set_password(account=account, password=password)
            account_registered.send(sender=Account, account=account)
            _email_activation_link(account=account)
            return account
    # The same hashing work as for a new account, so the answer takes as long.
    make_password(password)
    _email(
        account=existing,
        template="already_registered",
        subject="Someone tried to create an account with your email address",
        sign_in_url=_link("sign-in"),
        password_reset_url=_link("password-reset"),
        never_activated=_never_activated(existing),
    )
    return None


@transaction.atomic
def account_activate(*, uidb64: str, token: str) -> Account | None:
    """Activate the account an activation link names, and give it this council's family
    membership. None when the link is not valid: tampered with, expired or used."""
    pk = account_pk_from_uid(uidb64)
    account = Account.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if account is None or not _never_activated(account) or not activation_tokens.check_token(account, token):
        return None
    account.is_active = True
    account.email_verified_at = timezone.now()
    account.save(update_fields=["is_active", "email_verified_at"])
    account_activated.send(sender=Account, account=account)
    return account


def account_activation_resend(*, email: str) -> None:
    """Ask for a new activation link. Whether the address has an account is looked up
    after the request (address_request_handle), whatever the address: the request does
    the same work either way, so its timing tells nobody (issue 18)."""
    _address_request_record(kind=AddressRequest.Kind.ACTIVATION, email=email)


@transaction.atomic
def activation_link_send(*, email: str) -> bool:
    """Email a new activation link, if the address has an account that has never been
    activated (not one a council deactivated). Earlier links keep working until one is
    used or they expire."""
    account = Account.objects.filter(email__iexact=email).first()
    if account is None or not _never_activated(account):
        return False
    _email_activation_link(account=account)
    return True


def account_password_reset_request(*, email: str) -> None:
    """Ask for a forgotten-password link. Whether the address has an account is looked
    up after the request (address_request_handle), whatever the address: the request
    does the same work either way, so its timing tells nobody (issue 18)."""
    _address_request_record(kind=AddressRequest.Kind.PASSWORD_RESET, email=email)


@transaction.atomic
def _address_request_record(*, kind: str, email: str) -> None:
    """One INSERT, then a task once it commits. With the broker down the row waits for
    the council's minute sweep (address_requests_sweep), so no request is lost."""
    from .tasks import handle_address_request

    request = AddressRequest.objects.create(schema_name=connection.schema_name, kind=kind, email=email)
    enqueue_on_commit(handle_address_request, request_id=request.id)


@transaction.atomic
def address_request_handle(*, request_id: int) -> bool:
    """Answer a request about an email address in this council: email the link if the
    address has an account that may have it, then forget the request. False when it was
    already handled (by the task, or by the sweep: whichever locks it first)."""
    request = (
        AddressRequest.objects.select_for_update(skip_locked=True)
        .filter(id=request_id, schema_name=connection.schema_name)
        .first()
    )
    if request is None:
        return False
    if request.kind == AddressRequest.Kind.ACTIVATION:
        activation_link_send(email=request.email)
    else:
        password_reset_link_send(email=request.email)
    request.delete()
    return True


ADDRESS_REQUEST_GRACE = timedelta(minutes=1)


def address_requests_sweep() -> int:
    """Every minute in each council: answer the requests whose task never ran (a broker
    outage, a worker lost mid-task) once they are a minute old. The number answered."""
    due = AddressRequest.objects.filter(
        schema_name=connection.schema_name, created_at__lte=timezone.now() - ADDRESS_REQUEST_GRACE
    ).order_by("created_at")
    return sum(address_request_handle(request_id=request_id) for request_id in due.values_list("id", flat=True))


@transaction.atomic
def password_reset_link_send(*, email: str) -> bool:
    """Email a forgotten-password link (one hour, single use), if the address has an
    account that may reset its password."""
    account = Account.objects.filter(email__iexact=email).first()
    if account is None or not _may_reset_password(account):
        return False
    url = _link(
        "password-reset-confirm",
        uidb64=account_uid(account),
        token=password_reset_tokens.make_token(account),
    )
    _email(
        account=account,
        template="password_reset",
        subject=f"Reset your {connection.tenant.service_name} password",
        password_reset_url=url,
        password_reset_request_url=_link("password-reset"),
        lifetime=PASSWORD_RESET_LINK_LIFETIME,
    )
    return True


def password_reset_link_account(*, uidb64: str, token: str) -> Account | None:
    """The account a forgotten-password link is for, while the link is valid (a read)."""
    pk = account_pk_from_uid(uidb64)
    account = Account.objects.filter(pk=pk).first() if pk is not None else None
    if account is None or not _may_reset_password(account) or not password_reset_tokens.check_token(account, token):
        return None
    return account


@transaction.atomic
def account_password_reset(*, account: Account, token: str, password: str) -> bool:
    """Set the password chosen from a forgotten-password link (already checked against
    the council's policy) and end every other session of the account, on every council's
    site. The link proves the email is the person's: an account never activated is
    activated too. False when the link stopped working meanwhile (used in another tab)."""
    locked = Account.objects.select_for_update().filter(pk=account.pk).first()
    if locked is None or not _may_reset_password(locked) or not password_reset_tokens.check_token(locked, token):
        return False
    if locked.email_verified_at is None:
        locked.is_active = True
        locked.email_verified_at = timezone.now()
        locked.save(update_fields=["is_active", "email_verified_at"])
        account_activated.send(sender=Account, account=locked)
    account_set_password(account=locked, password=password, end_other_sessions=True)
    _email(
        account=locked,
        template="password_changed",
        subject=f"Your {connection.tenant.service_name} password has been changed",
        password_reset_url=_link("password-reset"),
    )
    return True


def _never_activated(account: Account) -> bool:
    # An account a council deactivated has a verified email; it must not reactivate itself.
    return not account.is_active and account.email_verified_at is None


def _may_reset_password(account: Account) -> bool:
    return account.is_active or _never_activated(account)


def _email_activation_link(*, account: Account) -> None:
    url = _link("activate", uidb64=account_uid(account), token=activation_tokens.make_token(account))
    _email(
        account=account,
        template="activation",
        subject=f"Activate your {connection.tenant.service_name} account",
        activation_url=url,
        activation_resend_url=_link("activation-resend"),
        lifetime=ACTIVATION_LINK_LIFETIME,
    )


def _email(*, account: Account, template: str, subject: str, **context) -> None:
    body = render_to_string(
        f"{EMAIL_TEMPLATES}/{template}.txt", {"council": connection.tenant, "account": account, **context}
    )
    email_queue(to=[account.email], subject=subject, body=body)


def _link(name: str, **kwargs: str) -> str:
    return council_url(council=connection.tenant, path=reverse(f"accounts:{name}", kwargs=kwargs or None))
