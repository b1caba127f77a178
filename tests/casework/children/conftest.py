"""Fixtures for the children and access tests: staff and family clients signed in with
two-step verification on a council's host, and records made in a council's schema."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AccessRequest, Child, ChildAccess, Relationship, StaffMembership, StaffRole
from citizen.accounts.models import Account, EmailCodeDevice
from tenants.models import Council, ServiceArea

_numbers = itertools.count(1)


def make_account(email: str | None = None, **fields) -> Account:
    number = next(_numbers)
    fields = {
        "first_name": "Pat",
        "last_name": f"Member{number}",
        "is_active": True,
        "email_verified_at": timezone.now(),
    } | fields
    return Account.objects.create_user(email or f"person{number}@example.org", None, **fields)


def signed_in_client(council: Council, account: Account) -> Client:
    """A client on `council`'s host, signed in as `account` and verified by two-step."""
    device = EmailCodeDevice.objects.create(user=account, name="Email", confirmed=True)
    client = Client(HTTP_HOST=council.get_primary_domain().domain)
    with tenant_context(council):
        client.force_login(account)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def staff_account(db):
    """`staff_account(council, role)`: an account with an active membership of the council's team."""

    def _make(council: Council, role: str = StaffRole.CASEWORKER, **fields) -> Account:
        account = make_account(**fields)
        with tenant_context(council):
            StaffMembership.objects.create(account=account, role=role)
        return account

    return _make


@pytest.fixture
def staff_client(staff_account):
    """`staff_client(council, role)`: a client signed in (two-step) as a new member of staff."""

    def _make(council: Council, role: str = StaffRole.CASEWORKER) -> Client:
        client = signed_in_client(council, staff_account(council, role))
        return client

    return _make


@pytest.fixture
def family_client(db):
    """`family_client(council)`: signed in with two-step, with no staff membership."""
    return lambda council: signed_in_client(council, make_account())


@pytest.fixture
def service_area():
    """`service_area(council)`: the council's first service area."""
    return lambda council: ServiceArea.objects.filter(council=council).first()


@pytest.fixture
def make_child(db):
    """`make_child(**fields)` in the current council's schema (call inside in_council)."""

    def _make(**fields) -> Child:
        number = next(_numbers)
        fields = {
            "legal_first_name": "Amy",
            "legal_last_name": f"Child{number}",
            "date_of_birth": date(2015, 5, 3),
            "council_reference": f"REF{number:05d}",
        } | fields
        return Child.objects.create(**fields)

    return _make


@pytest.fixture
def make_access_request(db):
    """`make_access_request(account=…, **fields)` in the current council's schema."""

    def _make(*, account: Account | None = None, **fields) -> AccessRequest:
        fields = {
            "relationship": Relationship.PARENT,
            "child_first_name": "Amy",
            "child_last_name": "Smith",
            "child_date_of_birth": date(2015, 5, 3),
            "family_note": "I am her mum.",
        } | fields
        return AccessRequest.objects.create(account=account or make_account(), **fields)

    return _make


@pytest.fixture
def make_access(db):
    """`make_access(child=…, account=…)`: a live access (current council's schema)."""

    def _make(*, child: Child, account: Account | None = None, relationship: str = Relationship.PARENT) -> ChildAccess:
        return ChildAccess.objects.create(child=child, account=account or make_account(), relationship=relationship)

    return _make
