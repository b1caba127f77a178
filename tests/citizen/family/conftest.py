"""Fixtures for the family's SEND area: a family on a council (each demo council in turn)
with a young person's case and a draft plan shared, the people around it (the parent, the
young person, a parent the young person removed, someone still waiting to be verified, a
family verified for another child, a family of the other council), and clients signed in
with two-step verification on the council's host.

Accounts, staff clients and small real files come from the casework tests' fixtures."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from casework.models import (
    AccessRequest,
    Case,
    CaseKind,
    Child,
    ChildAccess,
    Document,
    Plan,
    PlanVersion,
    Relationship,
    StaffRole,
)
from casework.services.cases import case_open, milestone_record
from casework.services.documents import document_share, document_upload
from citizen.accounts.models import Account
from citizen.services_family import young_person_sharing_choose
from tenants.models import Council, ServiceArea
from tests.casework.conftest import (  # noqa: F401 (fixtures, and helpers the tests import from here)
    PASSWORD,
    family_client,
    make_access,
    make_account,
    signed_in_client,
    staff_account,
    staff_client,
)
from tests.casework.documents.conftest import PNG_BYTES, outbox, pdf_bytes, upload  # noqa: F401
from tests.factories import ChildFactory

TODAY = date(2026, 6, 15)  # a Monday
_numbers = itertools.count(1)

# The young person: a memorable name and date of birth that no email may carry.
CHILD_FIRST = "Marigold"
CHILD_LAST = "Featherstonehaugh"
CHILD_BORN = date(2009, 4, 23)  # 17 on TODAY


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def today():
    """Every `timezone.localdate()` answers TODAY (the clock the tracker reads)."""
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield TODAY


def child_make(*, first: str = CHILD_FIRST, last: str = CHILD_LAST, born: date = CHILD_BORN, **fields) -> Child:
    council = fields.pop("council", None)
    area = ServiceArea.objects.filter(council=council).first() if council is not None else None
    return ChildFactory(
        legal_first_name=first,
        legal_last_name=last,
        date_of_birth=born,
        setting=fields.pop("setting", "Fellside College"),
        service_area=fields.pop("service_area", area),
        **fields,
    )


def without_two_step(council: Council, account: Account) -> Client:
    """Signed in on the council's host with a password only: two-step not done."""
    client = Client(HTTP_HOST=council.get_primary_domain().domain)
    with tenant_context(council):
        client.force_login(account)
    return client


def anonymous(council: Council) -> Client:
    return Client(HTTP_HOST=council.get_primary_domain().domain)


@dataclass
class Family:
    """A family on `council`, and everyone around it (see the module docstring)."""

    council: Council
    other: Council
    child: Child
    case: Case
    draft: Document
    unshared: Document
    caseworker: Account
    parent: Account
    parent_access: ChildAccess
    young_person: Account
    young_person_access: ChildAccess
    removed_parent: Account
    waiting: Account
    waiting_request: AccessRequest
    other_child: Child
    other_child_parent: Account
    other_council_parent: Account


@pytest.fixture
def family(site, today) -> Family:
    """An EHC needs assessment for a 17-year-old, received 2 March 2026, decided 1 April,
    the draft plan sent on 10 June (the window ends 24 June) and shared; the young person
    and a parent can see it; another parent was removed by the young person."""
    council, other = site.council, site.other
    caseworker = make_account(first_name="Casey", last_name="Worker")
    parent = make_account(first_name="Pat", last_name="Parent")
    young_person = make_account(first_name=CHILD_FIRST, last_name=CHILD_LAST)
    removed_parent = make_account(first_name="Robin", last_name="Removed")
    waiting = make_account(first_name="Wren", last_name="Waiting")
    other_child_parent = make_account(first_name="Olly", last_name="Other")
    other_council_parent = make_account(first_name="Xan", last_name="Elsewhere")
    with tenant_context(other):
        elsewhere = child_make(first="Elsewhere", council=other)
        ChildAccess.objects.create(child=elsewhere, account=other_council_parent, relationship=Relationship.PARENT)
    with tenant_context(council):
        from casework.models import StaffMembership

        StaffMembership.objects.create(account=caseworker, role=StaffRole.CASEWORKER)
        child = child_make(council=council)
        parent_access = ChildAccess.objects.create(child=child, account=parent, relationship=Relationship.PARENT)
        young_person_access = ChildAccess.objects.create(
            child=child, account=young_person, relationship=Relationship.YOUNG_PERSON
        )
        removed = ChildAccess.objects.create(child=child, account=removed_parent, relationship=Relationship.PARENT)
        young_person_sharing_choose(young_person=young_person_access, access=removed, keep=False)
        waiting_request = AccessRequest.objects.create(
            account=waiting,
            relationship=Relationship.CARER,
            child_first_name=CHILD_FIRST,
            child_last_name=CHILD_LAST,
            child_date_of_birth=CHILD_BORN,
        )
        other_child = child_make(first="Another", last="Child", born=date(2015, 1, 2), council=council)
        ChildAccess.objects.create(child=other_child, account=other_child_parent, relationship=Relationship.PARENT)

        who = {"actor": caseworker, "actor_role": StaffRole.CASEWORKER, "today": today}
        case = case_open(
            child=child, kind=CaseKind.ASSESSMENT, started_on=date(2026, 3, 2), caseworker=caseworker, **who
        )
        milestone_record(case=case, key="decided_whether_to_assess", occurred_on=date(2026, 4, 1), outcome="yes", **who)
        milestone_record(case=case, key="draft_served", occurred_on=date(2026, 6, 10), **who)
        draft = document_upload(
            case=case,
            kind=Document.Kind.DRAFT_PLAN,
            title="Draft EHC plan, June 2026",
            upload=upload("draft.pdf", pdf_bytes("Draft plan")),
            actor=caseworker,
            actor_role=StaffRole.CASEWORKER,
        )
        document_share(document=draft, actor=caseworker, actor_role=StaffRole.CASEWORKER)
        unshared = document_upload(
            case=case,
            kind=Document.Kind.ADVICE,
            title="Advice not yet shared",
            upload=upload("advice.pdf", pdf_bytes("Advice")),
            actor=caseworker,
            actor_role=StaffRole.CASEWORKER,
        )
        # The same draft, written in the portal: the family reads it as a page and comments on it.
        plan = Plan.objects.create(case=case, content={"A": {"views": "I like trains."}}, revision=1)
        PlanVersion.objects.create(
            plan=plan, number=1, kind="draft", content=plan.content, revision=1, issued_on=date(2026, 6, 10)
        )
    return Family(
        council=council,
        other=other,
        child=child,
        case=case,
        draft=draft,
        unshared=unshared,
        caseworker=caseworker,
        parent=parent,
        parent_access=parent_access,
        young_person=young_person,
        young_person_access=young_person_access,
        removed_parent=removed_parent,
        waiting=waiting,
        waiting_request=waiting_request,
        other_child=other_child,
        other_child_parent=other_child_parent,
        other_council_parent=other_council_parent,
    )


@pytest.fixture
def as_member():
    """`as_member(family, account)`: a client signed in with two-step on the family's council."""
    return lambda family, account: signed_in_client(family.council, account)
