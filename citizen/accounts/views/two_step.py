"""Two-step verification pages: setting it up, entering a code, asking for a new one."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..decorators import next_path, reverification_required, sign_in_required, url_with_next
from ..forms_sign_in import MobileForm, TwoStepCodeForm
from ..mobiles import mobile_shown
from ..policies import current_policy
from ..roles import is_council_staff
from ..services_account import account_codes_by_set
from ..services_two_step import CodeSending, codes_texted_to, two_step_code_send, two_step_device, two_step_verify


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
    texted_to = mobile_shown(codes_texted_to(account=request.user, council=request.tenant))
    if request.method == "POST":
        form = TwoStepCodeForm(request.POST, texted=bool(texted_to))
        if form.is_valid():
            result = two_step_verify(
                account=request.user,
                code=form.cleaned_data["code"],
                policy=policy,
                sent_in="the text message" if texted_to else "the email",
            )
            if result.verified:
                django_otp.login(request, result.device)
                request.session.cycle_key()  # more rights now: a new session key
                return redirect(after or reverse("home"))
            form.add_error("code", result.message)
    else:
        form = TwoStepCodeForm(texted=bool(texted_to))
        sending = _send(request)
        if sending.locked_minutes:
            problem = sending.message
    return render(
        request,
        "accounts/two_step/verify.html",
        {
            "page_title": "Check your phone" if texted_to else "Check your email",
            "form": form,
            "email": request.user.email,
            "texted_to": texted_to,
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
        messages.success(request, f"We have sent a new code to {sending.texted_to or request.user.email}")
    elif not sending.locked_minutes:  # the code page says so itself when locked
        messages.error(request, sending.message)
    return redirect(url_with_next("accounts:two-step-verify", after))


def _send(request: HttpRequest) -> CodeSending:
    return two_step_code_send(
        account=request.user,
        policy=current_policy(request),
        council=request.tenant,
    )


PENDING_MOBILE = "codes_by_text_mobile"  # the number a code was texted to, until it is typed


@never_cache
@require_http_methods(["GET", "POST"])
@reverification_required
def codes_by_text(request: HttpRequest) -> HttpResponse:
    """Get two-step codes by text message instead of email (WCAG 2.2, 3.3.8): the number is
    used only once a code texted to it has been typed here; "email" goes back. Only where
    the council offers texts, and only for families (staff use an authenticator app)."""
    account, council = request.user, request.tenant
    if is_council_staff(account) or not council.texts_offered:
        raise Http404
    policy = current_policy(request)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "email":
        account_codes_by_set(account=account, codes_by="email", mobile=account.mobile)
        messages.success(request, f"We will send your security codes to {account.email}")
        return redirect("accounts:my-account")
    pending = request.session.get(PENDING_MOBILE, "")
    if action == "confirm" and pending:
        code_form = TwoStepCodeForm(request.POST, texted=True)
        if code_form.is_valid():
            result = two_step_verify(
                account=account, code=code_form.cleaned_data["code"], policy=policy, sent_in="the text message"
            )
            if result.verified:
                account_codes_by_set(account=account, codes_by="text", mobile=pending)
                request.session.pop(PENDING_MOBILE, None)
                messages.success(
                    request, f"We will send your security codes by text message to {mobile_shown(pending)}"
                )
                return redirect("accounts:my-account")
            code_form.add_error("code", result.message)
        return _codes_by_text_page(request, code_form=code_form, pending=pending)
    mobile_form = MobileForm(
        request.POST if action == "send" else None, initial={"mobile": mobile_shown(account.mobile)}
    )
    if action == "send" and mobile_form.is_valid():
        mobile = mobile_form.cleaned_data["mobile"]
        sending = two_step_code_send(account=account, policy=policy, council=council, to_mobile=mobile)
        if sending.sent:
            request.session[PENDING_MOBILE] = mobile
            # Shown, not redirected to: the re-verification this page needed stays for the code.
            return _codes_by_text_page(request, code_form=TwoStepCodeForm(texted=True), pending=mobile)
        mobile_form.add_error("mobile", sending.message)
    return _codes_by_text_page(request, mobile_form=mobile_form)


def _codes_by_text_page(request: HttpRequest, *, mobile_form=None, code_form=None, pending: str = "") -> HttpResponse:
    form = code_form if code_form is not None else mobile_form
    return render(
        request,
        "accounts/two_step/codes_by_text.html",
        {
            "page_title": "Check your phone" if code_form is not None else "Get your security codes by text message",
            "form": form,
            "entering_code": code_form is not None,
            "pending": mobile_shown(pending),
            "by_text": request.user.codes_by == "text",
            "current": mobile_shown(request.user.mobile),
            "lifetime_minutes": current_policy(request).otp_lifetime_minutes,
        },
    )
