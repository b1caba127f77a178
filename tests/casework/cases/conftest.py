"""Fixtures for the case screens: staff clients signed in with two-step on a council's
host, and children and cases built through the services (or in bulk for query counts)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from casework.models import Case, CaseKind, Child, StaffMembership
from citizen.accounts.models import Account, EmailCodeDevice
from tenants.demo import CUMBRIA, SOMERSET

DOMAINS = {CUMBRIA.slug: CUMBRIA.domain, SOMERSET.slug: SOMERSET.domain}
TODAY = date(2026, 6, 15)  # a Monday

_numbers = itertools.count(1)


def make_account(*, first_name: str = "Sam", last_name: str = "Worker", email: str | None = None) -> Account:
    return Account.objects.create_user(
        email or f"person{next(_numbers)}@example.org",
        "a long enough test password",
        first_name=first_name,
        last_name=last_name,
        is_active=True,
        email_verified_at=timezone.now(),
    )


def signed_in_client(council, account: Account, in_council, *, host_council=None) -> Client:
    """A client on `host_council`'s host (default `council`), signed in there with two-step
    done (django_otp keeps the verified device in the session)."""
    host_council = host_council or council
    device, _ = EmailCodeDevice.objects.get_or_create(user=account, defaults={"name": "email", "confirmed": True})
    client = Client(HTTP_HOST=DOMAINS[host_council.slug])
    with in_council(host_council):
        client.force_login(account)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    client.account = account
    return client


@pytest.fixture
def staff_client(in_council):
    """`staff_client(council, role)`: a client signed in with two-step on the council's
    host, as a member of its SEND team with `role` (a StaffRole), or as a family member
    with no staff membership when `role` is None."""

    def make(council, role, **names) -> Client:
        account = make_account(**names)
        if role is not None:
            with in_council(council):
                StaffMembership.objects.create(account=account, role=role)
        return signed_in_client(council, account, in_council)

    return make


def make_child(
    *, first: str = "Alex", last: str = "Smith", born: date = date(2015, 3, 27), setting="Hillside Primary", **extra
) -> Child:
    return Child.objects.create(
        legal_first_name=first,
        legal_last_name=last,
        date_of_birth=born,
        setting=setting,
        council_reference=extra.pop("council_reference", f"C{next(_numbers):06d}"),
        **extra,
    )


def bulk_cases(n: int, *, today: date = TODAY, caseworker=None) -> list[Case]:
    """`n` children, each with an open assessment, in two queries (for query counts)."""
    start = next(_numbers) * 10_000
    children = Child.objects.bulk_create(
        Child(
            legal_first_name=f"Child{i}",
            legal_last_name=f"Family{i}",
            date_of_birth=date(2015, 1, 1),
            council_reference=f"B{start + i}",
        )
        for i in range(n)
    )
    return Case.objects.bulk_create(
        Case(
            child=child,
            kind=CaseKind.ASSESSMENT,
            reference=f"EHC-2026-B{start + i}",
            started_on=today,
            stage="decision_to_assess",
            next_deadline=date.fromordinal(today.toordinal() + 42 - (i % 60)),
            caseworker=caseworker,
        )
        for i, child in enumerate(children)
    )
