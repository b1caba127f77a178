"""Email: written to the council's outbox in the caller's transaction, delivered by a
task once that transaction commits.

Nothing is lost when the broker or the provider is down: the row is committed first,
and the retry sweep (`emails_retry_due`, every minute in each council) enqueues again
what is still queued or whose backoff has passed. Delivery is idempotent, so an email
enqueued twice is still sent once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from casework.models import OutboundEmail
from tenants.enqueue import enqueue_on_commit
from tenants.models import Council

logger = logging.getLogger(__name__)

# A queued email older than this was not published (broker down) or its task was lost.
QUEUED_GRACE = timedelta(minutes=1)
# Backoff after the n-th failed attempt: 1, 2, 4 … minutes, at most an hour.
RETRY_BASE_DELAY = timedelta(minutes=1)
RETRY_MAX_DELAY = timedelta(hours=1)
SWEEP_BATCH = 500


def email_queue(*, to: list[str], subject: str, body: str) -> OutboundEmail:
    """Queue an email from the current council's sender address."""
    council = connection.tenant
    email = OutboundEmail(to=to, from_address=council.from_address, subject=subject, body=body)
    email.full_clean()
    email.save()

    from casework.tasks import deliver_email

    enqueue_on_commit(deliver_email, email.id)
    return email


def email_connection(council: Council) -> BaseEmailBackend:
    """How a council's emails go: its own GOV.UK Notify service when it has one set up,
    otherwise the platform's backend (EMAIL_URL, or SES with EMAIL_BACKEND_KIND=ses)."""
    if council.sends_with_notify:
        from casework.mail_backends import NotifyEmailBackend

        return NotifyEmailBackend(api_key=council.notify_api_key(), template_id=str(council.notify_template_id))
    return get_connection()


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(RETRY_BASE_DELAY * 2 ** max(attempts - 1, 0), RETRY_MAX_DELAY)


def email_deliver(*, email_id: int) -> OutboundEmail | None:
    """Send one email that is due and record the outcome. Safe to run twice: a sent
    email is not sent again, one being sent by another worker is left to it, and a
    failed one is tried again only once its backoff has passed."""
    now = timezone.now()
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(id=email_id).first()
        if email is None or not email.is_due(now):
            return email
        email.attempts += 1
        try:
            message = EmailMessage(
                subject=email.subject,
                body=email.body,
                from_email=email.from_address,
                to=email.to,
                headers={"X-Outbox-Reference": f"{connection.schema_name}-{email.id}"},
                connection=email_connection(connection.tenant),
            )
            message.send()
        except Exception as exc:  # whatever the provider raised is recorded; the sweep retries
            email.status = OutboundEmail.Status.FAILED
            email.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
            gave_up = email.attempts >= settings.EMAIL_MAX_ATTEMPTS
            email.next_attempt_at = None if gave_up else now + retry_delay(email.attempts)
            email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
            return email
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.next_attempt_at = None
        email.save(update_fields=["status", "attempts", "last_error", "sent_at", "next_attempt_at"])
        return email


def emails_retry_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Enqueue again the current council's emails that should have gone by now: queued
    ones older than a minute (their task was never published, or was lost) and failed
    ones whose backoff has passed. Returns their ids, oldest first."""
    now = now or timezone.now()
    due = Q(status=OutboundEmail.Status.QUEUED, created_at__lte=now - QUEUED_GRACE) | Q(
        status=OutboundEmail.Status.FAILED, next_attempt_at__lte=now
    )
    due_emails = OutboundEmail.objects.filter(due).order_by("created_at", "id")
    email_ids = list(due_emails.values_list("id", flat=True)[:limit])

    from casework.tasks import deliver_email

    for email_id in email_ids:
        enqueue_on_commit(deliver_email, email_id)
    return email_ids


def email_retry_now(*, email_id: int, retried_by: str) -> bool:
    """An operator's "retry now": a failed email (even one whose attempts ran out) or a
    queued one is enqueued at once. False when it was sent meanwhile or does not exist."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(id=email_id).first()
        if email is None or email.status == OutboundEmail.Status.SENT:
            return False
        if email.status == OutboundEmail.Status.FAILED:
            email.next_attempt_at = timezone.now()
            email.save(update_fields=["next_attempt_at"])
        from casework.tasks import deliver_email

        enqueue_on_commit(deliver_email, email.id)
    logger.info("email %s in %s retried by operator %s", email_id, connection.schema_name, retried_by)
    return True
