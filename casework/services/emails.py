"""Email: written to the council's outbox in the caller's transaction, delivered by a
task once that transaction commits."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from casework.models import OutboundEmail
from tenants.enqueue import enqueue_on_commit


def email_queue(*, to: list[str], subject: str, body: str) -> OutboundEmail:
    """Queue an email from the current council's sender address."""
    council = connection.tenant
    email = OutboundEmail(to=to, from_address=council.from_address, subject=subject, body=body)
    email.full_clean()
    email.save()

    from casework.tasks import deliver_email

    enqueue_on_commit(deliver_email, email.id)
    return email


def email_deliver(*, email_id: int) -> OutboundEmail | None:
    """Send one queued email and record the outcome. Safe to run twice: a sent email
    is not sent again, and one being sent by another worker is left to it."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(id=email_id).first()
        if email is None or email.status == OutboundEmail.Status.SENT:
            return email
        email.attempts += 1
        try:
            EmailMessage(subject=email.subject, body=email.body, from_email=email.from_address, to=email.to).send()
        except Exception as exc:  # whatever the provider raised is recorded; the task retries
            email.status = OutboundEmail.Status.FAILED
            email.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
            email.save(update_fields=["status", "attempts", "last_error"])
            return email
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["status", "attempts", "last_error", "sent_at"])
        return email
