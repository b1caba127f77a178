"""Email: written to the council's outbox in the caller's transaction, delivered by a
task once that transaction commits.

Nothing is lost when the broker or the provider is down: the row is committed first,
and the retry sweep (`tasks.emails_retry_due`, every minute in each council) enqueues again
what is still queued or whose backoff has passed. Delivery is idempotent, so an email
enqueued twice is still sent once.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from tenants.current import current_council, current_schema
from tenants.enqueue import enqueue_on_commit

from .models import OutboundEmail, OutboundText
from .tasks import deliver_email, deliver_text
from .texts import text_size

logger = logging.getLogger(__name__)


def email_queue(*, to: list[str], subject: str, body: str) -> OutboundEmail:
    """Queue an email from the current council's sender address."""
    council = current_council()
    email = OutboundEmail(to=to, from_address=council.from_address, subject=subject, body=body)
    email.full_clean()
    email.save()

    enqueue_on_commit(deliver_email, email.id)
    return email


def text_queue(*, to: str, body: str) -> OutboundText:
    """Queue a text to a mobile number (already checked: citizen.accounts.mobiles), sent
    through the current council's Notify text service once the caller's transaction commits."""
    text = OutboundText(to=to, body=body, fragments=text_size(body).fragments)
    text.full_clean()
    text.save()
    enqueue_on_commit(deliver_text, text.id)
    return text


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
        enqueue_on_commit(deliver_email, email.id)
    logger.info("email %s in %s retried by operator %s", email_id, current_schema(), retried_by)
    return True
