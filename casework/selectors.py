"""Reads of the council's records."""

from __future__ import annotations

from django.db.models import QuerySet

from casework.models import OutboundEmail


def outbox_emails(*, limit: int = 100) -> QuerySet[OutboundEmail]:
    """The current council's emails in any state, newest first."""
    return OutboundEmail.objects.order_by("-created_at", "-id")[:limit]


def sent_emails(*, limit: int = 100) -> QuerySet[OutboundEmail]:
    """The current council's delivered emails, newest first."""
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).order_by("-sent_at", "-id")[:limit]
