"""Fixtures for the case screens: children and cases built in a council's schema (or in
bulk for query counts). Staff clients and accounts come from tests/casework/conftest.py."""

from __future__ import annotations

import itertools
from datetime import date

from django.db import connection

from casework.models import Case, CaseKind, Child
from tenants.models import ServiceArea
from tests.casework.conftest import make_account  # noqa: F401 (the case tests import it from here)
from tests.factories import ChildFactory

TODAY = date(2026, 6, 15)  # a Monday

_numbers = itertools.count(1)


def make_child(
    *, first: str = "Alex", last: str = "Smith", born: date = date(2015, 3, 27), setting="Hillside Primary", **extra
) -> Child:
    return ChildFactory(legal_first_name=first, legal_last_name=last, date_of_birth=born, setting=setting, **extra)


def bulk_cases(n: int, *, today: date = TODAY, caseworker=None) -> list[Case]:
    """`n` children, each with an open assessment, in two queries (for query counts). The
    children are spread over the council's service areas, as real ones are, so a page
    that reads a child's area without joining it shows up in the count."""
    start = next(_numbers) * 10_000
    areas = list(ServiceArea.objects.filter(council=connection.tenant)) or [None]
    children = Child.objects.bulk_create(
        Child(
            legal_first_name=f"Child{i}",
            legal_last_name=f"Family{i}",
            date_of_birth=date(2015, 1, 1),
            council_reference=f"B{start + i}",
            service_area=areas[i % len(areas)],
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
