"""Delivering the outbox. The tasks keep the names they had when the outbox was part of
casework, so tasks already queued and the beat schedule of a running deployment still
find them across an upgrade."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from tenants.current import current_schema
from tenants.enqueue import enqueue_on_commit

from .delivery import email_deliver, text_deliver
from .models import OutboundEmail, OutboundText

logger = logging.getLogger(__name__)

# A queued email older than this was not published (broker down) or its task was lost.
QUEUED_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 500


@shared_task(name="casework.tasks.deliver_email")
def deliver_email(email_id: int) -> None:
    # No Celery retry here: the backoff lives in the row (next_attempt_at) and the retry
    # sweep acts on it, so it survives a broker restart, and a Celery retry on top
    # would spend the attempts twice as fast.
    email = email_deliver(email_id=email_id)
    if email is not None and email.status == OutboundEmail.Status.FAILED:
        logger.warning(
            "email %s in %s failed to send (attempt %s): %s",
            email_id,
            current_schema(),
            email.attempts,
            email.last_error,
        )


@shared_task(name="tenants.outbox.deliver_text")
def deliver_text(text_id: int) -> None:
    text = text_deliver(text_id=text_id)
    if text is not None and text.status == OutboundText.Status.FAILED:
        logger.warning(
            "text %s in %s failed to send (attempt %s): %s", text_id, current_schema(), text.attempts, text.last_error
        )


@shared_task(name="casework.tasks.retry_unsent_emails")
def retry_unsent_emails() -> int:
    """Every minute in each council: enqueue again what is still unsent and due."""
    if current_schema() == "public":
        # Beat without the tenant-aware scheduler (docs/architecture.md, "Known traps").
        logger.error("retry_unsent_emails ran in the public schema; it must run in a council")
        return 0
    email_ids = emails_retry_due()
    text_ids = texts_retry_due()
    if email_ids or text_ids:
        logger.info("retry sweep in %s enqueued %s emails, %s texts", current_schema(), len(email_ids), len(text_ids))
    return len(email_ids) + len(text_ids)


def emails_retry_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Enqueue again the current council's emails that should have gone by now: queued
    ones older than a minute (their task was never published, or was lost) and failed
    ones whose backoff has passed. Returns their ids, oldest first."""
    return _retry_due(OutboundEmail, deliver_email, now=now, limit=limit)


def texts_retry_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """emails_retry_due for the current council's texts."""
    return _retry_due(OutboundText, deliver_text, now=now, limit=limit)


def _retry_due(model, task, *, now: datetime | None, limit: int) -> list[int]:
    now = now or timezone.now()
    due = Q(status=model.Status.QUEUED, created_at__lte=now - QUEUED_GRACE) | Q(
        status=model.Status.FAILED, next_attempt_at__lte=now
    )
    row_ids = list(model.objects.filter(due).order_by("created_at", "id").values_list("id", flat=True)[:limit])
    for row_id in row_ids:
        enqueue_on_commit(task, row_id)
    return row_ids
