"""The family's SEND area for one case: its progress against the law's deadlines, the
reply to a draft plan, documents (shared with the family, and sent by them), messages
with the SEND team, and a printed copy of the plan."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from casework.models import AuditEvent, Relationship
from casework.selectors.access import case_for_family, family_access
from casework.selectors.cases import case_records
from casework.selectors.documents import document_for_family
from casework.selectors.messages import author_label, thread_for_case, unread_count, unread_message_ids
from casework.services.documents import document_download as stream_document
from casework.services.messages import FAMILY, case_kind_phrase, message_post, thread_mark_read
from casework.services.trusted import trusted_look_record
from citizen.forms import CaseUploadForm, DraftReplyForm, FamilyMessageForm
from citizen.selectors import (
    case_documents_for_family,
    case_tracker,
    plan_for_family,
    printed_copy_latest,
    reply_window,
)
from citizen.services_family import (
    PrintedCopyTooSoon,
    draft_plan_reply_create,
    family_documents_upload,
    family_upload_max_bytes,
    printed_copy_request,
)
from themes.forms import add_errors

from .common import child_name, send_area

TEMPLATES = "citizen/cases"
MESSAGES_PER_PAGE = 25
DOCUMENTS_PER_PAGE = 20


def _case_context(request: HttpRequest, case_id: int) -> dict:
    """The case (404 unless the account can see its child now), and how the pages name it."""
    case, access = case_for_family(account=request.user, case_id=case_id)
    relationship = Relationship.PARENT if access.is_trusted else access.relationship
    return {
        "case": case,
        "child": case.child,
        "access": access,
        "trusted": access.is_trusted,
        "may_message": access.may("message"),
        "may_send_documents": access.may("forms"),
        "name": child_name(case.child),
        "young_person": relationship == Relationship.YOUNG_PERSON,
        "case_phrase": case_kind_phrase(case, relationship=relationship),
    }


def _family_only(context: dict) -> None:
    """Pages only the family has (replying to a draft plan, a printed copy): someone they
    trust is answered "not found", as for a page that does not exist."""
    if context["trusted"]:
        raise Http404


def _seen_by_trusted(request: HttpRequest, context: dict, *, subject: str, summary: str) -> None:
    """What someone the family trusts looks at is listed in "who has seen the records"."""
    trusted_look_record(
        access=context["access"], subject=subject, summary=summary, case=context["case"], request=request
    )


@require_safe
@send_area
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's progress: every statutory step in plain English with its dates, what
    comes next and its legal deadline, whether the council is on time, and the council's
    own explanation of each step."""
    context = _case_context(request, case_id)
    case = context["case"]
    _seen_by_trusted(request, context, subject=AuditEvent.Subject.CASE, summary="Viewed the case")
    tracker = case_tracker(case=case, council=request.tenant, today=timezone.localdate(), viewer=request.user)
    return render(
        request,
        f"{TEMPLATES}/case.html",
        {
            **context,
            "page_title": case.get_kind_display(),
            "tracker": tracker,
            "plan": plan_for_family(case=case),
            "unread": unread_count(case, request.user),
            "feedback_url": request.tenant.feedback_questionnaire_url if tracker.final_plan else "",
        },
    )


@require_http_methods(["GET", "POST"])
@send_area
def case_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    """Reply to the draft plan (or proposed changes): inside the window or after it
    (marked late), until the final plan is issued."""
    context = _case_context(request, case_id)
    _family_only(context)
    case = context["case"]
    today = timezone.localdate()
    window = reply_window(case=case, milestones=case_records(case).milestones, today=today)
    what = window.what if window else "the draft plan"
    form = DraftReplyForm(
        request.POST if request.method == "POST" and window and window.accepts_replies else None,
        what=what,
        young_person=context["young_person"],
    )
    if form.is_valid():
        try:
            reply = draft_plan_reply_create(
                case=case, account=request.user, today=today, request=request, **form.cleaned_data
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            sent = "Your reply has been sent to the SEND team."
            if reply.is_late:
                sent += " It arrived after the last day, so it is marked late: the SEND team will still read it."
            messages.success(request, sent)
            return redirect("family:case", case_id=case.pk)
    return render(
        request,
        f"{TEMPLATES}/reply.html",
        {**context, "page_title": f"Reply to {what}", "form": form, "window": window, "what": what},
    )


def _upload_json(sent, *, errors: list[str] | None = None, status: int = 200) -> JsonResponse:
    """What the upload script (themes/base/static/portal/family-upload.js) shows per file."""
    return JsonResponse(
        {
            "kept": [{"title": d.title, "status": d.scan_status} for d in sent.kept] if sent else [],
            "refused": [{"name": r.name, "messages": list(r.messages)} for r in sent.refused] if sent else [],
            "errors": errors or [],
        },
        status=status,
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _counted_page(items, count: int, number: str | None) -> Page:
    """A page of documents whose number is known already (one query counted both lists):
    the paginator does not count them again."""
    paginator = Paginator(items, DOCUMENTS_PER_PAGE)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property: filled in
    return paginator.get_page(number)


@require_http_methods(["GET", "POST"])
@send_area
def case_documents(request: HttpRequest, case_id: int) -> HttpResponse:
    """What the SEND team shared and what the family sent; sending more. Each file is
    checked on its own: good files are kept and each refused one is explained. With
    JavaScript, the page's script sends the files one by one (asking for JSON) to show
    each one's progress; without it, one form sends them all."""
    context = _case_context(request, case_id)
    case = context["case"]
    council = request.tenant
    posted = request.method == "POST"
    if posted and not context["may_send_documents"]:
        raise Http404
    if not posted:
        _seen_by_trusted(request, context, subject=AuditEvent.Subject.CASE, summary="Viewed the case's documents")
    form = CaseUploadForm(
        request.POST if posted else None, request.FILES if posted else None, max_mb=council.family_upload_max_mb
    )
    sent = None
    if posted and form.is_valid():
        try:
            sent = family_documents_upload(
                case=case,
                account=request.user,
                uploads=form.cleaned_data["files"],
                max_bytes=family_upload_max_bytes(council),
                request=request,
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            if _wants_json(request):
                return _upload_json(sent)
            if sent.kept:
                count = len(sent.kept)
                messages.success(
                    request,
                    f"{'Your file has' if count == 1 else f'{count} files have'} been sent to the SEND team."
                    + (" Some files could not be sent: see below." if sent.refused else ""),
                )
            if not sent.refused:
                return redirect("family:case-documents", case_id=case.pk)
            # Each refused file explained on the form (and in the error summary); the
            # kept ones are listed below with everything else the family has sent.
            form.add_error("files", [message for refusal in sent.refused for message in refusal.messages])
    if posted and _wants_json(request):
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return _upload_json(None, errors=errors, status=400)
    documents = case_documents_for_family(case=case, account=request.user)
    # Each list a page at a time (?shared=2, ?sent=2), keeping the other list's page.
    shared = _counted_page(documents.shared, documents.shared_count, request.GET.get("shared"))
    sent_by_family = _counted_page(documents.sent, documents.sent_count, request.GET.get("sent"))
    return render(
        request,
        f"{TEMPLATES}/documents.html",
        {
            **context,
            "page_title": "Documents",
            "form": form,
            "shared": shared,
            "sent_by_family": sent_by_family,
            "shared_query": urlencode({"sent": sent_by_family.number}),
            "sent_query": urlencode({"shared": shared.number}),
            "kept": sent.kept if sent else [],
            "upload_url": reverse("family:case-documents", args=[case.pk]),
        },
    )


@require_GET
@send_area
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    """A document the SEND team shared (or the family sent), streamed; each download is
    an audit event."""
    document = document_for_family(account=request.user, document_id=document_id)
    access = family_access(account=request.user, child=document.case.child)
    role = access.actor_role if access is not None else FAMILY
    return stream_document(document=document, actor=request.user, actor_role=role, request=request)


@require_http_methods(["GET", "POST"])
@send_area
def case_messages(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's thread with the SEND team, oldest first (opening it marks it read), and
    a reply."""
    context = _case_context(request, case_id)
    case = context["case"]
    if request.method == "POST" and not context["may_message"]:
        raise Http404
    if request.method != "POST":
        _seen_by_trusted(request, context, subject=AuditEvent.Subject.MESSAGES, summary="Read the messages")
    form = FamilyMessageForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            message_post(
                case=case,
                author=request.user,
                from_send_team=False,
                body=form.cleaned_data["body"],
                actor_role=context["access"].actor_role,
                request=request,
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "Your message has been sent to the SEND team.")
            return redirect("family:case-messages", case_id=case.pk)
    # The newest messages on the first page (oldest first within it), older ones a page
    # on: the same queries for a thread of 5 messages or of 500.
    paginator = Paginator(thread_for_case(case=case).reverse(), MESSAGES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    thread = list(reversed(page.object_list))
    new_ids = unread_message_ids(case=case, account=request.user) if thread else set()
    for message in thread:
        message.author_label = "You" if message.author_id == request.user.pk else author_label(message)
        message.is_new = message.pk in new_ids
    if new_ids and not page.has_previous():  # the newest seen: the whole thread is read
        # Nothing new, nothing to record: a visit that finds no new message writes
        # nothing (issue 13), and a message written before the newest but saved after
        # the page was drawn stays unread.
        thread_mark_read(case=case, account=request.user, up_to=thread[-1].created_at)
    return render(
        request,
        f"{TEMPLATES}/messages.html",
        {
            **context,
            "page_title": "Messages",
            "form": form,
            "thread": thread,
            "page": page,
            "new_count": len(new_ids),
        },
    )


@require_http_methods(["GET", "POST"])
@send_area
def case_printed_copy(request: HttpRequest, case_id: int) -> HttpResponse:
    """Ask for the plan on paper: the request goes to the SEND team of the child's area."""
    context = _case_context(request, case_id)
    _family_only(context)
    case = context["case"]
    plan = plan_for_family(case=case)
    refusal = ""
    if request.method == "POST" and plan is not None:
        try:
            printed_copy_request(case=case, account=request.user, request=request)
        except PrintedCopyTooSoon as too_soon:
            refusal = too_soon.messages[0]
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(
                request,
                "Your request for a printed copy has been sent to the SEND team. We have emailed you to confirm it.",
            )
            return redirect("family:case", case_id=case.pk)
    return render(
        request,
        f"{TEMPLATES}/printed_copy.html",
        {
            **context,
            "page_title": "Ask for a printed copy of the plan",
            "plan": plan,
            "refusal": refusal,
            "previous": printed_copy_latest(case=case, account=request.user),
            "address": [
                line
                for line in (
                    request.user.address_line_1,
                    request.user.address_line_2,
                    request.user.town,
                    request.user.postcode,
                )
                if line
            ],
        },
    )
