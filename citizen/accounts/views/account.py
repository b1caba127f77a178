"""My account: see and change your details, email address and password; sign out
everywhere.

Every page needs a session verified by two-step (`two_step_required`): a password
alone shows no personal details and changes nothing. Changing the email address or
the password also needs a fresh code sent to the current address just before
(`reverification_required`, the "Confirm it is you" page here) and the current
password. The two links sent by email (confirm a new address; undo a change, sent to
the old one) work without signing in, in whatever browser the inbox opens them: a
link can only exist after a re-verified request, and each works once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..decorators import (
    next_path,
    reverification_record,
    reverification_required,
    two_step_required,
    url_with_next,
)
from ..forms_account import ChangeEmailForm, ChangePasswordForm
from ..forms_sign_in import TwoStepCodeForm
from ..passwords import policy_rules
from ..personal_details import PersonalDetailsForm
from ..policies import current_policy
from ..roles import is_council_staff
from ..services_account import (
    account_change_password,
    account_email_change_confirm,
    account_email_change_request,
    account_email_change_undo,
    account_sign_out_everywhere,
    account_update_details,
)
from ..services_two_step import CodePurpose, CodeSending, two_step_code_send, two_step_verify
from ..tokens_email import (
    EMAIL_CHANGE_LINK_LIFETIME,
    EmailAddressUnavailable,
    EmailChangeLinkExpired,
    EmailChangeLinkInvalid,
    email_change_pending,
    email_undo_pending,
)

TEMPLATES = "accounts/account"
WRONG_PASSWORDS = "account_wrong_passwords"  # session key: wrong current passwords typed here


def _wrong_password_typed(request: HttpRequest) -> HttpResponse | None:
    """Count a wrong current password. Past the council's sign-in failure limit the
    session ends: whoever is guessing (at an unattended computer, with a stolen
    session) must then get past the sign-in page's own lockout."""
    failures = request.session.get(WRONG_PASSWORDS, 0) + 1
    if failures >= current_policy(request).lockout_failure_limit:
        logout(request)
        return render(
            request, f"{TEMPLATES}/signed_out.html", {"page_title": "You have been signed out", "reason": "password"}
        )
    request.session[WRONG_PASSWORDS] = failures
    return None


@require_safe
@two_step_required
@never_cache
def my_account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/my_account.html",
        {"page_title": "My account", "account": request.user, "is_staff": is_council_staff(request.user)},
    )


@require_http_methods(["GET", "POST"])
@reverification_required
@never_cache
def change_password(request: HttpRequest) -> HttpResponse:
    policy = current_policy(request)
    form = ChangePasswordForm(request.POST if request.method == "POST" else None, policy=policy, account=request.user)
    if request.method == "POST":
        if form.is_valid():
            account_change_password(account=request.user, password=form.cleaned_data["password"])
            update_session_auth_hash(request, request.user)  # this session stays; every other one has ended
            request.session.pop(WRONG_PASSWORDS, None)
            messages.success(request, "Your password has been changed")
            return redirect("accounts:my-account")
        if form.current_password_wrong and (signed_out := _wrong_password_typed(request)):
            return signed_out
    return render(
        request,
        f"{TEMPLATES}/change_password.html",
        {"page_title": "Change your password", "form": form, "rules": policy_rules(policy)},
    )


@require_http_methods(["GET", "POST"])
@reverification_required
@never_cache
def change_email(request: HttpRequest) -> HttpResponse:
    form = ChangeEmailForm(request.POST if request.method == "POST" else None, account=request.user)
    if request.method == "POST":
        if form.is_valid():
            new_email = form.cleaned_data["email"]
            account_email_change_request(account=request.user, new_email=new_email)
            request.session.pop(WRONG_PASSWORDS, None)
            hours = int(EMAIL_CHANGE_LINK_LIFETIME.total_seconds() // 3600)
            messages.success(
                request,
                f"Check your email: we have sent a link to {new_email}. Open it within {hours} hours to confirm "
                "your new email address. Until then, your email address stays the same.",
            )
            return redirect("accounts:my-account")
        if form.current_password_wrong and (signed_out := _wrong_password_typed(request)):
            return signed_out
    return render(request, f"{TEMPLATES}/change_email.html", {"page_title": "Change your email address", "form": form})


@require_http_methods(["GET", "POST"])
@never_cache
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """Opened from the link sent to the new address, in whatever browser that is: the
    signed link identifies the account, so no sign-in is needed. GET only shows a
    button, so an email scanner fetching the link does not use it up."""
    try:
        if request.method == "POST":
            account = account_email_change_confirm(token=token)
            return render(
                request,
                f"{TEMPLATES}/email_changed.html",
                {"page_title": "Your email address has been changed", "new_email": account.email},
            )
        claim = email_change_pending(token, schema_name=connection.schema_name)
    except EmailChangeLinkExpired:
        return _link_problem(request, "expired")
    except EmailChangeLinkInvalid:
        return _link_problem(request, "invalid")
    except EmailAddressUnavailable:
        return _link_problem(request, "unavailable")
    return render(
        request,
        f"{TEMPLATES}/confirm_email.html",
        {"page_title": "Confirm your new email address", "new_email": claim.new_email},
    )


@require_http_methods(["GET", "POST"])
@never_cache
def undo_email_change(request: HttpRequest, token: str) -> HttpResponse:
    """Opened from the link sent to the old address after a change. GET shows a button
    (an email scanner fetching the link changes nothing); POST puts the old address
    back, ends every session of the account, this browser's too, and says to reset
    the password."""
    try:
        if request.method == "POST":
            account = account_email_change_undo(token=token)
            logout(request)
            return render(
                request,
                f"{TEMPLATES}/email_change_undone.html",
                {"page_title": "Your email address has been changed back", "email": account.email},
            )
        claim = email_undo_pending(token, schema_name=connection.schema_name)
    except EmailChangeLinkExpired:
        return _link_problem(request, "expired", link="undo")
    except EmailChangeLinkInvalid:
        return _link_problem(request, "invalid", link="undo")
    except EmailAddressUnavailable:
        return _link_problem(request, "unavailable", link="undo")
    return render(
        request,
        f"{TEMPLATES}/undo_email_change.html",
        {"page_title": "Change your email address back", "old_email": claim.old_email},
    )


@require_http_methods(["GET", "POST"])
@two_step_required
@never_cache
def reverify(request: HttpRequest) -> HttpResponse:
    """The "Confirm it is you" page: arriving sends a fresh code to the account's current address
    (at most one per cooldown); typing it records the re-verification in this session
    (for REVERIFICATION_LIFETIME) and goes back to the change. Wrong codes count towards
    the same limit as at sign-in."""
    after = next_path(request) or reverse("accounts:my-account")
    policy = current_policy(request)
    problem = ""
    if request.method == "POST":
        form = TwoStepCodeForm(request.POST)
        if form.is_valid():
            result = two_step_verify(account=request.user, code=form.cleaned_data["code"], policy=policy)
            if result.verified:
                reverification_record(request)
                return redirect(after)
            form.add_error("code", result.message)
    else:
        form = TwoStepCodeForm()
        sending = _send_reverification_code(request)
        if sending.locked_minutes:
            problem = sending.message
    return render(
        request,
        f"{TEMPLATES}/reverify.html",
        {
            "page_title": "Confirm it is you",
            "form": form,
            "email": request.user.email,
            "lifetime_minutes": policy.otp_lifetime_minutes,
            "cooldown_seconds": policy.otp_resend_cooldown_seconds,
            "problem": problem,
            "next": after,
        },
    )


@require_POST
@two_step_required
@never_cache
def reverify_new_code(request: HttpRequest) -> HttpResponse:
    after = next_path(request)
    sending = _send_reverification_code(request)
    if sending.sent:
        messages.success(request, f"We have sent a new code to {request.user.email}")
    elif not sending.locked_minutes:
        messages.error(request, sending.message)
    return redirect(url_with_next("accounts:reverify", after))


def _send_reverification_code(request: HttpRequest) -> CodeSending:
    return two_step_code_send(
        account=request.user,
        policy=current_policy(request),
        council=request.tenant,
        purpose=CodePurpose.CONFIRM_CHANGE,
    )


def _link_problem(request: HttpRequest, problem: str, link: str = "confirm") -> HttpResponse:
    titles = {
        "expired": "This link has expired",
        "invalid": "This link has already been used or is not valid",
        "unavailable": "This email address cannot be used",
    }
    return render(
        request,
        f"{TEMPLATES}/email_link_problem.html",
        {"page_title": titles[problem], "problem": problem, "link": link},
        status=400,
    )


@require_http_methods(["GET", "POST"])
@two_step_required
@never_cache
def change_details(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PersonalDetailsForm(request.POST)
        if form.is_valid():
            account_update_details(account=request.user, **form.personal_details())
            messages.success(request, "Your details have been updated")
            return redirect("accounts:my-account")
    else:
        form = PersonalDetailsForm(initial=PersonalDetailsForm.initial_for(request.user))
    return render(request, f"{TEMPLATES}/change_details.html", {"page_title": "Change your details", "form": form})


@require_http_methods(["GET", "POST"])
@two_step_required
@never_cache
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        account_sign_out_everywhere(account=request.user)
        logout(request)
        return render(
            request,
            f"{TEMPLATES}/signed_out.html",
            {"page_title": "You have been signed out everywhere", "reason": "everywhere"},
        )
    return render(request, f"{TEMPLATES}/sign_out_everywhere.html", {"page_title": "Sign out everywhere"})
