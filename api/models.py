"""API clients of a council and what they did (tenant schema).

A client's credential is `<key_id>.<secret>`: the key id is stored as it is, to find the
client; the secret only as a keyed hash (api.credentials), shown once when it is made.
Clients live in the council's own schema, so a credential is looked up only among the
clients of the council whose host was called."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"
    DOCUMENTS = "documents", "Documents"


SCOPE_HINTS = {
    Scope.READ: "children, access requests, cases and their timelines, documents' details, messages and forms",
    Scope.WRITE: "decide access requests, record steps on cases and send messages as the SEND team",
    Scope.DOCUMENTS: "download documents, and upload documents to a case and share them with the family",
}


class ApiClient(models.Model):
    """A council system allowed to call the council's API, and what it may do."""

    # The council whose schema holds the row: checked against the host on every call
    # (docs/architecture.md, "An API token is not a session"), so a row that found its way into
    # another council's schema (a restore, a copy) still opens nothing there.
    council = models.ForeignKey("tenants.Council", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    key_id = models.CharField(max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=20, choices=Scope.choices))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # The audit trail names a client: two live clients of the same name could not be told apart.
            models.UniqueConstraint(
                Lower("name"), condition=models.Q(revoked_at__isnull=True), name="api_client_live_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def audit_label(self) -> str:
        """How the audit trail names the client (never a secret)."""
        return f"council system \N{LEFT DOUBLE QUOTATION MARK}{self.name}\N{RIGHT DOUBLE QUOTATION MARK}"

    def scope_labels(self) -> list[str]:
        return [Scope(scope).label for scope in Scope if scope in self.scopes]


class ApiCall(models.Model):
    """One call by a client: what it asked and what it got (never the body)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="calls")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "created_at"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status_code}"


class IdempotencyKey(models.Model):
    """A POST made with an `Idempotency-Key`, and what it answered, so that a repeat
    answers the same and changes nothing. The unique constraint is what serialises two
    repeats sent at once: the second waits on the first's row (api.idempotency)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="one_idempotency_key_per_client")]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"
