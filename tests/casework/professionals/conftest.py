"""Fixtures for the professionals' side: a case waiting for advice in a council, two
organisations there (a school and an educational psychology service) with their people,
and clients signed in with two-step as each of them."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from casework.models import CaseKind, Organisation, OrganisationKind, OrganisationMembership, StaffRole
from casework.services.cases import case_open, milestone_record
from tenants.outbox.models import OutboundEmail
from tests.casework.cases.conftest import make_child
from tests.casework.conftest import make_account, signed_in_client


def emails_to(council, in_council, address: str) -> list[OutboundEmail]:
    with in_council(council):
        return list(OutboundEmail.objects.filter(to__contains=[address]).order_by("id"))


def link_path(email: OutboundEmail, start: str) -> str:
    """The path of the first link in an email that starts with `start`."""
    return re.search(rf"https?://[^/\s]+({re.escape(start)}[^\s]*)", email.body).group(1)


def case_waiting_for_advice(worker, *, first: str = "Alex", last: str = "Smith"):
    """An assessment received 10 days ago, decided 'yes' 5 days ago: advice may be asked."""
    today = timezone.localdate()
    case = case_open(
        child=make_child(first=first, last=last),
        kind=CaseKind.ASSESSMENT,
        started_on=today - timedelta(days=10),
        actor=worker,
        today=today,
    )
    milestone_record(
        case=case,
        key="decided_whether_to_assess",
        occurred_on=today - timedelta(days=5),
        outcome="yes",
        actor=worker,
        today=today,
    )
    return case


def organisation_with(name: str, kind: str, people: dict[str, bool]) -> tuple[Organisation, dict]:
    """An organisation (current council) and an account per person (name -> is admin)."""
    organisation = Organisation.objects.create(name=name, kind=kind, contact_email=f"{kind}@example.org")
    accounts = {}
    for person, is_admin in people.items():
        account = make_account(first_name=person.title(), last_name=name.split()[0])
        OrganisationMembership.objects.create(organisation=organisation, account=account, is_admin=is_admin)
        accounts[person] = account
    return organisation, accounts


@pytest.fixture
def world(site, in_council, staff_account):
    """In site.council: a caseworker, a case waiting for advice, a school (admin "sam",
    member "kim") and an EP service (admin "pat"). `world.client(name)` signs one in."""
    council = site.council
    worker = staff_account(council, StaffRole.CASEWORKER, first_name="Casey", last_name="Worker")
    with in_council(council):
        case = case_waiting_for_advice(worker)
        school, school_people = organisation_with(
            "Greenfield Primary School", OrganisationKind.SCHOOL, {"sam": True, "kim": False}
        )
        service, service_people = organisation_with(
            "Educational Psychology Service", OrganisationKind.EDUCATIONAL_PSYCHOLOGY, {"pat": True}
        )
    accounts = {**school_people, **service_people, "worker": worker}

    def client(name: str, council=council):
        return signed_in_client(council, accounts[name])

    return SimpleNamespace(
        council=council, case=case, school=school, service=service, accounts=accounts, client=client, site=site
    )
