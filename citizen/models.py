"""The family side of a council (tenant schema)."""

from django.conf import settings
from django.db import models


class FamilyMembership(models.Model):
    """An account that uses this council's portal as a parent, carer or young person."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.account)
