"""Documents on a case: uploaded (checked by content first), shared with the family only
when staff say so, withdrawn, and downloaded, each download an audit event.

Files are stored under the council's prefix (`Document.file`'s upload_to calls
tenants.storage.council_path). A refused file (its checks, or the store itself:
tenants.storage.StorageRefused) leaves no Document behind, and no stored file."""

from __future__ import annotations

import logging
import posixpath
from typing import TYPE_CHECKING

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.text import get_valid_filename

from casework.file_checks import ACCEPTED, DOCUMENT_MAX_BYTES, file_check, size_text
from casework.models import AccessEvidence, AuditEvent, Case, Document, StaffMembership
from casework.selectors.messages import family_accesses_for_case
from casework.services.audit import audit_record
from casework.services.messages import FAMILY, case_kind_phrase, family_alert, family_case_path
from casework.services.scanning import document_scan_enqueue

if TYPE_CHECKING:
    from citizen.accounts.models import Account

logger = logging.getLogger(__name__)

DOWNLOAD_NAME_MAX_LENGTH = 80
SCAN_FIELDS = ["scan_status", "scan_attempts", "scan_due_at", "scanned_at", "threat", "file"]
# What a shared document is, as the family's email says it (never its title).
KIND_PHRASES: dict[str, str] = {
    Document.Kind.DRAFT_PLAN: "a draft EHC plan",
    Document.Kind.FINAL_PLAN: "a final EHC plan",
    Document.Kind.DECISION_LETTER: "a decision letter",
    Document.Kind.ADVICE: "advice from a professional",
    Document.Kind.ANNUAL_REVIEW: "annual review papers",
    Document.Kind.FAMILY_UPLOAD: "a document sent by your family",
    Document.Kind.OTHER: "a document",
}


def _actor_role(actor: Account | None) -> str:
    membership = StaffMembership.objects.filter(account=actor, is_active=True).only("role").first()
    return membership.role if membership else FAMILY


def document_upload(
    *,
    case: Case,
    kind: str,
    title: str,
    upload,
    actor: Account | None,
    actor_role: str,
    request: HttpRequest | None = None,
    max_bytes: int = DOCUMENT_MAX_BYTES,
) -> Document:
    """Check a file by its content, then store it on the case.

    Raises casework.file_checks.FileRefused (a ValidationError) when the file is not
    accepted, ValidationError for a bad kind or title, and tenants.storage.StorageRefused
    when the store refuses it; in each case nothing is saved. The stored document waits in
    the `scanning` state, seen only by its uploader, until the virus scan (enqueued when
    this commits: casework.services.scanning) says it is clean. A family's own upload is
    then visible to the family (they sent it); anything the SEND team uploads waits until
    they share it."""
    checked = file_check(upload, max_bytes=max_bytes)
    now = timezone.now()
    document = Document(
        case=case,
        kind=kind,
        title=(title or "").strip(),
        file=File(upload, name=checked.name),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        shared_with_family_at=now if actor_role == FAMILY else None,
    )
    document.full_clean()
    try:
        with transaction.atomic():
            # FileField stores the file (pre_save) before the row is inserted: a store
            # that refuses raises StorageRefused before any row exists.
            document.save()
            audit_record(
                actor=actor,
                actor_role=actor_role,
                action=AuditEvent.Action.CREATED,
                subject=AuditEvent.Subject.DOCUMENT,
                subject_id=document.pk,
                case=case,
                summary=f"Uploaded a document ({document.get_kind_display()}): {checked.kind.label}, "
                f"{size_text(checked.size)}",
                request=request,
            )
            document_scan_enqueue(document)
    except Exception:
        _forget_stored_file(document)
        raise
    # With no outer transaction the scan has run by now when tasks run in-process (no
    # broker): the caller gets the document as it is, not as it was stored.
    document.refresh_from_db(fields=[*SCAN_FIELDS, "updated_at"])
    return document


def documents_upload_each(
    *,
    case: Case,
    kind: str,
    titled: list,
    actor: Account,
    actor_role: str,
    field: str,
    request: HttpRequest | None = None,
) -> list[Document]:
    """document_upload for each (file, title) in turn; a file refused raises
    ValidationError on `field`, naming the file (nothing is kept then, in the caller's
    transaction)."""
    documents = []
    for upload, title in titled:
        try:
            documents.append(
                document_upload(
                    case=case,
                    kind=kind,
                    title=title,
                    upload=upload,
                    actor=actor,
                    actor_role=actor_role,
                    request=request,
                )
            )
        except ValidationError as refused:
            raise ValidationError({field: [f"{upload.name}: {m}" for m in refused.messages]}) from None
    return documents


def _forget_stored_file(document: Document | AccessEvidence) -> None:
    """The file stored for a row that was then not written (the insert or the audit
    failed): removed, so no file is left that nothing points at."""
    name = document.file.name if document.file and document.file._committed else ""
    if not name:
        return
    try:
        document.file.storage.delete(name)
    except Exception:  # the original error matters more; the operators can sweep orphans
        logger.warning("Could not remove a stored file after a failed upload: %s", name, exc_info=True)


@transaction.atomic
def document_share(
    *, document: Document, actor: Account | None, actor_role: str | None = None, request: HttpRequest | None = None
) -> Document:
    """Share a document with the family, and tell each family member with live access
    by email (what kind of thing it is and where to sign in; never its title or any
    name). Sharing again changes nothing and emails nobody. A document still being
    checked for viruses is marked shared now and announced once it is clean."""
    locked = Document.objects.select_for_update().select_related("case__child").get(pk=document.pk)
    if locked.withdrawn_at is not None:
        raise ValidationError("This document has been withdrawn, so it cannot be shared.")
    if locked.scan_status == Document.ScanStatus.INFECTED:
        raise ValidationError("A virus was found in this document and it was deleted, so it cannot be shared.")
    if locked.shared_with_family_at is not None:
        return locked
    locked.shared_with_family_at = timezone.now()
    locked.save(update_fields=["shared_with_family_at", "updated_at"])
    audit_record(
        actor=actor,
        actor_role=actor_role or _actor_role(actor),
        action=AuditEvent.Action.SHARED,
        subject=AuditEvent.Subject.DOCUMENT,
        subject_id=locked.pk,
        case=locked.case,
        summary=f"Shared a document with the family: {locked.get_kind_display()}",
        request=request,
    )
    if locked.is_clean:
        family_told_of_share(document=locked)
    document.shared_with_family_at = locked.shared_with_family_at
    return locked


def family_told_of_share(*, document: Document) -> None:
    """Email each family member with live access about a document shared with them
    (once it is clean: casework.services.scanning calls this for one shared while it
    was being checked)."""
    locked = document
    case = locked.case
    for access in family_accesses_for_case(case=case):
        phrase = case_kind_phrase(case, relationship=access.relationship)
        lines = [
            f"The SEND team has shared a new document with you about {phrase}.",
            f"What it is: {KIND_PHRASES.get(locked.kind, 'a document')}.",
        ]
        if locked.kind == Document.Kind.DRAFT_PLAN:
            lines.append(
                "You have at least 15 days to comment on a draft EHC plan, ask for a particular school or "
                "college to be named in it, and ask for a meeting. The letter with the draft says by when."
            )
        family_alert(
            access=access,
            subject=f"A new document has been shared about {phrase}",
            lines=lines,
            kind="documents",
            path=family_case_path(case.pk, "documents"),
        )


@transaction.atomic
def document_withdraw(
    *, document: Document, actor: Account | None, actor_role: str | None = None, request: HttpRequest | None = None
) -> Document:
    """Withdraw a document: the family no longer sees it (if it was shared); staff still
    do, marked withdrawn, and the file is kept for the record. Withdrawing again changes
    nothing."""
    locked = Document.objects.select_for_update().select_related("case__child").get(pk=document.pk)
    if locked.withdrawn_at is not None:
        return locked
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at", "updated_at"])
    audit_record(
        actor=actor,
        actor_role=actor_role or _actor_role(actor),
        action=AuditEvent.Action.WITHDRAWN,
        subject=AuditEvent.Subject.DOCUMENT,
        subject_id=locked.pk,
        case=locked.case,
        summary=f"Withdrew a document: {locked.get_kind_display()}",
        request=request,
    )
    document.withdrawn_at = locked.withdrawn_at
    return locked


def download_name(document: Document | AccessEvidence) -> str:
    """A safe name for the browser to save the file as: the title, made safe, with the
    extension of what the file is (not of what it was called)."""
    extension = next((kind.extensions[0] for kind in ACCEPTED if kind.content_type == document.content_type), "")
    if not extension:
        extension = posixpath.splitext(document.file.name)[1][:10]
    try:
        stem = get_valid_filename(document.title)[:DOWNLOAD_NAME_MAX_LENGTH]
    except SuspiciousFileOperation:
        stem = ""
    stem = stem.rstrip(".") or "document"
    return stem + extension


def audited_download(field_file, *, filename: str, content_type: str, what: str, **audit) -> FileResponse:
    """Stream a stored file as an attachment to whoever the caller has already checked may
    see it, and write the DOWNLOADED audit event (`audit`: audit_record's subject,
    subject_id, case or child, summary, actor, actor_role, request) once the file is
    known to be there. Read as it is sent, never into memory whole; a missing file is a
    404 and an error in the log (`what` names it there), with nothing audited."""
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        logger.error("%s has no stored file (%s)", what, field_file.name)
        raise Http404("The file is missing from the store.") from None
    try:
        audit_record(action=AuditEvent.Action.DOWNLOADED, **audit)
    except Exception:
        handle.close()
        raise
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def document_download(
    *, document: Document, actor: Account | None, actor_role: str, request: HttpRequest | None, organisation=None
) -> FileResponse:
    """Stream a document to whoever the caller has already checked may see it, and
    record the download (every download, by anyone, is an audit event). A document not
    yet found clean of viruses is not there to download, for anyone: a 404."""
    if not document.is_clean:
        raise Http404("The document is being checked for viruses, or one was found in it.")
    return audited_download(
        document.file,
        filename=download_name(document),
        content_type=document.content_type,
        what=f"Document {document.pk}",
        actor=actor,
        actor_role=actor_role,
        subject=AuditEvent.Subject.DOCUMENT,
        subject_id=document.pk,
        case=document.case,
        summary=f"Downloaded a document: {document.get_kind_display()}",
        request=request,
        organisation=organisation,
    )
