"""The organisations a council asks for advice (council admins): register and change
them, see their people, and invite someone (usually each organisation's first admin,
who then invites their colleagues)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from casework.decorators import staff_actor, staff_required
from casework.forms_organisations import MemberInviteForm, OrganisationChangeForm, OrganisationForm
from casework.permissions import COUNCIL_SETTINGS
from casework.selectors.professionals import (
    organisation_for_staff,
    organisation_open_invitations,
    organisation_people,
    organisations_for_council,
)
from casework.services.organisations import organisation_invitation_create, organisation_save
from themes.forms import add_errors

TEMPLATES = "casework/staff/organisations"


@never_cache
@require_GET
@staff_required(roles=COUNCIL_SETTINGS)
def organisations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/list.html",
        {"page_title": "Organisations", "organisations": organisations_for_council()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(roles=COUNCIL_SETTINGS)
def organisation_add(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            organisation = organisation_save(organisation=None, **form.cleaned_data, **staff_actor(request))
        except ValidationError as refused:
            add_errors(form, refused)
        else:
            messages.success(request, f"{organisation.name} registered. Now invite its first admin.")
            return redirect("staff:organisation", organisation_id=organisation.pk)
    return render(request, f"{TEMPLATES}/add.html", {"page_title": "Register an organisation", "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(roles=COUNCIL_SETTINGS)
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    row = organisation_for_staff(organisation_id=organisation_id)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action")
    details = OrganisationChangeForm(
        posted if action == "details" else None,
        prefix="details",
        initial={"name": row.name, "kind": row.kind, "contact_email": row.contact_email, "is_active": row.is_active},
    )
    invite = MemberInviteForm(posted if action == "invite" else None, prefix="invite", initial={"is_admin": True})
    if action == "details" and details.is_valid():
        try:
            organisation_save(organisation=row, **details.cleaned_data, **staff_actor(request))
        except ValidationError as refused:
            add_errors(details, refused)
        else:
            messages.success(request, "Organisation details saved")
            return redirect("staff:organisation", organisation_id=row.pk)
    if action == "invite" and invite.is_valid():
        try:
            organisation_invitation_create(
                organisation=row,
                email=invite.cleaned_data["email"],
                is_admin=invite.cleaned_data["is_admin"],
                invited_by=request.user,
                actor_role=request.staff_membership.role,
                request=request,
            )
        except ValidationError as refused:
            add_errors(invite, refused)
        else:
            messages.success(request, f"Invitation sent to {invite.cleaned_data['email']}")
            return redirect("staff:organisation", organisation_id=row.pk)
    failed = details if details.errors else invite if invite.errors else None
    return render(
        request,
        f"{TEMPLATES}/organisation.html",
        {
            "page_title": row.name,
            "organisation": row,
            "details": details,
            "invite": invite,
            "form": failed,
            "people": organisation_people(row),
            "invitations": organisation_open_invitations(row),
        },
    )
