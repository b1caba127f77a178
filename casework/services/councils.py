"""Provisioning a council across the layers: its row and schema (tenants) and an
invitation for its first admin (this app's staff). The platform admin, the
create_council command and the demo seeding call this, never tenants directly."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_tenants.utils import tenant_context

from casework.models import StaffInvitation, StaffMembership, StaffRole
from casework.services.staff import staff_invitation_create
from tenants.models import Council
from tenants.services import council_row_create


@dataclass(frozen=True)
class Provisioned:
    council: Council
    created: bool
    invited: bool


def council_create(
    *, name: str, slug: str, domain: str, admin_email: str, sender_email: str | None = None
) -> Provisioned:
    """Provision a council: its schema, domain, default configuration and an invitation
    for its first admin. Running it again with the same details changes nothing."""
    admin_email = admin_email.strip().lower()
    with transaction.atomic():
        council, created = council_row_create(
            name=name, slug=slug, domain=domain, admin_email=admin_email, sender_email=sender_email
        )
        invited = False
        with tenant_context(council):
            known = (
                StaffMembership.objects.filter(account__email__iexact=admin_email).exists()
                or StaffInvitation.objects.filter(email__iexact=admin_email, accepted_at__isnull=True).exists()
            )
            if not known:
                staff_invitation_create(email=admin_email, role=StaffRole.COUNCIL_ADMIN)
                invited = True
    return Provisioned(council=council, created=created, invited=invited)
