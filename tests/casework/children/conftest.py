"""Fixtures for the children and access tests: children and access requests made in a
council's schema. Staff and family clients, accounts and accesses come from
tests/casework/conftest.py."""

from __future__ import annotations

import itertools

import pytest

from casework.models import AccessRequest, Child
from citizen.accounts.models import Account
from tenants.models import ServiceArea
from tests.casework.conftest import make_account, signed_in_client  # noqa: F401 (the tests import them from here)
from tests.factories import AccessRequestFactory, ChildFactory

_numbers = itertools.count(1)


@pytest.fixture
def service_area():
    """`service_area(council)`: the council's first service area."""
    return lambda council: ServiceArea.objects.filter(council=council).first()


@pytest.fixture
def make_child(db):
    """`make_child(**fields)` in the current council's schema (call inside in_council)."""

    def _make(**fields) -> Child:
        return ChildFactory(**fields)

    return _make


@pytest.fixture
def make_access_request(db):
    """`make_access_request(account=…, **fields)` in the current council's schema."""

    def _make(*, account: Account | None = None, **fields) -> AccessRequest:
        return AccessRequestFactory(account=account or make_account(), **fields)

    return _make
