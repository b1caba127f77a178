"""The law's order of steps (issue 19, item 1), walked pair by pair: on a new case of each
kind, record one step, then try every step after it. What the staff page offers next
(steps_accepted) and what the service records (milestone_record, which the API calls)
agree, and both follow the table below, written from the regulations, not from the code.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from casework.models import CaseKind, DraftPlanReply, StaffMembership, StaffRole
from casework.selectors.cases import case_records, step_kinds, steps_accepted
from casework.services.cases import case_open, milestone_record

from .conftest import TODAY, make_account, make_child

pytestmark = pytest.mark.django_db

STARTED = {CaseKind.ASSESSMENT: date(2026, 1, 5), CaseKind.ANNUAL_REVIEW: date(2025, 9, 1)}
FIRST_ON = date(2026, 2, 2)
OUTCOMES = {"decided_whether_to_assess": "yes", "decision_notified": "amend"}

# What can be recorded first on a new case, and what can follow each of those alone.
FIRST = {
    CaseKind.ASSESSMENT: ["decided_whether_to_assess"],
    CaseKind.ANNUAL_REVIEW: ["last_reviewed", "meeting"],
    CaseKind.REASSESSMENT: ["draft_served"],
    CaseKind.PHASE_TRANSFER: ["amended_on"],
}
NEXT = {
    # reg 5, 13: a draft, or a decision not to issue, only after the decision to assess;
    # the final plan needs the draft too, so never after the decision alone.
    ("assessment", "decided_whether_to_assess"): ["decided_not_to_issue", "draft_served"],
    # reg 20: notice, reports and the report of the meeting need the meeting; the
    # decision needs the report; the proposed changes, the decision.
    ("annual_review", "last_reviewed"): ["meeting"],
    ("annual_review", "meeting"): ["last_reviewed", "notice_sent", "advice_circulated", "report_sent"],
    # reg 27, 13: the final plan once the family's 15 days on the draft are over.
    ("reassessment", "draft_served"): ["final_issued"],
    ("phase_transfer", "amended_on"): [],
}
PAIRS = [
    (kind, first, then)
    for kind in FIRST
    for first in [s.key for s in step_kinds(kind)]
    for then in [s.key for s in step_kinds(kind)]
    if then != first
]


@pytest.fixture
def worker(cumbria, in_council):
    account = make_account()
    with in_council(cumbria):
        StaffMembership.objects.create(account=account, role=StaffRole.CASEWORKER)
    return account


def _record(case, worker, key, on):
    milestone_record(case=case, key=key, occurred_on=on, outcome=OUTCOMES.get(key, ""), actor=worker, today=TODAY)


@pytest.mark.parametrize(("kind", "first", "then"), PAIRS, ids=[f"{k}:{a}->{b}" for k, a, b in PAIRS])
def test_every_pair_of_steps_follows_the_law(cumbria, in_council, worker, kind, first, then):
    with in_council(cumbria):
        started = STARTED.get(kind, date(2026, 1, 5))
        case = case_open(child=make_child(), kind=kind, started_on=started, actor=worker, today=TODAY)
        if first not in FIRST[kind]:
            with pytest.raises(ValidationError) as refusal:
                _record(case, worker, first, FIRST_ON)
            assert refusal.value.message_dict.get("key"), refusal.value.message_dict  # a reason, on the step
            assert first not in [s.key for s in steps_accepted(case, case_records(case), TODAY)]
            return
        _record(case, worker, first, FIRST_ON)
        offered = [s.key for s in steps_accepted(case, case_records(case), TODAY)]
        assert offered == NEXT[(kind, first)]
        # Recorded the same day (the 15 days to comment need 20 more), the step follows if and only if offered.
        on = FIRST_ON + timedelta(days=20) if then == "final_issued" else FIRST_ON
        if then in offered:
            _record(case, worker, then, on)
        else:
            with pytest.raises(ValidationError):
                _record(case, worker, then, on)


def test_a_final_plan_waits_for_the_familys_15_days_or_their_reply(cumbria, in_council, worker):
    with in_council(cumbria):
        case = case_open(child=make_child(), kind="assessment", started_on=date(2026, 1, 5), actor=worker, today=TODAY)
        _record(case, worker, "decided_whether_to_assess", date(2026, 2, 2))
        _record(case, worker, "draft_served", date(2026, 5, 1))  # the family may comment until 15 May
        with pytest.raises(ValidationError) as refusal:
            _record(case, worker, "final_issued", date(2026, 5, 15))
        assert refusal.value.message_dict["key"] == [
            "The family can comment until 15 May 2026 (at least 15 days from the day it was sent). "
            "Record “Final EHC plan issued” after that day, or once they have replied."
        ]
        DraftPlanReply.objects.create(
            case=case,
            step_key="draft_comments",
            served_on=date(2026, 5, 1),
            last_day=date(2026, 5, 15),
            response="agree",
        )
        DraftPlanReply.objects.filter(case=case).update(created_at="2026-05-06T10:00:00Z")
        with pytest.raises(ValidationError):  # not before the family replied
            _record(case, worker, "final_issued", date(2026, 5, 5))
        _record(case, worker, "final_issued", date(2026, 5, 6))  # they agreed: no need to wait
