"""Sending one email from the outbox through the council's provider, and recording
what happened (attempts, the backoff before the next try)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from tenants.current import current_council, current_schema
from tenants.models import Council

from .models import OutboundEmail, OutboundText

# Backoff after the n-th failed attempt: 1, 2, 4 … minutes, at most an hour.
RETRY_BASE_DELAY = timedelta(minutes=1)
RETRY_MAX_DELAY = timedelta(hours=1)


def email_connection(council: Council) -> BaseEmailBackend:
    """How a council's emails go: its own GOV.UK Notify service when it has one set up,
    otherwise the platform's backend (EMAIL_URL, or SES with EMAIL_BACKEND_KIND=ses)."""
    if council.sends_with_notify:
        from tenants.outbox.backends import NotifyEmailBackend

        return NotifyEmailBackend(api_key=council.notify_api_key(), template_id=str(council.notify_template_id))
    return get_connection()


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(RETRY_BASE_DELAY * 2 ** max(attempts - 1, 0), RETRY_MAX_DELAY)


def _deliver(model, row_id: int, send):
    """Send one outbox row that is due with `send(row)`, and record the outcome. Safe to
    run twice: a sent row is not sent again, one being sent by another worker is left to
    it, and a failed one is tried again only once its backoff has passed."""
    now = timezone.now()
    with transaction.atomic():
        row = model.objects.select_for_update(skip_locked=True).filter(id=row_id).first()
        if row is None or not row.is_due(now):
            return row
        row.attempts += 1
        try:
            send(row)
        except Exception as exc:  # whatever the provider raised is recorded; the sweep retries
            row.status = model.Status.FAILED
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
            gave_up = row.attempts >= settings.EMAIL_MAX_ATTEMPTS
            row.next_attempt_at = None if gave_up else now + retry_delay(row.attempts)
            row.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
            return row
        row.status = model.Status.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
        row.next_attempt_at = None
        row.save(update_fields=["status", "attempts", "last_error", "sent_at", "next_attempt_at"])
        return row


def email_deliver(*, email_id: int) -> OutboundEmail | None:
    """Send one email that is due through the council's provider and record the outcome."""

    def send(email: OutboundEmail) -> None:
        EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=email.from_address,
            to=email.to,
            headers={"X-Outbox-Reference": f"{current_schema()}-{email.id}"},
            connection=email_connection(current_council()),
        ).send()

    return _deliver(OutboundEmail, email_id, send)


def text_deliver(*, text_id: int) -> OutboundText | None:
    """Send one text that is due through the council's Notify text service, and record
    the outcome as for an email. A council that turned texts off (or lost its Notify
    service) after it was queued: recorded as failed, not sent."""
    from notifications_python_client.notifications import NotificationsAPIClient

    from tenants.outbox.backends import NOTIFY_TIMEOUT_SECONDS

    def send(text: OutboundText) -> None:
        service = current_council().text_service()
        if service is None:
            raise RuntimeError("Texts are turned off for this council, or it has no Notify text service")
        api_key, template_id = service
        client = NotificationsAPIClient(api_key, base_url=settings.NOTIFY_BASE_URL, timeout=NOTIFY_TIMEOUT_SECONDS)
        client.send_sms_notification(
            phone_number=text.to,
            template_id=template_id,
            personalisation={"body": text.body},
            reference=f"{current_schema()}-text-{text.id}",
        )

    return _deliver(OutboundText, text_id, send)
