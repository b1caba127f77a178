"""The platform admin (the operators' site) with a second factor: a password alone is
not enough. After the password an operator enters the code from their authenticator app
(or a backup code); an operator with no app yet is taken to set one up, the way the
first operator that `seed_demo` or `createsuperuser` makes gets in.

Setting up a first app after the password alone is the one step a stolen password could
take; it is refused once the operator has an app, and replacing an app needs a session
verified by the app itself (or a backup code).
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from citizen.accounts.policies import current_policy
from citizen.accounts.services_authenticator import (
    app_device,
    app_secret_new,
    app_set_up_confirm,
    app_verify,
    backup_code_verify,
    backup_codes_issue,
    otpauth_url,
    qr_code_svg,
    secret_for_typing,
    verified_by_strong_method,
)
from tenants.encryption import SecretUnreadable, seal, unseal

PENDING_SECRET = "platform:pending-app-secret"  # noqa: S105 - a session key, not a secret
ISSUER = "SEND platform"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app, or a backup code",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autofocus": True}),
    )


class SetUpForm(forms.Form):
    code = forms.CharField(
        label="Code your authenticator app shows",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PlatformAdminSite(admin.AdminSite):
    """Django's admin, open only to an operator verified by a second factor in this session."""

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    @staticmethod
    def _password_only_operator(request: HttpRequest) -> bool:
        user = request.user
        return user.is_authenticated and user.is_active and user.is_staff and not user.is_verified()

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.method == "GET" and self._password_only_operator(request):
            return redirect(self._step_url(request, "two-step", request.GET.get("next")))
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("two-step/", self._operator_only(self.two_step), name="two-step"),
            path("two-step/set-up/", self._operator_only(self.two_step_set_up), name="two-step-set-up"),
            *super().get_urls(),
        ]

    def _operator_only(self, view):
        """Signed in with the password as an operator (verified or not); anyone else to the sign-in."""

        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not (user.is_authenticated and user.is_active and user.is_staff):
                return redirect(reverse("admin:login", current_app=self.name))
            return view(request, *args, **kwargs)

        return never_cache(csrf_protect(wrapper))

    def _step_url(self, request: HttpRequest, name: str, after: str | None) -> str:
        url = reverse(f"admin:{name}", current_app=self.name)
        return f"{url}?{urlencode({'next': after})}" if self._safe(request, after) else url

    @staticmethod
    def _safe(request: HttpRequest, after: str | None) -> bool:
        return bool(after) and url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()})

    def _after(self, request: HttpRequest) -> str:
        after = request.POST.get("next") or request.GET.get("next")
        return after if self._safe(request, after) else reverse("admin:index", current_app=self.name)

    def two_step(self, request: HttpRequest) -> HttpResponse:
        """The code from the operator's app, or a backup code."""
        if verified_by_strong_method(request.user):
            return redirect(self._after(request))
        if app_device(account=request.user) is None:
            return redirect(self._step_url(request, "two-step-set-up", request.GET.get("next")))
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            code = form.cleaned_data["code"].strip().replace(" ", "")
            policy = current_policy(request)
            if code.isdigit() and len(code) == 6:
                result = app_verify(account=request.user, code=code, policy=policy)
            else:
                result = backup_code_verify(account=request.user, code=code, policy=policy)
            if result.verified:
                django_otp.login(request, result.device)
                request.session.cycle_key()
                return redirect(self._after(request))
            form.add_error("code", result.message or "The code is not right")
        context = {**self.each_context(request), "title": "Two-step verification", "form": form}
        context["next"] = self._after(request)
        return TemplateResponse(request, "admin/platform/two_step.html", context)

    def two_step_set_up(self, request: HttpRequest) -> HttpResponse:
        """Add an authenticator app: the first after the password, or a replacement from a
        session the current app verified. Backup codes are shown once, at the end."""
        if app_device(account=request.user) is not None and not verified_by_strong_method(request.user):
            return redirect(self._step_url(request, "two-step", request.GET.get("next")))
        secret = self._pending_secret(request)
        form = SetUpForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            device = app_set_up_confirm(account=request.user, secret_hex=secret, code=form.cleaned_data["code"])
            if device is not None:
                del request.session[PENDING_SECRET]
                django_otp.login(request, device)
                request.session.cycle_key()
                codes = backup_codes_issue(account=request.user)
                context = {**self.each_context(request), "title": "Save your backup codes", "codes": codes}
                context["continue_url"] = self._after(request)
                return TemplateResponse(request, "admin/platform/backup_codes.html", context)
            form.add_error("code", "The code is not right. Check the key below is in your app and try again")
        url = otpauth_url(secret_hex=secret, account=request.user, issuer=ISSUER)
        context = {
            **self.each_context(request),
            "title": "Set up an authenticator app",
            "form": form,
            "qr_code": qr_code_svg(url, label=f"QR code to add {ISSUER} to your authenticator app"),
            "secret_text": secret_for_typing(secret),
            "issuer": ISSUER,
            "next": self._after(request),
        }
        return TemplateResponse(request, "admin/platform/two_step_set_up.html", context)

    @staticmethod
    def _pending_secret(request: HttpRequest) -> str:
        sealed = request.session.get(PENDING_SECRET)
        if sealed:
            try:
                return unseal(sealed)
            except SecretUnreadable:
                pass
        secret = app_secret_new()
        request.session[PENDING_SECRET] = seal(secret)
        return secret
