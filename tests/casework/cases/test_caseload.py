"""The caseload: soonest deadline first, filters, search, pagination, and the same number
of queries for a page of 5 cases as for a council with 500."""

from __future__ import annotations

import re
from datetime import date, timedelta
from unittest import mock

import pytest

from casework.models import Case, CaseKind, StaffRole
from tenants.models import ServiceArea

from .conftest import TODAY, bulk_cases, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield TODAY


@pytest.fixture
def caseworker(cumbria, staff_client):
    return staff_client(cumbria, StaffRole.CASEWORKER, first_name="Casey", last_name="Worker")


def references(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/staff/cases/\d+/">([^<]+)</a>', html)


def add_case(child, reference, *, next_deadline, stage="decision_to_assess", kind=CaseKind.ASSESSMENT, caseworker=None):
    return Case.objects.create(
        child=child,
        kind=kind,
        reference=reference,
        started_on=date(2026, 5, 1),
        stage=stage,
        next_deadline=next_deadline,
        caseworker=caseworker,
    )


@pytest.fixture
def cases(cumbria, in_council, caseworker):
    with in_council(cumbria):
        carlisle, barrow = ServiceArea.objects.filter(council=cumbria).order_by("pk")[:2]
        amira = make_child(first="Amira", last="Okafor", born=date(2014, 3, 7), service_area=carlisle)
        ben = make_child(
            first="Ben", last="Smith-Jones", born=date(2016, 11, 30), service_area=barrow, known_as="Benny"
        )
        cara = make_child(first="Cara", last="Smith", born=date(2019, 1, 2), service_area=carlisle)
        add_case(amira, "EHC-2026-00001", next_deadline=TODAY + timedelta(days=20), caseworker=caseworker.account)
        add_case(ben, "EHC-2026-00002", next_deadline=TODAY - timedelta(days=3), stage="final_plan")
        add_case(
            cara, "AR-2026-00001", next_deadline=TODAY + timedelta(days=6), stage="review_meeting", kind="annual_review"
        )
        add_case(cara, "EHC-2026-00003", next_deadline=None, stage="finished")
        add_case(
            amira,
            "PT-2026-00001",
            next_deadline=TODAY + timedelta(days=1),
            stage="phase_transfer",
            kind="phase_transfer",
        )
    return {"carlisle": carlisle, "barrow": barrow}


def test_open_cases_soonest_deadline_first_with_days_left_or_overdue(caseworker, cases):
    html = caseworker.get("/staff/").content.decode()
    assert references(html) == ["EHC-2026-00002", "PT-2026-00001", "AR-2026-00001", "EHC-2026-00001"]
    assert "4 cases" in html
    assert "Overdue by 3 days" in html and "1 day left" in html and "20 days left" in html
    assert "Final plan" in html and "Review meeting" in html  # the stage in words
    assert "Casey Worker" in html and "Not assigned" in html
    assert '"Kind">Phase transfer</td>' in html and '"Kind">Annual review</td>' in html  # the kind in words
    assert 'method="get"' in html  # filters work without JavaScript


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "final_plan"}, ["EHC-2026-00002"]),
        ({"stage": "finished"}, ["EHC-2026-00003"]),
        ({"service_area": "barrow"}, ["EHC-2026-00002"]),
        ({"caseworker": "mine"}, ["EHC-2026-00001"]),
        ({"caseworker": "none"}, ["EHC-2026-00002", "PT-2026-00001", "AR-2026-00001"]),
        ({"deadline": "overdue"}, ["EHC-2026-00002"]),
        ({"deadline": "this_week"}, ["PT-2026-00001", "AR-2026-00001"]),  # Monday 15 to Sunday 21 June
        ({"search": "amira"}, ["PT-2026-00001", "EHC-2026-00001"]),
        ({"search": "SMITH"}, ["EHC-2026-00002", "AR-2026-00001"]),  # either name, any case
        ({"search": "jones"}, ["EHC-2026-00002"]),
        ({"search": "benny"}, ["EHC-2026-00002"]),
        ({"search": "cara smith"}, ["AR-2026-00001"]),
        ({"search": "7/3/2014"}, ["PT-2026-00001", "EHC-2026-00001"]),
        ({"search": "2016-11-30"}, ["EHC-2026-00002"]),
        ({"search": "ehc-2026-00001"}, ["EHC-2026-00001"]),
        ({"search": "smith", "deadline": "this_week"}, ["AR-2026-00001"]),
        ({"search": "nobody"}, []),
        # Typed characters are letters, not patterns: neither matches every name.
        ({"search": "%"}, []),
        ({"search": "_"}, []),
        # Each word is looked for within one name, never across two.
        ({"search": "rasmith"}, []),  # Cara Smith
    ],
)
def test_filters_and_search(query, expected, caseworker, cases):
    if "service_area" in query:
        query["service_area"] = cases[query["service_area"]].pk
    html = caseworker.get("/staff/", query).content.decode()
    assert references(html) == expected
    if not expected:
        assert "No cases match" in html


def test_a_caseworker_filter_by_name(cumbria, caseworker, cases, staff_client):
    manager = staff_client(cumbria, StaffRole.TEAM_MANAGER)
    html = manager.get("/staff/", {"caseworker": caseworker.account.pk}).content.decode()
    assert references(html) == ["EHC-2026-00001"]
    assert f'<option value="{caseworker.account.pk}" selected>Casey Worker</option>' in html


def test_fifty_a_page_with_gov_uk_pagination_keeping_the_filters(cumbria, in_council, caseworker):
    with in_council(cumbria):
        bulk_cases(120)
    first = caseworker.get("/staff/", {"deadline": "", "search": "child"}).content.decode()
    assert len(references(first)) == 50
    assert "120 cases found, showing 1 to 50" in first
    assert '<nav class="govuk-pagination" aria-label="Caseload pages">' in first
    assert 'href="?search=child&amp;page=2" rel="next"' in first
    third = caseworker.get("/staff/", {"search": "child", "page": 3}).content.decode()
    assert len(references(third)) == 20
    assert 'aria-current="page">3</a>' in third


def test_the_number_of_queries_does_not_grow_with_the_cases(cumbria, in_council, caseworker, real_queries):
    def queries() -> int:
        with real_queries() as q:
            answer = caseworker.get("/staff/", {"caseworker": "mine"})
        assert answer.status_code == 200
        return q.count

    with in_council(cumbria):
        bulk_cases(5, caseworker=caseworker.account)
    queries()  # the first request of a session fills caches (the council's host, its policy)
    few = queries()
    with in_council(cumbria):
        bulk_cases(495, caseworker=caseworker.account)
    many = queries()
    assert few == many


def test_the_caseworker_filter_follows_the_team_at_once_and_reads_no_names_in_between(
    cumbria, in_council, caseworker, staff_client, real_queries
):
    """The team's names are cached (casework.selectors.cases.caseworker_names): a
    newcomer, a new name and someone taken off the team show on the next page."""
    from casework.models import StaffMembership

    def options() -> list[str]:
        html = caseworker.get("/staff/").content.decode()
        select = re.search(r'<select name="caseworker".*?</select>', html, re.S)[0]
        return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)

    assert options() == ["Casey Worker"]
    with real_queries() as q:
        caseworker.get("/staff/")
    assert not [sql for sql in q.sql if "staffmembership" in sql.lower() and "first_name" in sql.lower()]

    newcomer = staff_client(cumbria, StaffRole.CASEWORKER, first_name="Nia", last_name="New")
    assert options() == ["Casey Worker", "Nia New"]
    account = newcomer.account
    account.first_name = "Aaliyah"
    account.save()
    assert options() == ["Aaliyah New", "Casey Worker"]
    with in_council(cumbria):
        membership = StaffMembership.objects.get(account=account)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    assert options() == ["Casey Worker"]


@pytest.mark.parametrize("at_most", [1, 500])
def test_a_search_finds_the_same_cases_whether_read_as_ids_or_as_a_subquery(at_most, caseworker, cases):
    """A search that finds more cases than SEARCH_IDS_AT_MOST looks them up by subquery
    instead of by their ids: the same cases, in the same order, either way."""
    with mock.patch("casework.selectors.cases.SEARCH_IDS_AT_MOST", at_most):
        html = caseworker.get("/staff/", {"search": "smith", "stage": "finished"}).content.decode()
        assert references(html) == ["EHC-2026-00003"]
        html = caseworker.get("/staff/", {"search": "a"}).content.decode()
        assert references(html) == ["PT-2026-00001", "AR-2026-00001", "EHC-2026-00001"]  # Amira, Cara: not Ben
        assert "3 cases found" in html
