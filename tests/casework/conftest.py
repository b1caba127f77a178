"""Fixtures shared by the casework tests: accounts, and clients signed in with two-step
verification on a council's host as a member of its SEND team or as a family.

The folders' own conftests add what only their tests use (cases on the clock, access
requests, files of each kind, invitation emails)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from casework.models import ChildAccess, Relationship, StaffRole
from citizen.accounts.models import Account, EmailCodeDevice
from tenants.models import Council
from tests.casework.email_fakes import fake_notify  # noqa: F401 (a fixture)
from tests.factories import PASSWORD, AccountFactory, ChildAccessFactory, StaffMembershipFactory


def make_account(email: str | None = None, *, password: str | None = PASSWORD, **fields) -> Account:
    """An active account with a verified email (in the public schema, like every account)."""
    return AccountFactory(**({"email": email} if email else {}), password=password, **fields)


def signed_in_client(council: Council, account: Account, in_council=tenant_context) -> Client:
    """A client on `council`'s host, signed in there as `account` with two-step done
    (django_otp keeps the verified device in the session); the account is at
    `client.account`. Signing the same account in again reuses its device."""
    device, _ = EmailCodeDevice.objects.get_or_create(user=account, defaults={"name": "Email", "confirmed": True})
    client = Client(HTTP_HOST=council.get_primary_domain().domain)
    with in_council(council):
        client.force_login(account)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    client.account = account
    return client


@pytest.fixture
def staff_account(db):
    """`staff_account(council, role, **fields)`: an account with an active membership of
    the council's SEND team."""

    def _make(council: Council, role: str = StaffRole.CASEWORKER, **fields) -> Account:
        account = make_account(**fields)
        with tenant_context(council):
            StaffMembershipFactory(account=account, role=role)
        return account

    return _make


@pytest.fixture
def staff_client(staff_account):
    """`staff_client(council, role, **fields)`: a client signed in with two-step on the
    council's host, as a new member of its SEND team with `role` (a StaffRole, caseworker
    unless said), or as a family member with no staff membership when `role` is None.
    Its account is at `client.account`."""

    def _make(council: Council, role: str | None = StaffRole.CASEWORKER, **fields) -> Client:
        account = make_account(**fields) if role is None else staff_account(council, role, **fields)
        return signed_in_client(council, account)

    return _make


@pytest.fixture
def family_client(db):
    """`family_client(council, account=None)`: signed in with two-step on the council's
    host, with no staff membership; its account is at `client.account`."""

    def _make(council: Council, account: Account | None = None) -> Client:
        return signed_in_client(council, account or make_account())

    return _make


@pytest.fixture
def make_access(db):
    """`make_access(child=…, account=…)`: a live access (current council's schema)."""

    def _make(*, child, account: Account | None = None, relationship: str = Relationship.PARENT) -> ChildAccess:
        return ChildAccessFactory(child=child, account=account or make_account(), relationship=relationship)

    return _make
