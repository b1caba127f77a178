"""The password policy engine: one set of rules, driven by a council's sign-in policy,
used when a password is set (registration, change, reset) and at every sign-in.

It answers in plain English: the rules as a family reads them before typing, and which
of them a typed password breaks. Nothing weaker than the normal password hash is ever
stored: the history rule checks the stored hashes, the "simple change" rule compares
plain texts when the old password has just been typed, and otherwise checks the likely
earlier versions of the new password against the last stored hash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.utils import timezone

from tenants.models import SignInPolicy

SPECIAL_EXAMPLES = "! £ $ % & * ?"


@dataclass(frozen=True)
class PasswordCheck:
    """A typed password against a council's policy."""

    policy: SignInPolicy
    password: str
    email: str = ""
    # The hashes of the account's passwords, newest (the current one) first.
    history: tuple[str, ...] = ()
    # The current password in plain text, when it has just been typed (change, expiry).
    previous_password: str | None = None


def policy_rules(policy: SignInPolicy) -> list[str]:
    """The council's rules as the password page lists them ("Your password must: …")."""
    rules = [f"be between {policy.password_min_length} and {policy.password_max_length} characters long"]
    classes = [
        (policy.require_uppercase, "one capital letter"),
        (policy.require_lowercase, "one small letter"),
        (policy.require_digit, "one number"),
        (policy.require_special, f"one special character such as {SPECIAL_EXAMPLES}"),
    ]
    wanted = [text for required, text in classes if required]
    if wanted:
        rules.append("include at least " + _join(wanted))
    if policy.disallow_username:
        rules.append("be different from your email address")
    if policy.block_common_passwords:
        rules.append("not be a commonly used password")
    if policy.password_history_count:
        rules.append(f"not be any of your previous {policy.password_history_count} passwords")
    if policy.disallow_simple_change:
        rules.append("not be a simple change to your previous password (for example Password32! to Password33!)")
    if policy.password_max_age_days:
        rules.append(f"be changed every {policy.password_max_age_days} days")
    return rules


def password_problems(check: PasswordCheck) -> list[str]:
    """Every rule the password breaks, in plain English; empty when it meets them all."""
    policy, password = check.policy, check.password
    problems: list[str] = []
    length = len(password)
    if length < policy.password_min_length:
        problems.append(f"Your password must be at least {policy.password_min_length} characters long")
    elif length > policy.password_max_length:
        problems.append(f"Your password must be no more than {policy.password_max_length} characters long")
    if policy.require_uppercase and not any(c.isupper() for c in password):
        problems.append("Your password must include a capital letter")
    if policy.require_lowercase and not any(c.islower() for c in password):
        problems.append("Your password must include a small letter")
    if policy.require_digit and not any(c.isdigit() for c in password):
        problems.append("Your password must include a number")
    if policy.require_special and not any(_is_special(c) for c in password):
        problems.append(f"Your password must include a special character such as {SPECIAL_EXAMPLES}")
    if policy.disallow_username and check.email and _is_email(password, check.email):
        problems.append("Your password must be different from your email address")
    if policy.block_common_passwords and password.lower().strip() in _common_passwords():
        problems.append("Your password is too easy to guess because many people use it; choose another")
    problems += _change_problems(check)
    return problems


def password_is_expired(policy: SignInPolicy, changed_at: datetime, now: datetime | None = None) -> bool:
    """True once the password is older than the council's maximum age (a password set
    60 days ago is still valid for all of day 60 and expires on day 61)."""
    if not policy.password_max_age_days:
        return False
    return (now or timezone.now()) - changed_at > timedelta(days=policy.password_max_age_days)


def is_simple_change(previous: str, new: str) -> bool:
    """Whether `new` is only a small change of `previous` (a number counted up, a
    character or two changed, something added at the end)."""
    a, b = previous.casefold(), new.casefold()
    if a == b:
        return True
    if _letters_only(a) and _letters_only(a) == _letters_only(b):
        return True  # only numbers or symbols changed: Password32! → Password33!
    if (a in b or b in a) and abs(len(a) - len(b)) <= 3:
        return True
    return _edit_distance(a, b, limit=2) <= 2


def likely_previous_versions(new: str, limit: int = 12) -> list[str]:
    """Passwords that `new` would be a simple change of: what to check against the last
    stored hash when the old plain text is not known (a reset). Kept short: each is a
    full password-hash verification."""
    candidates: list[str] = []
    runs = list(re.finditer(r"\d+", new))
    for match in reversed(runs[-2:]):  # the last two numbers in the password
        digits = match.group()
        value = int(digits)
        for delta in (-1, 1, -2, 2):
            if value + delta >= 0:
                changed = str(value + delta).zfill(len(digits))
                candidates.append(new[: match.start()] + changed + new[match.end() :])
    if new and not new[-1].isalnum():
        candidates.append(new[:-1])
    if new and new[0].isalpha():
        candidates.append(new[0].swapcase() + new[1:])
    unique = [c for c in dict.fromkeys(candidates) if c and c != new]
    return unique[:limit]


def _change_problems(check: PasswordCheck) -> list[str]:
    policy, password = check.policy, check.password
    problems: list[str] = []
    remembered = check.history[: policy.password_history_count] if policy.password_history_count else ()
    if remembered and any(check_password(password, encoded) for encoded in remembered):
        problems.append(
            f"You have used this password before; choose one that is not one of your last "
            f"{policy.password_history_count} passwords"
        )
        return problems
    if policy.disallow_simple_change:
        if check.previous_password is not None:
            simple = is_simple_change(check.previous_password, password)
        else:
            simple = bool(check.history) and _matches_any(likely_previous_versions(password), check.history[0])
        if simple:
            problems.append("Your password is too similar to your previous one; change more than a number or a letter")
    return problems


def _matches_any(candidates: Iterable[str], encoded: str) -> bool:
    return any(check_password(candidate, encoded) for candidate in candidates)


def _is_special(character: str) -> bool:
    return not character.isalnum() and not character.isspace()


def _is_email(password: str, email: str) -> bool:
    typed = password.strip().casefold()
    email = email.strip().casefold()
    return typed in {email, email.split("@")[0]}


def _letters_only(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalpha())


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@cache
def _common_passwords() -> frozenset[str]:
    # Django's list of 20,000 common passwords (lower-cased), read once per process.
    return frozenset(CommonPasswordValidator().passwords)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
