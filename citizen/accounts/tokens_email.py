"""The link that confirms a new email address.

A signed, timestamped token carrying the account, the new address and a fingerprint of
the account's current email state. Nothing is stored: the link dies after 24 hours (the
signature's age), and once it has been used, because using it changes the email and
`email_verified_at` and so the fingerprint. It also dies when the password changes, so
someone who changes their password after an unexpected "email change requested" notice
cancels the request. Each council signs with its own salt: a link works only on the
site of the council that sent it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Account

EMAIL_CHANGE_LINK_LIFETIME = timedelta(hours=24)


class EmailChangeLinkExpired(Exception):
    """The link is genuine but older than EMAIL_CHANGE_LINK_LIFETIME."""


class EmailChangeLinkInvalid(Exception):
    """The link was altered, was made for another council, or has already been used."""


class EmailAddressUnavailable(Exception):
    """Another account has the new address. Said neutrally ("cannot be used"), never
    "already has an account", so the screen does not reveal who is registered."""


@dataclass(frozen=True)
class EmailChangeClaim:
    """What a genuine, unexpired link asks for."""

    account_id: int
    new_email: str
    state: str

    def is_current_for(self, account: Account) -> bool:
        """Whether the account is still as it was when the link was sent."""
        return constant_time_compare(self.state, email_state(account))


def email_state(account: Account) -> str:
    """A keyed fingerprint of the account's email, its verification time and its
    password hash: the link works only while all three are unchanged."""
    verified = account.email_verified_at.isoformat() if account.email_verified_at else ""
    return salted_hmac(
        "citizen.accounts.tokens_email.email_state",
        f"{account.email}|{verified}|{account.password}",
        algorithm="sha256",
    ).hexdigest()[:32]


def email_change_token(*, account: Account, new_email: str, schema_name: str) -> str:
    payload = {"a": account.pk, "e": new_email, "s": email_state(account)}
    return signing.dumps(payload, salt=_salt(schema_name), compress=True)


def email_change_claim(token: str, *, schema_name: str) -> EmailChangeClaim:
    """The link's claim, if its signature is good and it is not too old (whether it is
    still current is checked against the account: `EmailChangeClaim.is_current_for`)."""
    try:
        payload = signing.loads(token, salt=_salt(schema_name), max_age=EMAIL_CHANGE_LINK_LIFETIME)
    except signing.SignatureExpired as exc:
        raise EmailChangeLinkExpired from exc
    except signing.BadSignature as exc:
        raise EmailChangeLinkInvalid from exc
    if not isinstance(payload, dict):
        raise EmailChangeLinkInvalid
    account_id, new_email, state = payload.get("a"), payload.get("e"), payload.get("s")
    if not isinstance(account_id, int) or not isinstance(new_email, str) or not isinstance(state, str):
        raise EmailChangeLinkInvalid
    return EmailChangeClaim(account_id=account_id, new_email=new_email, state=state)


def email_change_pending(token: str, *, schema_name: str) -> EmailChangeClaim:
    """A link that would work now (for the confirmation page; nothing is changed).
    Raises EmailChangeLinkExpired, EmailChangeLinkInvalid or EmailAddressUnavailable."""
    claim = email_change_claim(token, schema_name=schema_name)
    account = Account.objects.filter(pk=claim.account_id, is_active=True).first()
    if account is None or not claim.is_current_for(account):
        raise EmailChangeLinkInvalid
    if email_taken(claim.new_email, by_other_than=account):
        raise EmailAddressUnavailable
    return claim


def email_taken(email: str, *, by_other_than: Account) -> bool:
    return Account.objects.filter(email__iexact=email).exclude(pk=by_other_than.pk).exists()


def _salt(schema_name: str) -> str:
    return f"citizen.accounts.tokens_email:{schema_name}"
