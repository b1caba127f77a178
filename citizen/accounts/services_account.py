"""Writes from "My account": personal details, password, email address, sessions.

Emails go through the council's outbox in the same transaction, so a change and the
email telling the person about it are committed (or lost) together. None of them
contains a password, and the notice to an old address never shows the new one in full.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat, timezone

from tenants.links import council_url
from tenants.outbox.services import email_queue

from .models import Account
from .services import account_set_password
from .tokens_email import (
    EMAIL_CHANGE_LINK_LIFETIME,
    EMAIL_UNDO_LINK_LIFETIME,
    EmailAddressUnavailable,
    EmailChangeLinkInvalid,
    email_change_claim,
    email_change_token,
    email_taken,
    email_undo_applies,
    email_undo_claim,
    email_undo_token,
)


def _link(path: str) -> str:
    """An address on this council's site for an email (its stored domain, not the Host header)."""
    return council_url(council=connection.tenant, path=path)


@transaction.atomic
def account_update_details(
    *,
    account: Account,
    first_name: str,
    last_name: str,
    address_line_1: str,
    address_line_2: str,
    town: str,
    postcode: str,
    phone_numbers: list[str],
) -> Account:
    account.first_name = first_name
    account.last_name = last_name
    account.address_line_1 = address_line_1
    account.address_line_2 = address_line_2
    account.town = town
    account.postcode = postcode
    account.phone_numbers = phone_numbers
    account.full_clean(exclude=["password", "email"], validate_unique=False, validate_constraints=False)
    account.save(
        update_fields=[
            "first_name",
            "last_name",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone_numbers",
        ]
    )
    return account


@transaction.atomic
def account_change_password(*, account: Account, password: str) -> None:
    """Set a password the caller has checked against the council's policy, end every
    other session of the account (on every council's site), and tell the account.
    The caller keeps its own session (`update_session_auth_hash`)."""
    account_set_password(account=account, password=password, end_other_sessions=True)
    council = connection.tenant
    email_queue(
        to=[account.email],
        subject="Your password was changed",
        body=(
            f"{_greeting(account)}\n\n"
            f"The password for your {council.service_name} account was changed at {_when(timezone.now())}.\n\n"
            "We have signed you out on every other device and browser. Use your new password to sign in again.\n\n"
            "If you did not change your password, someone else knows it and may be signed in to your account. "
            "Reset your password now: resetting it signs everyone out of your account, on every device.\n"
            f"{_link(reverse('accounts:password-reset'))}\n\n"
            f"If you need help, {_contact(council)}.\n\n"
            f"{_signature(council)}"
        ),
    )


@transaction.atomic
def account_email_change_request(*, account: Account, new_email: str) -> None:
    """Send a confirmation link to the new address and a notice to the current one.

    When another account already has the new address, that address gets a note saying
    so (and how to sign in with it) instead of a link: its owner already knows they
    have an account, and the person asking sees exactly what they would have seen
    otherwise, so nobody learns from the screen whether an address is registered.
    """
    council = connection.tenant
    new_email = new_email.strip().lower()
    hours = int(EMAIL_CHANGE_LINK_LIFETIME.total_seconds() // 3600)
    if email_taken(new_email, by_other_than=account):
        email_queue(
            to=[new_email],
            subject="Someone tried to use this email address",
            body=(
                "Hello,\n\n"
                f"Someone asked to use this email address for a {council.service_name} account. "
                "This address already has an account, so it has not been added to another one.\n\n"
                "If it was you, sign in with this email address:\n"
                f"{_link(reverse('accounts:sign-in'))}\n\n"
                "If you have forgotten the password, you can reset it:\n"
                f"{_link(reverse('accounts:password-reset'))}\n\n"
                "If it was not you, you do not need to do anything.\n\n"
                f"{_signature(council)}"
            ),
        )
    else:
        token = email_change_token(account=account, new_email=new_email, schema_name=connection.schema_name)
        email_queue(
            to=[new_email],
            subject="Confirm your new email address",
            body=(
                f"{_greeting(account)}\n\n"
                f"You asked to use this email address for your {council.service_name} account.\n\n"
                "To confirm it, open this link:\n"
                f"{_link(reverse('accounts:confirm-email', args=[token]))}\n\n"
                f"The link works once, for {hours} hours. Until you open it, your account keeps its current "
                "email address.\n\n"
                "If you did not ask for this, you do not need to do anything.\n\n"
                f"{_signature(council)}"
            ),
        )
    email_queue(
        to=[account.email],
        subject="Someone asked to change your email address",
        body=(
            f"{_greeting(account)}\n\n"
            f"At {_when(timezone.now())} someone asked to change the email address of your {council.service_name} "
            f"account to {masked_email(new_email)}.\n\n"
            f"Nothing changes unless the link we sent to that address is opened within {hours} hours.\n\n"
            "If you did not ask for this, someone else knows your password and is signed in to your account. "
            "Reset your password now: this cancels the request and signs everyone out of your account.\n"
            f"{_link(reverse('accounts:password-reset'))}\n\n"
            "If you are signed in, you can also change it from My account:\n"
            f"{_link(reverse('accounts:change-password'))}\n\n"
            f"If you need help, {_contact(council)}.\n\n"
            f"{_signature(council)}"
        ),
    )


@transaction.atomic
def account_email_change_confirm(*, token: str) -> Account:
    """Apply the change a confirmation link asks for, once, and tell the old address
    at once, with a link that undoes the change (`account_email_change_undo`).

    Raises EmailChangeLinkExpired or EmailChangeLinkInvalid (altered, another council's,
    or already used), or EmailAddressUnavailable when another account has taken the
    address since the link was sent.
    """
    claim = email_change_claim(token, schema_name=connection.schema_name)
    # Locked, so two clicks at once cannot both pass the "not used yet" check.
    account = Account.objects.select_for_update().filter(pk=claim.account_id, is_active=True).first()
    if account is None or not claim.is_current_for(account):
        raise EmailChangeLinkInvalid
    if email_taken(claim.new_email, by_other_than=account):
        raise EmailAddressUnavailable
    old_email = account.email
    account.email = claim.new_email
    account.email_verified_at = timezone.now()
    account.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            account.save(update_fields=["email", "email_verified_at"])
    except IntegrityError as exc:  # taken by a registration between the check and the save
        raise EmailAddressUnavailable from exc
    council = connection.tenant
    undo = email_undo_token(account=account, old_email=old_email, schema_name=connection.schema_name)
    days = EMAIL_UNDO_LINK_LIFETIME.days
    email_queue(
        to=[old_email],
        subject="Your email address was changed",
        body=(
            f"{_greeting(account)}\n\n"
            f"At {_when(account.email_verified_at)} the email address of your {council.service_name} account was "
            f"changed to {masked_email(account.email)}. We will send emails and security codes there from now on, "
            "and you sign in with it.\n\n"
            "If you did not change it, someone else may have taken over your account. Open this link to put this "
            "email address back and sign everyone out of your account:\n"
            f"{_link(reverse('accounts:undo-email-change', args=[undo]))}\n\n"
            f"The link works once, for {days} days. Then reset your password, because whoever changed your "
            f"email address may know it.\n\n"
            f"If you need help, {_contact(council)}.\n\n"
            f"{_signature(council)}"
        ),
    )
    return account


@transaction.atomic
def account_email_change_undo(*, token: str) -> Account:
    """Put back the address an undo link was sent to and end every session of the
    account, on every council's site. The password is left alone (whoever changed the
    address may know it: the page and the email say to reset it, and a reset link now
    goes to the old address again).

    Raises EmailChangeLinkExpired or EmailChangeLinkInvalid (altered, another council's
    or already used), or EmailAddressUnavailable when another account has taken the old
    address since.
    """
    claim = email_undo_claim(token, schema_name=connection.schema_name)
    account = Account.objects.select_for_update().filter(pk=claim.account_id).first()
    email_undo_applies(claim, account)
    removed_email = account.email
    account.email = claim.old_email
    account.email_verified_at = timezone.now()  # also kills any confirmation link still out
    account.session_version += 1
    account.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            account.save(update_fields=["email", "email_verified_at", "session_version"])
    except IntegrityError as exc:
        raise EmailAddressUnavailable from exc
    council = connection.tenant
    email_queue(
        to=[account.email],
        subject="Your email address has been changed back",
        body=(
            f"{_greeting(account)}\n\n"
            f"At {_when(account.email_verified_at)} the email address of your {council.service_name} account was "
            "changed back to this one, and everyone was signed out of your account on every device.\n\n"
            "Reset your password now, because whoever changed your email address may know it:\n"
            f"{_link(reverse('accounts:password-reset'))}\n\n"
            f"If you need help, {_contact(council)}.\n\n"
            f"{_signature(council)}"
        ),
    )
    email_queue(
        to=[removed_email],
        subject="This email address has been removed from an account",
        body=(
            "Hello,\n\n"
            f"At {_when(account.email_verified_at)} the owner of a {council.service_name} account used the link "
            "we sent to its previous email address to undo a change to this address. We will not send emails "
            "for that account here any more.\n\n"
            f"If you think this is a mistake, {_contact(council)}.\n\n"
            f"{_signature(council)}"
        ),
    )
    return account


@transaction.atomic
def account_sign_out_everywhere(*, account: Account) -> None:
    """End every session of the account on every council's site, this one included
    (sessions are checked against a hash that includes `session_version`)."""
    Account.objects.filter(pk=account.pk).update(session_version=F("session_version") + 1)
    account.refresh_from_db(fields=["session_version"])


def masked_email(email: str) -> str:
    """Enough of an address for its owner to recognise it: "jo***@example.org"."""
    local, _, domain = email.rpartition("@")
    shown = local[:2] if len(local) > 3 else local[:1]
    return f"{shown}***@{domain}"


def _greeting(account: Account) -> str:
    return f"Dear {account.get_full_name()}," if account.get_full_name() else "Hello,"


def _when(moment) -> str:
    """GOV.UK style, in UK time: "3:05pm on 4 March 2025"."""
    local = timezone.localtime(moment)
    time_of_day = dateformat.format(local, "g:i") + dateformat.format(local, "A").lower()
    return f"{time_of_day} on {dateformat.format(local, 'j F Y')}"


def _contact(council) -> str:
    """ "contact Somerset Council on 0300 123 2224", for the end of a sentence."""
    text = f"contact {council.name}"
    if council.contact_phone:
        text += f" on {council.contact_phone}"
    if council.contact_email:
        text += f" or at {council.contact_email}" if council.contact_phone else f" at {council.contact_email}"
    return text


def _signature(council) -> str:
    return f"{council.name}\n{council.service_name}"


def account_codes_by_set(*, account: Account, codes_by: str, mobile: str) -> None:
    """Where two-step codes go: "email", or "text" to `mobile` (a number a code texted to
    it has just proved; citizen.accounts.views.two_step.codes_by_text)."""
    if codes_by not in ("email", "text") or (codes_by == "text" and not mobile):
        raise ValueError("codes by email, or by text to a proved mobile number")
    changed = account.codes_by != codes_by
    account.codes_by, account.mobile = codes_by, mobile
    account.save(update_fields=["codes_by", "mobile"])
    if changed:  # a safety net: the account's owner hears of it at the address they know
        to = f"by text message to the mobile number ending {mobile[-3:]}" if codes_by == "text" else "by email"
        email_queue(
            to=[account.email],
            subject="How you get your security codes has changed",
            body=f"Your two-step security codes will now come {to}.\n\n"
            "If you did not make this change, reset your password now and contact the council.",
        )
