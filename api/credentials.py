"""API credentials: `<key_id>.<secret>`, sent as `Authorization: Bearer <key_id>.<secret>`.

The secret is 256 random bits, so a fast keyed hash is enough to store it (nobody can
guess it from its hash, and a stolen table without the key is no help); a password
hasher (Argon2, ~100 MB and tens of milliseconds a go) on every call would be a cost
anyone could make us pay with a wrong secret. The key is derived from
DJANGO_SECRET_KEY; a hash made with a key now in DJANGO_SECRET_KEY_FALLBACKS still
verifies, and is moved to the current key by the caller (api.authentication)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "api.ApiClient.secret"
KEY_ID_BYTES = 8  # 16 hex characters: finds the client, secret or not
SECRET_BYTES = 32


@dataclass(frozen=True)
class Credential:
    key_id: str
    secret: str

    @property
    def token(self) -> str:
        """What the client sends after `Bearer `."""
        return f"{self.key_id}.{self.secret}"


def credential_new() -> Credential:
    return Credential(key_id=secrets.token_hex(KEY_ID_BYTES), secret=secrets.token_urlsafe(SECRET_BYTES))


def credential_parse(token: str) -> Credential | None:
    """The two parts of a sent token, or None when it cannot be one of ours."""
    key_id, dot, secret = (token or "").strip().partition(".")
    if not dot or len(key_id) != 2 * KEY_ID_BYTES or not secret or len(secret) > 100:
        return None
    return Credential(key_id=key_id, secret=secret)


def secret_hash(secret: str, *, key: str | None = None) -> str:
    return salted_hmac(SALT, secret, secret=key or settings.SECRET_KEY, algorithm="sha256").hexdigest()


def secret_matches(secret: str, stored_hash: str) -> tuple[bool, bool]:
    """(whether `secret` is the one hashed, whether the hash was made with an old key and
    should be made again). Each key is compared in constant time."""
    if constant_time_compare(secret_hash(secret), stored_hash):
        return True, False
    for old_key in getattr(settings, "SECRET_KEY_FALLBACKS", []):
        if constant_time_compare(secret_hash(secret, key=old_key), stored_hash):
            return True, True
    return False, False
