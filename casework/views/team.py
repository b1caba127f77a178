"""The SEND team: accepting an invitation (public: the emailed link), and the council
admin's team page (members, invitations, roles, deactivating)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY

from casework.decorators import staff_required
from casework.forms_team import InvitationAccountForm, InviteForm, RoleForm
from casework.models import StaffRole
from casework.permissions import MANAGE_TEAM
from casework.selectors.team import invitation_for_token, invitation_open, invitations_open, team_member, team_members
from casework.services.staff import (
    AccountExists,
    InvitationUnusable,
    TeamChangeRefused,
    refuse_own_change,
    staff_invitation_accept,
    staff_invitation_accept_new_account,
    staff_invitation_create,
    staff_invitation_withdraw,
    staff_member_change_role,
    staff_member_deactivate,
    staff_member_reactivate,
)
from citizen.accounts.decorators import PASSWORD_CHANGE_REQUIRED, url_with_next
from citizen.accounts.models import Account
from citizen.accounts.policies import current_policy
from themes.forms import add_errors

TEMPLATES = "casework/staff/team"
# Where a new member goes once two-step verification is set up.
STAFF_HOME = "/staff/"


# --- Accepting an invitation (no sign-in needed: the link is the proof) -----------------


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link to join the SEND team (invitation_page)."""
    invited = invitation_for_token(token=token)
    return invitation_page(
        request,
        invited=invited,
        token_url=reverse("staff:invitation", args=[token]),
        joining=f"{request.tenant.name}'s SEND team as {StaffRole(invited.role).label.lower()}" if invited else "",
        accept=staff_invitation_accept,
        accept_new_account=staff_invitation_accept_new_account,
        joined=f"You have joined {request.tenant.name}'s SEND team",
        home=STAFF_HOME,
    )


def invitation_page(
    request: HttpRequest,
    *,
    invited,
    token_url: str,
    joining: str,
    accept: Callable,
    accept_new_account: Callable,
    joined: str,
    home: str,
    join_button: str = "",
) -> HttpResponse:
    """An emailed invitation's page (the SEND team's, or an organisation's). With no
    account for the invited address: choose a name and a password (this council's rules).
    With one: sign in as it, then accept. Either way two-step verification is set up
    next, before any page behind it opens."""
    if invited is None:
        return _invitation_unusable(request)
    account = Account.objects.filter(email__iexact=invited.email).first()
    user = request.user
    context = {"invitation": invited, "joining": joining, "join_button": join_button}
    if user.is_authenticated and user.email.lower() != invited.email.lower():
        return _render_invitation(request, "wrong_account.html", "This invitation is for someone else", **context)
    if account is None or _never_activated(account):
        form = InvitationAccountForm(
            request.POST if request.method == "POST" else None, policy=current_policy(request), email=invited.email
        )
        if form.is_valid():
            try:
                membership = accept_new_account(
                    invitation=invited,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password"],
                    request=request,
                )
            except InvitationUnusable:
                return _invitation_unusable(request)
            except AccountExists:
                return redirect(token_url)  # now the "sign in first" page
            login(request, membership.account, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            request.session.pop(PASSWORD_CHANGE_REQUIRED, None)
            return _accepted(request, joined, home)
        return _render_invitation(request, "new_account.html", "Create your account", form=form, **context)
    if not account.is_active:
        return _render_invitation(request, "account_unusable.html", "You cannot use this account", **context)
    if not user.is_authenticated:
        return _render_invitation(
            request,
            "sign_in_first.html",
            "Sign in to accept your invitation",
            sign_in_url=url_with_next("accounts:sign-in", request.path),
            **context,
        )
    if request.method == "POST":
        try:
            accept(invitation=invited, account=user, request=request)
        except InvitationUnusable:
            return _invitation_unusable(request)
        return _accepted(request, joined, home)
    return _render_invitation(request, "accept.html", f"Join {joining.split(' as ')[0]}", **context)


def _never_activated(account: Account) -> bool:
    return not account.is_active and account.email_verified_at is None


def _accepted(request: HttpRequest, joined: str, home: str) -> HttpResponse:
    messages.success(request, joined)
    # The pages behind it ask for two-step anyway; going there now sets it up at once.
    return redirect(url_with_next("accounts:two-step-set-up", home))


def _render_invitation(request: HttpRequest, template: str, page_title: str, **context) -> HttpResponse:
    return render(request, f"{TEMPLATES}/invitation/{template}", {"page_title": page_title, **context})


def _invitation_unusable(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/invitation/unusable.html",
        {"page_title": "This invitation has expired or been used"},
    )


# --- The team page ----------------------------------------------------------------------


def _team_page(request: HttpRequest, invite_form: InviteForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/team.html",
        {
            "page_title": "Team",
            "members": team_members(),
            "invitations": invitations_open(),
            "form": invite_form,
            "now": timezone.now(),
        },
        status=status,
    )


@never_cache
@require_GET
@staff_required(roles=MANAGE_TEAM)
def team(request: HttpRequest) -> HttpResponse:
    return _team_page(request, InviteForm())


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(roles=MANAGE_TEAM)
def team_invite(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect(reverse("staff:team") + "#invite")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            staff_invitation_create(
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"We have sent an invitation to {form.cleaned_data['email']}")
            return redirect("staff:team")
    return _team_page(request, form)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(roles=MANAGE_TEAM)
def team_role(request: HttpRequest, member_id: int) -> HttpResponse:
    member = team_member(member_id=member_id)
    try:
        refuse_own_change(membership=member, by=request.staff_membership, change="role")
    except TeamChangeRefused as refused:
        return _refused(request, refused)
    form = RoleForm(request.POST if request.method == "POST" else None, initial={"role": member.role})
    if form.is_valid():
        staff_member_change_role(
            membership=member, role=form.cleaned_data["role"], by=request.staff_membership, request=request
        )
        messages.success(request, f"{_name(member)} is now {StaffRole(form.cleaned_data['role']).label.lower()}")
        return redirect("staff:team")
    return render(
        request,
        f"{TEMPLATES}/role.html",
        {"page_title": f"Change the role of {_name(member)}", "member": member, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(roles=MANAGE_TEAM)
def team_deactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    """A confirmation page, then the change: the member loses access and every session
    of their account ends."""
    member = team_member(member_id=member_id)
    if request.method == "POST":
        try:
            staff_member_deactivate(membership=member, by=request.staff_membership, request=request)
        except TeamChangeRefused as refused:
            return _refused(request, refused)
        messages.success(request, f"{_name(member)} has been deactivated and signed out everywhere")
        return redirect("staff:team")
    try:
        refuse_own_change(membership=member, by=request.staff_membership, change="deactivate")
    except TeamChangeRefused as refused:
        return _refused(request, refused)
    return render(
        request,
        f"{TEMPLATES}/deactivate.html",
        {"page_title": f"Deactivate {_name(member)}", "member": member},
    )


@never_cache
@require_POST
@staff_required(roles=MANAGE_TEAM)
def team_reactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    member = team_member(member_id=member_id)
    staff_member_reactivate(membership=member, by=request.staff_membership, request=request)
    messages.success(request, f"{_name(member)} has been reactivated")
    return redirect("staff:team")


@never_cache
@require_POST
@staff_required(roles=MANAGE_TEAM)
def team_invitation_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invited = invitation_open(invitation_id=invitation_id)
    staff_invitation_withdraw(invitation=invited, by=request.staff_membership, request=request)
    messages.success(request, f"The invitation to {invited.email} has been withdrawn")
    return redirect("staff:team")


def _refused(request: HttpRequest, refused: TeamChangeRefused) -> HttpResponse:
    messages.error(request, str(refused))
    return redirect("staff:team")


def _name(member) -> str:
    return member.account.get_full_name() or member.account.email
