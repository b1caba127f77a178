"""Every stored upload is scanned for viruses (clamd, through tenants.virus_scan)
before anyone but its uploader sees it: a case's documents, the evidence sent with a
request to see a child's records, and the files in answer to a form's file questions
(each a casework.models.VirusScanned).

A new upload is stored in the `scanning` state and a task scans it once the upload
commits (casework.tasks.scan_upload). Clean: shown to whoever may see it, and a
share made while it waited is announced to the family now. Infected: the stored file
is deleted, the row kept so the uploader is told on their page, and the event audited.
A scanner that cannot be reached delays the file, never passes it: the attempt is
counted, the next one is due after a backoff (kept in the row, so it survives a broker
restart), and a sweep every minute (rescan_waiting_uploads) finds what is due or
whose task was lost."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.models import AccessEvidence, AuditEvent, Document, ScanStatus, VirusScanned
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


def scanned_kinds() -> dict[str, type[VirusScanned]]:
    """What is scanned, by the name a task carries."""
    from casework.submissions.models import FormFile

    return {"document": Document, "access_evidence": AccessEvidence, "form_file": FormFile}


def _kind_of(upload: VirusScanned) -> str:
    return next(kind for kind, model in scanned_kinds().items() if isinstance(upload, model))


def upload_scan_enqueue(upload: VirusScanned) -> None:
    """Scan the upload once the current transaction commits."""
    from casework.tasks import scan_upload

    enqueue_on_commit(scan_upload, _kind_of(upload), upload.pk)


def document_scan_enqueue(document: Document) -> None:
    upload_scan_enqueue(document)


def _scan(document: VirusScanned):
    with document.file.storage.open(document.file.name, "rb") as handle:
        return scan_stream(handle)


def _updated(document: VirusScanned, fields: list[str]) -> list[str]:
    return [*fields, "updated_at"] if hasattr(document, "updated_at") else fields


def document_scan(*, document_id: int) -> Document | None:
    return upload_scan(kind="document", upload_id=document_id)


def upload_scan(*, kind: str, upload_id: int) -> VirusScanned | None:
    """Scan one waiting upload and record the outcome. Safe to run twice, or in two
    workers at once: only an upload still `scanning`, and not being scanned by another
    worker (its row locked), is scanned. Returns it (still `scanning` when the scanner
    could not be reached), or None when there was nothing to do."""
    model = scanned_kinds()[kind]
    now = timezone.now()
    with transaction.atomic():
        document = (
            model.objects.select_for_update(skip_locked=True)
            .filter(pk=upload_id, scan_status=ScanStatus.SCANNING)
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
                "%s %s could not be scanned (attempt %s, next at %s): %s",
                kind,
                document.pk,
                document.scan_attempts,
                document.scan_due_at.isoformat(),
                error,
            )
            return document
        document.scanned_at = now
        document.scan_due_at = None
        if verdict.clean:
            document.scan_status = ScanStatus.CLEAN
            document.save(update_fields=_updated(document, ["scan_status", "scanned_at", "scan_due_at"]))
            if not verdict.scanned:
                logger.warning("%s %s passed unscanned (VIRUS_SCANNER=none)", kind, document.pk)
            if (
                isinstance(document, Document)
                and document.shared_with_family_at is not None
                and document.kind != Document.Kind.FAMILY_UPLOAD
            ):
                from casework.services.documents import family_told_of_share

                family_told_of_share(document=document)
            return document
        _quarantine(document, kind=kind, threat=verdict.threat)
        return document


def _audit_place(upload: VirusScanned) -> dict:
    """Where the audit event about an upload belongs: its case, or its child."""
    if isinstance(upload, Document):
        return {"case": upload.case}
    if isinstance(upload, AccessEvidence):
        return {"child": upload.access_request.child}
    if upload.submission_id is not None:  # a form file: its submission's case, else its draft's child
        return {"case": upload.submission.case}
    return {"child": upload.draft.child}


def _quarantine(document: VirusScanned, *, kind: str, threat: str) -> None:
    name = document.file.name
    document.scan_status = ScanStatus.INFECTED
    document.threat = threat[:200]
    document.file = ""
    document.save(update_fields=_updated(document, ["scan_status", "threat", "file", "scanned_at", "scan_due_at"]))
    audit_record(
        actor=None,
        actor_role=SCANNER_ROLE,
        action=AuditEvent.Action.CHANGED,
        subject=kind,
        subject_id=document.pk,
        summary=f"A virus was found in an uploaded file ({document.threat}); the file was deleted",
        **_audit_place(document),
    )
    logger.warning("%s %s: virus found (%s); its stored file is deleted", kind, document.pk, document.threat)
    storage = type(document)._meta.get_field("file").storage

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:  # the row says infected, so nobody can download it; the operators sweep
            logger.error("could not delete the infected file of %s %s: %s", kind, document.pk, name, exc_info=True)

    transaction.on_commit(delete)


def uploads_rescan_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[tuple[str, int]]:
    """Enqueue again the current council's uploads still waiting for a scan whose retry
    is due, or whose task was lost. Returns (kind, id) for each, oldest first by kind."""
    from casework.tasks import scan_upload

    now = now or timezone.now()
    due = Q(scan_due_at__lte=now - SWEEP_GRACE) | Q(scan_due_at__isnull=True, created_at__lte=now - LOST_AFTER)
    sent = []
    for kind, model in scanned_kinds().items():
        waiting = model.objects.filter(due, scan_status=ScanStatus.SCANNING).order_by("created_at", "id")
        for upload_id in waiting.values_list("id", flat=True)[:limit]:
            enqueue_on_commit(scan_upload, kind, upload_id)
            sent.append((kind, upload_id))
    return sent


def documents_rescan_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """uploads_rescan_due, the documents' ids only (what the tests of documents read)."""
    return [pk for kind, pk in uploads_rescan_due(now=now, limit=limit) if kind == "document"]
