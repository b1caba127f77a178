"""The links that confirm a new email address, and that undo a change from the old one.

A signed, timestamped token carrying the account, the new address and a fingerprint of
the account's current email state. Nothing is stored: the link dies after 24 hours (the
signature's age), and once it has been used, because using it changes the email and
`email_verified_at` and so the fingerprint. It also dies when the password changes, so
someone who changes their password after an unexpected "email change requested" notice
cancels the request. Each council signs with its own salt: a link works only on the
site of the council that sent it.

The undo link goes to the old address once a change is made. It carries the account
and the old and new addresses; it works for 7 days while the account does not have
the old address and nobody else has taken it. Using it puts the old address back, so
it works once (moving the account off that address again would need a code sent to
it). It depends on neither the password nor a later change of address, so whoever
made the change cannot cancel the undo by changing the password or the address again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Account

EMAIL_CHANGE_LINK_LIFETIME = timedelta(hours=24)
EMAIL_UNDO_LINK_LIFETIME = timedelta(days=7)


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


@dataclass(frozen=True)
class EmailUndoClaim:
    """What a genuine, unexpired undo link asks for: put `old_email` back."""

    account_id: int
    old_email: str
    new_email: str


def email_undo_token(*, account: Account, old_email: str, schema_name: str) -> str:
    payload = {"a": account.pk, "o": old_email, "n": account.email}
    return signing.dumps(payload, salt=_salt(schema_name, "undo"), compress=True)


def email_undo_claim(token: str, *, schema_name: str) -> EmailUndoClaim:
    """The undo link's claim, if genuine and not too old. Raises EmailChangeLinkExpired
    or EmailChangeLinkInvalid (whether it still applies: `email_undo_applies`)."""
    try:
        payload = signing.loads(token, salt=_salt(schema_name, "undo"), max_age=EMAIL_UNDO_LINK_LIFETIME)
    except signing.SignatureExpired as exc:
        raise EmailChangeLinkExpired from exc
    except signing.BadSignature as exc:
        raise EmailChangeLinkInvalid from exc
    if not isinstance(payload, dict):
        raise EmailChangeLinkInvalid
    account_id, old_email, new_email = payload.get("a"), payload.get("o"), payload.get("n")
    if not isinstance(account_id, int) or not isinstance(old_email, str) or not isinstance(new_email, str):
        raise EmailChangeLinkInvalid
    return EmailUndoClaim(account_id=account_id, old_email=old_email, new_email=new_email)


def email_undo_applies(claim: EmailUndoClaim, account: Account | None) -> None:
    """Raises EmailChangeLinkInvalid when the account has the old address already (the
    link was used), and EmailAddressUnavailable when another account has taken it."""
    if account is None or not account.is_active or account.email.lower() == claim.old_email.lower():
        raise EmailChangeLinkInvalid
    if email_taken(claim.old_email, by_other_than=account):
        raise EmailAddressUnavailable


def email_undo_pending(token: str, *, schema_name: str) -> EmailUndoClaim:
    """An undo link that would work now (for its page; nothing is changed)."""
    claim = email_undo_claim(token, schema_name=schema_name)
    email_undo_applies(claim, Account.objects.filter(pk=claim.account_id).first())
    return claim


def _salt(schema_name: str, purpose: str = "") -> str:
    # The confirmation link's salt is unchanged (no suffix), so links already sent still work.
    return f"citizen.accounts.tokens_email:{schema_name}" + (f":{purpose}" if purpose else "")
