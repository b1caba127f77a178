"""Silent rate limits on the requests that send an email to a typed address: a password
reset, a new activation link, a registration (issue 18). Past a limit the answer is the
same page, and nothing is sent, so the limit tells nobody whether the address has an
account, and nobody can fill a mailbox or the outbox.

Counted per client address (as sign-in lockouts see it, behind the ingress) and per
email address, on the whole platform: an account and its mailbox are shared by every
council, so a count per council would let each council's site send its own share to the
same mailbox. The counts are kept in the "ratelimit" cache, whose keys carry no council.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def client_address(request: HttpRequest) -> str:
    """The client's address, as django-axes and the audit log resolve it
    (TRUSTED_PROXY_COUNT); django-ratelimit's RATELIMIT_IP_META_KEY."""
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or ""


def email_request_allowed(request: HttpRequest, *, kind: str, email: str) -> bool:
    """Whether a request of this kind ("password-reset", "activation-resend",
    "registration") for this email address is within both limits. Each request counts,
    allowed or not, so one that keeps trying stays refused."""
    email = email.strip().lower()
    by_address = is_ratelimited(
        request, group=f"{kind}:address", key="ip", rate=settings.EMAIL_REQUEST_RATE_PER_ADDRESS, increment=True
    )
    by_email = is_ratelimited(
        request,
        group=f"{kind}:email",
        key=lambda group, request: email,
        rate=settings.EMAIL_REQUEST_RATE_PER_EMAIL,
        increment=True,
    )
    return not (by_address or by_email)
