"""Security keys and passkeys (WebAuthn): adding one beside the authenticator app, and
using one at two-step. WebAuthn needs JavaScript (static/portal/security-keys.js); the
buttons stay hidden without it and the app's code works as before."""

from __future__ import annotations

import django_otp
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..decorators import (
    has_authenticator_app,
    next_path,
    sign_in_required,
    two_step_required,
    url_with_next,
)
from ..services_authenticator import verified_by_strong_method
from ..services_security_keys import (
    authentication_finish,
    authentication_start,
    registration_finish,
    registration_start,
    security_keys,
)

REGISTRATION_CHALLENGE = "accounts:webauthn-registration"
AUTHENTICATION_CHALLENGE = "accounts:webauthn-authentication"


def _rp_id(request: HttpRequest) -> str:
    return request.get_host().split(":")[0]


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _may_manage(request: HttpRequest) -> HttpResponse | None:
    """Keys are added only beside an app, from a session the app (or a backup code or a
    key) verified; None when this request may go on."""
    if not has_authenticator_app(request.user):
        return redirect(url_with_next("accounts:two-step-app-set-up", reverse("accounts:security-keys")))
    if not verified_by_strong_method(request.user):
        return redirect(url_with_next("accounts:two-step-app", request.get_full_path()))
    return None


@never_cache
@require_http_methods(["GET", "POST"])
@two_step_required  # and, in _may_manage, a session the app verified: stronger than a fresh emailed code
def manage(request: HttpRequest) -> HttpResponse:
    """The account's security keys on this site; removing one (a POST with its id)."""
    if (refused := _may_manage(request)) is not None:
        return refused
    keys = security_keys(account=request.user, rp_id=_rp_id(request))
    if request.method == "POST":
        keys.filter(pk=request.POST.get("remove", "")).delete()
        return redirect("accounts:security-keys")
    return render(request, "accounts/two_step/security_keys.html", {"page_title": "Security keys", "keys": keys})


@never_cache
@require_POST
@two_step_required  # and, in _may_manage, a session the app verified: stronger than a fresh emailed code
def register_options(request: HttpRequest) -> HttpResponse:
    if (refused := _may_manage(request)) is not None:
        return refused
    options, challenge = registration_start(
        account=request.user, rp_id=_rp_id(request), rp_name=f"{request.tenant.name} SEND"
    )
    request.session[REGISTRATION_CHALLENGE] = challenge
    return HttpResponse(options, content_type="application/json")


@never_cache
@require_POST
@two_step_required  # and, in _may_manage, a session the app verified: stronger than a fresh emailed code
def register(request: HttpRequest) -> HttpResponse:
    if (refused := _may_manage(request)) is not None:
        return refused
    challenge = request.session.pop(REGISTRATION_CHALLENGE, None)
    device = None
    if challenge:
        device = registration_finish(
            account=request.user,
            credential=request.body.decode(errors="replace"),
            challenge=challenge,
            rp_id=_rp_id(request),
            origin=_origin(request),
            name=request.GET.get("name", "Security key"),
        )
    if device is None:
        return JsonResponse({"error": "The security key was not added. Try again."}, status=400)
    return JsonResponse({"redirect": reverse("accounts:security-keys")})


@never_cache
@require_POST
@sign_in_required
def authenticate_options(request: HttpRequest) -> HttpResponse:
    options, challenge = authentication_start(account=request.user, rp_id=_rp_id(request))
    request.session[AUTHENTICATION_CHALLENGE] = challenge
    return HttpResponse(options, content_type="application/json")


@never_cache
@require_POST
@sign_in_required
def authenticate(request: HttpRequest) -> HttpResponse:
    challenge = request.session.pop(AUTHENTICATION_CHALLENGE, None)
    device = None
    if challenge:
        device = authentication_finish(
            account=request.user,
            credential=request.body.decode(errors="replace"),
            challenge=challenge,
            rp_id=_rp_id(request),
            origin=_origin(request),
        )
    if device is None:
        return JsonResponse({"error": "That security key did not work. Try again, or use your app."}, status=400)
    django_otp.login(request, device)
    request.session.cycle_key()
    return JsonResponse({"redirect": next_path(request) or reverse("home")})
