"""The council's background work. Each task runs in the council it was enqueued from
(tenant-schemas-celery), or, for the scheduled ones, in every active council
(tenants.scheduler.CouncilBeatScheduler and CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


@shared_task
def refresh_stale_cases() -> int:
    """Daily in each council: cases whose cached next deadline has passed are computed
    again (a family's window closed, a review meeting now held), so the caseload sorts
    and filters on what comes next today."""
    if connection.schema_name == "public":
        logger.error("refresh_stale_cases ran in the public schema; it must run in a council")
        return 0
    from casework.services.cases import cases_refresh_stale

    return cases_refresh_stale()


@shared_task
def send_deadline_reminders() -> int:
    """Daily in each council, after refresh_stale_cases: email the SEND team as a case's
    next statutory deadline comes up and when it passes (casework.services.reminders), and
    remind organisations of the advice they owe (casework.services.advice)."""
    if connection.schema_name == "public":
        logger.error("send_deadline_reminders ran in the public schema; it must run in a council")
        return 0
    from casework.services.advice import advice_reminders_send
    from casework.services.reminders import deadline_reminders_send

    queued = deadline_reminders_send(today=timezone.localdate())
    queued += advice_reminders_send(today=timezone.localdate())
    if queued:
        logger.info("%s deadline reminders queued in %s", queued, connection.schema_name)
    return queued


@shared_task
def scan_upload(kind: str, upload_id: int) -> str:
    """Scan an upload for viruses (casework.services.scanning): a "document", an
    "access_evidence" or a "form_file". When the scanner cannot be reached the upload
    keeps waiting: this task is sent again after the backoff the row records, and the
    sweep below catches any that are lost."""
    from django.conf import settings

    from casework.services.scanning import upload_scan

    upload = upload_scan(kind=kind, upload_id=upload_id)
    if upload is None:
        return "nothing to do"
    if upload.scan_status == upload.ScanStatus.SCANNING and not settings.CELERY_TASK_ALWAYS_EAGER:
        delay = max((upload.scan_due_at - timezone.now()).total_seconds(), 1)
        try:
            scan_upload.apply_async(
                args=[kind, upload_id], countdown=delay, headers={"_schema_name": connection.schema_name}
            )
        except OperationalError as exc:  # the broker is down too: the sweep sends it when it is back
            logger.warning("could not send the scan of %s %s again: %s", kind, upload_id, exc)
    return upload.scan_status


@shared_task
def rescan_waiting_uploads() -> int:
    """Every minute in each council: uploads still waiting for their scan, due again."""
    if connection.schema_name == "public":
        logger.error("rescan_waiting_uploads ran in the public schema; it must run in a council")
        return 0
    from casework.services.scanning import uploads_rescan_due

    sent = uploads_rescan_due()
    if sent:
        logger.info("scan sweep in %s enqueued %s uploads", connection.schema_name, len(sent))
    return len(sent)


@shared_task
def publish_waiting_times() -> str:
    """Nightly in each council, and when a council admin turns publishing on or off: its
    waiting times worked out and published, or taken down (casework.services.waiting_times)."""
    if connection.schema_name == "public":
        logger.error("publish_waiting_times ran in the public schema; it must run in a council")
        return "public"
    from casework.services.waiting_times import waiting_times_publish

    return "published" if waiting_times_publish() else "not published"


@shared_task
def generate_sen2_return(run_id: int) -> str:
    """A council admin's SEN2 return, worked out in the council it was started in
    (casework.services.sen2)."""
    from casework.services.sen2 import sen2_return_generate

    return sen2_return_generate(run_id).status


@shared_task
def make_record_bundle(bundle_id: int) -> str:
    """A child's whole record as one zip (casework.services.bundles)."""
    from casework.services.bundles import record_bundle_make

    return record_bundle_make(bundle_id).status


@shared_task
def sweep_record_bundles() -> int:
    """Nightly in each council: the files of whole-record downloads that can no longer be
    used are deleted (casework.services.bundles)."""
    if connection.schema_name == "public":
        logger.error("sweep_record_bundles ran in the public schema; it must run in a council")
        return 0
    from casework.services.bundles import record_bundles_sweep

    return record_bundles_sweep()
