"""The family's SEND area: asking to see a child's records (and answering the SEND team),
a child's page, who on the council's side has seen the child's records, and, for a young
person, who else can see theirs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from casework.models import AccessRequest, AuditEvent, Relationship
from casework.selectors.access import access_evidence_for_request
from casework.services.access import access_request_answer, access_request_create
from casework.services.trusted import trusted_look_record
from casework.submissions.models import RequestedChild
from citizen.forms import AccessAnswerForm, AddChildForm, SharingChoiceForm
from citizen.runner.selectors import child_forms_summary, request_forms_summary
from citizen.selectors import (
    access_request_for_family,
    child_access_for_family,
    child_cases_for_family,
    child_record_views,
    family_member_access,
    record_views_described,
    shared_access_for_young_person,
    whose,
    young_person_access_for_family,
    young_person_sharing,
)
from citizen.services_family import access_evidence_upload_all, family_upload_max_bytes, young_person_sharing_choose
from themes.forms import add_errors

from .common import child_name, send_area

TEMPLATES = "citizen/children"
VIEWS_PER_PAGE = 25


@require_http_methods(["GET", "POST"])
@send_area
def child_add(request: HttpRequest) -> HttpResponse:
    """Ask to see a child's records: the SEND team checks who the family is and decides."""
    form = AddChildForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            access_request = access_request_create(account=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(
                request,
                "Your request has been sent. The SEND team will check it and email you when they have decided.",
            )
            return redirect("family:access-request", access_request_id=access_request.pk)
    return render(request, f"{TEMPLATES}/add.html", {"page_title": "Add a child", "form": form})


@require_http_methods(["GET", "POST"])
@send_area
def access_request(request: HttpRequest, access_request_id: int) -> HttpResponse:
    """One of the family's requests: what they told us, where it is, and, when the SEND
    team asks, the answer and documents. Good files are kept even when another is refused
    (and the answer typed stays in the box)."""
    access_request = access_request_for_family(account=request.user, access_request_id=access_request_id)
    asked = access_request.status == AccessRequest.Status.MORE_EVIDENCE
    max_bytes = family_upload_max_bytes(request.tenant)
    form = None
    refused = []
    if asked:
        form = AccessAnswerForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            max_mb=request.tenant.family_upload_max_mb,
            documents_requested=access_request.evidence_document_requested,
        )
    elif request.method == "POST":
        messages.error(request, "The SEND team is not waiting for anything from you on this request.")
        return redirect("family:access-request", access_request_id=access_request.pk)

    if form is not None and form.is_valid():
        try:
            sent = access_evidence_upload_all(
                access_request=access_request,
                account=request.user,
                uploads=form.cleaned_data["files"],
                max_bytes=max_bytes,
                request=request,
            )
            refused = sent.refused
            if refused:
                form.add_error("files", "Some files could not be sent. The others have been kept: see below")
            elif access_request.evidence_document_requested and not access_evidence_for_request(
                access_request=access_request
            ):
                form.add_error("files", "Choose the document the SEND team asked for")
            else:
                access_request_answer(
                    access_request=access_request, account=request.user, answer=form.cleaned_data["family_answer"]
                )
                messages.success(request, "Your answer has been sent to the SEND team.")
                return redirect("send-home")
        except ValidationError as refusal:
            add_errors(form, refusal)
    return render(
        request,
        f"{TEMPLATES}/access_request.html",
        {
            "page_title": f"Your request to see {access_request.child_first_name}'s records",
            "access_request": access_request,
            "form": form,
            "refused": refused,
            "evidence": access_evidence_for_request(access_request=access_request),
            "requested": RequestedChild.of(access_request),
            "request_forms": request_forms_summary(access_request=access_request),
        },
    )


@require_safe
@send_area
def child(request: HttpRequest, child_id: int) -> HttpResponse:
    access = child_access_for_family(account=request.user, child_id=child_id)
    forms = child_forms_summary(account=request.user, children=[access.child], accesses=[access])
    trusted_look_record(
        access=access, subject=AuditEvent.Subject.CHILD, summary="Viewed the child's details", request=request
    )
    young_person = access.relationship == Relationship.YOUNG_PERSON
    return render(
        request,
        f"{TEMPLATES}/child.html",
        {
            "page_title": "Your records" if young_person else f"{child_name(access.child)}'s records",
            "access": access,
            "child": access.child,
            "name": child_name(access.child),
            "young_person": young_person,
            "cases": child_cases_for_family(access=access, today=timezone.localdate()),
            "child_forms": forms.get(access.child.pk),
        },
    )


@require_safe
@send_area
def child_seen(request: HttpRequest, child_id: int) -> HttpResponse:
    """Who on the council's side has looked at the child's records, newest first, a page
    at a time (two queries a page)."""
    access = family_member_access(account=request.user, child_id=child_id)
    page = Paginator(child_record_views(child=access.child), VIEWS_PER_PAGE).get_page(request.GET.get("page"))
    young_person = access.relationship == Relationship.YOUNG_PERSON
    return render(
        request,
        f"{TEMPLATES}/seen.html",
        {
            "page_title": "Who has seen your records"
            if young_person
            else f"Who has seen {child_name(access.child)}'s records",
            "access": access,
            "child": access.child,
            "name": child_name(access.child),
            "young_person": young_person,
            "page": page,
            "views": record_views_described(page.object_list, council=request.tenant, relationship=access.relationship),
            "whose": whose(access.relationship),
        },
    )


@require_safe
@send_area
def child_sharing(request: HttpRequest, child_id: int) -> HttpResponse:
    """The young person: who else can see their records, and whom they have removed."""
    young_person = young_person_access_for_family(account=request.user, child_id=child_id)
    live, removed = young_person_sharing(young_person=young_person)
    return render(
        request,
        f"{TEMPLATES}/sharing.html",
        {
            "page_title": "Who can see your records",
            "access": young_person,
            "child": young_person.child,
            "live": live,
            "removed": removed,
        },
    )


@require_http_methods(["GET", "POST"])
@send_area
def child_sharing_choose(request: HttpRequest, child_id: int, access_id: int) -> HttpResponse:
    young_person = young_person_access_for_family(account=request.user, child_id=child_id)
    shared = shared_access_for_young_person(young_person=young_person, access_id=access_id)
    name = shared.account.get_full_name() or "this person"
    form = SharingChoiceForm(request.POST if request.method == "POST" else None, name=name)
    if form.is_valid():
        keep = form.cleaned_data["keep"]
        try:
            young_person_sharing_choose(young_person=young_person, access=shared, keep=keep, request=request)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            if keep:
                messages.success(request, f"{name} can keep seeing your records.")
            else:
                messages.success(
                    request, f"{name} can no longer see your records. We have emailed them to say their access changed."
                )
            return redirect("family:child-sharing", child_id=young_person.child_id)
    return render(
        request,
        f"{TEMPLATES}/sharing_choose.html",
        {
            "page_title": f"Should {name} keep seeing your records?",
            "access": young_person,
            "child": young_person.child,
            "shared": shared,
            "name": name,
            "form": form,
        },
    )
