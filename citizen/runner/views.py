"""The form runner's pages for families (casework.submissions.runner draws the question
pages; these views find the draft, check who is asking and call it). Only for children
the family member is verified for, after two-step verification; a child, draft or
submission that is not theirs is "not found", as one that does not exist."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from casework.models import Relationship
from casework.selectors.access import acting_relationship, child_for_family, children_for_family, family_access
from casework.submissions import services
from casework.submissions.flow import progress
from casework.submissions.models import FormDraft, RequestedChild
from casework.submissions.pages import DraftStore, Runner, Urls
from casework.submissions.selectors import (
    draft_for_family,
    form_offered,
    submission_for_family,
)
from citizen.accounts.decorators import two_step_required
from citizen.selectors import access_request_for_family, access_requests_waiting
from tenants.form_definitions import form_definition
from tenants.models import Tile
from tenants.selectors import council_tiles

from .forms import DeclarationForm
from .selectors import child_forms_summary, request_forms_summary

TEMPLATES = "citizen/runner"
FAMILY = "family"


def family_page(view):
    """Two-step verified, on a council whose SEND area is open; never cached."""

    @wraps(view)
    @never_cache
    @two_step_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not any(tile.kind == Tile.Kind.SEND for tile in council_tiles(council=request.tenant)):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# --- A draft's store and addresses -----------------------------------------------------


def _urls(draft: FormDraft) -> Urls:
    return Urls(
        tasks=reverse("runner:tasks", args=[draft.pk]),
        check=reverse("runner:check", args=[draft.pk]),
        declaration=reverse("runner:declaration", args=[draft.pk]),
        page=lambda page_id: reverse("runner:page", args=[draft.pk, page_id]),
        item=lambda page_id, index: reverse("runner:item", args=[draft.pk, page_id, index]),
        item_remove=lambda page_id, index: reverse("runner:item-remove", args=[draft.pk, page_id, index]),
    )


def _speaking_for(relationship: str | None, child) -> str:
    if relationship == Relationship.YOUNG_PERSON:
        return "You are filling this in for yourself: the answers are your own views."
    name = child.known_as or child.legal_first_name
    return f"You are filling this in on {name}'s behalf."


def _relationship(request: HttpRequest, draft: FormDraft) -> str | None:
    """The sender's relationship to the child: their access, or (while it waits) the one
    their access request gave."""
    if draft.child is None:
        return draft.access_request.relationship if draft.access_request else None
    return acting_relationship(family_access(account=request.user, child=draft.child))


def _runner(request: HttpRequest, draft: FormDraft) -> Runner:
    return Runner(
        definition=form_definition(draft.version.definition),
        store=DraftStore(draft, request.user),
        urls=_urls(draft),
        council_max_mb=request.tenant.family_upload_max_mb,
        context={
            "child": draft.about,
            "draft": draft,
            "speaking_for": _speaking_for(_relationship(request, draft), draft.about),
            "leave_url": reverse("runner:index"),
        },
    )


def _open_draft(request: HttpRequest, draft_id: int) -> FormDraft | HttpResponse:
    """The family member's draft, or (once it is sent) a redirect to its confirmation."""
    draft = draft_for_family(account=request.user, draft_id=draft_id)
    if draft.submitted_at is not None:
        return redirect("runner:confirmation", submission_id=draft.submission.pk)
    return draft


# --- Pages -------------------------------------------------------------------------------


@require_GET
@family_page
def index(request: HttpRequest) -> HttpResponse:
    """Every child the family member is verified for, with their forms."""
    children = list(children_for_family(account=request.user).order_by("legal_first_name", "pk"))
    summary = child_forms_summary(account=request.user, children=children)
    waiting = [
        (access_request, RequestedChild.of(access_request), request_forms_summary(access_request=access_request))
        for access_request in access_requests_waiting(account=request.user)
    ]
    return render(
        request,
        f"{TEMPLATES}/index.html",
        {
            "page_title": "Forms",
            "children": [(child, summary[child.pk]) for child in children],
            "waiting": [entry for entry in waiting if not entry[2].is_empty],
        },
    )


@require_http_methods(["GET", "POST"])
@family_page
def start(request: HttpRequest, child_id: int, slug: str) -> HttpResponse:
    """Before you start: what the form is for and who is speaking; POST starts a draft
    (or, when only one is allowed, carries on with the one already open)."""
    child = child_for_family(account=request.user, child_id=child_id)
    offered = form_offered(slug=slug)
    definition = form_definition(offered.version.definition)
    relationship = acting_relationship(family_access(account=request.user, child=child))
    if relationship is None or relationship not in definition.who_can_start:
        raise Http404
    problem = services.feed_problem(definition=definition, child=child, starting=True)
    if request.method == "POST" and not problem:
        try:
            draft, created = services.draft_start(
                child=child, variant=offered.variant, version=offered.version, account=request.user, request=request
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            if not created:
                messages.info(request, "You have already started this form: carry on where you left off.")
            return redirect("runner:tasks", draft_id=draft.pk)
    return render(
        request,
        f"{TEMPLATES}/start.html",
        {
            "page_title": definition.title,
            "definition": definition,
            "child": child,
            "problem": problem,
            "speaking_for": _speaking_for(relationship, child),
        },
    )


@require_http_methods(["GET", "POST"])
@family_page
def request_start(request: HttpRequest, access_request_id: int, slug: str) -> HttpResponse:
    """Before you start a request for an assessment for the child of an access request
    the SEND team has not decided yet (issue 19, item 10): it counts as received the day
    it is sent, not the day the family is verified."""
    access_request = access_request_for_family(account=request.user, access_request_id=access_request_id)
    offered = form_offered(slug=slug)
    definition = form_definition(offered.version.definition)
    problem = services.request_feed_problem(definition=definition, access_request=access_request, account=request.user)
    if request.method == "POST" and not problem:
        try:
            draft, created = services.request_draft_start(
                access_request=access_request,
                variant=offered.variant,
                version=offered.version,
                account=request.user,
                request=request,
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            if not created:
                messages.info(request, "You have already started this form: carry on where you left off.")
            return redirect("runner:tasks", draft_id=draft.pk)
    child = RequestedChild.of(access_request)
    return render(
        request,
        f"{TEMPLATES}/start.html",
        {
            "page_title": definition.title,
            "definition": definition,
            "child": child,
            "access_request": access_request,
            "problem": problem,
            "speaking_for": _speaking_for(access_request.relationship, child),
        },
    )


@require_GET
@family_page
def tasks(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _open_draft(request, draft_id)
    if isinstance(draft, HttpResponse):
        return draft
    return _runner(request, draft).tasks(request)


@require_http_methods(["GET", "POST"])
@family_page
def page(request: HttpRequest, draft_id: int, page_id: str) -> HttpResponse:
    draft = _open_draft(request, draft_id)
    if isinstance(draft, HttpResponse):
        return draft
    return _runner(request, draft).page(request, page_id)


@require_http_methods(["GET", "POST"])
@family_page
def item(request: HttpRequest, draft_id: int, page_id: str, index: int) -> HttpResponse:
    draft = _open_draft(request, draft_id)
    if isinstance(draft, HttpResponse):
        return draft
    return _runner(request, draft).item(request, page_id, index)


@require_http_methods(["GET", "POST"])
@family_page
def item_remove(request: HttpRequest, draft_id: int, page_id: str, index: int) -> HttpResponse:
    draft = _open_draft(request, draft_id)
    if isinstance(draft, HttpResponse):
        return draft
    return _runner(request, draft).item_remove(request, page_id, index)


@require_GET
@family_page
def check(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _open_draft(request, draft_id)
    if isinstance(draft, HttpResponse):
        return draft
    return _runner(request, draft).check(request)


@require_http_methods(["GET", "POST"])
@family_page
def declaration(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The declaration; confirming it sends the form (once, however often it is posted)."""
    draft = draft_for_family(account=request.user, draft_id=draft_id)
    definition = form_definition(draft.version.definition)
    if draft.submitted_at is not None:
        return redirect("runner:confirmation", submission_id=draft.submission.pk)
    if not progress(definition, draft.answers, draft.pages_done).complete:
        messages.info(request, "Complete every section before you send the form.")
        return redirect("runner:tasks", draft_id=draft.pk)
    form = DeclarationForm(
        request.POST if request.method == "POST" else None, confirmation=definition.declaration.confirmation
    )
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.draft_submit(draft=draft, account=request.user, request=request)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return redirect("runner:confirmation", submission_id=submission.pk)
    runner = _runner(request, draft)
    return render(
        request,
        f"{TEMPLATES}/declaration.html",
        {
            **runner.context,
            "page_title": definition.declaration.heading,
            "definition": definition,
            "urls": runner.urls,
            "form": form,
            "action": reverse("runner:declaration", args=[draft.pk]),
            "problem": services.draft_feed_problem(draft=draft, definition=definition),
        },
    )


@require_http_methods(["GET", "POST"])
@family_page
def delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _open_draft(request, draft_id)
    if isinstance(draft, HttpResponse):
        return draft
    definition = form_definition(draft.version.definition)
    errors = []
    if request.method == "POST":
        if request.POST.get("delete") == "yes":
            services.draft_delete(draft=draft, account=request.user, request=request)
            messages.success(request, f"Your draft of {definition.short_title} has been deleted")
            return redirect("runner:index")
        if request.POST.get("delete") == "no":
            return redirect("runner:tasks", draft_id=draft.pk)
        errors = [("delete_0", "Select yes if you want to delete this draft")]
    return render(
        request,
        f"{TEMPLATES}/delete.html",
        {
            "page_title": f"Are you sure you want to delete your draft of {definition.short_title}?",
            "definition": definition,
            "draft": draft,
            "child": draft.about,
            "errors": errors,
        },
    )


@require_GET
@family_page
def confirmation(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = submission_for_family(account=request.user, submission_id=submission_id)
    definition = form_definition(submission.version.definition)
    return render(
        request,
        f"{TEMPLATES}/confirmation.html",
        {
            "page_title": f"{definition.short_title} sent",
            "definition": definition,
            "submission": submission,
            "child": submission.about,
            "pdf_url": reverse("runner:submission-pdf", args=[submission.pk]),
        },
    )


@require_GET
@family_page
def submission_pdf(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = submission_for_family(account=request.user, submission_id=submission_id)
    return services.submission_pdf_download(
        submission=submission, actor=request.user, actor_role=FAMILY, request=request
    )
