"""Two-step verification by an authenticator app (TOTP) and single-use backup codes
(docs/architecture.md, "Sign-in and two-step verification"): for staff, council admins and platform
operators, and an option for families.

The app's secret is sealed at rest (models.AuthenticatorDevice); backup codes are kept
only as hashes and deleted when used. Every check and count happens with the device row
locked, so parallel guesses cannot race the counter; wrong codes are counted across
attempts and, past the council's limit, every code is refused (the right one too) until
the lockout runs out, exactly like the emailed code.
"""

from __future__ import annotations

import base64
import enum
import io
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP

from tenants.models import SignInPolicy

from .models import (
    Account,
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
    EmailCodeDevice,
    SecurityKeyDevice,
    backup_code_digest,
    new_backup_code,
)

BACKUP_CODE_COUNT = 10


class Outcome(enum.StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"
    LOCKED = "locked"
    NO_DEVICE = "no-device"


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    device: Device | None = None
    tries_left: int = 0
    minutes: int = 0  # LOCKED: how long until another code may be tried
    backup: bool = False  # a backup code was typed (for the message)

    @property
    def verified(self) -> bool:
        return self.outcome is Outcome.VERIFIED

    @property
    def message(self) -> str:
        if self.outcome is Outcome.LOCKED:
            return f"You have entered a wrong code too many times. Try again in {_minutes(self.minutes)}"
        tries = f"You have {self.tries_left} more {'try' if self.tries_left == 1 else 'tries'}"
        if self.outcome is Outcome.NO_DEVICE:
            return "You have no backup codes left. Use your authenticator app" if self.backup else ""
        if self.backup:
            return f"That backup code is not right or has already been used. {tries}"
        return f"The code is not right. Enter the code your authenticator app shows now. {tries}"


# --- Which method a session and an account have ------------------------------------


def app_device(*, account: Account) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.filter(user=account, confirmed=True).first()


def backup_codes_left(*, account: Account) -> int:
    return BackupCode.objects.filter(device__user=account).count()


def verified_by_strong_method(user) -> bool:
    """The session was verified by an authenticator app, a backup code or a security key
    (not by email)."""
    device = getattr(user, "otp_device", None)
    return isinstance(device, AuthenticatorDevice | BackupCodeDevice | SecurityKeyDevice)


def verified_by_email_only(user) -> bool:
    return isinstance(getattr(user, "otp_device", None), EmailCodeDevice)


# --- Setting up ---------------------------------------------------------------------


def app_secret_new() -> str:
    """A fresh secret (hex) for the set-up page. Nothing is stored until it is confirmed."""
    return AuthenticatorDevice.new_secret()


def secret_for_typing(secret_hex: str) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of 4."""
    text = base64.b32encode(bytes.fromhex(secret_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_url(*, secret_hex: str, account: Account, issuer: str) -> str:
    """The otpauth:// address a QR code carries (Google's Key URI format)."""
    secret = base64.b32encode(bytes.fromhex(secret_hex)).decode().rstrip("=")
    label = quote(f"{issuer}:{account.email}")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": AuthenticatorDevice.DIGITS,
            "period": AuthenticatorDevice.STEP,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def qr_code_svg(data: str, *, label: str) -> str:
    """The QR code as inline SVG (no style attribute, no script: fine under a strict CSP),
    announced to screen readers by `label`."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration
    label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" class="portal-qr-code" ', 1)


def app_set_up_confirm(*, account: Account, secret_hex: str, code: str) -> AuthenticatorDevice | None:
    """Keep the app whose secret is `secret_hex` once it shows a right code: it replaces
    any app the account had. None (and nothing stored) when the code is wrong."""
    totp = TOTP(bytes.fromhex(secret_hex), step=AuthenticatorDevice.STEP, digits=AuthenticatorDevice.DIGITS)
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and totp.verify(int(code), tolerance=AuthenticatorDevice.TOLERANCE)):
        return None
    with transaction.atomic():
        device = AuthenticatorDevice.objects.select_for_update().filter(user=account).first()
        device = device or AuthenticatorDevice(user=account)
        device.name = "Authenticator app"
        device.set_secret(secret_hex)
        device.confirmed = True
        device.last_t = totp.t()  # the code just used is not accepted again
        device.failed_attempts = 0
        device.last_failure_at = None
        device.created_at = timezone.now()
        device.save()
    return device


def backup_codes_issue(*, account: Account) -> list[str]:
    """A new set of backup codes, replacing any earlier set. Returns them in plain text:
    the only time they exist so (shown once, never stored)."""
    codes = [new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    with transaction.atomic():
        BackupCodeDevice.objects.get_or_create(user=account, defaults={"name": "Backup codes", "confirmed": True})
        device = BackupCodeDevice.objects.select_for_update().get(user=account)
        device.codes.all().delete()
        BackupCode.objects.bulk_create(
            [BackupCode(device=device, digest=backup_code_digest(code, account_id=account.pk)) for code in codes]
        )
    return codes


# --- Verifying ----------------------------------------------------------------------


def app_verify(*, account: Account, code: str, policy: SignInPolicy) -> Check:
    return _verify_locked(AuthenticatorDevice, account=account, code=code, policy=policy, backup=False)


def backup_code_verify(*, account: Account, code: str, policy: SignInPolicy) -> Check:
    return _verify_locked(BackupCodeDevice, account=account, code=code, policy=policy, backup=True)


def _verify_locked(model, *, account: Account, code: str, policy: SignInPolicy, backup: bool) -> Check:
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=account, confirmed=True).first()
        if device is None:
            return Check(outcome=Outcome.NO_DEVICE, backup=backup)
        now = timezone.now()
        locked_until = _locked_until(device, policy)
        if locked_until is not None:
            if now < locked_until:
                return Check(outcome=Outcome.LOCKED, device=device, minutes=_minutes_until(locked_until, now))
            device.failed_attempts = 0  # the lockout has run out: a full set of tries again
        if device.verify_token(code):
            device.failed_attempts = 0
            device.last_failure_at = None
            device.save(update_fields=["failed_attempts", "last_failure_at"])
            return Check(outcome=Outcome.VERIFIED, device=device, backup=backup)
        device.failed_attempts += 1
        device.last_failure_at = now
        device.save(update_fields=["failed_attempts", "last_failure_at"])
        tries_left = max(policy.otp_max_attempts - device.failed_attempts, 0)
        if tries_left == 0:
            return Check(outcome=Outcome.LOCKED, device=device, minutes=policy.lockout_minutes, backup=backup)
        return Check(outcome=Outcome.WRONG, device=device, tries_left=tries_left, backup=backup)


def _locked_until(device, policy: SignInPolicy) -> datetime | None:
    if device.failed_attempts < policy.otp_max_attempts or device.last_failure_at is None:
        return None
    return device.last_failure_at + timedelta(minutes=policy.lockout_minutes)


def _minutes_until(moment: datetime, now: datetime) -> int:
    return max(math.ceil((moment - now).total_seconds() / 60), 1)


def _minutes(minutes: int) -> str:
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
