"""A step recorded by mistake (issue 19, item 1): a team manager corrects its date or
withdraws it, with the reason; the order of steps still holds for what is left; the
correction is kept and audited, the timeline recomputed, and the family told (without
details) because what they read changed. A caseworker cannot."""

from __future__ import annotations

from datetime import date
from html import unescape
from unittest import mock

import pytest

from casework.models import AuditEvent, Milestone, MilestoneCorrection, StaffRole
from casework.services.cases import case_open, milestone_record
from tenants.outbox.models import OutboundEmail

from .conftest import TODAY, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield TODAY


@pytest.fixture
def manager(cumbria, staff_client):
    return staff_client(cumbria, StaffRole.TEAM_MANAGER, first_name="Morgan", last_name="Manager")


@pytest.fixture
def caseworker(cumbria, staff_client):
    return staff_client(cumbria, StaffRole.CASEWORKER)


@pytest.fixture
def planned(cumbria, in_council, caseworker, make_access):
    """An assessment with its decision, draft and final plan recorded, and a parent who can see it."""
    who = {"actor": caseworker.account, "today": TODAY}
    with in_council(cumbria):
        child = make_child()
        case = case_open(child=child, kind="assessment", started_on=date(2026, 1, 5), **who)
        milestone_record(case=case, key="decided_whether_to_assess", occurred_on=date(2026, 2, 2), outcome="yes", **who)
        milestone_record(case=case, key="draft_served", occurred_on=date(2026, 4, 1), **who)
        milestone_record(case=case, key="final_issued", occurred_on=date(2026, 5, 1), **who)
        parent = make_access(child=child).account
        OutboundEmail.objects.all().delete()
        case.refresh_from_db()
        assert case.stage == "finished"
    return case, parent


def path(case, key, cumbria, in_council) -> str:
    with in_council(cumbria):
        milestone = Milestone.objects.get(case=case, key=key)
    return f"/staff/cases/{case.pk}/steps/{milestone.pk}/correct/"


def test_a_team_manager_withdraws_a_final_plan_recorded_by_mistake(manager, planned, cumbria, in_council, post):
    case, parent = planned
    url = path(case, "final_issued", cumbria, in_council)
    page = manager.get(f"/staff/cases/{case.pk}/").content.decode()
    assert f'href="{url}"' in page  # "Correct" beside each recorded step
    refused = manager.post(url, {"action": "withdraw"}).content.decode()
    assert "Enter why the step is being corrected" in refused
    answer = post(manager, url, {"action": "withdraw", "reason": "Recorded on the wrong case"})
    assert answer.status_code == 302
    with in_council(cumbria):
        assert not Milestone.objects.filter(case=case, key="final_issued").exists()
        case.refresh_from_db()
        assert (case.stage, case.closed_on) == ("final_plan", None)  # open again, waiting on the final plan
        correction = MilestoneCorrection.objects.get(case=case)
        assert (correction.action, correction.was_on, correction.reason, correction.corrected_by) == (
            "withdrawn",
            date(2026, 5, 1),
            "Recorded on the wrong case",
            manager.account,
        )
        event = AuditEvent.objects.get(case=case, action=AuditEvent.Action.WITHDRAWN)
        assert (event.summary, event.actor_role) == (
            "Withdrawn (recorded by mistake): Final EHC plan issued",
            "team_manager",
        )
        email = OutboundEmail.objects.get(to=[parent.email])
    assert email.subject == "We corrected the timeline of your child's EHC needs assessment"
    assert "Alex" not in email.body and "Smith" not in email.body  # no details in emails
    page = manager.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "withdrew “Final EHC plan issued” (recorded as 1 May 2026)" in page
    assert "Reason: Recorded on the wrong case The family was told." in page


def test_a_step_with_a_later_one_recorded_after_it_cannot_be_withdrawn(manager, planned, cumbria, in_council, post):
    case, _ = planned
    html = manager.post(
        path(case, "draft_served", cumbria, in_council), {"action": "withdraw", "reason": "Wrong case"}
    ).content.decode()
    assert "“Final EHC plan issued” is recorded and comes after this step: correct or withdraw it first." in html
    with in_council(cumbria):
        assert Milestone.objects.filter(case=case, key="draft_served").exists()
        assert not MilestoneCorrection.objects.exists()


def test_a_date_corrected_recomputes_the_timeline_and_keeps_the_law_s_order(
    manager, planned, cumbria, in_council, post
):
    case, parent = planned
    url = path(case, "draft_served", cumbria, in_council)
    fields = {"action": "change", "reason": "Typed the wrong month"}
    # Moved to 20 April, the final plan (1 May) would fall within the family's 15 days.
    html = manager.post(url, {**fields, "occurred_on_day": "20", "occurred_on_month": "4", "occurred_on_year": "2026"})
    assert "would then fall within the family's 15 days to comment, which would end on 4 May 2026" in unescape(
        html.content.decode()
    )
    assert "Enter the correct date" in manager.post(url, fields).content.decode()
    answer = post(
        manager, url, {**fields, "occurred_on_day": "1", "occurred_on_month": "3", "occurred_on_year": "2026"}
    )
    assert answer.status_code == 302
    with in_council(cumbria):
        assert Milestone.objects.get(case=case, key="draft_served").occurred_on == date(2026, 3, 1)
        correction = MilestoneCorrection.objects.get(case=case)
        assert (correction.action, correction.was_on, correction.now_on, correction.family_told) == (
            "changed",
            date(2026, 4, 1),
            date(2026, 3, 1),
            True,
        )
        assert OutboundEmail.objects.filter(to=[parent.email]).count() == 1
    page = manager.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "corrected “Draft plan sent to the family” from 1 April 2026 to 1 March 2026" in page


def test_a_caseworker_cannot_correct_a_step(caseworker, planned, cumbria, in_council):
    case, _ = planned
    url = path(case, "final_issued", cumbria, in_council)
    assert url not in caseworker.get(f"/staff/cases/{case.pk}/").content.decode()
    assert caseworker.get(url).status_code == 403
    assert caseworker.post(url, {"action": "withdraw", "reason": "x"}).status_code == 403
    with in_council(cumbria):
        assert Milestone.objects.filter(case=case, key="final_issued").exists()
