"""The family's SEND area: a child's whole record to take away (issue 16, item 2). Asked
for here, made in the background, downloaded once from the page that shows it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from casework.models import RecordBundle, Relationship
from casework.services.bundles import (
    BUNDLE_LIFETIME,
    record_bundle_download,
    record_bundle_request,
    record_bundle_token_new,
)
from casework.services.messages import FAMILY
from citizen.selectors import family_member_access

from .common import child_name, send_area

TEMPLATES = "citizen/records"


def _context(access) -> dict:
    young_person = access.relationship == Relationship.YOUNG_PERSON
    return {
        "access": access,
        "child": access.child,
        "name": child_name(access.child),
        "young_person": young_person,
        "whose": "your" if young_person else f"{child_name(access.child)}'s",
        "lifetime_days": BUNDLE_LIFETIME.days,
    }


@require_http_methods(["GET", "POST"])
@send_area
def child_records(request: HttpRequest, child_id: int) -> HttpResponse:
    """What the download holds, the button to ask for it, and the ones asked for lately."""
    access = family_member_access(account=request.user, child_id=child_id)
    if request.method == "POST":
        bundle = record_bundle_request(
            child=access.child,
            account=request.user,
            audience=RecordBundle.Audience.FAMILY,
            actor_role=FAMILY,
            request=request,
        )
        return redirect("family:child-records-bundle", child_id=access.child_id, bundle_id=bundle.pk)
    context = _context(access)
    bundles = RecordBundle.objects.filter(
        child=access.child, requested_by=request.user, audience=RecordBundle.Audience.FAMILY
    )[:5]
    return render(
        request,
        f"{TEMPLATES}/records.html",
        {**context, "page_title": f"Download {context['whose']} records", "bundles": bundles},
    )


def _bundle(request: HttpRequest, access, bundle_id: int) -> RecordBundle:
    return get_object_or_404(
        RecordBundle, pk=bundle_id, child=access.child, requested_by=request.user, audience=RecordBundle.Audience.FAMILY
    )


@require_safe
@send_area
def child_records_bundle(request: HttpRequest, child_id: int, bundle_id: int) -> HttpResponse:
    """One download: being put together (the page asks again every few seconds, with or
    without JavaScript), ready (with a link that works once), used, expired or failed."""
    access = family_member_access(account=request.user, child_id=child_id)
    bundle = _bundle(request, access, bundle_id)
    context = _context(access)
    return render(
        request,
        f"{TEMPLATES}/bundle.html",
        {
            **context,
            "page_title": f"Download {context['whose']} records",
            "bundle": bundle,
            "making": bundle.being_made,
            "usable": bundle.usable,
            "expired": bundle.expired,
            "token": record_bundle_token_new(bundle) if bundle.usable else "",
        },
    )


@require_safe
@send_area
def child_records_download(request: HttpRequest, child_id: int, bundle_id: int, token: str) -> HttpResponse:
    access = family_member_access(account=request.user, child_id=child_id)
    bundle = _bundle(request, access, bundle_id)
    try:
        return record_bundle_download(
            bundle=bundle, token=token, account=request.user, actor_role=FAMILY, request=request
        )
    except ValidationError as refusal:  # used, or expired: the page says so and offers a new one
        messages.error(request, refusal.messages[0])
        return redirect("family:child-records-bundle", child_id=access.child_id, bundle_id=bundle.pk)
