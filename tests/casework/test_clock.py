"""The statutory clock (casework/clock.py): each rule at its boundaries, named by its
regulation (SEND Regulations 2014 unless another source is named).

Plain functions on dates with a fixed `today`: no database, no frozen clock needed.
"""

from __future__ import annotations

from datetime import date

import pytest

from casework.clock import (
    AdviceRequest,
    ExceptionPeriod,
    ExceptionReason,
    ReviewOutcome,
    Status,
    Step,
    Timeline,
    TransferKind,
    add_months,
    amended_plan_due,
    annual_review_due,
    annual_review_timeline,
    assessment_timeline,
    comments_close,
    due_this_week,
    long_date,
    phase_transfer_deadline,
    phase_transfer_timeline,
    reassessment_deadline,
    reassessment_timeline,
    timeliness,
)

FAR_FUTURE = date(2030, 1, 1)


def step(timeline: Timeline, key: str) -> Step:
    (found,) = [s for s in timeline.steps if s.key == key]
    return found


def school_closed(start: date, end: date) -> ExceptionPeriod:
    return ExceptionPeriod(ExceptionReason.SETTING_CLOSED, start, end, setting="Oakfield Primary School")


# Request received Monday 7 June 2027: 20 weeks is Monday 25 October 2027.
SUMMER_REQUEST = date(2027, 6, 7)
SUMMER_CLOSURE = school_closed(date(2027, 7, 23), date(2027, 8, 31))  # 40 days


# --- Calendar rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 3, 14), 12, date(2028, 3, 14)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # no 29 February in 2029: the month's last day
        (date(2027, 2, 28), 12, date(2028, 2, 28)),  # a corresponding date exists, so no move to the 29th
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 7, 31), -5, date(2028, 2, 29)),
        (date(2027, 1, 15), -5, date(2026, 8, 15)),
    ],
)
def test_months_use_the_corresponding_date_clamped_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_dates_read_the_gov_uk_way():
    assert long_date(date(2027, 3, 4)) == "4 March 2027"


@pytest.mark.parametrize(
    ("deadline", "today", "expected"),
    [
        (date(2027, 3, 8), date(2027, 3, 10), True),  # Monday of this week
        (date(2027, 3, 14), date(2027, 3, 10), True),  # Sunday of this week
        (date(2027, 3, 7), date(2027, 3, 10), False),  # last Sunday
        (date(2027, 3, 15), date(2027, 3, 10), False),  # next Monday
        (date(2027, 3, 8), date(2027, 3, 14), True),  # today is Sunday: the week began on Monday
        (None, date(2027, 3, 10), False),
    ],
)
def test_due_this_week_is_the_monday_to_sunday_iso_week_of_today(deadline, today, expected):
    assert due_this_week(deadline, today=today) is expected


# --- EHC needs assessment ----------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2027, 1, 4), date(2027, 2, 15)),  # Monday to Monday
        (date(2027, 1, 2), date(2027, 2, 13)),  # Saturday: the deadline stays on a Saturday
        (date(2028, 1, 18), date(2028, 2, 29)),  # lands on the leap day
        (date(2028, 2, 29), date(2028, 4, 11)),  # starts on the leap day
    ],
)
def test_reg_5_decision_whether_to_assess_is_due_6_calendar_weeks_after_the_request(received, deadline):
    decision = step(assessment_timeline(received=received, today=received), "decision_to_assess")
    assert (decision.deadline, decision.regulation, decision.title) == (
        deadline,
        "reg 5(1)",
        "Decision whether to assess",
    )


@pytest.mark.parametrize(
    ("decided", "on_time", "days_late", "text"),
    [
        (date(2027, 2, 15), True, None, "done on 15 February 2027 (on time)"),
        (date(2027, 2, 16), False, 1, "done on 16 February 2027 (1 day late)"),
    ],
)
def test_reg_5_a_decision_on_the_last_day_is_on_time_and_the_next_day_is_late(decided, on_time, days_late, text):
    timeline = assessment_timeline(
        received=date(2027, 1, 4), decided_whether_to_assess=decided, will_assess=True, today=FAR_FUTURE
    )
    decision = step(timeline, "decision_to_assess")
    assert (decision.on_time, decision.days_late, decision.status_text) == (on_time, days_late, text)


def test_reg_5_a_decision_not_to_assess_ends_the_timeline():
    timeline = assessment_timeline(
        received=date(2027, 1, 4), decided_whether_to_assess=date(2027, 2, 1), will_assess=False, today=FAR_FUTURE
    )
    assert [s.key for s in timeline.steps] == ["request", "decision_to_assess"]
    assert timeline.finished
    assert timeline.next_step is None


def test_reg_5_4_an_exception_extends_the_decision_whether_to_assess():
    away = ExceptionPeriod(ExceptionReason.PERSONAL_CIRCUMSTANCES, date(2027, 7, 1), date(2027, 7, 10))
    timeline = assessment_timeline(
        received=SUMMER_REQUEST,
        decided_whether_to_assess=date(2027, 7, 25),
        will_assess=True,
        exceptions=[away],
        today=FAR_FUTURE,
    )
    decision = step(timeline, "decision_to_assess")
    assert (decision.deadline, decision.extended_to, decision.on_time) == (
        date(2027, 7, 19),
        date(2027, 7, 29),
        True,
    )


@pytest.mark.parametrize(
    ("requested", "received", "deadline", "on_time"),
    [
        (date(2027, 2, 20), date(2027, 4, 3), date(2027, 4, 3), True),
        (date(2027, 2, 20), date(2027, 4, 4), date(2027, 4, 3), False),
        (date(2028, 1, 18), None, date(2028, 2, 29), None),
    ],
)
def test_reg_8_advice_is_due_6_weeks_after_the_council_asks_the_adviser(requested, received, deadline, on_time):
    timeline = assessment_timeline(
        received=date(2027, 1, 4),
        decided_whether_to_assess=date(2027, 2, 10),
        will_assess=True,
        advice=[AdviceRequest("the educational psychologist", requested, received)],
        today=date(2027, 1, 4),
    )
    advice = step(timeline, "advice")
    assert (advice.title, advice.regulation, advice.deadline, advice.on_time) == (
        "Advice from the educational psychologist",
        "reg 8(1)",
        deadline,
        on_time,
    )


def test_reg_10_a_decision_not_to_issue_is_due_16_weeks_after_the_request_and_ends_the_timeline():
    timeline = assessment_timeline(
        received=date(2027, 1, 4),
        decided_whether_to_assess=date(2027, 2, 1),
        will_assess=True,
        decided_not_to_issue=date(2027, 4, 26),
        today=FAR_FUTURE,
    )
    decision = step(timeline, "decision_to_issue")
    assert (decision.deadline, decision.regulation, decision.on_time) == (date(2027, 4, 26), "reg 10(1)", True)
    assert timeline.steps[-1] is decision
    assert timeline.finished


def test_reg_10_a_draft_plan_records_the_decision_to_issue_without_judging_it_against_16_weeks():
    timeline = assessment_timeline(
        received=date(2027, 1, 4),
        decided_whether_to_assess=date(2027, 2, 1),
        will_assess=True,
        draft_served=date(2027, 5, 3),  # week 17: reg 10(1) binds only a decision not to issue
        today=date(2027, 5, 4),
    )
    decision = step(timeline, "decision_to_issue")
    assert (decision.status, decision.on_time, decision.status_text) == (Status.DONE, None, "done on 3 May 2027")
    assert decision.explanations == ()


@pytest.mark.parametrize(
    ("today", "status", "text"),
    [
        (date(2027, 2, 28), Status.WAITING, "not started yet"),
        (date(2027, 3, 1), Status.OPEN, "open until 15 March 2027 (14 days left)"),
        (date(2027, 3, 15), Status.OPEN, "open until 15 March 2027 (today)"),
        (date(2027, 3, 16), Status.CLOSED, "ended on 15 March 2027"),
    ],
)
def test_reg_13_1_the_15_day_comment_window_counts_the_day_the_draft_was_served(today, status, text):
    served = date(2027, 3, 1)
    timeline = assessment_timeline(
        received=date(2027, 1, 4),
        decided_whether_to_assess=date(2027, 2, 1),
        will_assess=True,
        draft_served=served if today >= served else None,
        today=today,
    )
    window = step(timeline, "draft_comments")
    assert (window.status, window.status_text, window.regulation) == (status, text, "reg 13(1)")
    assert (comments_close(served) - served).days + 1 == 15


def test_reg_13_1_the_comment_window_over_the_leap_day():
    assert comments_close(date(2028, 2, 29)) == date(2028, 3, 14)


@pytest.mark.parametrize(
    ("received", "issued", "within", "days_late", "text"),
    [
        (date(2027, 1, 4), date(2027, 5, 24), True, None, "done on 24 May 2027 (on time)"),  # the last day
        (date(2027, 1, 4), date(2027, 5, 25), False, 1, "done on 25 May 2027 (1 day late)"),
        # Received on a Saturday: the 20 weeks end on a Saturday and do not roll to Monday.
        (date(2027, 1, 2), date(2027, 5, 22), True, None, "done on 22 May 2027 (on time)"),
        (date(2027, 1, 2), date(2027, 5, 24), False, 2, "done on 24 May 2027 (2 days late)"),
        (date(2028, 1, 18), date(2028, 6, 6), True, None, "done on 6 June 2028 (on time)"),  # across 29 Feb
    ],
)
def test_reg_13_2_final_plan_within_20_weeks_on_the_last_day_and_late_the_day_after(
    received, issued, within, days_late, text
):
    timeline = assessment_timeline(
        received=received,
        decided_whether_to_assess=received,
        will_assess=True,
        draft_served=received,
        final_issued=issued,
        today=FAR_FUTURE,
    )
    final = step(timeline, "final_plan")
    assert (final.regulation, final.on_time, final.days_late, final.status_text) == (
        "reg 13(2)",
        within,
        days_late,
        text,
    )
    assert timeliness(received=received, final_issued=issued).within_20_weeks is within
    assert timeline.finished


@pytest.mark.parametrize(
    ("issued", "exceptions", "within", "excluding", "extended"),
    [
        (date(2027, 10, 25), [], True, True, True),
        (date(2027, 10, 26), [], False, False, False),
        # Timely anyway: the DfE still leaves a plan with an exception out of "excluding exceptions".
        (date(2027, 10, 20), [SUMMER_CLOSURE], True, None, True),
        # Late against 20 weeks, on time against the deadline extended by the 40 days closed.
        (date(2027, 12, 4), [SUMMER_CLOSURE], False, None, True),
        (date(2027, 12, 5), [SUMMER_CLOSURE], False, None, False),
        (None, [SUMMER_CLOSURE], None, None, None),
    ],
)
def test_reg_13_3_exceptions_and_the_20_week_verdicts(issued, exceptions, within, excluding, extended):
    result = timeliness(received=SUMMER_REQUEST, final_issued=issued, exceptions=exceptions)
    assert result.deadline == date(2027, 10, 25)
    assert (result.within_20_weeks, result.within_20_weeks_excluding_exceptions, result.within_extended_deadline) == (
        within,
        excluding,
        extended,
    )
    assert result.exceptions_apply is bool(exceptions)
    assert result.exception_days == (40 if exceptions else 0)


def test_reg_13_3_the_family_sees_why_and_by_how_much_the_deadline_moved():
    timeline = assessment_timeline(
        received=SUMMER_REQUEST,
        decided_whether_to_assess=date(2027, 7, 12),
        will_assess=True,
        draft_served=date(2027, 10, 20),
        final_issued=date(2027, 11, 15),
        exceptions=[SUMMER_CLOSURE],
        today=FAR_FUTURE,
    )
    final = step(timeline, "final_plan")
    assert (final.deadline, final.extended_to, final.due_by, final.on_time) == (
        date(2027, 10, 25),
        date(2027, 12, 4),
        date(2027, 12, 4),
        True,
    )
    assert final.explanations == (
        "The deadline was extended because Oakfield Primary School was closed from 23 July 2027 to 31 August 2027.",
        "The new deadline is 4 December 2027, 40 days after 25 October 2027.",
    )


@pytest.mark.parametrize(
    ("exceptions", "issued", "extended_to"),
    [
        # Starts after the 20 weeks ended: not "during that time period" (reg 10(4)(c), (d)).
        ([ExceptionPeriod(ExceptionReason.AWAY_FROM_AREA, date(2027, 10, 26), date(2027, 12, 1))], None, None),
        # Starts after the plan was issued: it cannot have delayed it.
        (
            [ExceptionPeriod(ExceptionReason.AWAY_FROM_AREA, date(2027, 10, 1), date(2027, 11, 30))],
            date(2027, 9, 30),
            None,
        ),
        # Runs past the 20 weeks: every day of it counts (61 days).
        (
            [ExceptionPeriod(ExceptionReason.AWAY_FROM_AREA, date(2027, 10, 1), date(2027, 11, 30))],
            None,
            date(2027, 12, 25),
        ),
        # Overlapping exceptions count each day once: 23 July to 20 September is 60 days, not 40 + 32.
        (
            [SUMMER_CLOSURE, ExceptionPeriod(ExceptionReason.AWAY_FROM_AREA, date(2027, 8, 20), date(2027, 9, 20))],
            None,
            date(2027, 12, 24),
        ),
        # Began before the request: only the days after the request count (8 to 14 June).
        (
            [ExceptionPeriod(ExceptionReason.PERSONAL_CIRCUMSTANCES, date(2027, 6, 1), date(2027, 6, 14))],
            None,
            date(2027, 11, 1),
        ),
    ],
)
def test_reg_10_4_which_exceptions_stop_the_20_week_clock_and_for_how_long(exceptions, issued, extended_to):
    result = timeliness(received=SUMMER_REQUEST, final_issued=issued, exceptions=exceptions)
    assert result.exceptions_apply is (extended_to is not None)
    assert result.extended_deadline == (extended_to or date(2027, 10, 25))


@pytest.mark.parametrize(
    ("reason", "start", "end", "valid"),
    [
        (ExceptionReason.SETTING_CLOSED, date(2027, 7, 23), date(2027, 8, 19), True),  # 28 days
        (ExceptionReason.SETTING_CLOSED, date(2027, 7, 23), date(2027, 8, 18), False),  # 27 days
        (ExceptionReason.AWAY_FROM_AREA, date(2027, 7, 23), date(2027, 8, 18), False),
        (ExceptionReason.PERSONAL_CIRCUMSTANCES, date(2027, 7, 23), date(2027, 7, 23), True),  # no minimum
        (ExceptionReason.PERSONAL_CIRCUMSTANCES, date(2027, 7, 23), date(2027, 7, 22), False),  # ends before it starts
    ],
)
def test_reg_10_4_a_closure_or_absence_must_last_at_least_4_weeks(reason, start, end, valid):
    if valid:
        ExceptionPeriod(reason, start, end)
    else:
        with pytest.raises(ValueError):
            ExceptionPeriod(reason, start, end)


def test_reg_10_4_the_familys_explanation_never_shows_the_caseworkers_details():
    private = ExceptionPeriod(
        ExceptionReason.PERSONAL_CIRCUMSTANCES, date(2027, 7, 1), date(2027, 7, 10), details="Parent in hospital"
    )
    assert private.explanation == (
        "The deadline was extended because of exceptional personal circumstances from 1 July 2027 to 10 July 2027."
    )


@pytest.mark.parametrize(
    "arguments",
    [
        {"decided_whether_to_assess": date(2027, 2, 1)},  # a date without an outcome
        {"draft_served": date(2027, 3, 1)},  # a draft without a decision to assess
        {"decided_whether_to_assess": date(2026, 12, 1), "will_assess": True},  # before the request
        {
            "decided_whether_to_assess": date(2027, 2, 1),
            "will_assess": True,
            "decided_not_to_issue": date(2027, 4, 1),
            "draft_served": date(2027, 4, 1),
        },
    ],
)
def test_contradictory_assessment_dates_are_refused(arguments):
    with pytest.raises(ValueError):
        assessment_timeline(received=date(2027, 1, 4), today=FAR_FUTURE, **arguments)


# --- Annual review -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan_issued", "last_reviewed", "due"),
    [
        (date(2027, 3, 15), None, date(2028, 3, 15)),
        (date(2028, 2, 29), None, date(2029, 2, 28)),  # 12 months from the leap day
        (date(2027, 2, 28), None, date(2028, 2, 28)),
        (date(2027, 3, 15), date(2028, 3, 10), date(2029, 3, 10)),  # then 12 months from the last review
    ],
)
def test_s44_cfa_review_within_12_months_of_the_plan_then_of_the_last_review(plan_issued, last_reviewed, due):
    assert annual_review_due(plan_issued=plan_issued, last_reviewed=last_reviewed) == due
    meeting = step(
        annual_review_timeline(plan_issued=plan_issued, last_reviewed=last_reviewed, today=plan_issued),
        "review_meeting",
    )
    assert (meeting.deadline, meeting.regulation) == (due, "s.44(1) Children and Families Act 2014")


@pytest.mark.parametrize(
    ("at_school", "sent", "on_time", "notice_reg", "advice_reg"),
    [
        (True, date(2027, 4, 7), True, "reg 20(3)", "reg 20(4)"),  # exactly 2 weeks before
        (True, date(2027, 4, 8), False, "reg 20(3)", "reg 20(4)"),
        (False, date(2027, 4, 7), True, "reg 21(3)", "reg 21(4)"),  # not at a school or college
    ],
)
def test_reg_20_21_notice_and_advice_at_least_2_weeks_before_the_meeting(
    at_school, sent, on_time, notice_reg, advice_reg
):
    timeline = annual_review_timeline(
        plan_issued=date(2026, 5, 1),
        at_school_or_college=at_school,
        meeting=date(2027, 4, 21),
        notice_sent=sent,
        advice_circulated=sent,
        today=date(2027, 4, 21),
    )
    notice, advice = step(timeline, "meeting_notice"), step(timeline, "advice_circulated")
    assert (notice.deadline, notice.on_time, notice.regulation) == (date(2027, 4, 7), on_time, notice_reg)
    assert (advice.deadline, advice.on_time, advice.regulation) == (date(2027, 4, 7), on_time, advice_reg)


def test_reg_20_report_within_2_weeks_and_decision_within_4_weeks_of_the_meeting():
    timeline = annual_review_timeline(
        plan_issued=date(2026, 5, 1),
        meeting=date(2027, 4, 21),
        report_sent=date(2027, 5, 5),
        decision_notified=date(2027, 5, 20),
        outcome=ReviewOutcome.KEEP,
        today=date(2027, 6, 1),
    )
    report, decision = step(timeline, "review_report"), step(timeline, "review_decision")
    assert (report.deadline, report.on_time) == (date(2027, 5, 5), True)
    assert (decision.deadline, decision.on_time, decision.days_late) == (date(2027, 5, 19), False, 1)
    assert timeline.steps[-1] is decision  # keeping the plan as it is ends the review
    assert step(timeline, "review_meeting").status_text == "done on 21 April 2027 (on time)"


@pytest.mark.parametrize(
    ("amendments_sent", "due"),
    [
        (date(2027, 4, 28), date(2027, 6, 23)),  # sent a week after the meeting: 8 weeks from the notice is earlier
        (date(2027, 5, 19), date(2027, 7, 14)),  # sent on the 4-week day: both readings agree
        (date(2027, 6, 2), date(2027, 7, 14)),  # sent late: 12 weeks from the meeting, not 28 July
        (None, date(2027, 7, 14)),  # not sent yet: the 12-week date is the only one known
    ],
)
def test_reg_22_3_and_devon_amended_plan_due_by_the_earlier_of_8_weeks_from_notice_and_12_from_meeting(
    amendments_sent, due
):
    meeting = date(2027, 4, 21)
    assert amended_plan_due(meeting=meeting, amendments_sent=amendments_sent) == due
    timeline = annual_review_timeline(
        plan_issued=date(2026, 5, 1),
        meeting=meeting,
        decision_notified=date(2027, 5, 19),
        outcome=ReviewOutcome.AMEND,
        amendments_sent=amendments_sent,
        today=date(2027, 5, 19),
    )
    amended = step(timeline, "amended_plan")
    assert (amended.deadline, amended.regulation) == (due, "reg 22(3); R (L) v Devon CC [2022] EWHC 493 (Admin)")
    assert "12 weeks after the review meeting (14 July 2027)" in amended.explanations[0]


def test_reg_22_2_c_the_family_gets_15_days_counting_the_day_the_proposed_changes_were_sent():
    timeline = annual_review_timeline(
        plan_issued=date(2026, 5, 1),
        meeting=date(2027, 4, 21),
        report_sent=date(2027, 5, 5),
        decision_notified=date(2027, 5, 19),
        outcome=ReviewOutcome.AMEND,
        amendments_sent=date(2027, 5, 19),
        today=date(2027, 5, 24),
    )
    window = step(timeline, "amendment_comments")
    assert (window.deadline, window.status_text) == (date(2027, 6, 2), "open until 2 June 2027 (9 days left)")
    assert timeline.next_step is window
    # The notice was never recorded, but the meeting has been held: not "overdue" for ever.
    assert step(timeline, "meeting_notice").status_text == "not recorded"


@pytest.mark.parametrize(
    ("draft_served", "final_issued"),
    [
        (date(2027, 5, 3), None),
        (None, date(2027, 5, 20)),  # a migrated case with no draft date
    ],
)
def test_reg_8_advice_never_recorded_is_not_overdue_once_the_plan_is_drafted_or_issued(draft_served, final_issued):
    timeline = assessment_timeline(
        received=date(2027, 1, 4),
        decided_whether_to_assess=date(2027, 2, 1),
        will_assess=True,
        advice=[AdviceRequest("the health visitor", date(2027, 2, 2))],
        draft_served=draft_served,
        final_issued=final_issued,
        today=date(2027, 5, 21),
    )
    assert step(timeline, "advice").status_text == "not recorded"
    if final_issued:
        assert step(timeline, "decision_to_issue").status == Status.NOT_RECORDED
        assert [s.key for s in timeline.steps][-1] == "final_plan"
        assert timeline.finished
    else:
        assert timeline.next_step is step(timeline, "final_plan")


def test_s44_cfa_a_meeting_booked_after_the_review_is_due_is_flagged():
    timeline = annual_review_timeline(plan_issued=date(2026, 5, 1), meeting=date(2027, 5, 10), today=date(2027, 4, 1))
    meeting = step(timeline, "review_meeting")
    assert (meeting.status, meeting.deadline) == (Status.DUE, date(2027, 5, 1))
    assert meeting.notes == ("The meeting is booked for 10 May 2027.", "That is after the date the review is due.")


@pytest.mark.parametrize(
    ("date_of_birth", "advised"),
    [
        (date(2024, 6, 1), (date(2027, 12, 1), date(2028, 3, 1))),  # aged 3 when the plan was issued
        (date(2022, 9, 1), None),  # 5 on the day the plan was issued
    ],
)
def test_code_of_practice_9_178_under_fives_reviews_are_advice_not_a_deadline(date_of_birth, advised):
    timeline = annual_review_timeline(plan_issued=date(2027, 9, 1), date_of_birth=date_of_birth, today=date(2027, 9, 1))
    if advised is None:
        assert timeline.recommendations == ()
    else:
        (advice,) = timeline.recommendations
        assert (advice.from_date, advice.by_date, advice.source) == (*advised, "SEND Code of Practice 9.178")
        assert "not a legal deadline" in advice.text
    assert timeline.next_deadline == date(2028, 9, 1)  # the legal 12 months, whatever the advice


# --- Re-assessment and phase transfer ----------------------------------------------


@pytest.mark.parametrize(
    ("decided", "due"),
    [
        (date(2027, 3, 10), date(2027, 6, 16)),
        (date(2028, 2, 29), date(2028, 6, 6)),
    ],
)
def test_reg_27_2_final_plan_14_weeks_after_the_decision_to_reassess(decided, due):
    assert reassessment_deadline(decided) == due
    plan = step(reassessment_timeline(decided_to_reassess=decided, today=decided), "reassessment_plan")
    assert (plan.deadline, plan.regulation) == (due, "reg 27(2)")


def test_reg_27_3_exceptions_extend_the_14_weeks():
    timeline = reassessment_timeline(
        decided_to_reassess=date(2027, 6, 7),
        draft_served=date(2027, 9, 1),
        final_issued=date(2027, 10, 1),
        exceptions=[SUMMER_CLOSURE],
        today=FAR_FUTURE,
    )
    plan = step(timeline, "reassessment_plan")
    assert (plan.deadline, plan.extended_to, plan.on_time) == (date(2027, 9, 13), date(2027, 10, 23), True)


@pytest.mark.parametrize(
    ("kind", "moving", "deadline", "regulation"),
    [
        (TransferKind.EARLY_YEARS_TO_SCHOOL, 2027, date(2027, 2, 14), "reg 18(1)"),
        (TransferKind.INFANT_TO_JUNIOR, date(2027, 9, 1), date(2027, 2, 14), "reg 18(1)"),
        (TransferKind.PRIMARY_TO_MIDDLE, date(2028, 9, 4), date(2028, 2, 14), "reg 18(1)"),
        (TransferKind.PRIMARY_TO_SECONDARY, date(2027, 9, 6), date(2027, 2, 14), "reg 18(1)"),
        (TransferKind.MIDDLE_TO_SECONDARY, 2028, date(2028, 2, 14), "reg 18(1)"),
        (TransferKind.SECONDARY_TO_POST16, date(2027, 9, 1), date(2027, 3, 30), "reg 18(1)"),
        (TransferKind.POST16_TO_POST16, date(2027, 9, 1), date(2027, 4, 1), "reg 18(2)"),
        (TransferKind.POST16_TO_POST16, date(2027, 1, 15), date(2026, 8, 15), "reg 18(2)"),
        (TransferKind.POST16_TO_POST16, date(2027, 7, 31), date(2027, 2, 28), "reg 18(2)"),
        (TransferKind.POST16_TO_POST16, date(2028, 7, 31), date(2028, 2, 29), "reg 18(2)"),
    ],
)
def test_reg_18_phase_transfer_deadlines(kind, moving, deadline, regulation):
    assert phase_transfer_deadline(kind, moving) == deadline
    (transfer,) = phase_transfer_timeline(kind=kind, moving=moving, today=date(2026, 1, 1)).steps
    assert (transfer.deadline, transfer.regulation) == (deadline, regulation)


@pytest.mark.parametrize(
    ("amended_on", "on_time"),
    [
        (date(2027, 2, 14), True),
        (date(2027, 2, 15), False),  # reg 18(1)(b) says "before 15 February"
    ],
)
def test_reg_18_1_the_plan_must_be_amended_before_15_february(amended_on, on_time):
    (transfer,) = phase_transfer_timeline(
        kind=TransferKind.PRIMARY_TO_SECONDARY, moving=2027, amended_on=amended_on, today=FAR_FUTURE
    ).steps
    assert transfer.on_time is on_time


def test_reg_18_2_a_post_16_move_needs_the_date_not_just_the_year():
    with pytest.raises(ValueError):
        phase_transfer_deadline(TransferKind.POST16_TO_POST16, 2027)


# --- What families and caseworkers read --------------------------------------------

# Advice asked for on 31 January 2027 is due on Sunday 14 March 2027 (reg 8(1)).
ADVICE_DUE_14_MARCH = AdviceRequest("the school", date(2027, 1, 31))


@pytest.mark.parametrize(
    ("today", "received", "status", "text"),
    [
        (date(2027, 3, 9), None, Status.DUE, "due by 14 March 2027 (5 days left)"),
        (date(2027, 3, 13), None, Status.DUE, "due by 14 March 2027 (1 day left)"),
        (date(2027, 3, 14), None, Status.DUE, "due by 14 March 2027 (today)"),
        (date(2027, 3, 15), None, Status.OVERDUE, "overdue by 1 day"),
        (date(2027, 3, 17), None, Status.OVERDUE, "overdue by 3 days"),
        (date(2027, 3, 17), date(2027, 3, 3), Status.DONE, "done on 3 March 2027 (on time)"),
        (date(2027, 3, 20), date(2027, 3, 18), Status.DONE, "done on 18 March 2027 (4 days late)"),
    ],
)
def test_status_text_with_a_fixed_today(today, received, status, text):
    timeline = assessment_timeline(
        received=date(2027, 1, 4),
        decided_whether_to_assess=date(2027, 1, 25),
        will_assess=True,
        advice=[AdviceRequest(ADVICE_DUE_14_MARCH.adviser, ADVICE_DUE_14_MARCH.requested, received)],
        today=today,
    )
    advice = step(timeline, "advice")
    assert (advice.status, advice.status_text) == (status, text)


def test_a_caseload_sorts_by_next_deadline_overdue_first_and_finished_last():
    today = date(2027, 3, 10)
    overdue = assessment_timeline(received=date(2027, 1, 4), today=today)  # decision was due 15 February
    due_soon = phase_transfer_timeline(kind=TransferKind.SECONDARY_TO_POST16, moving=2027, today=today)
    review = annual_review_timeline(plan_issued=date(2026, 6, 1), today=today)
    finished = phase_transfer_timeline(
        kind=TransferKind.INFANT_TO_JUNIOR, moving=2027, amended_on=date(2027, 2, 1), today=today
    )
    caseload = sorted([review, finished, due_soon, overdue], key=lambda t: t.next_deadline or date.max)
    assert caseload == [overdue, due_soon, review, finished]
    assert overdue.next_step is step(overdue, "decision_to_assess")
    assert due_this_week(overdue.next_deadline, today=today) is False
    assert finished.finished and finished.next_step is None
