"""django-axes, configured per council: its failure limit and cool-off come from the
council's sign-in policy, and a locked-out person gets a page that says when to try again."""

from __future__ import annotations

from datetime import timedelta

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
