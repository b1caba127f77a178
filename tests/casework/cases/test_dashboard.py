"""The timeliness dashboard: its numbers are exactly what the case data says."""

from __future__ import annotations

import re
from datetime import date, timedelta
from unittest import mock

import pytest

from casework import clock
from casework.models import Milestone, StaffMembership, StaffRole
from casework.selectors.cases import timeliness_summary
from casework.services.cases import case_exception_record, case_open, milestone_record

from .conftest import TODAY, make_account, make_child

pytestmark = pytest.mark.django_db


def assessment(actor, received: date, *, decided: date | None = None, final: date | None = None, exception=None):
    case = case_open(child=make_child(), kind="assessment", started_on=received, actor=actor, today=TODAY)
    if exception:
        start, end = exception
        case_exception_record(case=case, reason="setting_closed", start=start, end=end, actor=actor, today=TODAY)
    if decided:
        milestone_record(
            case=case, key="decided_whether_to_assess", occurred_on=decided, outcome="yes", actor=actor, today=TODAY
        )
    if final:  # the draft first, its 15 days to comment over the day before the final plan
        draft = final - timedelta(days=clock.COMMENT_DAYS)
        milestone_record(case=case, key="draft_served", occurred_on=draft, actor=actor, today=TODAY)
        milestone_record(case=case, key="final_issued", occurred_on=final, actor=actor, today=TODAY)
    return case


@pytest.fixture
def cases(cumbria, in_council):
    """Four plans issued in the 12 months to 15 June 2026: three within 20 weeks, one late
    but within the deadline its exception extended; plus one issued a day too early to
    count, a re-assessment's plan (not a new plan), three open assessments (one overdue)
    and an overdue annual review."""
    actor = make_account()
    with in_council(cumbria):
        StaffMembership.objects.create(account=actor, role=StaffRole.CASEWORKER)
        assessment(actor, date(2025, 10, 6), decided=date(2025, 11, 10), final=date(2026, 2, 20))  # due 23 Feb
        assessment(actor, date(2025, 11, 3), decided=date(2025, 12, 1), final=date(2026, 3, 16))  # due 23 Mar
        assessment(actor, date(2026, 1, 5), decided=date(2026, 2, 1), final=date(2026, 5, 25))  # due that day
        late = assessment(
            actor,
            date(2025, 9, 1),  # due 19 January 2026, extended 31 days to 19 February
            decided=date(2025, 10, 6),
            final=date(2026, 2, 2),
            exception=(date(2025, 10, 1), date(2025, 10, 31)),
        )
        assessment(actor, date(2024, 9, 2), decided=date(2024, 10, 1), final=date(2025, 6, 15))  # 12 months + 1 day ago
        reassessment = case_open(
            child=make_child(), kind="reassessment", started_on=date(2026, 1, 5), actor=actor, today=TODAY
        )
        milestone_record(case=reassessment, key="draft_served", occurred_on=date(2026, 2, 2), actor=actor, today=TODAY)
        milestone_record(case=reassessment, key="final_issued", occurred_on=date(2026, 3, 2), actor=actor, today=TODAY)
        assessment(actor, date(2026, 6, 1))  # decision due 13 July
        assessment(actor, date(2026, 4, 1))  # decision due 13 May: overdue
        assessment(actor, date(2026, 3, 2), decided=date(2026, 4, 1))  # decision to issue due 22 June
        case_open(child=make_child(), kind="annual_review", started_on=date(2025, 5, 1), actor=actor, today=TODAY)
    return {"late": late}


def test_the_summary_counts_what_the_cases_say(cases, cumbria, in_council):
    with in_council(cumbria):
        summary = timeliness_summary(today=TODAY)
    assert (summary.period_start, summary.period_end) == (date(2025, 6, 16), TODAY)
    assert summary.plans_issued == 4
    assert (summary.within_20_weeks.numerator, summary.within_20_weeks.denominator) == (3, 4)
    assert str(summary.within_20_weeks) == "75%"
    # "Excluding exceptions" leaves the excepted plan out altogether: 3 of 3.
    excluding = summary.within_20_weeks_excluding_exceptions
    assert (excluding.numerator, excluding.denominator, str(excluding)) == (3, 3, "100%")
    assert summary.plans_with_exceptions == 1
    assert str(summary.within_extended_deadline) == "100%"
    assert summary.open_by_stage == [("Decision whether to assess", 2), ("Decision whether to issue a plan", 1)]
    assert summary.overdue_by_kind == [
        ("EHC needs assessment", 1),
        ("Annual review", 1),
        ("Re-assessment", 0),
        ("Phase transfer", 0),
    ]


def test_a_final_plan_with_no_draft_before_it_is_not_counted_as_issued(cases, cumbria, in_council):
    """Recorded before the law's order was enforced, a final plan with no draft plan sent
    is not a plan "issued within 20 weeks": it is left out, so the figures stay as they were."""
    with in_council(cumbria):
        case = assessment(make_account(), date(2026, 1, 5), decided=date(2026, 2, 1))
        Milestone.objects.create(case=case, key="final_issued", occurred_on=date(2026, 3, 1))  # no draft
        summary = timeliness_summary(today=TODAY)
    assert summary.plans_issued == 4
    assert (summary.within_20_weeks.numerator, summary.within_20_weeks.denominator) == (3, 4)


def test_a_percentage_that_is_not_whole_keeps_one_decimal(cases, cumbria, in_council):
    with in_council(cumbria):
        actor = make_account()
        assessment(actor, date(2025, 12, 1), decided=date(2026, 1, 5), final=date(2026, 5, 1))  # due 20 April: late
        summary = timeliness_summary(today=TODAY)
    assert str(summary.within_20_weeks) == "60%"
    assert str(summary.within_20_weeks_excluding_exceptions) == "75%"
    with in_council(cumbria):
        assessment(actor, date(2025, 12, 8), decided=date(2026, 1, 5), final=date(2026, 5, 1))  # due 27 April: late
        summary = timeliness_summary(today=TODAY)
    assert str(summary.within_20_weeks) == "50%"
    assert str(summary.within_20_weeks_excluding_exceptions) == "60%"
    with in_council(cumbria):
        assessment(actor, date(2025, 12, 15), decided=date(2026, 1, 5), final=date(2026, 5, 1))  # due 4 May: on time
        summary = timeliness_summary(today=TODAY)
    assert str(summary.within_20_weeks) == "57.1%"  # 4 of 7


def test_no_plans_says_so(cumbria, in_council):
    with in_council(cumbria):
        summary = timeliness_summary(today=TODAY)
    assert summary.plans_issued == 0
    assert str(summary.within_20_weeks) == "No plans"


def test_the_dashboard_page_shows_the_same_numbers(cases, cumbria, staff_client, real_queries):
    manager = staff_client(cumbria, StaffRole.TEAM_MANAGER)
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        html = manager.get("/staff/dashboard/").content.decode()
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "New EHC plans, 16 June 2025 to 15 June 2026" in words
    assert "Final plans issued 4" in words
    assert "Issued within 20 weeks, including exceptions 75% 3 of 4 plans" in words
    assert (
        "Issued within 20 weeks, excluding exceptions 100% 3 of 3 plans: the 1 with an exception is left out" in words
    )
    assert "Decision whether to assess 2 Decision whether to issue a plan 1" in words
    assert "EHC needs assessment 1 Annual review 1 Re-assessment 0 Phase transfer 0" in words


def test_month_by_month_counts_each_plan_in_the_month_it_was_issued(cases, cumbria, in_council):
    from casework.selectors.cases import timeliness_by_month

    with in_council(cumbria):
        months = timeliness_by_month(today=TODAY)

    assert [m.month for m in months][:2] == [date(2025, 6, 1), date(2025, 7, 1)]  # 16 June 2025 onwards
    assert months[-1].month == date(2026, 6, 1) and len(months) == 13
    shown = {
        m.month: (m.plans_issued, str(m.within_20_weeks), str(m.within_20_weeks_excluding_exceptions)) for m in months
    }
    assert shown[date(2026, 2, 1)] == (2, "50%", "100%")  # 20 February on time; 2 February late, excepted
    assert shown[date(2026, 3, 1)] == (1, "100%", "100%")
    assert shown[date(2026, 5, 1)] == (1, "100%", "100%")
    assert shown[date(2025, 6, 1)] == (0, "No plans", "No plans")  # 15 June 2025 is a day too early
    assert sum(m.plans_issued for m in months) == 4  # as the 12 months' summary counts


def test_each_dashboard_table_downloads_as_csv_with_the_pages_figures(cases, cumbria, staff_client, in_council):
    import csv
    import io

    from casework.models import Organisation
    from casework.services.advice import advice_ask

    with in_council(cumbria):
        organisation = Organisation.objects.create(name="=HYPERLINK(1)", kind="school", contact_email="s@example.org")
        case = assessment(make_account(), date(2026, 3, 2), decided=date(2026, 3, 20))
        advice_ask(
            case=case,
            organisations=[organisation],
            kind="educational",
            cover="Learning",
            family_consent=True,
            actor=None,
            actor_role="caseworker",
            today=date(2026, 4, 1),
        )
    manager = staff_client(cumbria, StaffRole.TEAM_MANAGER)

    def table(name: str) -> list[list[str]]:
        with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
            answer = manager.get(f"/staff/dashboard/{name}.csv")
        assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
        assert f'filename="cumbria-{name}-2026-06-15.csv"' in answer["Content-Disposition"]
        return list(csv.reader(io.StringIO(answer.content.decode())))

    assert table("plans")[1:3] == [
        ["Final plans issued", "4", "", ""],
        ["Issued within 20 weeks, including exceptions", "75%", "3", "4"],
    ]
    by_month = table("plans-by-month")
    assert by_month[0][0] == "Month" and ["2026-02", "2", "50%", "100%"] in by_month and len(by_month) == 14
    assert table("open-by-stage")[1:] == [
        ["Decision whether to assess", "2"],
        ["Advice from professionals", "1"],  # the case the school was asked about
        ["Decision whether to issue a plan", "1"],
    ]
    assert ["Annual review", "1"] in table("overdue-by-kind")
    assert table("overdue-advice")[1:] == [["'=HYPERLINK(1)", "1", "2026-04-01"]]  # never a formula
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        assert manager.get("/staff/dashboard/cases.csv").status_code == 404
        page = manager.get("/staff/dashboard/").content.decode()
    assert 'href="/staff/dashboard/plans-by-month.csv"' in page and "<meter" in page
