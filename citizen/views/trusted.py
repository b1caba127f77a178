"""People the family trusts (issue 16): the family's page of who they have invited to see
a child's records and the consent log; inviting someone; ending a grant; and, for the
person invited, their invitations and accepting one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from casework.models import Relationship, TrustedGrant
from casework.selectors.trusted import (
    consent_log,
    invitation_for,
    invitations_for,
    trusted_grant_on_child,
    trusted_grants_for_child,
)
from casework.services.trusted import may_end, trusted_accept, trusted_end, trusted_invite
from citizen.forms import TrustedEndForm, TrustedInviteForm
from citizen.selectors import family_member_access
from themes.forms import add_errors

from .common import child_name, send_area

TEMPLATES = "citizen/trusted"

STATUS = {
    "live": ("Can see the records", "green"),
    "waiting_for_acceptance": ("Invited: not accepted yet", "blue"),
    "waiting_for_approval": ("Waiting for the SEND team to approve", "yellow"),
    "declined": ("Not approved by the SEND team", "red"),
    "expired": ("Past its last day", "grey"),
    "ended": ("Ended", "grey"),
}


def _described(grants: list[TrustedGrant]) -> list[TrustedGrant]:
    for grant in grants:
        grant.status_text, grant.status_colour = STATUS[grant.status]  # type: ignore[attr-defined]  # for the template
    return grants


def _context(access) -> dict:
    young_person = access.relationship == Relationship.YOUNG_PERSON
    name = child_name(access.child)
    return {
        "access": access,
        "child": access.child,
        "name": name,
        "young_person": young_person,
        "whose": "your" if young_person else f"{name}'s",
    }


@require_safe
@send_area
def child_trusted(request: HttpRequest, child_id: int) -> HttpResponse:
    """Who the family has invited to see the child's records, where each stands, and the
    consent log of every invitation, acceptance, approval and end."""
    access = family_member_access(account=request.user, child_id=child_id)
    grants = _described(trusted_grants_for_child(child=access.child))
    for grant in grants:
        grant.may_end = grant.open and may_end(grant=grant, family=access)  # type: ignore[attr-defined]
    context = _context(access)
    return render(
        request,
        f"{TEMPLATES}/list.html",
        {
            **context,
            "page_title": f"People who can help with {context['whose']} records",
            "current": [g for g in grants if g.open],
            "past": [g for g in grants if not g.open],
            "log": consent_log(grants),
            "approval_rule": request.tenant.trusted_people_approval,
        },
    )


@require_http_methods(["GET", "POST"])
@send_area
def child_trusted_invite(request: HttpRequest, child_id: int) -> HttpResponse:
    access = family_member_access(account=request.user, child_id=child_id)
    form = TrustedInviteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            grant = trusted_invite(inviter=access, request=request, **form.cleaned_data)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            sent = f"We have emailed an invitation to {grant.email}."
            if grant.needs_approval:
                sent += " The SEND team will check it before it starts to work."
            messages.success(request, sent)
            return redirect("family:child-trusted", child_id=access.child_id)
    context = _context(access)
    return render(
        request,
        f"{TEMPLATES}/invite.html",
        {**context, "page_title": f"Invite someone to see {context['whose']} records", "form": form},
    )


@require_http_methods(["GET", "POST"])
@send_area
def child_trusted_end(request: HttpRequest, child_id: int, grant_id: int) -> HttpResponse:
    """End a grant, at once. Only its maker and the young person may (others: not found)."""
    access = family_member_access(account=request.user, child_id=child_id)
    grant = trusted_grant_on_child(child=access.child, grant_id=grant_id)
    if not grant.open or not may_end(grant=grant, family=access):
        raise Http404
    form = TrustedEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            trusted_end(grant=grant, actor=request.user, actor_role="family", family=access, request=request)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"{grant.name} can no longer see {_context(access)['whose']} records.")
            return redirect("family:child-trusted", child_id=access.child_id)
    context = _context(access)
    return render(
        request,
        f"{TEMPLATES}/end.html",
        {**context, "page_title": f"Stop {grant.name} seeing {context['whose']} records", "grant": grant, "form": form},
    )


@require_safe
@send_area
def invitations(request: HttpRequest) -> HttpResponse:
    """Invitations sent to the signed-in person's email address, waiting to be accepted."""
    return render(
        request,
        f"{TEMPLATES}/invitations.html",
        {"page_title": "Invitations for you", "invitations": list(invitations_for(account=request.user))},
    )


@require_http_methods(["GET", "POST"])
@send_area
def invitation(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = invitation_for(account=request.user, grant_id=grant_id)
    error = ""
    if request.method == "POST":
        try:
            accepted = trusted_accept(grant=grant, account=request.user, request=request)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            if accepted.access_id is not None:
                messages.success(request, "You have accepted the invitation. You can now see the records below.")
                return redirect("family:child", child_id=accepted.child_id)
            messages.success(
                request,
                "You have accepted the invitation. The SEND team will check it; we will email you when you can "
                "see the records.",
            )
            return redirect("send-home")
    return render(
        request,
        f"{TEMPLATES}/invitation.html",
        {
            "page_title": "An invitation to see a child's records",
            "grant": grant,
            "name": child_name(grant.child),
            "error": error,
        },
    )
