import logging

from casework.models import OutboundEmail
from casework.services.emails import email_deliver
from config.celery import app

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    pass


@app.task(bind=True, max_retries=8)
def deliver_email(self, email_id: int) -> None:
    email = email_deliver(email_id=email_id)
    if email is None or email.status != OutboundEmail.Status.FAILED:
        return
    if self.request.is_eager:
        # In-process: the email stays marked failed for the retry sweep; the page
        # that queued it is not failed for a provider's fault.
        logger.warning("email %s failed to send: %s", email_id, email.last_error)
        return
    raise self.retry(exc=DeliveryFailed(email.last_error), countdown=min(30 * 2**self.request.retries, 3600))
