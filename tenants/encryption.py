"""Council secrets kept in the database (a council's own GOV.UK Notify API key), encrypted
with Fernet (AES-128-CBC and HMAC-SHA256) so a database dump or backup does not carry them.

Keys come from COUNCIL_SECRET_KEYS (Fernet keys, newest first: the first encrypts, all
decrypt, so a key is rotated by putting a new one in front). When that is unset they are
derived from DJANGO_SECRET_KEY and its fallbacks: enough for development, but rotating the
secret key then needs the old one kept in DJANGO_SECRET_KEY_FALLBACKS until
`manage.py rotate_council_secrets` has re-encrypted everything.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys decrypts."""


def _derived_key(secret: str) -> bytes:
    digest = salted_hmac("tenants.encryption", "council-secrets", secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    keys = [key.encode() for key in getattr(settings, "COUNCIL_SECRET_KEYS", []) if key]
    if not keys:
        secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        keys = [_derived_key(secret) for secret in secrets_in_use if secret]
    if not keys:
        raise ImproperlyConfigured("Set COUNCIL_SECRET_KEYS (or DJANGO_SECRET_KEY) to store council secrets.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "COUNCIL_SECRET_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc


def seal(plain_text: str) -> str:
    """The encrypted form of `plain_text`, for storing."""
    return _fernet().encrypt(plain_text.encode()).decode()


def unseal(token: str) -> str:
    """The plain text of a stored secret. Raises SecretUnreadable when no key fits."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("A stored council secret cannot be decrypted with the configured keys.") from exc


def reseal(token: str) -> str:
    """The same secret encrypted with the newest key (after a key rotation)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("A stored council secret cannot be decrypted with the configured keys.") from exc
