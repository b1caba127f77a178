"""Email backends beyond Django's own SMTP one: Amazon SES (django-ses, the platform's
default when EMAIL_BACKEND_KIND=ses) and GOV.UK Notify (the platform's default when
EMAIL_BACKEND_KIND=notify, or a council that brings its own Notify service).

Both raise on failure: the outbox (tenants.outbox.delivery.email_deliver) records the
error and the retry sweep tries again later.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django_ses import SESBackend
from notifications_python_client.notifications import NotificationsAPIClient

# Notify answers in well under a second; a hung request must not hold a worker (and the
# email's row lock) for the client's default 30 s.
NOTIFY_TIMEOUT_SECONDS = 10


class SesEmailBackend(SESBackend):
    """Sends through Amazon SES with django-ses (API v2, `SendEmail` with the raw MIME
    message, so every header and alternative part goes as Django built it), configured
    from this platform's settings: AWS_SES_REGION and AWS_SES_ENDPOINT_URL, read when the
    backend is made. Credentials come from boto3's usual chain (in Kubernetes, the service
    account's role). The sender address (or its domain) must be a verified SES identity.
    No throttling of its own: the outbox's retries pace a refused email."""

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        region = settings.AWS_SES_REGION
        super().__init__(
            fail_silently=fail_silently,
            aws_region_name=region,
            aws_region_endpoint=settings.AWS_SES_ENDPOINT_URL or f"https://email.{region}.amazonaws.com",
            use_ses_v2=True,
            **kwargs,
        )
        self._throttle = None


class NotifyEmailBackend(BaseEmailBackend):
    """Sends through a GOV.UK Notify service, with one email template whose subject is
    ((subject)) and whose message is ((body)): the usual way to use Notify as a transport
    for text written elsewhere. Notify sends from the service's own sender name and
    reply-to address, and takes one recipient per request.

    Built per council (tenants.outbox.delivery.email_connection) with that council's API
    key and template id; or, as the platform's own backend (EMAIL_BACKEND_KIND=notify),
    with NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID."""

    def __init__(
        self, *, api_key: str | None = None, template_id: str | None = None, fail_silently: bool = False, **kwargs
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self._api_key = api_key or settings.NOTIFY_API_KEY
        self._template_id = str(template_id or settings.NOTIFY_TEMPLATE_ID)
        if not (self._api_key and self._template_id):
            raise ImproperlyConfigured("Sending through GOV.UK Notify needs an API key and a template id.")

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        client = NotificationsAPIClient(
            self._api_key, base_url=settings.NOTIFY_BASE_URL, timeout=NOTIFY_TIMEOUT_SECONDS
        )
        sent = 0
        for message in email_messages:
            try:
                for address in message.recipients():
                    client.send_email_notification(
                        email_address=address,
                        template_id=self._template_id,
                        personalisation={"subject": message.subject, "body": message.body},
                        reference=message.extra_headers.get("X-Outbox-Reference"),
                    )
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent
