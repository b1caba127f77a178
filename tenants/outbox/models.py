"""The outbox's one table, in each council's schema."""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models


class Retried:
    """What an outbox row (an email, a text) shares: when it may be tried again."""

    status: str
    next_attempt_at: datetime | None

    def is_due(self, now: datetime) -> bool:
        """Whether a delivery attempt may run now: a queued row always, a failed one once
        its backoff has passed (never after the last attempt, unless retried)."""
        if self.status == "queued":
            return True
        return self.status == "failed" and self.next_attempt_at is not None and self.next_attempt_at <= now


class OutboundEmail(Retried, models.Model):
    """An email, written here before anything tries to send it, so a broker or
    provider outage delays it but never loses it (docs/architecture.md, "Tenancy")."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = ArrayField(models.EmailField())
    from_address = models.CharField(max_length=320)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # For a failed email: when the retry sweep may try again (exponential backoff); empty
    # once the attempts have run out, until an operator retries it.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "casework_outboundemail"  # made by casework before the outbox was an app of its own
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"


class OutboundText(Retried, models.Model):
    """A text message to a family member (issue 16), written here first like an email,
    then sent through GOV.UK Notify by tenants.outbox.delivery.text_deliver. Its body says
    what changed and links to the site: never a name or what anyone wrote."""

    Status = OutboundEmail.Status

    to = models.CharField(max_length=16)  # +44 7… (citizen.accounts.mobiles)
    body = models.CharField(max_length=918)  # Notify's longest text: 6 fragments
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    fragments = models.PositiveSmallIntegerField(default=1)  # what Notify charges for

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"Text {self.pk} ({self.status})"
