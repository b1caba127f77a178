"""The family side of a council (tenant schema)."""

from django.conf import settings
from django.db import models


class FamilyMembership(models.Model):
    """An account that uses this council's portal as a parent, carer or young person."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.account)


class PasswordExpiryWarning(models.Model):
    """The email telling an account its password is about to reach this council's
    maximum age: one per password (keyed by when it was set), so the daily run never
    sends it twice and a new password starts afresh."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password_changed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "password_changed_at"], name="one_expiry_warning_per_password")
        ]

    def __str__(self) -> str:
        return f"Password expiry warning for {self.account}"
