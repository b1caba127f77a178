"""django-axes, configured per council: its failure limit and cool-off come from the
council's sign-in policy, and a locked-out person gets a page that says when to try again."""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .policies import current_policy


def failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    return current_policy(request).lockout_failure_limit


def cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=current_policy(request).lockout_minutes)


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    minutes = current_policy(request).lockout_minutes
    return render(
        request,
        "accounts/locked_out.html",
        {"page_title": "You cannot sign in for now", "minutes": minutes},
        status=429,
    )


class CouncilAxesHandler(AxesDatabaseHandler):
    """axes' database handler, except that a successful sign-in clears only the failures
    recorded against that account: axes' own reset also clears every failure from the
    address, so someone could guess at another person's password, sign in to their own
    account from the same address, and guess again without ever being locked out."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
