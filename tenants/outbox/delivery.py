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
                headers={"X-Outbox-Reference": f"{current_schema()}-{email.id}"},
                connection=email_connection(current_council()),
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


def text_deliver(*, text_id: int) -> OutboundText | None:
    """Send one text that is due through the council's Notify service, and record the
    outcome, exactly as email_deliver does for an email. A council that turned texts
    off (or lost its Notify service) after it was queued: recorded as failed, not sent."""
    from notifications_python_client.notifications import NotificationsAPIClient

    from tenants.outbox.backends import NOTIFY_TIMEOUT_SECONDS

    now = timezone.now()
    with transaction.atomic():
        text = OutboundText.objects.select_for_update(skip_locked=True).filter(id=text_id).first()
        if text is None or not text.is_due(now):
            return text
        text.attempts += 1
        try:
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
        except Exception as exc:  # recorded; the sweep retries
            text.status = OutboundText.Status.FAILED
            text.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
            gave_up = text.attempts >= settings.EMAIL_MAX_ATTEMPTS
            text.next_attempt_at = None if gave_up else now + retry_delay(text.attempts)
            text.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
            return text
        text.status = OutboundText.Status.SENT
        text.sent_at = timezone.now()
        text.last_error = ""
        text.next_attempt_at = None
        text.save(update_fields=["status", "attempts", "last_error", "sent_at", "next_attempt_at"])
        return text
