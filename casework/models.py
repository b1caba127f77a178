"""The council's own records (tenant schema)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower


class StaffRole(models.TextChoices):
    CASEWORKER = "caseworker", "Caseworker"
    TEAM_MANAGER = "team_manager", "Team manager"
    COUNCIL_ADMIN = "council_admin", "Council admin"


class StaffMembership(models.Model):
    """An account's place in this council's SEND team."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.account} ({self.get_role_display()})"


class StaffInvitation(models.Model):
    """An emailed invitation to join the council's SEND team. Only a hash of the
    token is kept; the link in the email is the only copy of the token."""

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(accepted_at__isnull=True), name="one_open_invitation_per_email"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


class OutboundEmail(models.Model):
    """An email, written here before anything tries to send it, so a broker or
    provider outage delays it but never loses it (DESIGN.md, "Tenancy")."""

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
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"

    def is_due(self, now) -> bool:
        """Whether a delivery attempt may run now: a queued email always, a failed one
        once its backoff has passed (never after the last attempt, unless retried)."""
        if self.status == self.Status.QUEUED:
            return True
        return self.status == self.Status.FAILED and self.next_attempt_at is not None and self.next_attempt_at <= now
