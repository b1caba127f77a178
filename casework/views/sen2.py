"""The SEN2 return (issue 17): a council admin checks the casework against the rules for
a census date, starts a run, watches its progress and downloads its files; the SEND
team records what a child's record needs for it (their return details and placements)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework.decorators import staff_required
from casework.forms_sen2 import PlacementForm, ReturnDetailsForm, Sen2StartForm
from casework.models import AuditEvent, Placement, Sen2Return
from casework.permissions import CASEWORK, COUNCIL_SETTINGS
from casework.selectors.access import child_for_staff
from casework.selectors.sen2 import people_to_return, sen2_people, sen2_problems
from casework.sen2.spec import collection_for, next_census_date
from casework.services.audit import audit_record
from casework.services.children import SEN2_FIELDS, child_update, placement_add, placement_remove
from casework.services.sen2 import STALE, sen2_return_start
from themes.forms import add_errors

TEMPLATES = "casework/staff/sen2"
PROBLEMS_SHOWN = 500  # a first return can fail thousands of times; the count is always whole


def _census_asked(request: HttpRequest) -> tuple[date, str]:
    """The census date to check, and what was wrong with the one typed (the next census
    is checked instead, and the page says so beside the box)."""
    typed = request.GET.get("census", "").strip()
    try:
        return date.fromisoformat(typed), ""
    except ValueError:
        error = f"Enter the census date as year-month-day, like 2027-01-21 ({typed} is not)" if typed else ""
        return next_census_date(timezone.localdate()), error


@require_http_methods(["GET", "POST"])
@staff_required(roles=COUNCIL_SETTINGS)
@never_cache
def sen2_index(request: HttpRequest) -> HttpResponse:
    """The census date, every problem the casework has for it (each linked to where it
    is fixed), starting a run, and the runs kept."""
    census, census_error = _census_asked(request)
    council = request.tenant
    form = Sen2StartForm(
        request.POST if request.method == "POST" else None,
        initial={"census_date": census, "la_number": council.dfe_la_number},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = sen2_return_start(
                census_date=form.cleaned_data["census_date"],
                la_number=form.cleaned_data["la_number"].strip(),
                by=request.staff_membership,
                request=request,
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "The return is being generated")
            return redirect("staff:sen2-run", run_id=run.pk)
    collection = collection_for(census)
    people = sen2_people(people_to_return(collection), collection)
    problems = sen2_problems(people, collection)
    return render(
        request,
        f"{TEMPLATES}/index.html",
        {
            "page_title": "SEN2 return",
            "form": form,
            "collection": collection,
            "census_error": census_error,
            "people": len(people),
            "problems": problems[:PROBLEMS_SHOWN],
            "problem_count": len(problems),
            "runs": Sen2Return.objects.defer("xml", "csv_zip").select_related("requested_by")[:20],
        },
    )


@require_safe
@staff_required(roles=COUNCIL_SETTINGS)
@never_cache
def sen2_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run: its progress while it runs (the page asks again every few seconds, with or
    without JavaScript), then its files."""
    run = get_object_or_404(Sen2Return.objects.defer("xml", "csv_zip").select_related("requested_by"), pk=run_id)
    running = run.status in (Sen2Return.Status.QUEUED, Sen2Return.Status.RUNNING)
    running = running and run.requested_at > timezone.now() - STALE  # else its task was lost: shown as failed
    percent = round(100 * run.people_done / run.people_total) if run.people_total else 0
    return render(
        request,
        f"{TEMPLATES}/run.html",
        {"page_title": "SEN2 return", "run": run, "running": running, "percent": percent},
    )


@require_safe
@staff_required(roles=COUNCIL_SETTINGS)
def sen2_download(request: HttpRequest, run_id: int, kind: str) -> HttpResponse:
    run = get_object_or_404(Sen2Return, pk=run_id, status=Sen2Return.Status.DONE)
    if kind == "xml":
        body, content_type, name = bytes(run.xml), "application/xml", f"SEN2-{run.census_date}-{run.pk}.xml"
    elif kind == "csv":
        body, content_type, name = bytes(run.csv_zip), "application/zip", f"SEN2-{run.census_date}-{run.pk}-csv.zip"
    else:
        raise Http404
    membership = request.staff_membership
    audit_record(
        actor=request.user,
        actor_role=membership.role,
        action=AuditEvent.Action.DOWNLOADED,
        subject=AuditEvent.Subject.SEN2_RETURN,
        subject_id=run.pk,
        summary=f"Downloaded the SEN2 return ({kind.upper()})",
        request=request,
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- A child's return details and placements (the SEND team)


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def child_return_details(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    details = ReturnDetailsForm(request.POST if request.method == "POST" else None, initial=_details_now(child))
    if request.method == "POST" and details.is_valid():
        try:
            child_update(child=child, actor=request.user, request=request, **details.cleaned_data)
        except ValidationError as refusal:
            add_errors(details, refusal)
        else:
            messages.success(request, "The return details have been saved")
            return redirect("staff:child-return-details", child_id=child.pk)
    if request.method == "GET":
        audit_record(
            actor=request.user,
            actor_role=request.staff_membership.role,
            action=AuditEvent.Action.VIEWED,
            subject=AuditEvent.Subject.CHILD,
            subject_id=child.pk,
            child=child,
            summary="Viewed the child's return details",
            request=request,
        )
    return _return_details_page(request, child, details, PlacementForm())


def _details_now(child) -> dict:
    return {field: getattr(child, field) for field in SEN2_FIELDS}


def _return_details_page(request, child, details, placement_form, status=200) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/return_details.html",
        {
            "page_title": f"Return details: {child.full_name}",
            "child": child,
            "details": details,
            "placement_form": placement_form,
            "placements": Placement.objects.filter(child=child),
        },
        status=status,
    )


@require_POST
@staff_required(roles=CASEWORK)
def child_placement_add(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    form = PlacementForm(request.POST)
    if form.is_valid():
        try:
            placement_add(child=child, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "The placement has been recorded")
            return redirect(reverse("staff:child-return-details", args=[child.pk]) + "#placements")
    details = ReturnDetailsForm(initial=_details_now(child))
    return _return_details_page(request, child, details, form, status=400)


@require_POST
@staff_required(roles=CASEWORK)
def child_placement_remove(request: HttpRequest, child_id: int, placement_id: int) -> HttpResponse:
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    placement = get_object_or_404(Placement, pk=placement_id, child=child)
    placement_remove(placement=placement, actor=request.user, request=request)
    messages.success(request, f"The placement at {placement.name} has been removed")
    return redirect(reverse("staff:child-return-details", args=[child.pk]) + "#placements")
