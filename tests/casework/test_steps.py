"""One vocabulary for the statutory steps (casework.steps) and the clock's typed
refusals: every step a timeline shows is named in the registry, and the staff's words
for a refusal come from its code, not from parsing the clock's sentence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework import clock
from casework.selectors.cases import STAGE_LABELS, stage_label
from casework.services.cases import _plain
from casework.steps import FINISHED, STAGE_TEXTS, STEPS
from citizen.selectors import stage_text

DAY = date(2026, 1, 5)


def every_timeline() -> list[clock.Timeline]:
    later = DAY + timedelta(days=300)
    advice = (clock.AdviceRequest(adviser="Educational psychologist", requested=DAY + timedelta(days=50)),)
    return [
        clock.assessment_timeline(received=DAY, today=later),
        clock.assessment_timeline(
            received=DAY,
            today=later,
            decided_whether_to_assess=DAY + timedelta(days=30),
            will_assess=True,
            advice=advice,
        ),
        clock.assessment_timeline(
            received=DAY,
            today=later,
            decided_whether_to_assess=DAY + timedelta(days=30),
            will_assess=True,
            draft_served=DAY + timedelta(days=100),
            final_issued=DAY + timedelta(days=130),
        ),
        clock.annual_review_timeline(
            plan_issued=DAY,
            today=later + timedelta(days=200),
            meeting=DAY + timedelta(days=340),
            decision_notified=DAY + timedelta(days=360),
            outcome=clock.ReviewOutcome.AMEND,
            amendments_sent=DAY + timedelta(days=360),
        ),
        clock.reassessment_timeline(decided_to_reassess=DAY, today=later),
        clock.phase_transfer_timeline(kind=clock.TransferKind.PRIMARY_TO_SECONDARY, moving=2027, today=later),
    ]


def test_every_step_a_timeline_shows_is_in_the_registry_with_its_words():
    shown = {step.key for timeline in every_timeline() for step in timeline.steps}
    assert shown == set(STEPS)  # and no step of the registry is never shown
    for step in (step for timeline in every_timeline() for step in timeline.steps):
        assert step.title and step.meaning and step.regulation


def test_every_stage_has_a_staff_label_and_family_wording_in_the_order_of_the_registry():
    stages = [key for key, words in STEPS.items() if words.is_stage]
    assert list(STAGE_LABELS) == [*stages, FINISHED] == list(STAGE_TEXTS)
    for key in stages:
        assert stage_label(key) == STEPS[key].staff_label and stage_text(key) == STEPS[key].family_text
    assert [words.order for words in STEPS.values()] == list(range(1, len(STEPS) + 1))


def test_a_timelines_words_are_the_registrys_unless_the_case_differs():
    review = every_timeline()[3]
    notice = next(step for step in review.steps if step.key == "meeting_notice")
    assert (notice.title, notice.meaning) == (STEPS["meeting_notice"].title, STEPS["meeting_notice"].meaning)
    advice = next(step for step in every_timeline()[1].steps if step.key == "advice")
    assert advice.title == "Advice from Educational psychologist"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: clock.assessment_timeline(received=DAY, today=DAY, draft_served=DAY), "needs_decision_to_assess"),
        (lambda: clock.annual_review_timeline(plan_issued=DAY, today=DAY, notice_sent=DAY), "needs_meeting"),
        (
            lambda: clock.assessment_timeline(
                received=DAY, today=DAY, decided_whether_to_assess=DAY - timedelta(days=1), will_assess=True
            ),
            "date_before_start",
        ),
    ],
)
def test_the_clock_refuses_with_a_code_and_its_parameters(call, code):
    with pytest.raises(clock.Refusal) as refused:
        call()
    assert refused.value.code == code
    if code == "date_before_start":
        assert refused.value.params == {
            "step": "decided_whether_to_assess",
            "value": DAY - timedelta(days=1),
            "start_name": "the request",
            "start": DAY,
        }


def test_rewording_the_clocks_default_text_does_not_change_what_staff_read(monkeypatch):
    monkeypatch.setitem(clock._REFUSED, clock.RefusalCode.DATE_BEFORE_START, "Too early: {step}.")
    monkeypatch.setitem(clock._REFUSED, clock.RefusalCode.NEEDS_DECISION_TO_ASSESS, "Reworded.")

    with pytest.raises(clock.Refusal) as early:
        clock.assessment_timeline(
            received=DAY,
            today=DAY,
            decided_whether_to_assess=DAY,
            will_assess=True,
            final_issued=DAY - timedelta(days=2),
        )
    with pytest.raises(clock.Refusal) as no_decision:
        clock.assessment_timeline(received=DAY, today=DAY, final_issued=DAY)

    assert _plain(early.value) == f"The date must be the same as or after {clock.long_date(DAY)} (the request)."
    assert _plain(no_decision.value) == "Record the decision to assess first: this step needs it."
