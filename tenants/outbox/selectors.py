"""Reads of the council's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Council
from tenants.outbox.models import OutboundEmail

# A queued email not sent after this long is shown to the operators (the sweep retries
# queued emails after a minute, so this means the broker or the workers are down).
QUEUED_TOO_LONG = timedelta(minutes=15)


def outbox_emails(*, limit: int = 100) -> QuerySet[OutboundEmail]:
    """The current council's emails in any state, newest first."""
    return OutboundEmail.objects.order_by("-created_at", "-id")[:limit]


def sent_emails(*, limit: int = 100) -> QuerySet[OutboundEmail]:
    """The current council's delivered emails, newest first."""
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).order_by("-sent_at", "-id")[:limit]


def emails_needing_attention(*, now: datetime | None = None, limit: int = 200) -> QuerySet[OutboundEmail]:
    """The current council's failed emails, and queued ones that have waited too long,
    oldest first. The body is left out: it may carry a code or a link."""
    now = now or timezone.now()
    stuck = Q(status=OutboundEmail.Status.FAILED) | Q(
        status=OutboundEmail.Status.QUEUED, created_at__lte=now - QUEUED_TOO_LONG
    )
    return OutboundEmail.objects.filter(stuck).defer("body", "from_address").order_by("created_at", "id")[:limit]


@dataclass(frozen=True)
class CouncilOutboxProblems:
    council: Council
    emails: list[OutboundEmail]


def emails_needing_attention_everywhere(*, now: datetime | None = None) -> list[CouncilOutboxProblems]:
    """For the platform operators: each council's emails needing attention (councils with
    none left out). One query per council, in its schema."""
    now = now or timezone.now()
    found = []
    for council in Council.objects.exclude(schema_name="public").order_by("name"):
        with tenant_context(council):
            emails = list(emails_needing_attention(now=now))
        if emails:
            found.append(CouncilOutboxProblems(council=council, emails=emails))
    return found


def masked_address(address: str) -> str:
    """Enough of an address for an operator to tell emails apart: "j***@example.org"."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"


@dataclass(frozen=True)
class TextsUsage:
    days: int
    sent: int
    fragments: int
    failed: int

    @property
    def pence(self) -> float:
        from django.conf import settings

        return round(self.fragments * settings.NOTIFY_SMS_PENCE_PER_FRAGMENT, 2)


def texts_usage(*, days: int = 30, now: datetime | None = None) -> TextsUsage:
    """The current council's texts over the last `days` days: how many went, the fragments
    Notify charges for, and how many are failing (one query)."""
    from django.db.models import Count, Q, Sum

    from .models import OutboundText

    since = (now or timezone.now()) - timedelta(days=days)
    sent = Q(status=OutboundText.Status.SENT)
    totals = OutboundText.objects.filter(created_at__gte=since).aggregate(
        sent=Count("id", filter=sent),
        fragments=Sum("fragments", filter=sent),
        failed=Count("id", filter=Q(status=OutboundText.Status.FAILED)),
    )
    return TextsUsage(days=days, sent=totals["sent"], fragments=totals["fragments"] or 0, failed=totals["failed"])
