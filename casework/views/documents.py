"""Staff screens: a case's documents (upload, share, withdraw, download) and its message
thread. The case page (staff:case) shows both sections (templates
casework/staff/documents/case_section.html and messages_section.html); the forms there
post here, and each POST goes back to the case page. A form with errors is shown again
on a page of its own, with what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.decorators import staff_required
from casework.file_checks import FileRefused
from casework.forms_documents import DocumentUploadForm, MessageForm
from casework.models import AuditEvent
from casework.permissions import CASEWORK
from casework.selectors.access import case_for_staff
from casework.selectors.documents import document_for_staff
from casework.selectors.messages import author_label, family_accesses_for_case, thread_for_case, unread_message_ids
from casework.services import documents as document_services
from casework.services import messages as message_services
from casework.services.audit import audit_record
from tenants.storage import StorageRefused

TEMPLATES = "casework/staff/documents"


def _who_was_told(case) -> str:
    if family_accesses_for_case(case=case).exists():
        return "The family have been told by email."
    return "Nobody in the family can see this case yet, so nobody has been emailed."


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def document_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    """Upload a document to a case. It stays with the SEND team until someone shares it."""
    membership = request.staff_membership
    case = case_for_staff(membership=membership, case_id=case_id)
    posted = request.method == "POST"
    form = DocumentUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            document = document_services.document_upload(
                case=case,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                actor=request.user,
                actor_role=membership.role,
                request=request,
            )
        except FileRefused as refused:
            form.add_error("file", _error_messages(refused))
        except StorageRefused as refused:
            form.add_error(None, str(refused))
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(
                request, f"'{document.title}' has been uploaded. The family cannot see it until you share it."
            )
            return redirect(message_services.case_page_path(case.pk))
    return render(
        request,
        f"{TEMPLATES}/upload.html",
        {
            "page_title": "Upload a document",
            "case": case,
            "form": form,
            "case_url": message_services.case_page_path(case.pk),
        },
    )


@require_POST
@staff_required(roles=CASEWORK)
def document_share(request: HttpRequest, document_id: int) -> HttpResponse:
    membership = request.staff_membership
    document = document_for_staff(membership=membership, document_id=document_id)
    try:
        document_services.document_share(
            document=document, actor=request.user, actor_role=membership.role, request=request
        )
    except ValidationError as refused:
        messages.error(request, " ".join(_error_messages(refused)))
    else:
        messages.success(request, f"'{document.title}' is shared. {_who_was_told(document.case)}")
    return redirect(message_services.case_page_path(document.case_id))


@require_POST
@staff_required(roles=CASEWORK)
def document_withdraw(request: HttpRequest, document_id: int) -> HttpResponse:
    membership = request.staff_membership
    document = document_for_staff(membership=membership, document_id=document_id)
    document_services.document_withdraw(
        document=document, actor=request.user, actor_role=membership.role, request=request
    )
    messages.success(request, f"'{document.title}' has been withdrawn. The family can no longer see it.")
    return redirect(message_services.case_page_path(document.case_id))


@require_GET
@staff_required(roles=CASEWORK)
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    membership = request.staff_membership
    document = document_for_staff(membership=membership, document_id=document_id)
    return document_services.document_download(
        document=document, actor=request.user, actor_role=membership.role, request=request
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def message_post(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's thread on a page of its own (GET, marking it read), and sending a
    message to the family (POST, from the case page or this one)."""
    membership = request.staff_membership
    case = case_for_staff(membership=membership, case_id=case_id)
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message_services.message_post(
                case=case,
                author=request.user,
                from_send_team=True,
                body=form.cleaned_data["body"],
                actor_role=membership.role,
                request=request,
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, f"Your message has been sent. {_who_was_told(case)}")
            return redirect(message_services.case_page_path(case.pk))
    thread = list(thread_for_case(case=case))
    new_ids = unread_message_ids(case=case, account=request.user)
    for message in thread:
        message.author_label = author_label(message)
        message.is_new = message.pk in new_ids
    if new_ids:  # nothing new, nothing to record (as on the family's page)
        message_services.thread_mark_read(case=case, account=request.user, up_to=thread[-1].created_at)
    audit_record(
        actor=request.user,
        actor_role=membership.role,
        action=AuditEvent.Action.VIEWED,
        subject=AuditEvent.Subject.MESSAGES,
        case=case,
        summary="Viewed the message thread",
        request=request,
    )
    return render(
        request,
        f"{TEMPLATES}/messages.html",
        {
            "page_title": "Messages",
            "case": case,
            "form": form,
            "thread": thread,
            "case_url": message_services.case_page_path(case.pk),
        },
    )
