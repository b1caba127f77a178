"""Recording on a case through its pages: a step (only those the clock accepts next), an
exception, advice, the caseworker, and opening a case for a child in its kind's words."""

from __future__ import annotations

import re
from datetime import date, timedelta
from unittest import mock

import pytest

from casework.models import AdviceRequest, AuditEvent, Case, CaseException, Milestone, StaffRole
from casework.services.cases import case_open, milestone_record

from .conftest import TODAY, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield TODAY


@pytest.fixture
def caseworker(cumbria, staff_client):
    return staff_client(cumbria, StaffRole.CASEWORKER, first_name="Casey", last_name="Worker")


@pytest.fixture
def case(cumbria, in_council, caseworker):
    with in_council(cumbria):
        return case_open(
            child=make_child(), kind="assessment", started_on=date(2026, 5, 1), actor=caseworker.account, today=TODAY
        )


def day(prefix: str, value: date) -> dict:
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- Steps ----------------------------------------------------------------------------------------


def test_choosing_a_step_lists_only_those_the_clock_accepts(caseworker, case):
    html = caseworker.get(f"/staff/cases/{case.pk}/steps/new/").content.decode()
    assert re.findall(r"\?step=(\w+)", html) == ["decided_whether_to_assess"]
    html = caseworker.get(f"/staff/cases/{case.pk}/steps/new/?step=final_issued").content.decode()
    assert "Record a step" in html and "?step=decided_whether_to_assess" in html  # not accepted yet: choose again


def test_recording_a_decision_to_assess(caseworker, case, cumbria, in_council, post):
    path = f"/staff/cases/{case.pk}/steps/new/"
    form = caseworker.get(path + "?step=decided_whether_to_assess").content.decode()
    assert "What did the council decide?" in form and "Yes, the council will assess" in form
    answer = post(
        caseworker,
        path,
        {"key": "decided_whether_to_assess", "outcome": "yes", "note": "EP first", **day("occurred_on", TODAY)},
    )
    assert answer.status_code == 302 and answer["Location"] == f"/staff/cases/{case.pk}/"
    with in_council(cumbria):
        milestone = Milestone.objects.get(case=case)
        assert (milestone.key, milestone.occurred_on, milestone.outcome, milestone.note) == (
            "decided_whether_to_assess",
            TODAY,
            "yes",
            "EP first",
        )
        assert milestone.recorded_by == caseworker.account
        case.refresh_from_db()
        assert case.stage == "decision_to_issue"
        assert AuditEvent.objects.filter(case=case, summary__startswith="Recorded: Decision whether to assess").exists()
    page = caseworker.get(answer["Location"]).content.decode()
    assert "Recorded: Decision whether to assess" in page  # the success banner


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "yes"}, "Enter the date"),
        ({"outcome": "yes", **day("occurred_on", TODAY + timedelta(days=1))}, "The date must be today or in the past."),
        ({**day("occurred_on", TODAY)}, "Choose whether the council will assess"),
        (
            {"outcome": "yes", "occurred_on_day": "31", "occurred_on_month": "6", "occurred_on_year": "2026"},
            "The date must be a real date",
        ),
        (
            {"outcome": "yes", **day("occurred_on", date(2026, 4, 30))},
            "The date must be the same as or after 1 May 2026 (date the request was received).",
        ),
    ],
)
def test_a_step_refused_says_why_with_an_error_summary(data, message, caseworker, case, cumbria, in_council):
    answer = caseworker.post(f"/staff/cases/{case.pk}/steps/new/", {"key": "decided_whether_to_assess", **data})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "There is a problem" in html and message in html
    assert "<title>Error: " in html
    with in_council(cumbria):
        assert not Milestone.objects.filter(case=case).exists()


def test_a_step_the_clock_does_not_accept_is_not_recorded(caseworker, case, cumbria, in_council):
    answer = caseworker.post(f"/staff/cases/{case.pk}/steps/new/", {"key": "final_issued", **day("occurred_on", TODAY)})
    assert "That step cannot be recorded on this case now" in answer.content.decode()
    with in_council(cumbria):
        assert not Milestone.objects.filter(case=case).exists()


def test_labels_read_as_a_person_writes_them_and_staff_read_staff_words(caseworker, case, cumbria, in_council):
    """Issue 19, item 6: "Date: final EHC plan issued", "Open a case: EHC needs
    assessment", never "ehc"; the staff timeline speaks of the family's comments."""
    who = {"actor": caseworker.account, "today": TODAY}
    with in_council(cumbria):
        milestone_record(
            case=case, key="decided_whether_to_assess", occurred_on=date(2026, 5, 16), outcome="yes", **who
        )
        milestone_record(case=case, key="draft_served", occurred_on=date(2026, 5, 26), **who)
    final = caseworker.get(f"/staff/cases/{case.pk}/steps/new/?step=final_issued").content.decode()
    opening = caseworker.get(f"/staff/children/{case.child_id}/cases/new/?kind=assessment").content.decode()
    page = caseworker.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Date: final EHC plan issued" in final
    assert "Open a case: EHC needs assessment" in opening and "ehc needs assessment" not in opening
    assert "Decision whether to assess: yes, the council will assess" in text(page)
    assert "The family&#x27;s comments on the draft plan" in page
    assert "Your comments on the draft plan" not in page


# --- Exceptions, advice, caseworker ------------------------------------------------------------------


def test_recording_an_exception(caseworker, case, cumbria, in_council, post):
    path = f"/staff/cases/{case.pk}/exceptions/new/"
    short = {"reason": "away_from_area", **day("start", date(2026, 5, 4)), **day("end", date(2026, 5, 20))}
    html = caseworker.post(path, short).content.decode()
    assert "A closure or an absence from the area must last at least 4 weeks to be an exception." in html
    answer = post(caseworker, path, {**short, **day("end", date(2026, 6, 7)), "details": "Family emergency abroad"})
    assert answer.status_code == 302
    with in_council(cumbria):
        exception = CaseException.objects.get(case=case)
        assert (exception.reason, exception.details, exception.recorded_by) == (
            "away_from_area",
            "Family emergency abroad",
            caseworker.account,
        )
        case.refresh_from_db()
        assert case.next_deadline == date(2026, 6, 12) + timedelta(days=35)  # 6 weeks, plus the 35 days away


def test_recording_advice_asked_and_received(caseworker, case, cumbria, in_council, post):
    with in_council(cumbria):
        milestone_record(
            case=case,
            key="decided_whether_to_assess",
            occurred_on=date(2026, 6, 1),
            outcome="yes",
            actor=caseworker.account,
            today=TODAY,
        )
    answer = post(
        caseworker,
        f"/staff/cases/{case.pk}/advice/new/",
        {"adviser": "the educational psychologist", **day("requested_on", date(2026, 6, 2))},
    )
    assert answer.status_code == 302
    with in_council(cumbria):
        advice = AdviceRequest.objects.get(case=case)
    page = text(caseworker.get(f"/staff/cases/{case.pk}/").content.decode())
    assert "the educational psychologist 2 June 2026 14 July 2026 Record as received" in page
    answer = post(caseworker, f"/staff/cases/{case.pk}/advice/{advice.pk}/received/", day("received_on", TODAY))
    assert answer.status_code == 302
    with in_council(cumbria):
        advice.refresh_from_db()
        assert advice.received_on == TODAY


def test_advice_and_exceptions_pages_are_only_for_kinds_that_have_them(caseworker, cumbria, in_council):
    with in_council(cumbria):
        review = case_open(
            child=make_child(), kind="annual_review", started_on=date(2025, 9, 1), actor=caseworker.account, today=TODAY
        )
    assert caseworker.get(f"/staff/cases/{review.pk}/advice/new/").status_code == 404
    assert caseworker.get(f"/staff/cases/{review.pk}/exceptions/new/").status_code == 404


def test_changing_the_caseworker(caseworker, case, cumbria, in_council, staff_client, post):
    manager = staff_client(cumbria, StaffRole.TEAM_MANAGER, first_name="Morgan", last_name="Manager")
    form = manager.get(f"/staff/cases/{case.pk}/caseworker/").content.decode()
    assert "Casey Worker" in form and "Morgan Manager" in form
    answer = post(manager, f"/staff/cases/{case.pk}/caseworker/", {"caseworker": caseworker.account.pk})
    assert answer.status_code == 302
    with in_council(cumbria):
        case.refresh_from_db()
        assert case.caseworker == caseworker.account
    html = manager.post(f"/staff/cases/{case.pk}/caseworker/", {"caseworker": "999999"}).content.decode()
    assert "Select a valid choice" in html


# --- Opening a case ---------------------------------------------------------------------------------------


def test_opening_a_case_asks_the_kind_then_the_date_in_its_words(caseworker, cumbria, in_council, post):
    with in_council(cumbria):
        child = make_child()
    path = f"/staff/children/{child.pk}/cases/new/"
    assert "What kind of case is this?" in caseworker.get(path).content.decode()
    assert "Choose what kind of case this is" in caseworker.get(path + "?kind=nonsense").content.decode()
    labels = {
        "assessment": "Date the request was received",
        "annual_review": "Date the plan was issued",
        "reassessment": "Date of the decision to re-assess",
        "phase_transfer": "Date of the move",
    }
    for kind, label in labels.items():
        html = caseworker.get(f"{path}?kind={kind}").content.decode()
        assert f"{label}</legend>" in html
        assert ("What kind of move is it?" in html) == (kind == "phase_transfer")

    html = caseworker.post(f"{path}?kind=assessment", {}).content.decode()
    assert "Enter the date the request was received" in html
    answer = post(
        caseworker,
        f"{path}?kind=assessment",
        {**day("started_on", date(2026, 6, 1)), "caseworker": caseworker.account.pk},
    )
    with in_council(cumbria):
        case = Case.objects.get(child=child)
    assert answer["Location"] == f"/staff/cases/{case.pk}/"
    assert (case.kind, case.started_on, case.reference, case.caseworker) == (
        "assessment",
        date(2026, 6, 1),
        "EHC-2026-00001",
        caseworker.account,
    )
    assert (case.stage, case.next_deadline) == ("decision_to_assess", date(2026, 7, 13))


def test_opening_a_phase_transfer_needs_the_kind_of_move(caseworker, cumbria, in_council, post):
    with in_council(cumbria):
        child = make_child()
    path = f"/staff/children/{child.pk}/cases/new/?kind=phase_transfer"
    html = caseworker.post(path, day("started_on", date(2027, 9, 1))).content.decode()
    assert "Choose what kind of move this is" in html
    post(caseworker, path, {**day("started_on", date(2027, 9, 1)), "transfer_kind": "secondary_to_post16"})
    with in_council(cumbria):
        case = Case.objects.get(child=child)
    assert (case.reference, case.transfer_kind, case.next_deadline) == (
        "PT-2026-00001",
        "secondary_to_post16",
        date(2027, 3, 30),
    )


def test_a_child_of_the_other_council_is_not_found(caseworker, somerset, in_council):
    with in_council(somerset):
        child = make_child()
    assert caseworker.get(f"/staff/children/{child.pk + 100000}/cases/new/").status_code == 404
