"""Two-step verification by an authenticator app and backup codes: setting the app up
(QR code, and the key as text for anyone who cannot scan one), the backup codes shown
once, and the pages that ask for the app's code or a backup code.

django-two-factor-auth's wizard is not used, for the reasons in the README ("Signing
in"): these councils ask for two-step on entering the SEND area or the staff pages, not
at sign-in, and its TOTP and backup-code devices keep their secrets in plain text.
"""

from __future__ import annotations

import django_otp
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tenants.encryption import SecretUnreadable, seal, unseal

from ..decorators import (
    has_authenticator_app,
    next_path,
    reverification_fresh,
    reverification_use,
    sign_in_required,
    staff_must_use_app,
    two_step_required,
    url_with_next,
)
from ..forms_sign_in import AppCodeForm, BackupCodeForm
from ..policies import current_policy
from ..services_authenticator import (
    app_secret_new,
    app_set_up_confirm,
    app_verify,
    backup_code_verify,
    backup_codes_issue,
    backup_codes_left,
    otpauth_url,
    qr_code_svg,
    secret_for_typing,
    verified_by_strong_method,
)
from ..services_security_keys import security_keys

# The secret being set up, sealed, until the app shows a right code for it.
PENDING_SECRET = "accounts:pending-app-secret"  # noqa: S105 - a session key, not a secret


def pending_secret(request: HttpRequest) -> str:
    """The secret this session is setting up (a new one the first time)."""
    sealed = request.session.get(PENDING_SECRET)
    if sealed:
        try:
            return unseal(sealed)
        except SecretUnreadable:
            pass
    secret = app_secret_new()
    request.session[PENDING_SECRET] = seal(secret)
    return secret


def set_up_context(request: HttpRequest, *, secret: str, issuer: str) -> dict:
    """What the set-up page shows: the QR code and the same key as text."""
    url = otpauth_url(secret_hex=secret, account=request.user, issuer=issuer)
    return {
        "qr_code": qr_code_svg(url, label=f"QR code to add {issuer} to your authenticator app"),
        "secret_text": secret_for_typing(secret),
        "issuer": issuer,
        "account_email": request.user.email,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@two_step_required
def app_set_up(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app (or replace the one set up before), then show backup
    codes once. Replacing an app needs this session verified by the app or a backup
    code: an emailed code alone must not be able to swap the stronger method."""
    after = next_path(request)
    if has_authenticator_app(request.user) and not verified_by_strong_method(request.user):
        return redirect(url_with_next("accounts:two-step-app", request.get_full_path()))
    if not has_authenticator_app(request.user) and not reverification_fresh(request):
        # A first app is a new way into the account: like a change of email address or
        # password, it needs a fresh code sent to the current address (issue 18).
        return redirect(url_with_next("accounts:reverify", request.get_full_path()))
    secret = pending_secret(request)
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = app_set_up_confirm(account=request.user, secret_hex=secret, code=form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING_SECRET]
            reverification_use(request)
            django_otp.login(request, device)
            request.session.cycle_key()
            codes = backup_codes_issue(account=request.user)
            return _show_backup_codes(request, codes=codes, after=after, new_app=True)
        form.add_error(
            "code", "The code is not right. Check the key on this page is in your app and enter the code it shows now"
        )
    issuer = f"{request.tenant.name} SEND"
    return render(
        request,
        "accounts/two_step/app_set_up.html",
        {
            "page_title": "Set up an authenticator app",
            "form": form,
            "required_for_staff": staff_must_use_app(request),
            "next": after or "",
            **set_up_context(request, secret=secret, issuer=issuer),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@two_step_required  # and a session the app or a backup code verified, checked below
def backup_codes(request: HttpRequest) -> HttpResponse:
    """How many backup codes are left, and a button for a new set (the old set stops
    working). Only from a session verified by the app or a backup code."""
    after = next_path(request)
    if not has_authenticator_app(request.user):
        return redirect(url_with_next("accounts:two-step-app-set-up", after))
    if not verified_by_strong_method(request.user):
        return redirect(url_with_next("accounts:two-step-app", request.get_full_path()))
    if request.method == "POST":
        return _show_backup_codes(request, codes=backup_codes_issue(account=request.user), after=after, new_app=False)
    return render(
        request,
        "accounts/two_step/backup_codes_manage.html",
        {"page_title": "Backup codes", "left": backup_codes_left(account=request.user), "next": after or ""},
    )


def _show_backup_codes(request: HttpRequest, *, codes: list[str], after: str | None, new_app: bool) -> HttpResponse:
    """The codes in plain text: this response is the only place they ever appear."""
    return render(
        request,
        "accounts/two_step/backup_codes.html",
        {
            "page_title": "Save your backup codes",
            "codes": codes,
            "new_app": new_app,
            "continue_url": after or reverse("home"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@sign_in_required
def app_code(request: HttpRequest) -> HttpResponse:
    """Two-step by the code the authenticator app shows."""
    after = next_path(request)
    if verified_by_strong_method(request.user):
        return redirect(after or reverse("home"))
    if not has_authenticator_app(request.user):
        return redirect(url_with_next("accounts:two-step-verify", after))
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = app_verify(account=request.user, code=form.cleaned_data["code"], policy=current_policy(request))
        if result.verified:
            return _verified(request, result.device, after)
        form.add_error("code", result.message)
    return render(
        request,
        "accounts/two_step/app_code.html",
        {
            "page_title": "Enter the code from your authenticator app",
            "form": form,
            "email_allowed": not staff_must_use_app(request),
            "has_security_key": security_keys(account=request.user, rp_id=request.get_host().split(":")[0]).exists(),
            "next": after or "",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@sign_in_required
def backup_code(request: HttpRequest) -> HttpResponse:
    """Two-step by one of the backup codes (each works once)."""
    after = next_path(request)
    if verified_by_strong_method(request.user):
        return redirect(after or reverse("home"))
    form = BackupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        policy = current_policy(request)
        result = backup_code_verify(account=request.user, code=form.cleaned_data["code"], policy=policy)
        if result.verified:
            return _verified(request, result.device, after)
        form.add_error("code", result.message)
    return render(
        request,
        "accounts/two_step/backup_code.html",
        {"page_title": "Enter a backup code", "form": form, "next": after or ""},
    )


def _verified(request: HttpRequest, device, after: str | None) -> HttpResponse:
    django_otp.login(request, device)
    request.session.cycle_key()  # more rights now: a new session key
    return redirect(after or reverse("home"))
