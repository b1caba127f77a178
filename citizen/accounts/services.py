"""Writes to accounts: passwords (with history), sessions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tenants.models import SignInPolicy

from .models import Account, PasswordHistory
from .passwords import PasswordCheck, password_problems

HISTORY_KEPT = 24  # the most any council may ask for (SignInPolicy.password_history_count)


def password_history(account: Account) -> tuple[str, ...]:
    """The account's password hashes, newest (the current one) first."""
    if account.pk is None:
        return ()
    return tuple(PasswordHistory.objects.filter(account=account).values_list("password", flat=True)[:HISTORY_KEPT])


def password_check(
    *, policy: SignInPolicy, password: str, account: Account | None = None, email: str = "", previous: str | None = None
) -> list[str]:
    """What `password` breaks of `policy`, for this account (its email and history)."""
    return password_problems(
        PasswordCheck(
            policy=policy,
            password=password,
            email=email or (account.email if account else ""),
            history=password_history(account) if account else (),
            previous_password=previous,
        )
    )


@transaction.atomic
def account_set_password(*, account: Account, password: str, end_other_sessions: bool = False) -> None:
    """Set a password the caller has checked against the council's policy, and keep its
    hash in the history. `end_other_sessions` signs the account out everywhere else."""
    account.set_password(password)
    account.password_changed_at = timezone.now()
    fields = ["password", "password_changed_at"]
    if end_other_sessions:
        account.session_version += 1
        fields.append("session_version")
    account.save(update_fields=fields)
    PasswordHistory.objects.create(account=account, password=account.password)
    stale = PasswordHistory.objects.filter(account=account).values_list("id", flat=True)[HISTORY_KEPT:]
    PasswordHistory.objects.filter(id__in=list(stale)).delete()
