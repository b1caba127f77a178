"""One identity for everyone who signs in (public schema). What an account may do in
a council is held in that council's schema (staff and family memberships)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, SideChannelDevice
from django_otp.oath import TOTP
from django_otp.util import random_hex

from tenants.encryption import seal, unseal


class AccountManager(BaseUserManager["Account"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> Account:
        if not email:
            raise ValueError("An account needs an email address.")
        account = self.model(email=self.normalize_email(email).lower(), **fields)
        account.set_password(password)
        account.full_clean(exclude=["password"])
        account.save(using=self._db)
        return account

    def create_user(self, email: str, password: str | None = None, **fields) -> Account:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> Account:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str) -> Account:
        return self.get(email__iexact=username)


class Account(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in: a parent, carer, young person, council staff member, or
    (with is_staff) a platform operator on the platform's own site."""

    email = models.EmailField(max_length=254, unique=True)  # kept lower-case by the manager
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Platform operator: may use the platform admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    password_changed_at = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    address_line_1 = models.CharField("Address line 1", max_length=120, blank=True)
    address_line_2 = models.CharField("Address line 2", max_length=120, blank=True)
    town = models.CharField("Town or city", max_length=80, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone_numbers = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    # How the SEND area tells this person something changed (issue 16): by email, by text
    # message to `mobile` (+447…, citizen.accounts.mobiles), or both. Texts only where the
    # council offers them (tenants.models.Council.texts_offered); else email.
    ALERTS_BY = [("email", "By email"), ("text", "By text message"), ("both", "By email and text message")]
    alerts_by = models.CharField(max_length=5, choices=ALERTS_BY, default="email")
    mobile = models.CharField(max_length=16, blank=True)
    # Where two-step codes go: email, or a text to `mobile` once a code sent there was typed
    # (views/two_step.codes_by_text). Back to email wherever a council does not offer texts.
    codes_by = models.CharField(max_length=5, choices=[("email", "Email"), ("text", "Text message")], default="email")
    # Part of every session's auth hash: raising it ends every session of the account,
    # on every council's site ("sign out everywhere", a password reset).
    session_version = models.PositiveIntegerField(default=0)

    objects = AccountManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="account_email_unique_ci")]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "citizen.accounts.Account.get_session_auth_hash",
            f"{self.password}:{self.session_version}",
            algorithm="sha256",
        ).hexdigest()


class PasswordHistory(models.Model):
    """Every password an account has had, as the normal password hash (never weaker),
    newest first: for the "not one of your last N" and "not a simple change" rules."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "password history"

    def __str__(self) -> str:
        return f"Password of {self.account} set {self.created_at:%Y-%m-%d}"


class AddressRequest(models.Model):
    """A request about an email address (a forgotten password, a new activation link),
    written to PostgreSQL before anything is queued: the request does this one INSERT
    whatever the address, and a broker outage loses nothing, because the council's
    minute sweep (citizen.accounts.tasks.sweep_address_requests) handles what no task
    did. Deleted once handled, so an address is kept no longer than that (issue 18)."""

    class Kind(models.TextChoices):
        PASSWORD_RESET = "password_reset", "Forgotten password"
        ACTIVATION = "activation", "New activation link"

    schema_name = models.CharField(max_length=63)  # the council whose site was asked
    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["schema_name", "created_at"], name="address_request_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.schema_name}"


def code_digest(code: str) -> str:
    """A keyed hash of a two-step code: the code itself is never stored."""
    key = hashlib.sha256(f"two-step-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


class EmailCodeDevice(SideChannelDevice):
    """Two-step verification by a 6-digit code sent to the account's email.

    Extends django-otp's side-channel device: unlike django-otp's own email device
    (which keeps the code in plain text and sends it synchronously, docs/architecture.md) only a
    keyed hash is kept, and failures are counted across codes: a new code does not
    reset the count, only a right code does (or the lockout running out).
    """

    code_digest = models.CharField(max_length=64, blank=True)
    # The council (schema) whose site sent the waiting code: it works only there.
    issued_in = models.CharField(max_length=63, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user"], name="one_email_code_device_per_account")]

    def save(self, *args, **kwargs):
        self.token = None  # django-otp's plain-text field stays empty
        super().save(*args, **kwargs)

    def new_code(self, *, lifetime: timedelta) -> str:
        """A fresh single-use code; any earlier one stops working. Returns the code
        for the email, the only place it ever exists in plain text."""
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = timezone.now()
        self.code_digest = code_digest(code)
        self.issued_in = connection.schema_name
        self.valid_until = now + lifetime
        self.last_sent_at = now
        self.save()
        return code

    def generate_token(self, length=6, valid_secs=300, commit=True):  # django-otp's API
        return self.new_code(lifetime=timedelta(seconds=valid_secs))

    def verify_token(self, token) -> bool:
        """django-otp's API. Callers lock the row first (services.two_step_verify)."""
        now = timezone.now()
        if not self.code_digest or now >= self.valid_until:
            return False
        if self.issued_in != connection.schema_name:  # sent from another council's site
            return False
        if not hmac.compare_digest(self.code_digest, code_digest(str(token).strip())):
            return False
        self.code_digest = ""
        self.valid_until = now
        self.save()
        return True


class AuthenticatorDevice(Device):
    """Two-step verification by an authenticator app (TOTP, RFC 6238: 6 digits, 30
    seconds). django-otp's own TOTPDevice keeps the shared secret in plain hex; here it
    is sealed with the council-secrets keys (tenants/encryption.py), so a database dump
    or backup does not carry it. Each code is accepted once (a code at or before the
    last accepted time step is refused) and wrong codes are counted like the emailed
    code's: callers lock the row first (services_authenticator).
    """

    STEP = 30
    DIGITS = 6
    TOLERANCE = 1  # one step either side, for a phone's clock being a little out

    sealed_key = models.TextField()
    last_t = models.BigIntegerField(default=-1)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user"], name="one_authenticator_device_per_account")]

    @classmethod
    def new_secret(cls) -> str:
        """A fresh 20-byte secret, as hex (RFC 4226's recommended length)."""
        return random_hex(20)

    def set_secret(self, hex_key: str) -> None:
        self.sealed_key = seal(hex_key)

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(unseal(self.sealed_key))

    def verify_token(self, token) -> bool:
        """django-otp's API. Callers lock the row first."""
        token = str(token).strip().replace(" ", "")
        if not (token.isdigit() and len(token) == self.DIGITS):
            return False
        totp = TOTP(self.bin_key, step=self.STEP, digits=self.DIGITS)
        if not totp.verify(int(token), tolerance=self.TOLERANCE, min_t=self.last_t + 1):
            return False
        self.last_t = totp.t()
        self.save(update_fields=["last_t"])
        return True


class BackupCodeDevice(Device):
    """Single-use backup codes, for when the authenticator app is not at hand. Like
    django-otp's static device, but only a keyed hash of each code is kept (the codes
    are shown once, when made) and a used code is deleted."""

    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user"], name="one_backup_code_device_per_account")]

    def verify_token(self, token) -> bool:
        """django-otp's API. Callers lock the row first."""
        typed = normalise_backup_code(str(token))
        if len(typed) != BACKUP_CODE_LENGTH:
            return False
        used = self.codes.filter(digest=backup_code_digest(typed, account_id=self.user_id)).first()
        if used is None:
            return False
        used.delete()
        return True


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"A backup code of {self.device.user_id}"


BACKUP_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
BACKUP_CODE_LENGTH = 12  # 60 bits: too many to try offline even from a stolen hash


def new_backup_code() -> str:
    code = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, BACKUP_CODE_LENGTH, 4))


def normalise_backup_code(code: str) -> str:
    """What a person types, however spaced or cased: "abcd efgh" and "ABCD-EFGH" match."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def backup_code_digest(code: str, *, account_id: int) -> str:
    """A hash of a backup code, salted by its account: the code itself is never stored.
    Not keyed by DJANGO_SECRET_KEY, so rotating that key does not void anyone's codes;
    60 random bits make the hash useless to guess from."""
    return hashlib.sha256(f"backup-code:{account_id}:{normalise_backup_code(code)}".encode()).hexdigest()


class SecurityKeyDevice(Device):
    """A security key or passkey (WebAuthn), beside the authenticator app, never instead
    of it (it needs JavaScript). Only the key's public key is kept; it works on the
    council's site (`rp_id`, its host) where it was added, as WebAuthn itself insists."""

    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.TextField()  # base64url, COSE
    sign_count = models.PositiveBigIntegerField(default=0)
    rp_id = models.CharField(max_length=253)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def verify_token(self, token) -> bool:  # django-otp's API: a key never takes a typed code
        return False
