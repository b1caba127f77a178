"""Two-step verification pages: setting it up, entering a code, asking for a new one."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..decorators import next_path, sign_in_required, url_with_next
from ..forms_sign_in import TwoStepCodeForm
from ..policies import current_policy
from ..roles import is_council_staff
from ..services_two_step import CodeSending, two_step_code_send, two_step_device, two_step_verify


@never_cache
@require_http_methods(["GET", "POST"])
@sign_in_required
def set_up(request: HttpRequest) -> HttpResponse:
    """First time: what two-step is, where codes will go, and a button to send one."""
    after = next_path(request)
    if request.user.is_verified():
        return redirect(after or reverse("home"))
    device = two_step_device(account=request.user)
    if device is not None and device.confirmed:
        return redirect(url_with_next("accounts:two-step-verify", after))
    if request.method == "POST":
        _send(request)
        return redirect(url_with_next("accounts:two-step-verify", after))
    return render(
        request,
        "accounts/two_step/set_up.html",
        {
            "page_title": "Set up two-step verification",
            "email": request.user.email,
            "next": after or "",
            "is_staff": is_council_staff(request.user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@sign_in_required
def verify(request: HttpRequest) -> HttpResponse:
    """Arriving sends a fresh code (at most one per cooldown, so a refresh does not
    flood the inbox); posting checks it."""
    after = next_path(request)
    if request.user.is_verified():
        return redirect(after or reverse("home"))
    device = two_step_device(account=request.user)
    if device is None:
        return redirect(url_with_next("accounts:two-step-set-up", after))
    policy = current_policy(request)
    problem = ""
    if request.method == "POST":
        form = TwoStepCodeForm(request.POST)
        if form.is_valid():
            result = two_step_verify(account=request.user, code=form.cleaned_data["code"], policy=policy)
            if result.verified:
                django_otp.login(request, result.device)
                request.session.cycle_key()  # more rights now: a new session key
                return redirect(after or reverse("home"))
            form.add_error("code", result.message)
    else:
        form = TwoStepCodeForm()
        sending = _send(request)
        if sending.locked_minutes:
            problem = sending.message
    return render(
        request,
        "accounts/two_step/verify.html",
        {
            "page_title": "Check your email",
            "form": form,
            "email": request.user.email,
            "setting_up": not device.confirmed,
            "lifetime_minutes": policy.otp_lifetime_minutes,
            "cooldown_seconds": policy.otp_resend_cooldown_seconds,
            "problem": problem,
            "next": after or "",
        },
    )


@never_cache
@require_POST
@sign_in_required
def new_code(request: HttpRequest) -> HttpResponse:
    """The "Send a new code" button (django-two-factor-auth has none: its issue 745)."""
    after = next_path(request)
    if two_step_device(account=request.user) is None:
        return redirect(url_with_next("accounts:two-step-set-up", after))
    sending = _send(request)
    if sending.sent:
        messages.success(request, f"We have sent a new code to {request.user.email}")
    elif not sending.locked_minutes:  # the code page says so itself when locked
        messages.error(request, sending.message)
    return redirect(url_with_next("accounts:two-step-verify", after))


def _send(request: HttpRequest) -> CodeSending:
    return two_step_code_send(
        account=request.user,
        policy=current_policy(request),
        council=request.tenant,
    )
