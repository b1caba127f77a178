"""Signing in and out on a council's site, and the password change its policy can force."""

from __future__ import annotations

from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY

from ..decorators import PASSWORD_CHANGE_REQUIRED, next_path, safe_next, url_with_next
from ..forms_sign_in import PasswordChangeRequiredForm, SignInForm
from ..lockout import locked_out
from ..models import Account
from ..passwords import policy_rules
from ..policies import current_policy
from ..roles import account_signed_in
from ..services import account_set_password


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignInForm(request.POST if request.method == "POST" else None, request=request)
    if form.is_valid():
        return _signed_in(request, form)
    if form.locked_out:
        return locked_out(request)
    if form.inactive:
        return render(request, "accounts/sign_in/activate_first.html", {"page_title": "Activate your account first"})
    return render(request, "accounts/sign_in/sign_in.html", {"form": form, "page_title": "Sign in", **_next(request)})


def _signed_in(request: HttpRequest, form: SignInForm) -> HttpResponse:
    account = form.account
    login(request, account)  # a new session key: nothing from before signing in carries over
    # Two-step is asked for again at each sign-in, and the password re-checked.
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(PASSWORD_CHANGE_REQUIRED, None)
    account_signed_in.send(sender=Account, account=account)
    reason = form.password_change_reason(current_policy(request))
    if reason:
        request.session[PASSWORD_CHANGE_REQUIRED] = reason
        return redirect(url_with_next("accounts:password-change-required", next_path(request)))
    return redirect(safe_next(request))


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_required(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:sign-in"))
    reason = request.session.get(PASSWORD_CHANGE_REQUIRED)
    if not reason:
        return redirect(safe_next(request))
    policy = current_policy(request)
    account = request.user
    form = PasswordChangeRequiredForm(
        request.POST if request.method == "POST" else None, request=request, policy=policy, account=account
    )
    if form.is_valid():
        account_set_password(account=account, password=form.cleaned_data["password"], end_other_sessions=True)
        update_session_auth_hash(request, account)  # keeps this session; every other one ends
        request.session.pop(PASSWORD_CHANGE_REQUIRED, None)
        return redirect(safe_next(request))
    if form.locked_out:
        logout(request)
        return locked_out(request)
    return render(
        request,
        "accounts/sign_in/password_change_required.html",
        {
            "form": form,
            "page_title": "You need to change your password",
            "reason": reason,
            "rules": policy_rules(policy),
            "max_age_days": policy.password_max_age_days,
            **_next(request),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        logout(request)
        return redirect("home")
    if not request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/sign_in/sign_out.html", {"page_title": "Sign out"})


@never_cache
@require_http_methods(["GET"])
def timed_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    minutes = current_policy(request).idle_timeout_minutes
    return render(
        request, "accounts/sign_in/timed_out.html", {"page_title": "You have been signed out", "minutes": minutes}
    )


def _next(request: HttpRequest) -> dict:
    return {"next": next_path(request) or ""}
