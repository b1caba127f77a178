"""Case services: every write is checked against the statutory clock, audited, and
refreshes the case's cached stage and next deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from casework import clock
from casework.models import AuditEvent, Case, CaseKind, Milestone, StaffMembership, StaffRole
from casework.selectors.cases import case_records, case_timeline, steps_accepted
from casework.services.cases import (
    advice_received,
    advice_request_record,
    case_assign,
    case_exception_record,
    case_open,
    case_refresh,
    cases_refresh_stale,
    milestone_record,
)

from .conftest import TODAY, make_account, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(cumbria, in_council):
    account = make_account(first_name="Casey", last_name="Worker")
    with in_council(cumbria):
        StaffMembership.objects.create(account=account, role=StaffRole.CASEWORKER)
    return account


@pytest.fixture
def council(cumbria, in_council):
    with in_council(cumbria):
        yield cumbria


def open_case(worker, kind=CaseKind.ASSESSMENT, started_on=TODAY - timedelta(days=10), **extra) -> Case:
    return case_open(
        child=extra.pop("child", None) or make_child(),
        kind=kind,
        started_on=started_on,
        actor=worker,
        today=TODAY,
        **extra,
    )


def record(case, worker, key, occurred_on, outcome="", today=TODAY):
    return milestone_record(case=case, key=key, occurred_on=occurred_on, outcome=outcome, actor=worker, today=today)


def refused(call, field: str | None = None) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    if field is None:
        return " ".join(error.value.messages)
    return " ".join(error.value.message_dict[field])


# --- Opening ----------------------------------------------------------------------------------


def test_references_count_per_kind_and_year(council, worker):
    first = open_case(worker)
    second = open_case(worker)
    review = open_case(worker, kind=CaseKind.ANNUAL_REVIEW, started_on=date(2025, 9, 1))
    assert (first.reference, second.reference, review.reference) == (
        "EHC-2026-00001",
        "EHC-2026-00002",
        "AR-2026-00001",
    )
    later = case_open(
        child=make_child(), kind=CaseKind.ASSESSMENT, started_on=date(2027, 1, 2), actor=worker, today=date(2027, 1, 4)
    )
    assert later.reference == "EHC-2027-00001"


def test_opening_an_assessment_starts_the_six_weeks_and_is_audited(council, worker):
    received = TODAY - timedelta(days=10)
    case = open_case(worker, started_on=received, caseworker=worker)
    case.refresh_from_db()
    assert case.stage == "decision_to_assess"
    assert case.next_deadline == received + timedelta(weeks=6)
    assert case.caseworker == worker
    event = AuditEvent.objects.get(case=case)
    assert (event.actor, event.actor_role, event.action, event.subject) == (worker, "caseworker", "created", "case")
    assert event.child == case.child


def test_opening_refuses_a_future_start_a_missing_move_kind_and_someone_not_in_the_team(council, worker):
    assert refused(lambda: open_case(worker, started_on=TODAY + timedelta(days=1)), "started_on") == (
        "Date the request was received must be today or in the past."
    )
    assert refused(lambda: open_case(worker, kind=CaseKind.PHASE_TRANSFER), "transfer_kind") == (
        "Choose what kind of move this is."
    )
    outsider = make_account()
    assert refused(lambda: open_case(worker, caseworker=outsider), "caseworker") == "Choose someone in the SEND team."
    assert not Case.objects.exists()


def test_a_phase_transfer_counts_back_from_a_future_move(council, worker):
    case = open_case(
        worker, kind=CaseKind.PHASE_TRANSFER, started_on=date(2027, 9, 1), transfer_kind="primary_to_secondary"
    )
    assert (case.stage, case.next_deadline) == ("phase_transfer", date(2027, 2, 14))
    record(case, worker, "amended_on", date(2026, 6, 1))
    case.refresh_from_db()
    assert (case.stage, case.next_deadline, case.closed_on) == ("finished", None, date(2026, 6, 1))


# --- Steps --------------------------------------------------------------------------------------


def test_an_assessment_runs_to_the_final_plan(council, worker):
    received = date(2026, 1, 5)
    case = open_case(worker, started_on=received)
    record(case, worker, "decided_whether_to_assess", date(2026, 2, 10), "yes")
    case.refresh_from_db()
    assert (case.stage, case.next_deadline) == ("decision_to_issue", received + timedelta(weeks=16))
    record(case, worker, "draft_served", date(2026, 5, 1))
    case.refresh_from_db()
    assert case.stage == "final_plan"  # the family's 15 days ended on 15 May, before today
    assert case.next_deadline == received + timedelta(weeks=20)
    record(case, worker, "final_issued", date(2026, 5, 20))
    case.refresh_from_db()
    assert (case.stage, case.next_deadline, case.closed_on) == ("finished", None, date(2026, 5, 20))
    final = case_timeline(case, TODAY).steps[-1]
    assert final.status_text == "done on 20 May 2026 (on time)"
    summaries = list(AuditEvent.objects.filter(case=case).order_by("id").values_list("summary", flat=True))
    assert summaries == [
        "Opened the case (EHC needs assessment)",
        "Recorded: Decision whether to assess (yes, the council will assess)",
        "Recorded: Draft plan sent to the family",
        "Recorded: Final EHC plan issued",
    ]


def test_a_decision_not_to_assess_finishes_the_case(council, worker):
    case = open_case(worker)
    record(case, worker, "decided_whether_to_assess", TODAY, "no")
    case.refresh_from_db()
    assert case.stage == "finished"
    assert steps_accepted(case, case_records(case), TODAY) == []


@pytest.mark.parametrize(
    ("setup", "key", "occurred_on", "outcome", "field", "message"),
    [
        ([], "meeting", TODAY, "", "key", "Choose a step this case has."),
        (
            [],
            "draft_served",
            TODAY,
            "",
            "key",
            "Record “Decision whether to assess” first: “Draft plan sent to the family” comes after it.",
        ),
        (
            [("decided_whether_to_assess", TODAY, "no")],
            "draft_served",
            TODAY,
            "",
            "key",
            "Record the decision to assess first: this step needs it.",
        ),
        ([], "decided_whether_to_assess", TODAY, "", "outcome", "Choose whether the council will assess"),
        ([], "decided_whether_to_assess", TODAY, "maybe", "outcome", "Choose whether the council will assess"),
        (
            [],
            "decided_whether_to_assess",
            TODAY - timedelta(days=11),
            "yes",
            "occurred_on",
            "The date must be the same as or after 5 June 2026 (date the request was received).",
        ),
        (
            [],
            "decided_whether_to_assess",
            TODAY + timedelta(days=1),
            "yes",
            "occurred_on",
            "The date must be today or in the past.",
        ),
        (
            [("decided_whether_to_assess", TODAY - timedelta(days=2), "yes")],
            "draft_served",
            TODAY - timedelta(days=3),
            "",
            "occurred_on",
            "The date must be the same as or after 13 June 2026 (decision whether to assess).",
        ),
        (
            [("decided_whether_to_assess", TODAY - timedelta(days=2), "yes"), ("draft_served", TODAY, "")],
            "decided_not_to_issue",
            TODAY,
            "",
            "key",
            "A decision not to issue a plan cannot be recorded with a draft or final plan.",
        ),
        (
            [("decided_whether_to_assess", TODAY - timedelta(days=2), "yes")],
            "decided_whether_to_assess",
            TODAY,
            "yes",
            "key",
            "Decision whether to assess has already been recorded.",
        ),
    ],
)
def test_the_clock_refuses_steps_in_plain_english(council, worker, setup, key, occurred_on, outcome, field, message):
    case = open_case(worker)
    for args in setup:
        record(case, worker, *args)
    assert refused(lambda: record(case, worker, key, occurred_on, outcome), field) == message
    assert Milestone.objects.filter(case=case).count() == len(setup)


def test_a_step_recorded_late_must_fit_before_the_later_ones(council, worker):
    case = open_case(worker, kind=CaseKind.ANNUAL_REVIEW, started_on=date(2025, 9, 1))
    record(case, worker, "meeting", date(2026, 5, 20))
    message = refused(lambda: record(case, worker, "last_reviewed", date(2026, 5, 21)), "occurred_on")
    assert message == "The date must be the same as or before 20 May 2026 (review meeting booked or held)."
    record(case, worker, "last_reviewed", date(2025, 9, 1))


def test_the_steps_offered_next_are_those_the_law_orders(council, worker):
    case = open_case(worker)
    keys = lambda today=TODAY: [s.key for s in steps_accepted(case, case_records(case), today)]  # noqa: E731
    assert keys() == ["decided_whether_to_assess"]
    record(case, worker, "decided_whether_to_assess", TODAY, "yes")
    assert keys() == ["decided_not_to_issue", "draft_served"]  # no final plan without a draft
    record(case, worker, "draft_served", TODAY)
    assert keys() == []  # the family's 15 days to comment, counting today
    assert keys(TODAY + timedelta(days=14)) == []  # their last day
    assert keys(TODAY + timedelta(days=15)) == ["final_issued"]


def test_an_annual_review_meeting_is_booked_ahead_rebooked_and_then_held(council, worker):
    case = open_case(worker, kind=CaseKind.ANNUAL_REVIEW, started_on=date(2025, 9, 1))
    assert (case.stage, case.next_deadline) == ("review_meeting", date(2026, 9, 1))
    record(case, worker, "meeting", date(2026, 7, 20))
    case.refresh_from_db()
    assert (case.stage, case.next_deadline) == ("meeting_notice", date(2026, 7, 6))
    record(case, worker, "meeting", date(2026, 7, 27))  # re-booked before it was held
    assert Milestone.objects.get(case=case, key="meeting").occurred_on == date(2026, 7, 27)
    assert AuditEvent.objects.filter(case=case, summary__startswith="Changed the date of: Review meeting").exists()
    held = date(2026, 7, 28)
    assert refused(lambda: record(case, worker, "meeting", date(2026, 8, 3), today=held), "key") == (
        "Review meeting booked or held has already been recorded."
    )
    assert refused(lambda: record(case, worker, "amendments_sent", held, today=held), "key") == (
        "Record “Decision sent: keep, change or end the plan” first: “Proposed changes sent to the family” comes "
        "after it."
    )
    case_refresh(case=case, today=held)
    assert case.stage == "review_report"  # due 10 August, before the amended plan (19 October)
    assert refused(lambda: record(case, worker, "decision_notified", held, "amend", today=held), "key") == (
        "Record “Review meeting report sent” first: “Decision sent: keep, change or end the plan” comes after it."
    )
    record(case, worker, "report_sent", held, today=held)
    record(case, worker, "decision_notified", held, "keep", today=held)
    assert refused(lambda: record(case, worker, "amendments_sent", held, today=held), "key") == (
        "Proposed changes and an amended plan need a decision to change (amend) the plan."
    )


# --- Advice and exceptions ---------------------------------------------------------------------------


def test_advice_is_asked_after_a_decision_to_assess_and_received(council, worker):
    case = open_case(worker)
    message = refused(
        lambda: advice_request_record(case=case, adviser="the EP", requested_on=TODAY, actor=worker, today=TODAY)
    )
    assert message == "Record the decision to assess first: this step needs it."
    record(case, worker, "decided_whether_to_assess", TODAY - timedelta(days=5), "yes")
    advice = advice_request_record(
        case=case,
        adviser="the educational psychologist",
        requested_on=TODAY - timedelta(days=5),
        actor=worker,
        today=TODAY,
    )
    case.refresh_from_db()
    assert (case.stage, case.next_deadline) == ("advice", TODAY - timedelta(days=5) + timedelta(weeks=6))
    assert (
        refused(
            lambda: advice_received(
                advice_request=advice, received_on=TODAY - timedelta(days=6), actor=worker, today=TODAY
            ),
            "received_on",
        )
        == "The date must be the same as or after 10 June 2026 (the date the advice was asked for)."
    )
    advice_received(advice_request=advice, received_on=TODAY, actor=worker, today=TODAY)
    case.refresh_from_db()
    assert case.stage == "decision_to_issue"


def test_an_exception_follows_the_clock_rules_and_extends_the_deadline(council, worker):
    received = date(2026, 3, 2)
    case = open_case(worker, started_on=received)
    short = lambda: case_exception_record(  # noqa: E731
        case=case, reason="setting_closed", start=date(2026, 4, 1), end=date(2026, 4, 27), actor=worker, today=TODAY
    )
    assert (
        refused(short, "end") == "A closure or an absence from the area must last at least 4 weeks to be an exception."
    )
    backwards = lambda: case_exception_record(  # noqa: E731
        case=case,
        reason="personal_circumstances",
        start=date(2026, 4, 2),
        end=date(2026, 4, 1),
        actor=worker,
        today=TODAY,
    )
    assert refused(backwards, "end") == "An exception cannot end before it starts."
    case_exception_record(
        case=case,
        reason="personal_circumstances",
        start=date(2026, 3, 30),
        end=date(2026, 4, 5),
        details="Hospital stay",
        actor=worker,
        today=TODAY,
    )
    case.refresh_from_db()
    assert case.next_deadline == received + timedelta(weeks=6, days=7)  # 7 days of exception
    step = case_timeline(case, TODAY).steps[1]
    assert step.explanations[0] == (
        "The deadline was extended because of exceptional personal circumstances from 30 March 2026 to 5 April 2026."
    )
    event = AuditEvent.objects.filter(case=case, subject="case_exception").get()
    assert "Hospital" not in event.summary


def test_exceptions_apply_to_assessments_and_reassessments_only(council, worker):
    case = open_case(worker, kind=CaseKind.ANNUAL_REVIEW, started_on=date(2025, 9, 1))
    message = refused(
        lambda: case_exception_record(
            case=case, reason="personal_circumstances", start=TODAY, end=TODAY, actor=worker, today=TODAY
        )
    )
    assert message == "Exceptions to the time limits apply to assessments and re-assessments only."


# --- Assigning and refreshing --------------------------------------------------------------------------


def test_assigning_needs_someone_in_the_team_and_is_audited(council, worker):
    case = open_case(worker)
    assert refused(lambda: case_assign(case=case, caseworker=make_account(), actor=worker), "caseworker")
    case_assign(case=case, caseworker=worker, actor=worker)
    case.refresh_from_db()
    assert case.caseworker == worker
    assert AuditEvent.objects.filter(case=case, summary="Assigned the case to a caseworker").count() == 1


def test_a_closed_window_is_refreshed_by_the_daily_sweep(council, worker):
    case = open_case(worker, started_on=date(2026, 3, 2))
    record(case, worker, "decided_whether_to_assess", date(2026, 4, 10), "yes")
    record(case, worker, "draft_served", TODAY - timedelta(days=2))
    case.refresh_from_db()
    assert (case.stage, case.next_deadline) == ("draft_comments", TODAY + timedelta(days=12))
    assert cases_refresh_stale(today=TODAY + timedelta(days=12)) == 0  # still open
    assert cases_refresh_stale(today=TODAY + timedelta(days=13)) == 1
    case.refresh_from_db()
    assert (case.stage, case.next_deadline) == ("final_plan", date(2026, 7, 20))


def test_the_timeline_is_computed_from_the_rows_for_each_kind(council, worker):
    reassessment = open_case(worker, kind=CaseKind.REASSESSMENT, started_on=date(2026, 4, 1))
    assert case_timeline(reassessment, TODAY).steps[-1].deadline == clock.reassessment_deadline(date(2026, 4, 1))
    review = open_case(
        worker, kind=CaseKind.ANNUAL_REVIEW, started_on=date(2025, 9, 1), child=make_child(born=date(2022, 1, 1))
    )
    assert case_timeline(review, TODAY).recommendations  # under 5: the Code of Practice's 3 to 6 months
    record(review, worker, "last_reviewed", date(2026, 3, 1))
    assert case_timeline(review, TODAY).steps[2].deadline == date(2027, 3, 1)


def test_opening_a_case_tells_the_family_what_happens_first_and_by_when(council, worker):
    """Issue 19, item 7: the family heard only "request approved", never that an
    assessment was open. Each family member is told, with the first legal deadline."""
    from casework.models import ChildAccess, Relationship
    from tenants.outbox.models import OutboundEmail

    child = make_child(first="Robin", last="Fell")
    parent, young_person = make_account(), make_account()
    ChildAccess.objects.create(child=child, account=parent, relationship=Relationship.PARENT)
    ChildAccess.objects.create(child=child, account=young_person, relationship=Relationship.YOUNG_PERSON)
    case = open_case(worker, child=child, started_on=date(2026, 6, 1))

    (email,) = OutboundEmail.objects.filter(to=[parent.email])
    assert email.subject == "Your child's EHC needs assessment is open"
    assert f"The SEND team has opened your child's EHC needs assessment (case {case.reference})." in email.body
    assert (
        "What happens first: the council is deciding whether to carry out an assessment. "
        "The law says this must happen by 13 July 2026." in email.body
    )
    assert f"/send/cases/{case.pk}/" in email.body
    assert "Robin" not in email.body and "Fell" not in email.body
    (own,) = OutboundEmail.objects.filter(to=[young_person.email])
    assert own.subject == "Your EHC needs assessment is open"
