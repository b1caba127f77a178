"""Amending the plan after an annual review (issue 15, item 5), on both councils. The plan
hangs on the assessment that wrote it; an annual review that decides to amend it changes
the same plan from the review's own page: the proposed amendments go to the family with
15 days to comment (the review's "amendments sent"), and the amended plan is issued on
the review's clock ("amended plan issued", after the family's 15 days or their reply).
Both sides read what changed in words and compare any two versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework import clock
from casework.models import (
    CaseKind,
    ChildAccess,
    Milestone,
    Plan,
    PlanComment,
    PlanVersion,
    Relationship,
    StaffRole,
)
from casework.services.cases import case_open, milestone_record
from tenants.outbox.models import OutboundEmail

from ..conftest import make_account, signed_in_client
from .conftest import family_path, fields, plan_path, staff_path

pytestmark = pytest.mark.django_db


def review_open(case, worker, *, outcome: str = "amend"):
    """An annual review of the child, held three weeks ago, whose decision was `outcome`."""
    today = timezone.localdate()
    who = {"actor": worker.account, "actor_role": StaffRole.CASEWORKER, "today": today}
    review = case_open(child=case.child, kind=CaseKind.ANNUAL_REVIEW, started_on=today - timedelta(days=330), **who)
    milestone_record(case=review, key="meeting", occurred_on=today - timedelta(days=21), **who)
    milestone_record(case=review, key="report_sent", occurred_on=today - timedelta(days=14), **who)
    milestone_record(
        case=review, key="decision_notified", occurred_on=today - timedelta(days=7), outcome=outcome, **who
    )
    return review


@pytest.fixture
def in_force(written, site, post):
    """The written plan issued as the draft, replied to, and issued as the final plan."""
    case, worker, family = written
    post(worker, staff_path("case-plan-issue", case.pk), {"kind": "draft"})
    post(family, family_path("case-reply", case), {"response": "agree"})
    assert post(worker, staff_path("case-plan-issue", case.pk), {"kind": "final"}).status_code == 302
    return case, worker, family


@pytest.fixture
def reviewed(in_force, site):
    case, worker, family = in_force
    with tenant_context(site.council):
        review = review_open(case, worker)
    return case, review, worker, family


def test_a_review_that_decided_to_amend_sends_proposed_changes_then_issues_the_amended_plan(reviewed, site, post):
    case, review, worker, family = reviewed
    page = worker.get(plan_path(review)).content.decode()
    assert "This annual review amends the plan issued on case" in page and case.reference in page
    assert "Send the proposed amendments to the family" in page
    unchanged = post(worker, staff_path("case-plan-issue", review.pk), {"kind": "proposed"})
    assert "The plan is as it was issued: make the changes the review decided on" in unchanged.content.decode()

    form = fields(worker.get(plan_path(review, "F")).content.decode())
    saved = worker.post(plan_path(review, "F"), form | {"provisions-0-how_often": "20 minutes every school day"})
    assert saved.status_code == 302
    staff_page = worker.get(plan_path(review)).content.decode()
    assert "Changed since the final plan of" in staff_page
    assert "how often was “Regular”, now “20 minutes every school day”" in staff_page

    assert post(worker, staff_path("case-plan-issue", review.pk), {"kind": "proposed"}).status_code == 302

    with tenant_context(site.council):
        proposed = PlanVersion.objects.get(kind="proposed")
        sent = Milestone.objects.get(case=review, key="amendments_sent")
        told = list(OutboundEmail.objects.filter(subject="Proposed changes to the EHC plan"))
    last_day = clock.long_date(clock.comments_close(proposed.issued_on))
    assert (proposed.case_id, proposed.number, sent.occurred_on) == (review.pk, 3, proposed.issued_on)
    assert len(told) == 1 and f"You have until {last_day} to reply" in told[0].body
    assert case.child.legal_first_name not in told[0].body

    family_page = family.get(family_path("case-plan", review)).content.decode()
    assert "Proposed amendments, issued" in family_page and "The changes proposed" in family_page
    assert "Provision f1: how often was “Regular”, now “20 minutes every school day”" in family_page
    assert "Comment on provision f1" in family_page and "reply to the proposed changes" in family_page
    on_assessment = family.get(family_path("case-plan", case)).content.decode()
    assert "changes to this plan were proposed on" in on_assessment and "Final plan, issued" in on_assessment
    assert "Comment on" not in on_assessment

    post(family, family_path("case-plan-comment", review, "?on=F.f1"), {"text": "Who will do it?"})
    with tenant_context(site.council):
        comment = PlanComment.objects.get()
        assert comment.version == proposed
    assert "The family's comments on the proposed amendments" in worker.get(plan_path(review)).content.decode()
    post(
        worker,
        staff_path("case-plan-comment", review.pk, comment.pk),
        {"answer": "changed", "answer_text": "A trained teaching assistant will."},
    )
    form = fields(worker.get(plan_path(review, "F")).content.decode())
    worker.post(plan_path(review, "F"), form | {"provisions-0-who": "A trained teaching assistant"})

    early = post(worker, staff_path("case-plan-issue", review.pk), {"kind": "amendment"})
    assert "Record “Final amended plan issued” after that day, or once they have replied" in early.content.decode()
    post(family, family_path("case-reply", review), {"response": "agree"})
    assert post(worker, staff_path("case-plan-issue", review.pk), {"kind": "amendment"}).status_code == 302

    with tenant_context(site.council):
        assert Milestone.objects.filter(case=review, key="amended_plan_issued").exists()
        kinds = list(PlanVersion.objects.order_by("number").values_list("kind", "case_id"))
    assert kinds == [("draft", case.pk), ("final", case.pk), ("proposed", review.pk), ("amendment", review.pk)]
    amended = family.get(family_path("case-plan", review)).content.decode()
    assert "Amended plan, issued" in amended and "What changed from the plan before the review" in amended
    assert "Provision f1: who will provide it was not said, now “A trained teaching assistant”" in amended
    assert "The SEND team's answer (changed):</strong> A trained teaching assistant will." in amended
    assert "Comment on" not in amended
    closed = post(family, family_path("case-plan-comment", review, "?on=F"), {"text": "Late"})
    assert "comments on the proposed amendments are closed" in closed.content.decode()
    assessment = family.get(family_path("case-plan", case)).content.decode()
    assert "Amended plan, issued" in assessment and "were proposed on" not in assessment

    # Both rounds are done: neither case changes the plan any more.
    refused = worker.post(plan_path(review, "F"), form)
    assert "The amended plan has been issued, so this annual review&#x27;s changes are done" in refused.content.decode()
    refused = worker.post(plan_path(case, "F"), form)
    assert "Changes to it are made after an annual review that decides to amend it" in refused.content.decode()
    assert "Change section" not in worker.get(plan_path(case)).content.decode()


def test_any_two_versions_are_compared_on_both_sides(reviewed, site, post):
    case, review, worker, family = reviewed
    form = fields(worker.get(plan_path(review, "B")).content.decode())
    worker.post(plan_path(review, "B"), form | {"needs-1-text": "Gets anxious in crowds."})
    post(worker, staff_path("case-plan-issue", review.pk), {"kind": "proposed"})

    for client, path in ((worker, plan_path(review)), (family, family_path("case-plan", case))):
        page = client.get(path + "?before=3&after=1").content.decode()  # either order
        assert "What changed from the draft plan (" in page and "to the proposed amendments (" in page
        assert "Section B: Special educational needs" in page and "Gets anxious in crowds" in page
        same = client.get(path + "?before=2&after=2").content.decode()
        assert "Choose two different versions to compare" in same and "What changed from" not in same
        unknown = client.get(path + "?before=1&after=9").content.decode()
        assert "Choose one of the plan&#x27;s issued versions" in unknown
    nothing = worker.get(plan_path(review) + "?before=1&after=2").content.decode()
    assert "Nothing: the two versions say the same." in nothing


def test_proposed_changes_wait_for_a_decision_to_amend(in_force, site, post):
    case, worker, _family = in_force
    with tenant_context(site.council):
        review = review_open(case, worker, outcome="keep")
    form = fields(worker.get(plan_path(review, "F")).content.decode())
    worker.post(plan_path(review, "F"), form | {"provisions-0-how_often": "Daily"})

    refused = post(worker, staff_path("case-plan-issue", review.pk), {"kind": "proposed"})

    assert "Proposed changes and an amended plan need a decision to change (amend) the plan" in (
        refused.content.decode()
    )
    with tenant_context(site.council):
        assert not PlanVersion.objects.filter(kind="proposed").exists()
        assert not Milestone.objects.filter(case=review, key="amendments_sent").exists()
    wrong = post(worker, staff_path("case-plan-issue", case.pk), {"kind": "proposed"})
    assert "The final plan has been issued" in wrong.content.decode()


def test_a_review_of_a_child_with_no_plan_written_here_says_so_and_starts_nothing(drafting, site, post):
    case, worker, _ = drafting
    with tenant_context(site.council):
        review = review_open(case, worker)
    parent = make_account()
    with tenant_context(site.council):
        ChildAccess.objects.create(child=case.child, account=parent, relationship=Relationship.PARENT)

    page = worker.get(plan_path(review)).content.decode()
    started = post(worker, plan_path(review), {})

    assert "has no EHC plan written in the portal with a final plan issued" in page and "Start the plan" not in page
    assert started.status_code == 302
    with tenant_context(site.council):
        assert not Plan.objects.exists()
    assert worker.get(plan_path(review, "F")).status_code == 404
    assert worker.get(staff_path("case-plan-issue", review.pk)).status_code == 404
    family = signed_in_client(site.council, parent)
    assert "has not shared a plan written here yet" in family.get(family_path("case-plan", review)).content.decode()
    assert "has no EHC plan written in the portal" in worker.get(staff_path("case", review.pk)).content.decode()
