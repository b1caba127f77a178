"""Signed links sent by email: activating an account, resetting a forgotten password.

Nothing is stored: a token is an HMAC of the account's state at the time, so it stops
working once that state changes (the account is activated, the password is changed),
and it carries its own timestamp, so it stops working once its lifetime is over.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from .models import Account


class ExpiringTokenGenerator(PasswordResetTokenGenerator):
    """Django's token generator with the lifetime a class attribute: Django reads the
    single PASSWORD_RESET_TIMEOUT setting, and each kind of link here has its own."""

    lifetime: timedelta

    def check_token(self, user: Account | None, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - timestamp
        if age > self.lifetime.total_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )

    def _now(self) -> datetime:
        # Django uses the local wall clock, which jumps an hour when the clocks change
        # (Europe/London): a one-hour link would last two hours or none. UTC does not.
        return timezone.now().astimezone(UTC).replace(tzinfo=None)


class ActivationTokenGenerator(ExpiringTokenGenerator):
    """The link that activates a new account: single use (activating changes
    `is_active` and `email_verified_at`), 72 hours."""

    key_salt = "citizen.accounts.tokens.ActivationTokenGenerator"
    lifetime = timedelta(hours=72)

    def _make_hash_value(self, user: Account, timestamp: int) -> str:
        verified = "" if user.email_verified_at is None else user.email_verified_at.isoformat()
        return f"{user.pk}|{user.email}|{user.is_active}|{verified}|{timestamp}"


class PasswordResetTokens(ExpiringTokenGenerator):
    """The forgotten-password link: single use (Django's hash covers the password hash
    and the last sign-in, so changing the password ends it), one hour."""

    key_salt = "citizen.accounts.tokens.PasswordResetTokens"
    lifetime = timedelta(hours=1)


activation_tokens = ActivationTokenGenerator()
password_reset_tokens = PasswordResetTokens()


def account_uid(account: Account) -> str:
    """The account's id as it appears in a link."""
    return urlsafe_base64_encode(force_bytes(account.pk))


def account_pk_from_uid(uidb64: str) -> int | None:
    """The account id a link names, or None when the link was mangled."""
    try:
        return int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
