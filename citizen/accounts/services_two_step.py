"""Two-step verification by a 6-digit code sent by email, or by text message to a mobile
number the person proved by typing a code sent to it (issue 16, item 4; where the council
offers texts) (docs/architecture.md, "Sign-in and two-step verification").

A fresh code each time, single use, living as long as the council says (at most 60
minutes); only its keyed hash is stored and it goes out through the council's email
outbox, never a log. Wrong codes are counted on the device across codes, so asking for
a new code does not buy more guesses; every check and count happens with the device
row locked, so parallel guesses cannot race the counter (django-otp PR 85).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tenants.links import council_url
from tenants.models import Council, SignInPolicy
from tenants.outbox.services import email_queue, text_queue

from .mobiles import mobile_shown
from .models import Account, EmailCodeDevice


class Outcome(enum.StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"  # a code is waiting and this is not it
    EXPIRED = "expired"  # the code's time ran out
    NO_CODE = "no-code"  # none waiting: already used, or never sent
    LOCKED = "locked"  # too many wrong codes; refused whatever was typed


class CodePurpose(enum.StrEnum):
    SIGN_IN = "sign-in"
    # Re-verification before changing the email address, the password or the two-step
    # method (decorators.reverification_required): the same device, code and limits.
    CONFIRM_CHANGE = "confirm-change"


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    device: EmailCodeDevice | None = None
    tries_left: int = 0
    minutes: int = 0  # LOCKED: how long until another code may be tried
    sent_in: str = "the email"  # where the code was sent: "the text message" for a texted one

    @property
    def verified(self) -> bool:
        return self.outcome is Outcome.VERIFIED

    @property
    def message(self) -> str:
        """What the code page says, in plain English."""
        if self.outcome is Outcome.LOCKED:
            return f"You have entered a wrong code too many times. Try again in {_minutes(self.minutes)}"
        tries = f"You have {self.tries_left} more {'try' if self.tries_left == 1 else 'tries'}"
        if self.outcome is Outcome.EXPIRED:
            return f"The code has expired. Request a new code. {tries}"
        if self.outcome is Outcome.NO_CODE:
            return f"That code has already been used or has expired. Request a new code. {tries}"
        return f"The code is not right. Check the code in {self.sent_in} and try again. {tries}"


@dataclass(frozen=True)
class CodeSending:
    sent: bool
    wait_seconds: int = 0  # not sent, too soon: how long until a new code may be asked for
    locked_minutes: int = 0  # not sent, too many wrong codes: how long until trying again
    texted_to: str = ""  # sent by text: the number, as a person reads it

    @property
    def message(self) -> str:
        if self.locked_minutes:
            return f"You have entered a wrong code too many times. Try again in {_minutes(self.locked_minutes)}"
        if not self.sent:
            seconds = f"{self.wait_seconds} second{'' if self.wait_seconds == 1 else 's'}"
            return f"We sent you a code a moment ago. Wait {seconds} before asking for a new code"
        return ""


def codes_texted_to(*, account: Account, council: Council) -> str:
    """The mobile number the account's codes go to on this council's site ("" when they go
    by email: the person chose email, or the council does not offer texts now)."""
    if getattr(account, "codes_by", "email") == "text" and account.mobile and council.texts_offered:
        return account.mobile
    return ""


def two_step_device(*, account: Account) -> EmailCodeDevice | None:
    return EmailCodeDevice.objects.filter(user=account).first()


def two_step_code_send(
    *,
    account: Account,
    policy: SignInPolicy,
    council: Council,
    purpose: CodePurpose = CodePurpose.SIGN_IN,
    to_mobile: str = "",
) -> CodeSending:
    """Send the account a fresh code (making its device on first use), unless a code that
    still works went less than the council's cooldown ago, or the device is locked after
    wrong codes. It goes by text where the person chose texts and the council offers them
    (`to_mobile`: to a number being proved); otherwise, and always for a code confirming a
    change to the email address, password or two-step method, by email."""
    with transaction.atomic():
        EmailCodeDevice.objects.get_or_create(user=account, defaults={"name": "Email", "confirmed": False})
        device = EmailCodeDevice.objects.select_for_update().get(user=account)
        now = timezone.now()
        locked_until = _locked_until(device, policy)
        if locked_until is not None and now < locked_until:
            return CodeSending(sent=False, locked_minutes=_minutes_until(locked_until, now))
        # The cooldown only holds back a new code while the last one still works: once it
        # has been used (signed out and in again) or has expired, a new one goes at once.
        usable = bool(device.code_digest) and device.valid_until is not None and now < device.valid_until
        if usable and device.last_sent_at is not None:
            ready_at = device.last_sent_at + timedelta(seconds=policy.otp_resend_cooldown_seconds)
            if now < ready_at:
                return CodeSending(sent=False, wait_seconds=math.ceil((ready_at - now).total_seconds()))
        code = device.new_code(lifetime=timedelta(minutes=policy.otp_lifetime_minutes))
        confirming = purpose is CodePurpose.CONFIRM_CHANGE
        mobile = to_mobile or ("" if confirming else codes_texted_to(account=account, council=council))
        if mobile:  # `to_mobile`: proving a new number, the code it must type comes to it
            text_queue(
                to=mobile,
                body=f"{code} is your {council.service_name} security code. It works for "
                f"{_minutes(policy.otp_lifetime_minutes)}. Never give it to anyone.",
            )
            return CodeSending(sent=True, texted_to=mobile_shown(mobile))
        email_queue(
            to=[account.email],
            subject=f"Your {council.service_name} security code",
            body=_code_email_body(code=code, policy=policy, council=council, purpose=purpose),
        )
    return CodeSending(sent=True)


def two_step_verify(*, account: Account, code: str, policy: SignInPolicy, sent_in: str = "the email") -> Verification:
    """Check a typed code against the account's device, with the row locked.

    Once `otp_max_attempts` wrong codes have been typed, every code is refused, the right
    one too, until `lockout_minutes` after the last wrong one. A right code confirms the
    device (first time) and clears the count.
    """
    with transaction.atomic():
        device = EmailCodeDevice.objects.select_for_update().filter(user=account).first()
        if device is None:
            return Verification(outcome=Outcome.NO_CODE, tries_left=policy.otp_max_attempts)
        now = timezone.now()
        locked_until = _locked_until(device, policy)
        if locked_until is not None:
            if now < locked_until:
                return Verification(outcome=Outcome.LOCKED, device=device, minutes=_minutes_until(locked_until, now))
            device.failed_attempts = 0  # the lockout has run out: a full set of tries again

        waiting = bool(device.code_digest)
        expired = waiting and device.valid_until is not None and now >= device.valid_until
        if device.verify_token(code):
            device.failed_attempts = 0
            device.last_failure_at = None
            device.confirmed = True
            device.save(update_fields=["failed_attempts", "last_failure_at", "confirmed"])
            return Verification(outcome=Outcome.VERIFIED, device=device)

        device.failed_attempts += 1
        device.last_failure_at = now
        device.save(update_fields=["failed_attempts", "last_failure_at"])
        tries_left = max(policy.otp_max_attempts - device.failed_attempts, 0)
        if tries_left == 0:
            return Verification(outcome=Outcome.LOCKED, device=device, minutes=policy.lockout_minutes)
        outcome = Outcome.EXPIRED if expired else Outcome.WRONG if waiting else Outcome.NO_CODE
        return Verification(outcome=outcome, device=device, tries_left=tries_left, sent_in=sent_in)


def _locked_until(device: EmailCodeDevice, policy: SignInPolicy) -> datetime | None:
    if device.failed_attempts < policy.otp_max_attempts or device.last_failure_at is None:
        return None
    return device.last_failure_at + timedelta(minutes=policy.lockout_minutes)


def _minutes_until(moment: datetime, now: datetime) -> int:
    return max(math.ceil((moment - now).total_seconds() / 60), 1)


def _minutes(minutes: int) -> str:
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _code_email_body(*, code: str, policy: SignInPolicy, council: Council, purpose: CodePurpose) -> str:
    reset_url = council_url(council=council, path=reverse("accounts:password-reset"))
    if purpose is CodePurpose.CONFIRM_CHANGE:
        why = (
            "We sent this code because someone signed in to your account asked to change its email "
            "address, password or two-step verification. Nothing changes unless the code is typed.\n\n"
            "If it was not you, do not give this code to anyone. Someone else knows your password "
            "and is signed in: reset your password now, which signs everyone out of your account:\n"
        )
    else:
        why = "If you did not try to sign in, change your password, as someone else may know it:\n"
    return (
        f"Your security code for {council.name}'s {council.service_name} is:\n\n"
        f"{code}\n\n"
        f"This code works for {_minutes(policy.otp_lifetime_minutes)}. You can only use it once.\n\n"
        "If you cannot find this email, check your junk or spam folder. If you asked for "
        "more than one code, use the newest one.\n\n"
        f"{why}"
        f"{reset_url}\n"
    )
