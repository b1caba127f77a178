"""Who may open a page on a council's site: signed in, verified by two-step, and
re-verified by a fresh code just before a change that could hand the account over (staff
screens add casework.decorators.staff_required on top).

Each decorator also holds back a person whose password must change first (it broke
this council's policy or is too old, found at sign-in): until they set a new one, every
protected page sends them to the change page (docs/architecture.md, "Tenancy").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .models import AuthenticatorDevice, EmailCodeDevice
from .policies import current_policy
from .roles import is_council_staff

# Session key: set at sign-in when the password must change before anything else ("expired"
# or "policy", the reason the change page gives).
PASSWORD_CHANGE_REQUIRED = "accounts:password-change-required"  # noqa: S105 - a session key, not a password

# Session key: when this session last typed a fresh code sent to the account's current
# address (a POSIX timestamp), for `reverification_required`.
REVERIFIED_AT = "accounts:reverified-at"
REVERIFICATION_LIFETIME = timedelta(minutes=10)

View = Callable[..., HttpResponse]


def next_path(request: HttpRequest) -> str | None:
    """The `next` (posted or in the query) when it is an address on this same host;
    None otherwise, so nobody can be sent on to another site after signing in."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def safe_next(request: HttpRequest, default: str = "home") -> str:
    """Where to go after signing in or verifying: a safe `next`, else `default` (a URL name)."""
    return next_path(request) or reverse(default)


def url_with_next(name: str, next_url: str | None) -> str:
    """The URL called `name`, carrying `next_url` as `?next=` when there is one."""
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def password_change_pending(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.session.get(PASSWORD_CHANGE_REQUIRED))


def has_confirmed_device(account) -> bool:
    return EmailCodeDevice.objects.filter(user=account, confirmed=True).exists()


def has_authenticator_app(account) -> bool:
    return AuthenticatorDevice.objects.filter(user=account, confirmed=True).exists()


def staff_must_use_app(request: HttpRequest) -> bool:
    """This council asks its SEND team for an authenticator app, and the person is in it."""
    return bool(current_policy(request).staff_require_authenticator and is_council_staff(request.user))


def sign_in_required(view: View) -> View:
    """Signed in on this council's site, with no password change outstanding."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:sign-in"))
        if password_change_pending(request):
            return redirect(url_with_next("accounts:password-change-required", request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def two_step_required(view: View) -> View:
    """Signed in and verified by two-step in this session: with an authenticator app set
    up, to the page that asks for its code; otherwise first time to set-up, afterwards to
    the page that sends a code by email. Either way back to this page after."""

    @wraps(view)
    @sign_in_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_verified():
            if has_authenticator_app(request.user):
                step = "accounts:two-step-app"
            elif has_confirmed_device(request.user):
                step = "accounts:two-step-verify"
            else:
                step = "accounts:two-step-set-up"
            return redirect(url_with_next(step, request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def reverification_record(request: HttpRequest) -> None:
    """This session has just typed a fresh code sent to the account's current address."""
    request.session[REVERIFIED_AT] = timezone.now().timestamp()


def reverification_fresh(request: HttpRequest) -> bool:
    """Whether this session re-verified within REVERIFICATION_LIFETIME (and has not used it)."""
    at = request.session.get(REVERIFIED_AT)
    if not isinstance(at, int | float):
        return False
    age = timezone.now().timestamp() - at
    return 0 <= age < REVERIFICATION_LIFETIME.total_seconds()


def reverification_use(request: HttpRequest) -> None:
    """Use up the re-verification: the next change needs a fresh code again."""
    request.session.pop(REVERIFIED_AT, None)


def reverification_required(view: View) -> View:
    """Two-step verified, and a fresh code sent to the account's CURRENT address typed
    within the last 10 minutes: a stolen password (or a session left open) is then not
    enough to change the email address, the password or the two-step method, the
    things that would hand the account to someone else.

    Without it, the person goes to "Confirm it is you" (a code is sent there) and comes
    back to this page. A POST that succeeds (answered with a redirect, as every change
    page here does) uses the re-verification up; a form sent back with errors keeps it,
    so a typing mistake does not cost another code. Views may also call
    `reverification_use` themselves.
    """

    @wraps(view)
    @two_step_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not reverification_fresh(request):
            reverification_use(request)
            return redirect(url_with_next("accounts:reverify", request.get_full_path()))
        response = view(request, *args, **kwargs)
        if request.method == "POST" and 300 <= response.status_code < 400:
            reverification_use(request)
        return response

    return wrapper
