"""Template tags for a case's documents and messages sections on the staff case page.

`{% case_documents_for case as documents %}`: the case's documents and an upload form
(one query). `{% case_thread_for case as thread %}`: the thread, oldest first, which
messages are new to the person looking, and a reply form; drawing it marks the thread
read for them (the issue's "mark read on view"), in a fixed number of queries however
long the thread is."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from casework.file_checks import ACCEPTED, size_text
from casework.forms_documents import DocumentUploadForm, MessageForm
from casework.models import Document, Message
from casework.selectors.documents import documents_for_case
from casework.selectors.messages import author_label, thread_for_case, unread_message_ids
from casework.services.messages import thread_mark_read

register = template.Library()


@dataclass(frozen=True)
class CaseDocuments:
    documents: list[Document]
    form: DocumentUploadForm


@dataclass(frozen=True)
class CaseThread:
    messages: list[Message]
    new_count: int
    form: MessageForm


@register.simple_tag(takes_context=True)
def case_documents_for(context, case) -> CaseDocuments:
    """Clean documents, and the ones the person looking uploaded (marked if still being
    checked for viruses, or refused for one)."""
    request = context.get("request")
    documents = documents_for_case(case=case, account=getattr(request, "user", None))
    return CaseDocuments(documents=list(documents), form=DocumentUploadForm())


@register.simple_tag(takes_context=True)
def case_thread_for(context, case) -> CaseThread:
    request = context.get("request")
    account = getattr(request, "user", None)
    signed_in = account is not None and account.is_authenticated
    messages = list(thread_for_case(case=case))
    new_ids = unread_message_ids(case=case, account=account) if messages and signed_in else set()
    for message in messages:
        message.author_label = author_label(message)
        message.is_new = message.pk in new_ids
    if new_ids:  # nothing new, nothing to record (as on the family's page)
        thread_mark_read(case=case, account=account, up_to=messages[-1].created_at)
    return CaseThread(messages=messages, new_count=len(new_ids), form=MessageForm())


@register.filter
def file_description(document: Document) -> str:
    """ "PDF, 1.2 MB": what a stored file is, for a download link."""
    kind = next((k for k in ACCEPTED if k.content_type == document.content_type), None)
    label = kind.extensions[0].lstrip(".").upper() if kind else "File"
    return f"{label}, {size_text(document.size)}"
