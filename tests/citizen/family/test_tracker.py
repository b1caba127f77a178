"""The progress tracker a family reads (citizen.selectors.case_tracker and the case
page): each step's status in plain English with its dates, the legal deadline, whether the
council is on time or late and by how many days, exceptions explained without the
caseworker's private note, and the council's own explanation beside each step.

The clock is frozen: `today` is passed to the services and the tracker, and the page
reads it from a patched `timezone.localdate()`."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework import clock
from casework.models import CaseKind, DraftPlanReply, StaffRole
from casework.services.cases import case_exception_record, case_open, milestone_record
from citizen.selectors import case_tracker, law_text
from tenants.models import StageExplanation

from .conftest import child_make, make_account, signed_in_client

pytestmark = pytest.mark.django_db

RECEIVED = date(2026, 3, 2)  # a Monday: decision due 13 April, 16 weeks 22 June, 20 weeks 20 July
PRIVATE_NOTE = "Mother in hospital, do not mention to school"


def assessment(council, *, today: date, steps: dict | None = None, exceptions=()):
    """An assessment received on RECEIVED with `steps` {key: date or (date, outcome)} and
    exceptions (reason, start, end, setting) recorded through the services."""
    actor = make_account()
    who = {"actor": actor, "actor_role": StaffRole.CASEWORKER, "today": today}
    child = child_make(council=council)
    case = case_open(child=child, kind=CaseKind.ASSESSMENT, started_on=RECEIVED, **who)
    for reason, start, end, setting in exceptions:
        case_exception_record(
            case=case, reason=reason, start=start, end=end, setting=setting, details=PRIVATE_NOTE, **who
        )
    for key, value in (steps or {}).items():
        occurred_on, outcome = value if isinstance(value, tuple) else (value, "")
        if key == "family_agreed":  # the family agreed with the draft: the final plan need not wait 15 days
            reply = DraftPlanReply.objects.create(
                case=case, step_key="draft_comments", served_on=occurred_on, last_day=occurred_on, response="agree"
            )
            DraftPlanReply.objects.filter(pk=reply.pk).update(created_at=f"{occurred_on.isoformat()}T10:00:00Z")
            continue
        milestone_record(case=case, key=key, occurred_on=occurred_on, outcome=outcome, **who)
    return case


def step(tracker, key):
    (found,) = [s for s in tracker.steps if s.step.key == key]
    return found


DECIDED = {"decided_whether_to_assess": (date(2026, 4, 1), "yes")}
HOSPITAL = (clock.ExceptionReason.PERSONAL_CIRCUMSTANCES, date(2026, 3, 10), date(2026, 3, 20), "")
SCHOOL_SHUT = (clock.ExceptionReason.SETTING_CLOSED, date(2026, 5, 1), date(2026, 6, 1), "Fellside College")


@pytest.mark.parametrize(
    ("today", "steps", "exceptions", "key", "tag", "summary", "deadline", "headline"),
    [
        pytest.param(
            date(2026, 3, 20),
            {},
            (),
            "decision_to_assess",
            "On time so far",
            "Due by 13 April 2026. That is 24 days from now.",
            "The legal deadline is 13 April 2026.",
            "The council is on time. Next: decision whether to assess, due by 13 April 2026.",
            id="decision-due",
        ),
        pytest.param(
            date(2026, 4, 13),
            {},
            (),
            "decision_to_assess",
            "On time so far",
            "Due by 13 April 2026. That is today.",
            "The legal deadline is 13 April 2026.",
            "The council is on time. Next: decision whether to assess, due by 13 April 2026.",
            id="decision-due-today",
        ),
        pytest.param(
            date(2026, 4, 20),
            {},
            (),
            "decision_to_assess",
            "Late by 7 days",
            "Not done yet. It was due by 13 April 2026, so the council is 7 days late.",
            "The legal deadline is 13 April 2026.",
            "The council is late. Decision whether to assess was due by 13 April 2026: that was 7 days ago.",
            id="decision-overdue",
        ),
        pytest.param(
            date(2026, 4, 20),
            {"decided_whether_to_assess": (date(2026, 4, 13), "yes")},
            (),
            "decision_to_assess",
            "Done on time",
            "Done on 13 April 2026. This was on time.",
            "The legal deadline is 13 April 2026.",
            "The council is on time. Next: decision whether to issue a plan, due by 22 June 2026.",
            id="decision-on-the-last-day",
        ),
        pytest.param(
            date(2026, 4, 20),
            {"decided_whether_to_assess": (date(2026, 4, 16), "yes")},
            (),
            "decision_to_assess",
            "Done 3 days late",
            "Done on 16 April 2026. This was 3 days late.",
            "The legal deadline is 13 April 2026.",
            "The council is on time. Next: decision whether to issue a plan, due by 22 June 2026.",
            id="decision-late",
        ),
        pytest.param(
            date(2026, 4, 21),
            {"decided_whether_to_assess": (date(2026, 4, 20), "yes")},
            (HOSPITAL,),
            "decision_to_assess",
            "Done on time",
            "Done on 20 April 2026. This was on time.",
            "The legal deadline was 13 April 2026. It has been extended to 24 April 2026.",
            "The council is on time. Next: decision whether to issue a plan, due by 3 July 2026.",
            id="decision-late-but-excused",
        ),
        pytest.param(
            date(2026, 4, 27),
            {},
            (HOSPITAL,),
            "decision_to_assess",
            "Late by 3 days",
            "Not done yet. It was due by 24 April 2026, so the council is 3 days late.",
            "The legal deadline was 13 April 2026. It has been extended to 24 April 2026.",
            "The council is late. Decision whether to assess was due by 24 April 2026: that was 3 days ago.",
            id="decision-late-even-with-the-exception",
        ),
        pytest.param(
            date(2026, 6, 15),
            {**DECIDED, "draft_served": date(2026, 6, 10)},
            (),
            "draft_comments",
            "Your turn",
            "You can reply until 24 June 2026. You have 9 days left.",
            "The last day to reply is 24 June 2026.",
            "It is your turn: you can reply to the draft plan until 24 June 2026.",
            id="draft-window-open",
        ),
        pytest.param(
            date(2026, 6, 24),
            {**DECIDED, "draft_served": date(2026, 6, 10)},
            (),
            "draft_comments",
            "Your turn",
            "You can reply until 24 June 2026. Today is the last day.",
            "The last day to reply is 24 June 2026.",
            "It is your turn: you can reply to the draft plan until 24 June 2026.",
            id="draft-window-last-day",
        ),
        pytest.param(
            date(2026, 6, 30),
            {**DECIDED, "draft_served": date(2026, 6, 10)},
            (),
            "draft_comments",
            "Time to reply ended",
            "The time to reply ended on 24 June 2026.",
            "The last day to reply is 24 June 2026.",
            "The council is on time. Next: final EHC plan issued, due by 20 July 2026.",
            id="draft-window-closed",
        ),
        pytest.param(
            date(2026, 7, 28),
            {**DECIDED, "draft_served": date(2026, 6, 10)},
            (),
            "final_plan",
            "Late by 8 days",
            "Not done yet. It was due by 20 July 2026, so the council is 8 days late.",
            "The legal deadline is 20 July 2026.",
            "The council is late. Final EHC plan issued was due by 20 July 2026: that was 8 days ago.",
            id="final-plan-overdue",
        ),
        pytest.param(
            date(2026, 7, 28),
            {**DECIDED, "draft_served": date(2026, 6, 10), "final_issued": date(2026, 7, 27)},
            (),
            "final_plan",
            "Done 7 days late",
            "Done on 27 July 2026. This was 7 days late.",
            "The legal deadline is 20 July 2026.",
            "Every step is done.",
            id="final-plan-late",
        ),
        pytest.param(
            date(2026, 6, 16),
            {
                **DECIDED,
                "draft_served": date(2026, 6, 10),
                "family_agreed": date(2026, 6, 12),
                "final_issued": date(2026, 6, 15),
            },
            (),
            "draft_comments",
            "Time to reply ended",
            "The final plan has been issued, so the time to reply has ended.",
            "The last day to reply is 24 June 2026.",
            "Every step is done.",
            id="final-plan-inside-the-window",
        ),
        pytest.param(
            date(2026, 7, 28),
            {**DECIDED, "draft_served": date(2026, 6, 10), "final_issued": date(2026, 7, 27)},
            (SCHOOL_SHUT,),
            "final_plan",
            "Done on time",
            "Done on 27 July 2026. This was on time.",
            "The legal deadline was 20 July 2026. It has been extended to 21 August 2026.",
            "Every step is done.",
            id="final-plan-late-but-excused",
        ),
    ],
)
def test_each_stage_reads_in_plain_english_with_its_verdict(
    site, today, steps, exceptions, key, tag, summary, deadline, headline
):
    with tenant_context(site.council):
        case = assessment(site.council, today=today, steps=steps, exceptions=exceptions)
        tracker = case_tracker(case=case, council=site.council, today=today)

    item = step(tracker, key)
    assert (item.tag, item.summary, item.deadline) == (tag, summary, deadline)
    assert tracker.headline == headline
    assert tracker.late == headline.startswith("The council is late")


def test_an_exception_is_explained_with_its_dates_and_never_the_caseworkers_note(site):
    today = date(2026, 4, 21)
    with tenant_context(site.council):
        case = assessment(
            site.council, today=today, steps={"decided_whether_to_assess": (today, "yes")}, exceptions=[HOSPITAL]
        )
        tracker = case_tracker(case=case, council=site.council, today=today)

    assert step(tracker, "decision_to_assess").explanations == (
        "The deadline was extended because of exceptional personal circumstances from 10 March 2026 to 20 March 2026.",
        "The new deadline is 24 April 2026, 11 days after 13 April 2026.",
    )
    assert PRIVATE_NOTE not in repr(tracker.steps[1].explanations)


@pytest.mark.parametrize(
    ("kind", "started_on", "transfer_kind", "key", "summary"),
    [
        (
            CaseKind.ANNUAL_REVIEW,
            date(2025, 7, 1),
            "",
            "review_meeting",
            "Due by 1 July 2026. That is 16 days from now.",
        ),
        (
            CaseKind.REASSESSMENT,
            date(2026, 5, 1),
            "",
            "reassessment_plan",
            "Due by 7 August 2026. That is 53 days from now.",
        ),
        (
            CaseKind.PHASE_TRANSFER,
            date(2027, 9, 1),
            clock.TransferKind.PRIMARY_TO_SECONDARY.value,
            "phase_transfer",
            "Due by 14 February 2027. That is 244 days from now.",
        ),
    ],
)
def test_the_other_kinds_of_case_read_the_same_way(site, kind, started_on, transfer_kind, key, summary):
    today = date(2026, 6, 15)
    with tenant_context(site.council):
        case = case_open(
            child=child_make(council=site.council),
            kind=kind,
            started_on=started_on,
            transfer_kind=transfer_kind,
            actor=make_account(),
            actor_role=StaffRole.CASEWORKER,
            today=today,
        )
        tracker = case_tracker(case=case, council=site.council, today=today)

    assert step(tracker, key).summary == summary
    assert step(tracker, key).is_next


def test_an_annual_review_step_not_started_says_so(site):
    today = date(2026, 6, 15)
    with tenant_context(site.council):
        case = case_open(
            child=child_make(council=site.council),
            kind=CaseKind.ANNUAL_REVIEW,
            started_on=date(2025, 7, 1),
            actor=make_account(),
            actor_role=StaffRole.CASEWORKER,
            today=today,
        )
        tracker = case_tracker(case=case, council=site.council, today=today)

    notice = step(tracker, "meeting_notice")
    assert (notice.tag, notice.summary) == (
        "Not started",
        "This has not started yet. It starts when an earlier step is done.",
    )


@pytest.mark.parametrize(
    ("regulation", "words"),
    [
        ("reg 5(1)", "regulation 5(1) of the SEND Regulations 2014"),
        ("s.44(1) Children and Families Act 2014", "section 44(1) of the Children and Families Act 2014"),
        (
            "reg 22(3); R (L) v Devon CC [2022] EWHC 493 (Admin)",
            "regulation 22(3) of the SEND Regulations 2014; R (L) v Devon CC [2022] EWHC 493 (Admin)",
        ),
        ("reg 27(1), reg 13(1)", "regulation 27(1), regulation 13(1) of the SEND Regulations 2014"),
    ],
)
def test_where_a_deadline_comes_from_is_said_in_words(regulation, words):
    assert law_text(regulation) == words


def test_the_case_page_shows_the_tracker_with_the_councils_own_words_and_no_private_note(site):
    today = date(2026, 4, 21)
    parent = make_account()
    with tenant_context(site.council):
        case = assessment(
            site.council, today=today, steps={"decided_whether_to_assess": (today, "yes")}, exceptions=[HOSPITAL]
        )
        from casework.models import ChildAccess, Relationship

        ChildAccess.objects.create(child=case.child, account=parent, relationship=Relationship.PARENT)
    StageExplanation.objects.create(
        council=site.council,
        case_kind=CaseKind.ASSESSMENT,
        stage_key="decision_to_assess",
        text="Our SEND panel meets every Thursday to decide.",
    )
    client = signed_in_client(site.council, parent)

    with mock.patch("django.utils.timezone.localdate", return_value=today):
        html = client.get(reverse("family:case", args=[case.pk])).content.decode()

    assert "Done on 21 April 2026. This was on time." in html
    assert "The legal deadline was 13 April 2026. It has been extended to 24 April 2026." in html
    assert "exceptional personal circumstances from 10 March 2026 to 20 March 2026" in html
    assert "Our SEND panel meets every Thursday to decide." in html
    assert f"What {site.council.name} says" in html
    assert "Set by regulation 5(1) of the SEND Regulations 2014." in html
    assert "The council is on time. Next: decision whether to issue a plan, due by 3 July 2026." in html
    assert PRIVATE_NOTE not in html
    assert "hospital" not in html.lower()
