"""Every stored document is scanned for viruses (clamd, through tenants.virus_scan)
before anyone but its uploader sees it.

A new document is stored in the `scanning` state and a task scans it once the upload
commits (casework.tasks.scan_document). Clean: shown to whoever may see it, and a
share made while it waited is announced to the family now. Infected: the stored file
is deleted, the row kept so the uploader is told on their page, and the event audited.
A scanner that cannot be reached delays the file, never passes it: the attempt is
counted, the next one is due after a backoff (kept in the row, so it survives a broker
restart), and a sweep every minute (rescan_waiting_documents) finds what is due or
whose task was lost."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.models import AuditEvent, Document
from casework.services.audit import audit_record
from tenants.enqueue import enqueue_on_commit
from tenants.virus_scan import ScannerUnavailable, scan_stream

logger = logging.getLogger(__name__)

SCANNER_ROLE = "virus_scanner"  # the audit event's actor_role: nobody signed in did it
RETRY_BASE_DELAY = timedelta(seconds=30)
RETRY_MAX_DELAY = timedelta(minutes=30)
# A document still waiting with no retry due, this long after upload: its task was never
# published (broker down) or was lost, so the sweep sends it again.
LOST_AFTER = timedelta(minutes=2)
# The task sends itself again when a retry is due; the sweep steps in only this long after.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 200


def scan_retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th attempt the scanner did not answer."""
    return min(RETRY_BASE_DELAY * 2 ** max(attempts - 1, 0), RETRY_MAX_DELAY)


def document_scan_enqueue(document: Document) -> None:
    """Scan the document once the current transaction commits."""
    from casework.tasks import scan_document

    enqueue_on_commit(scan_document, document.pk)


def _scan(document: Document):
    with document.file.storage.open(document.file.name, "rb") as handle:
        return scan_stream(handle)


def document_scan(*, document_id: int) -> Document | None:
    """Scan one waiting document and record the outcome. Safe to run twice, or in two
    workers at once: only a document still `scanning`, and not being scanned by another
    worker (its row locked), is scanned. Returns the document (still `scanning` when
    the scanner could not be reached), or None when there was nothing to do."""
    now = timezone.now()
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case__child")
            .filter(pk=document_id, scan_status=Document.ScanStatus.SCANNING)
            .first()
        )
        if document is None:
            return None
        try:
            verdict = _scan(document)
        except Exception as error:  # the scanner or the store: either way, the file waits
            document.scan_attempts += 1
            document.scan_due_at = now + scan_retry_delay(document.scan_attempts)
            document.save(update_fields=["scan_attempts", "scan_due_at"])
            level = logging.WARNING if isinstance(error, ScannerUnavailable) else logging.ERROR
            logger.log(
                level,
                "document %s could not be scanned (attempt %s, next at %s): %s",
                document.pk,
                document.scan_attempts,
                document.scan_due_at.isoformat(),
                error,
            )
            return document
        document.scanned_at = now
        document.scan_due_at = None
        if verdict.clean:
            document.scan_status = Document.ScanStatus.CLEAN
            document.save(update_fields=["scan_status", "scanned_at", "scan_due_at", "updated_at"])
            if not verdict.scanned:
                logger.warning("document %s passed unscanned (VIRUS_SCANNER=none)", document.pk)
            if document.shared_with_family_at is not None and document.kind != Document.Kind.FAMILY_UPLOAD:
                from casework.services.documents import family_told_of_share

                family_told_of_share(document=document)
            return document
        _quarantine(document, threat=verdict.threat)
        return document


def _quarantine(document: Document, *, threat: str) -> None:
    name = document.file.name
    document.scan_status = Document.ScanStatus.INFECTED
    document.threat = threat[:200]
    document.file = ""
    document.save(update_fields=["scan_status", "threat", "file", "scanned_at", "scan_due_at", "updated_at"])
    audit_record(
        actor=None,
        actor_role=SCANNER_ROLE,
        action=AuditEvent.Action.CHANGED,
        subject="document",
        subject_id=document.pk,
        case=document.case,
        summary=f"A virus was found in an uploaded document ({document.threat}); the file was deleted",
    )
    logger.warning("document %s: virus found (%s); its stored file is deleted", document.pk, document.threat)
    storage = Document._meta.get_field("file").storage

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:  # the row says infected, so nobody can download it; the operators sweep
            logger.error("could not delete the infected file of document %s: %s", document.pk, name, exc_info=True)

    transaction.on_commit(delete)


def documents_rescan_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Enqueue again the current council's documents still waiting for a scan whose
    retry is due, or whose task was lost. Returns their ids, oldest first."""
    now = now or timezone.now()
    due = Q(scan_due_at__lte=now - SWEEP_GRACE) | Q(scan_due_at__isnull=True, created_at__lte=now - LOST_AFTER)
    waiting = Document.objects.filter(due, scan_status=Document.ScanStatus.SCANNING).order_by("created_at", "id")
    document_ids = list(waiting.values_list("id", flat=True)[:limit])

    from casework.tasks import scan_document

    for document_id in document_ids:
        enqueue_on_commit(scan_document, document_id)
    return document_ids
