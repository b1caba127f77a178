"""django-axes, configured for the platform: an account's sign-in failures are counted
once across every council (axes' tables are in the public schema only), the council
where a sign-in happens sets the limit and the cool-off from its sign-in policy, an
address is locked on its own only when it fails on many accounts, and a locked-out
person gets a page that says when to try again."""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .policies import current_policy

# SignInPolicy.lockout_minutes is at most a day: no council's window reaches further back.
LONGEST_COOL_OFF = timedelta(days=1)


def failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    return current_policy(request).lockout_failure_limit


def cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=current_policy(request).lockout_minutes)


def sign_in_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a sign-in is for: the council form's `email`, the platform admin's
    `username` (Django's AuthenticationForm), lower-cased as accounts are."""
    sources = [credentials or {}, getattr(request, "POST", None) or {}]
    for source in sources:
        for field in ("email", "username"):
            value = source.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    return None


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    minutes = current_policy(request).lockout_minutes
    context = {"page_title": "You cannot sign in for now", "minutes": minutes}
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_platform:
        # The platform's own site has only the admin: no council pages to link to.
        context |= admin.site.each_context(request) | {"title": context["page_title"]}
        return render(request, "accounts/locked_out_platform.html", context, status=429)
    return render(request, "accounts/locked_out.html", context, status=429)


def address_is_spraying(ip_address: str | None, *, now=None) -> bool:
    """Whether this address has failed SIGN_IN_ADDRESS_FAILURE_LIMIT times, on at least
    SIGN_IN_ADDRESS_ACCOUNT_LIMIT different accounts, within SIGN_IN_ADDRESS_MINUTES:
    someone trying passwords across many accounts, not a few people behind one address."""
    if not ip_address:
        return False
    since = (now or timezone.now()) - timedelta(minutes=settings.SIGN_IN_ADDRESS_MINUTES)
    counts = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), accounts=Count("username", distinct=True)
    )
    return (counts["failures"] or 0) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT and counts[
        "accounts"
    ] >= settings.SIGN_IN_ADDRESS_ACCOUNT_LIMIT


class CouncilAxesHandler(AxesDatabaseHandler):
    """axes' database handler, with three changes.

    - A successful sign-in clears only the failures recorded against that account: axes'
      own reset also clears every failure from the address, so someone could guess at
      another person's password, sign in to their own account from the same address, and
      guess again without ever being locked out.
    - An address that sprays guesses across many accounts is refused whatever account it
      names (`address_is_spraying`).
    - Old failures are cleared by the longest window any council or the address rule
      uses, not by the window of the council that happens to be signing in (the rows are
      shared by every council now).
    """

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_is_spraying(
            getattr(request, "axes_ip_address", None), now=getattr(request, "axes_attempt_time", None)
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False):
            request.axes_locked_out = address_is_spraying(
                getattr(request, "axes_ip_address", None), now=getattr(request, "axes_attempt_time", None)
            )

    def clean_expired_user_attempts(self, request: HttpRequest | None = None, credentials: dict | None = None) -> int:
        longest = max(LONGEST_COOL_OFF, timedelta(minutes=settings.SIGN_IN_ADDRESS_MINUTES))
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=now - longest).delete()
        return count
