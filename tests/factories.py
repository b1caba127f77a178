"""The tests' one set of factories (factory-boy): accounts in the public schema, and
children, cases, accesses, access requests and staff memberships in whichever council's
schema is current (make them inside `in_council(...)` or `tenant_context(...)`).

Each factory's defaults make a valid row and nothing more; a fixture or a test names
what it cares about (`ChildFactory(legal_first_name="Amy")`).
"""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from casework.models import AccessRequest, Case, CaseKind, Child, ChildAccess, Relationship, StaffMembership, StaffRole
from citizen.accounts.models import Account

# Meets both demo councils' rules (Somerset's: capitals, small letters, a number, a symbol).
PASSWORD = "Quiet-Harbour-Lantern-42"


class AccountFactory(DjangoModelFactory):
    """An active account with a verified email; `password=None` makes one that cannot
    sign in with a password."""

    class Meta:
        model = Account

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Pat"  # the access tests read "Approved by Pat"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    is_active = True
    email_verified_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, password: str | None = PASSWORD, **fields) -> Account:
        return model_class.objects.create_user(fields.pop("email"), password, **fields)


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    legal_first_name = "Amy"
    legal_last_name = factory.Sequence(lambda n: f"Child{n}")
    date_of_birth = date(2015, 5, 3)
    council_reference = factory.Sequence(lambda n: f"REF{n:06d}")


class CaseFactory(DjangoModelFactory):
    """An EHC needs assessment about a new child, received on 5 January 2026."""

    class Meta:
        model = Case

    child = factory.SubFactory(ChildFactory)
    kind = CaseKind.ASSESSMENT
    reference = factory.Sequence(lambda n: f"CASE-{n:06d}")
    started_on = date(2026, 1, 5)


class ChildAccessFactory(DjangoModelFactory):
    """A live access: the account sees the child's records."""

    class Meta:
        model = ChildAccess

    child = factory.SubFactory(ChildFactory)
    account = factory.SubFactory(AccountFactory)
    relationship = Relationship.PARENT


class AccessRequestFactory(DjangoModelFactory):
    """A parent's request to see a child's records, waiting for the SEND team."""

    class Meta:
        model = AccessRequest

    account = factory.SubFactory(AccountFactory)
    relationship = Relationship.PARENT
    child_first_name = "Amy"
    child_last_name = "Smith"
    child_date_of_birth = date(2015, 5, 3)
    family_note = "I am her mum."


class StaffMembershipFactory(DjangoModelFactory):
    class Meta:
        model = StaffMembership

    account = factory.SubFactory(AccountFactory)
    role = StaffRole.CASEWORKER


def configuration_change(rows, **changes) -> None:
    """Change a council's configuration rows (sign-in policy, tiles, forms…) as its
    settings pages do: each row saved, so this web process serves the change at once
    (tenants.configuration). A queryset's update() is how another process's change
    looks: served here only after TENANT_HOST_CACHE_SECONDS."""
    for row in rows:
        for field, value in changes.items():
            setattr(row, field, value)
        row.save(update_fields=list(changes))
