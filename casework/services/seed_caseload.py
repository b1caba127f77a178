"""A Kent-sized caseload for measuring (issue 13): `manage.py seed_caseload`. Children,
cases at every stage, a SEND team of caseworkers, and documents and messages in
proportion, made with bulk inserts (a few statements a table, not a service call a row),
so that 20,000 children take seconds. Made-up people only: names from short lists,
references `SEED-…`, caseworkers `seed-caseworker-N@<slug>.localhost`; it never touches
a council's real rows, and `caseload_seed_remove` takes every seeded row away again.

The cases' stage and next deadline are set as the clock would cache them (spread over
every stage, some overdue), without the milestones behind them: enough for the
caseload, its filters and search, which read those two columns; not a case to open.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from casework.models import Case, CaseKind, Child, Document, Message, StaffMembership, StaffRole
from casework.selectors.cases import forget_caseworker_names
from casework.steps import FINISHED, STAGE_LABELS
from citizen.accounts.models import Account
from tenants.current import current_council
from tenants.models import ServiceArea

PREFIX = "SEED-"
FIRST_NAMES = [
    "Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Ivy", "Leo", "Freya", "Oscar",
    "Lily", "Harry", "Florence", "Muhammad", "Willow", "Jack", "Rosie", "Charlie", "Sophia", "Theo",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Khan", "Hughes", "Edwards", "Lewis", "Harris", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore",
]  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    children: int
    cases: int
    caseworkers: int
    documents: int
    messages: int


SEEDED_EMAIL = "seed-caseworker-"


def _caseworker_email(number: int) -> str:
    return f"{SEEDED_EMAIL}{number}@{current_council().slug}.localhost"


def analyze(*models) -> None:
    """Give the planner its figures for rows just bulk-inserted, as autovacuum would soon:
    without them it takes the tables for empty and reads every row of a case."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


@transaction.atomic
def caseload_seed(
    *,
    children: int,
    caseworkers: int,
    documents_per_case: int = 2,
    messages_per_case: int = 3,
    today: date | None = None,
) -> Seeded:
    """Seed the current council (call it inside its tenant_context)."""
    today = today or timezone.localdate()
    now = timezone.now()
    password = make_password(None)  # unusable: nobody signs in as a seeded caseworker
    accounts = Account.objects.bulk_create(
        Account(
            email=_caseworker_email(number),
            password=password,
            first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
            last_name=f"Caseworker{number}",
            is_active=True,
            email_verified_at=now,
        )
        for number in range(caseworkers)
    )
    StaffMembership.objects.bulk_create(StaffMembership(account=a, role=StaffRole.CASEWORKER) for a in accounts)
    forget_caseworker_names()  # a bulk insert sends no signal (casework.signals)
    areas: list[ServiceArea | None] = [*ServiceArea.objects.filter(council=current_council()).order_by("order")]
    areas = areas or [None]
    names = itertools.cycle(itertools.product(FIRST_NAMES, LAST_NAMES))
    made_children = Child.objects.bulk_create(
        Child(
            legal_first_name=first,
            legal_last_name=last,
            date_of_birth=date(2006, 1, 1) + timedelta(days=(number * 37) % (365 * 18)),
            council_reference=f"{PREFIX}{number:06d}",
            service_area=areas[number % len(areas)],
        )
        for number, (first, last) in zip(range(children), names, strict=False)
    )
    stages = [*STAGE_LABELS]
    cases = Case.objects.bulk_create(
        Case(
            child=child,
            kind=CaseKind.ANNUAL_REVIEW if number % 3 == 0 else CaseKind.ASSESSMENT,
            reference=f"EHC-{PREFIX}{number:06d}",
            caseworker=accounts[number % len(accounts)] if accounts and number % 17 else None,
            started_on=today - timedelta(days=number % 400),
            stage=stages[number % len(stages)],
            next_deadline=None
            if stages[number % len(stages)] == FINISHED
            else today + timedelta(days=number % 60 - 10),
            closed_on=today if stages[number % len(stages)] == FINISHED else None,
        )
        for number, child in enumerate(made_children)
    )
    Document.objects.bulk_create(
        Document(
            case=case,
            kind=Document.Kind.DRAFT_PLAN,
            title=f"Report {n}",
            file=f"seed/report-{case.pk}-{n}.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            scan_status=Document.ScanStatus.CLEAN,
            scanned_at=now,
        )
        for case in cases
        for n in range(documents_per_case)
    )
    Message.objects.bulk_create(
        Message(case=case, author=None, from_send_team=bool(n % 2), body=f"Message {n}")
        for case in cases
        for n in range(messages_per_case)
    )
    analyze(Child, Case, Document, Message, StaffMembership)
    return Seeded(
        children=len(made_children),
        cases=len(cases),
        caseworkers=len(accounts),
        documents=len(cases) * documents_per_case,
        messages=len(cases) * messages_per_case,
    )


@transaction.atomic
def caseload_seed_remove() -> None:
    """Every seeded row of the current council, and the seeded caseworkers' accounts."""
    cases = Case.objects.filter(reference__startswith=f"EHC-{PREFIX}")
    Message.objects.filter(case__in=cases).delete()
    Document.objects.filter(case__in=cases).delete()
    cases.delete()
    Child.objects.filter(council_reference__startswith=PREFIX).delete()
    seeded = Account.objects.filter(
        email__startswith=SEEDED_EMAIL, email__endswith=f"@{current_council().slug}.localhost"
    )
    StaffMembership.objects.filter(account__in=seeded).delete()
    seeded.delete()
