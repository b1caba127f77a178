"""The staff screens' door: two-step verified (citizen.accounts.decorators), then an
active membership of this council's SEND team with the right role."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from citizen.accounts.decorators import has_authenticator_app, two_step_required, url_with_next
from citizen.accounts.policies import current_policy
from citizen.accounts.services_authenticator import verified_by_strong_method

from .models import OrganisationMembership, StaffMembership

View = Callable[..., HttpResponse]


def active_staff_membership(account, roles: Iterable[str] | None = None) -> StaffMembership | None:
    """The account's active membership of this council's SEND team (with one of `roles`)."""
    memberships = StaffMembership.objects.filter(account=account, is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.first()


def stronger_two_step(request: HttpRequest) -> HttpResponse | None:
    """Where the council's sign-in policy says staff (and professionals) must use an
    authenticator app and this session was verified only by an emailed code: the
    redirect to verify with the app, or to set one up (with backup codes) when there is
    none. None when the session is verified strongly enough."""
    if current_policy(request).staff_require_authenticator and not verified_by_strong_method(request.user):
        has_app = has_authenticator_app(request.user)
        step = "accounts:two-step-app" if has_app else "accounts:two-step-app-set-up"
        return redirect(url_with_next(step, request.get_full_path()))
    return None


def staff_required(*, roles: Iterable[str] | None = None) -> Callable[[View], View]:
    """Two-step verified, then an active staff membership of this council with one of
    `roles` (any role when None). Anyone else gets 403 "you do not have access": staff
    screens are at well-known addresses, so hiding them (404) protects nothing, and a
    member of staff with the wrong role should be told plainly. Two-step comes first, so
    a password alone does not even reveal whether an account is staff here.

    When the council's sign-in policy says staff must use an authenticator app, a session
    verified only by an emailed code is not enough: the person is sent to verify with
    their app, or to set one up (with backup codes) when they have none.

    The view finds the membership at `request.staff_membership`.
    """
    allowed = None if roles is None else frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        @two_step_required
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = active_staff_membership(request.user, allowed)
            if membership is None:
                return render(
                    request, "accounts/sign_in/no_access.html", {"page_title": "You do not have access"}, status=403
                )
            stronger = stronger_two_step(request)
            if stronger is not None:
                return stronger
            request.staff_membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_council_staff(account) -> bool:
    """The answer to citizen.accounts.roles.is_council_staff (registered in apps.py): on
    the SEND team, or one of an organisation's people, who are held to staff's two-step
    policy as well (they see children's records through the council's requests)."""
    return (
        active_staff_membership(account) is not None
        or OrganisationMembership.objects.filter(account=account, is_active=True).exists()
    )


def staff_actor(request: HttpRequest) -> dict:
    """Who a staff page's service call acts as (actor, role, request), for the audit trail:
    only behind staff_required, which sets request.staff_membership."""
    return {"actor": request.user, "actor_role": request.staff_membership.role, "request": request}
