"""Registering, activating an account, and resetting a forgotten password.

Every page answers the same whether or not an email address has an account
(docs/architecture.md, "Sign-in and two-step verification"), and the same past a rate limit
(citizen.accounts.ratelimits), when nothing is sent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from ..forms_registration import EmailAddressForm, PasswordResetForm, RegistrationForm
from ..policies import current_policy
from ..ratelimits import email_request_allowed
from ..services_registration import (
    ACTIVATION_LINK_LIFETIME,
    PASSWORD_RESET_LINK_LIFETIME,
    account_activate,
    account_activation_resend,
    account_password_reset,
    account_password_reset_request,
    account_register,
    password_reset_link_account,
)

TEMPLATES = "accounts/registration"
# Session keys: the address a "Check your email" page names, and the token of a
# forgotten-password link, kept out of the address bar (and so out of Referer headers
# and browser history) once the link has been opened, as Django's own view does.
REGISTERED_EMAIL = "accounts:registered-email"
RESET_EMAIL = "accounts:password-reset-email"
RESET_TOKEN = "accounts:password-reset-token"  # noqa: S105 - a session key, not a secret
RESET_URL_TOKEN = "set-password"  # noqa: S105


def _form_data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(_form_data(request), policy=current_policy(request))
    if form.is_valid():
        email = form.cleaned_data["email"]
        if email_request_allowed(request, kind="registration", email=email):
            account_register(
                email=email,
                password=form.cleaned_data["password"],
                **form.personal_details(),
            )
        request.session[REGISTERED_EMAIL] = email
        return redirect("accounts:register-sent")
    return render(request, f"{TEMPLATES}/register.html", {"form": form, "page_title": "Create an account"})


@require_GET
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/register_sent.html",
        {
            "page_title": "Check your email",
            "email": request.session.get(REGISTERED_EMAIL, ""),
            "lifetime": ACTIVATION_LINK_LIFETIME,
        },
    )


@never_cache
@require_safe
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    account = account_activate(uidb64=uidb64, token=token)
    if account is None:
        return render(
            request,
            f"{TEMPLATES}/activate_invalid.html",
            {
                "page_title": "This activation link has expired or has already been used",
                "lifetime": ACTIVATION_LINK_LIFETIME,
            },
        )
    return render(request, f"{TEMPLATES}/activate_done.html", {"page_title": "Your account is active"})


@never_cache
@require_http_methods(["GET", "POST"])
def activation_resend(request: HttpRequest) -> HttpResponse:
    form = EmailAddressForm(_form_data(request))
    if form.is_valid():
        if email_request_allowed(request, kind="activation-resend", email=form.cleaned_data["email"]):
            account_activation_resend(email=form.cleaned_data["email"])
        return render(
            request,
            f"{TEMPLATES}/activation_resend_sent.html",
            {
                "page_title": "Check your email",
                "email": form.cleaned_data["email"],
                "lifetime": ACTIVATION_LINK_LIFETIME,
            },
        )
    return render(
        request, f"{TEMPLATES}/activation_resend.html", {"form": form, "page_title": "Get a new activation link"}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailAddressForm(_form_data(request))
    if form.is_valid():
        if email_request_allowed(request, kind="password-reset", email=form.cleaned_data["email"]):
            account_password_reset_request(email=form.cleaned_data["email"])
        request.session[RESET_EMAIL] = form.cleaned_data["email"]
        return redirect("accounts:password-reset-sent")
    return render(request, f"{TEMPLATES}/password_reset.html", {"form": form, "page_title": "Reset your password"})


@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/password_reset_sent.html",
        {
            "page_title": "Check your email",
            "email": request.session.get(RESET_EMAIL, ""),
            "lifetime": PASSWORD_RESET_LINK_LIFETIME,
        },
    )


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != RESET_URL_TOKEN:
        if password_reset_link_account(uidb64=uidb64, token=token) is None:
            return _reset_link_invalid(request)
        request.session[RESET_TOKEN] = token
        return redirect("accounts:password-reset-confirm", uidb64=uidb64, token=RESET_URL_TOKEN)

    token = request.session.get(RESET_TOKEN, "")
    account = password_reset_link_account(uidb64=uidb64, token=token)
    if account is None:
        return _reset_link_invalid(request)
    form = PasswordResetForm(_form_data(request), policy=current_policy(request), account=account)
    if form.is_valid():
        done = account_password_reset(account=account, token=token, password=form.cleaned_data["password"])
        request.session.pop(RESET_TOKEN, None)
        if not done:
            return _reset_link_invalid(request)
        return redirect("accounts:password-reset-done")
    return render(
        request, f"{TEMPLATES}/password_reset_confirm.html", {"form": form, "page_title": "Create a new password"}
    )


@require_GET
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, f"{TEMPLATES}/password_reset_done.html", {"page_title": "Your password has been changed"})


def _reset_link_invalid(request: HttpRequest) -> HttpResponse:
    request.session.pop(RESET_TOKEN, None)
    return render(
        request,
        f"{TEMPLATES}/password_reset_invalid.html",
        {
            "page_title": "This password reset link has expired or has already been used",
            "lifetime": PASSWORD_RESET_LINK_LIFETIME,
        },
    )
