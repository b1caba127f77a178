"""The SEND team's screens for children and access: the verification queue, deciding a
request, recording a child, a child's page, and removing a family member's access."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework.decorators import staff_required
from casework.forms_children import (
    AccessApproveForm,
    AccessAskForm,
    AccessDeclineForm,
    ChildAccessRevokeForm,
    ChildForm,
    ChildSearchForm,
)
from casework.models import AuditEvent, RecordBundle
from casework.permissions import CASEWORK
from casework.selectors.access import access_evidence_for_staff, child_for_staff
from casework.selectors.children import (
    PENDING,
    access_request_for_staff,
    access_request_matches,
    access_requests_pending,
    access_requests_waiting_for_child,
    child_access_for_staff,
    child_accesses,
    child_cases,
    children_list,
    children_search,
)
from casework.selectors.trusted import trusted_grants_for_child, trusted_grants_to_approve
from casework.services.access import access_evidence_download as stream_access_evidence
from casework.services.access import (
    access_request_approve,
    access_request_approve_new_child,
    access_request_ask,
    access_request_decline,
    child_access_revoke,
)
from casework.services.audit import audit_record
from casework.services.bundles import record_bundle_download, record_bundle_request, record_bundle_token_new
from casework.services.children import ChildPossibleDuplicates, child_create
from casework.submissions.selectors import submissions_for_access_request
from themes.dates import long_date
from themes.forms import add_errors

TEMPLATES = "casework/staff/children"
PER_PAGE = 25
CHILDREN_PER_PAGE = 50
DUPLICATES_SHOWN = "duplicates_shown"  # posted once possible duplicates have been shown


def _audit_view(request: HttpRequest, *, subject: str, subject_id: int, child=None, summary: str) -> None:
    audit_record(
        actor=request.user,
        actor_role=request.staff_membership.role,
        action=AuditEvent.Action.VIEWED,
        subject=subject,
        subject_id=subject_id,
        child=child,
        summary=summary,
        request=request,
    )


# --- Access requests ---------------------------------------------------------------------


@require_safe
@staff_required(roles=CASEWORK)
@never_cache
def access_requests(request: HttpRequest) -> HttpResponse:
    """The verification queue: every pending request across the council, oldest first."""
    page = Paginator(access_requests_pending(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        f"{TEMPLATES}/access_requests.html",
        {"page_title": "Access requests", "page": page, "trusted_waiting": trusted_grants_to_approve().count()},
    )


@dataclass
class _AccessRequestForms:
    """The three decisions' forms on one request's page, one of them bound to the POST."""

    ask: AccessAskForm
    approve: AccessApproveForm
    decline: AccessDeclineForm
    bound: Form | None
    candidates: list


def _access_request_forms(request: HttpRequest, access_request, action: str | None, candidates: list):
    data = request.POST if action else None
    forms = _AccessRequestForms(
        ask=AccessAskForm(data if action == "ask" else None, prefix="ask"),
        approve=AccessApproveForm(
            data if action == "approve" else None,
            prefix="approve",
            council=request.tenant,
            candidates=candidates,
            with_confirmation=action == "approve" and request.POST.get(DUPLICATES_SHOWN) == "1",
        ),
        decline=AccessDeclineForm(data if action == "decline" else None, prefix="decline"),
        bound=None,
        candidates=candidates,
    )
    forms.bound = {"ask": forms.ask, "approve": forms.approve, "decline": forms.decline}.get(action or "")
    return forms


def _ask(request: HttpRequest, access_request, forms: _AccessRequestForms) -> str:
    access_request_ask(
        access_request=access_request,
        question=forms.ask.cleaned_data["question"],
        document_requested=forms.ask.cleaned_data["document_requested"],
        actor=request.user,
        request=request,
    )
    return "Your question has been sent to the family"


def _approve(request: HttpRequest, access_request, forms: _AccessRequestForms) -> str:
    approve = forms.approve
    if approve.creates_child:
        access_request_approve_new_child(
            access_request=access_request,
            council_reference=approve.cleaned_data["council_reference"],
            service_area=approve.cleaned_data["service_area"],
            actor=request.user,
            request=request,
            confirmed_not_duplicate=approve.cleaned_data.get("confirmed_not_duplicate", False),
        )
        opened = _cases_opened(access_request)
        if opened:
            return "Request approved: a new child has been recorded and the family told" + opened
        return "Request approved: a new child has been recorded and the family told. Open a case for them below."
    access_request_approve(access_request=access_request, child=approve.child, actor=request.user, request=request)
    return "Request approved: the family has been told" + _cases_opened(access_request)


def _cases_opened(access_request) -> str:
    """What approving did with a request for an assessment sent with the request."""
    fed = [s for s in submissions_for_access_request(access_request=access_request) if s.case]
    return "".join(
        f". {s.reference}, the request for an assessment sent with it, is on case {s.case.reference}, "
        f"its clock counting from {long_date(s.case.started_on)}"
        for s in fed
    )


def _decline(request: HttpRequest, access_request, forms: _AccessRequestForms) -> str:
    access_request_decline(
        access_request=access_request, reason=forms.decline.cleaned_data["reason"], actor=request.user, request=request
    )
    return "Request declined: the family has been told"


# Each decision on a request: the form's `action` value, and what it does (the message for the caseworker).
ACCESS_DECISIONS = {"ask": _ask, "approve": _approve, "decline": _decline}


def _show_duplicates(request: HttpRequest, forms: _AccessRequestForms) -> None:
    """A new child who may already be recorded: ask the caseworker to check and confirm."""
    if "confirmed_not_duplicate" in forms.approve.fields:
        forms.approve.add_error(
            "confirmed_not_duplicate", "Check the children listed, then confirm this is a different child"
        )
    else:
        forms.approve = AccessApproveForm(
            request.POST, prefix="approve", council=request.tenant, candidates=forms.candidates, with_confirmation=True
        )
        forms.approve.is_valid()


def _access_request_candidates(access_request, search_text: str) -> tuple[list, list, list]:
    """Children the request may be about: the suggested matches, those the caseworker
    searched for, and both together (with the child already chosen, if any)."""
    suggestions = access_request_matches(access_request=access_request)
    found = children_search(text=search_text) if search_text else []
    candidates = list({child.pk: child for child in [*suggestions, *found]}.values())
    if access_request.child and access_request.child.pk not in {c.pk for c in candidates}:
        candidates.insert(0, access_request.child)
    return suggestions, found, candidates


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def access_request(request: HttpRequest, access_request_id: int) -> HttpResponse:
    """One request: what the family gave, children who may be the one, and the decisions
    (ACCESS_DECISIONS): ask for more, approve (an existing child or a new one), decline."""
    access_request = access_request_for_staff(membership=request.staff_membership, access_request_id=access_request_id)
    pending = access_request.status in PENDING
    action = request.POST.get("action") if request.method == "POST" else None
    action = action if action in ACCESS_DECISIONS else None

    search_text = (request.POST.get("q") if action else request.GET.get("q", "")) or ""
    suggestions, found, candidates = _access_request_candidates(access_request, search_text)
    forms = _access_request_forms(request, access_request, action, candidates)
    duplicates = []

    if action is not None and not pending:
        messages.error(request, f"This request has already been {access_request.get_status_display().lower()}")
        return redirect("staff:access-request", access_request_id=access_request.pk)
    if forms.bound is not None and forms.bound.is_valid():
        try:
            messages.success(request, ACCESS_DECISIONS[action](request, access_request, forms))
            if action == "approve":  # to the child (the approval recorded it), where a case is opened
                access_request.refresh_from_db(fields=["child"])
                return redirect("staff:child", child_id=access_request.child_id)
            return redirect("staff:access-requests")
        except ChildPossibleDuplicates as refusal:
            duplicates = refusal.duplicates
            _show_duplicates(request, forms)
        except ValidationError as refusal:
            add_errors(forms.bound, refusal)

    if request.method == "GET":
        _audit_view(
            request,
            subject=AuditEvent.Subject.ACCESS_REQUEST,
            subject_id=access_request.pk,
            child=access_request.child,
            summary="Viewed access request",
        )
    return render(
        request,
        f"{TEMPLATES}/access_request.html",
        {
            "page_title": f"Access request {access_request.pk}",
            "access_request": access_request,
            "pending": pending,
            "sent_with_request": submissions_for_access_request(access_request=access_request),
            "suggestions": suggestions,
            "found": found,
            "search": ChildSearchForm({"q": search_text} if search_text else None),
            "search_text": search_text,
            "ask": forms.ask,
            "approve": forms.approve,
            "decline": forms.decline,
            "form": forms.bound,  # base.html: the page title starts "Error:" when it has errors
            "duplicates": duplicates,
        },
    )


@require_safe
@staff_required(roles=CASEWORK)
def access_evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """A document a family sent with their request, streamed; each download is audited."""
    evidence = access_evidence_for_staff(membership=request.staff_membership, evidence_id=evidence_id)
    return stream_access_evidence(
        evidence=evidence, actor=request.user, actor_role=request.staff_membership.role, request=request
    )


# --- Children ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def child_new(request: HttpRequest) -> HttpResponse:
    """Record a child. Children with the same date of birth and a matching name are shown
    first; staff confirm this is a different child to go on."""
    posted = request.method == "POST"
    with_confirmation = posted and request.POST.get(DUPLICATES_SHOWN) == "1"
    form = ChildForm(request.POST if posted else None, council=request.tenant, with_confirmation=with_confirmation)
    duplicates = []
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            child = child_create(
                legal_first_name=data["legal_first_name"],
                legal_last_name=data["legal_last_name"],
                known_as=data["known_as"],
                date_of_birth=data["date_of_birth"],
                setting=data["setting"],
                service_area=data["service_area"],
                council_reference=data["council_reference"],
                actor=request.user,
                request=request,
                confirmed_not_duplicate=data.get("confirmed_not_duplicate", False),
            )
        except ChildPossibleDuplicates as refusal:
            duplicates = refusal.duplicates
            if with_confirmation:
                form.add_error(
                    "confirmed_not_duplicate", "Check the children listed, then confirm this is a different child"
                )
            else:
                form = ChildForm(request.POST, council=request.tenant, with_confirmation=True)
                form.is_valid()
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "The child has been recorded")
            return redirect("staff:child", child_id=child.pk)
    return render(
        request,
        f"{TEMPLATES}/child_new.html",
        {"page_title": "Record a child", "form": form, "duplicates": duplicates},
    )


@require_safe
@staff_required(roles=CASEWORK)
@never_cache
def children(request: HttpRequest) -> HttpResponse:
    """Every child recorded, searchable by name, date of birth or reference, 50 a page:
    a child with no case yet is found here, not only through the caseload."""
    search = (request.GET.get("search") or "").strip()[:100]
    page = Paginator(children_list(search=search), CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        f"{TEMPLATES}/children.html",
        {
            "page_title": "Children",
            "search": search,
            "page": page,
            "query": urlencode({"search": search}) if search else "",
        },
    )


@require_safe
@staff_required(roles=CASEWORK)
@never_cache
def child(request: HttpRequest, child_id: int) -> HttpResponse:
    """A child's details, who can see their records (and who could), requests waiting
    for them, and their cases. Viewing is an audit event."""
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    live, revoked = child_accesses(child=child)
    _audit_view(request, subject=AuditEvent.Subject.CHILD, subject_id=child.pk, child=child, summary="Viewed child")
    return render(
        request,
        f"{TEMPLATES}/child.html",
        {
            "page_title": child.full_name,
            "child": child,
            "live_accesses": live,
            "revoked_accesses": revoked,
            "waiting": access_requests_waiting_for_child(child=child),
            "cases": child_cases(child=child),
            "trusted_grants": trusted_grants_for_child(child=child),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def child_access_revoke_view(request: HttpRequest, child_id: int, access_id: int) -> HttpResponse:
    """Remove a family member's access to a child's records, with the reason why."""
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    access = child_access_for_staff(child=child, access_id=access_id)
    if access.revoked_at is not None:
        messages.error(request, "This access has already been removed")
        return redirect("staff:child", child_id=child.pk)
    form = ChildAccessRevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            child_access_revoke(access=access, reason=form.cleaned_data["reason"], actor=request.user, request=request)
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "Access removed: the family member has been told their access has changed")
            return redirect("staff:child", child_id=child.pk)
    return render(
        request,
        f"{TEMPLATES}/child_access_revoke.html",
        {"page_title": "Remove access", "form": form, "child": child, "access": access},
    )


# --- A tribunal bundle: every document on the child's cases, in date order, with an index


@require_POST
@staff_required(roles=CASEWORK)
def child_bundle(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    bundle = record_bundle_request(
        child=child,
        account=request.user,
        audience=RecordBundle.Audience.STAFF,
        actor_role=request.staff_membership.role,
        request=request,
    )
    return redirect("staff:child-bundle-status", child_id=child.pk, bundle_id=bundle.pk)


@require_safe
@staff_required(roles=CASEWORK)
@never_cache
def child_bundle_status(request: HttpRequest, child_id: int, bundle_id: int) -> HttpResponse:
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    bundle = get_object_or_404(
        RecordBundle, pk=bundle_id, child=child, requested_by=request.user, audience=RecordBundle.Audience.STAFF
    )
    return render(
        request,
        f"{TEMPLATES}/bundle.html",
        {
            "page_title": f"Tribunal bundle: {child.full_name}",
            "child": child,
            "bundle": bundle,
            "making": bundle.being_made,
            "usable": bundle.usable,
            "expired": bundle.expired,
            "token": record_bundle_token_new(bundle) if bundle.usable else "",
        },
    )


@require_safe
@staff_required(roles=CASEWORK)
def child_bundle_download(request: HttpRequest, child_id: int, bundle_id: int, token: str) -> HttpResponse:
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    bundle = get_object_or_404(RecordBundle, pk=bundle_id, child=child, audience=RecordBundle.Audience.STAFF)
    try:
        return record_bundle_download(
            bundle=bundle, token=token, account=request.user, actor_role=request.staff_membership.role, request=request
        )
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
        return redirect("staff:child-bundle-status", child_id=child.pk, bundle_id=bundle.pk)
