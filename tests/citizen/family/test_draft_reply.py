"""Replying to a draft plan: inside the 15-day window (reg 13(1)) and after it (accepted,
marked late), with a school or college named and a meeting asked for; the SEND team is
alerted without names or what was written, and sees the reply on its case page. Nothing
to reply to before the draft is sent, nor once the final plan is issued."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, DraftPlanReply, StaffRole
from casework.services.cases import milestone_record

from .conftest import CHILD_BORN, CHILD_FIRST, CHILD_LAST, signed_in_client

pytestmark = pytest.mark.django_db

COMMENTS = "Section F should say weekly speech and language therapy, not termly."


def reply_path(family) -> str:
    return reverse("family:case-reply", args=[family.case.pk])


def on(day: date):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_inside_the_window_the_reply_is_kept_and_the_send_team_told_without_details(family, post, outbox):
    client = signed_in_client(family.council, family.parent)
    data = {
        "response": "comments",
        "comments": COMMENTS,
        "school_requested": "Lakeside Sixth Form College",
        "meeting_requested": "on",
    }

    with on(date(2026, 6, 24)):  # the 15th day, counting 10 June
        page = client.get(reply_path(family)).content.decode()
        response = post(client, reply_path(family), data)

    assert "You can reply until <strong>24 June 2026</strong>: today is the last day" in page
    assert response.status_code == 302
    assert response["Location"] == reverse("family:case", args=[family.case.pk])
    with tenant_context(family.council):
        reply = DraftPlanReply.objects.get()
        assert reply.account == family.parent
        assert (reply.response, reply.comments, reply.school_requested, reply.meeting_requested) == (
            "comments",
            COMMENTS,
            "Lakeside Sixth Form College",
            True,
        )
        assert (reply.served_on, reply.last_day, reply.is_late) == (date(2026, 6, 10), date(2026, 6, 24), False)
        event = AuditEvent.objects.get(subject="draft_plan_reply")
        assert event.actor_role == "family"
        assert "late" not in event.summary
    (alert,) = [e for e in outbox(family.council) if "replied" in e.subject]
    assert alert.to == [family.caseworker.email]
    assert alert.subject == f"A family has replied to the draft plan on case {family.case.reference}"
    for private in (COMMENTS, "Lakeside", CHILD_FIRST, CHILD_LAST, "Pat", CHILD_BORN.strftime("%d/%m/%Y"), "23 April"):
        assert private not in alert.body and private not in alert.subject
    assert f"/staff/cases/{family.case.pk}/" in alert.body


def test_after_the_window_the_reply_is_still_accepted_and_marked_late(family, post, outbox):
    client = signed_in_client(family.council, family.young_person)

    with on(date(2026, 6, 25)):
        page = client.get(reply_path(family)).content.decode()
        response = post(client, reply_path(family), {"response": "agree"}, follow=True)

    assert "The time to reply ended on 24 June 2026. You can still send a reply" in page
    assert "It arrived after the last day, so it is marked late" in response.content.decode()
    with tenant_context(family.council):
        reply = DraftPlanReply.objects.get()
        assert (reply.response, reply.is_late) == ("agree", True)
        assert "after the last day" in AuditEvent.objects.get(subject="draft_plan_reply").summary
    (alert,) = [e for e in outbox(family.council) if "replied" in e.subject]
    assert "after the time to reply ended on 24 June 2026" in alert.body


def test_the_family_and_the_send_team_see_the_reply(family, post, staff_client):
    client = signed_in_client(family.council, family.parent)
    with on(date(2026, 6, 25)):
        post(client, reply_path(family), {"response": "comments", "comments": COMMENTS, "meeting_requested": "on"})
        tracker = client.get(reverse("family:case", args=[family.case.pk])).content.decode()
    staff = staff_client(family.council, StaffRole.CASEWORKER)
    case_page = staff.get(reverse("staff:case", args=[family.case.pk])).content.decode()

    assert "You replied on" in tracker and "asked for a meeting" in tracker and "Late" in tracker
    assert "The family's replies to the draft" in case_page
    assert COMMENTS in case_page
    assert "Asked for a meeting" in case_page
    assert "After the last day to reply, 24 June 2026" in case_page


def test_comments_are_needed_when_the_family_does_not_agree_and_what_was_typed_stays(family, post):
    client = signed_in_client(family.council, family.parent)

    with on(date(2026, 6, 15)):
        response = post(client, reply_path(family), {"response": "comments", "school_requested": "Lakeside"})
        nothing = post(client, reply_path(family), {})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "Enter your comments" in html
    assert 'value="Lakeside"' in html
    assert "Select whether you agree with the draft plan" in nothing.content.decode()
    with tenant_context(family.council):
        assert not DraftPlanReply.objects.exists()


def test_there_is_nothing_to_reply_to_once_the_final_plan_is_issued(family, post):
    with tenant_context(family.council):
        milestone_record(
            case=family.case,
            key="final_issued",
            occurred_on=date(2026, 7, 1),
            actor=family.caseworker,
            actor_role=StaffRole.CASEWORKER,
            today=date(2026, 7, 1),
        )
    client = signed_in_client(family.council, family.parent)

    with on(date(2026, 7, 2)):
        page = client.get(reply_path(family)).content.decode()
        post(client, reply_path(family), {"response": "agree"})

    assert "The final plan has been issued, so you can no longer reply to the draft plan" in page
    with tenant_context(family.council):
        assert not DraftPlanReply.objects.exists()


def test_before_the_draft_is_sent_there_is_nothing_to_reply_to(family, post):
    with tenant_context(family.council):
        from casework.models import Milestone

        Milestone.objects.filter(case=family.case, key="draft_served").delete()
    client = signed_in_client(family.council, family.parent)

    with on(date(2026, 6, 15)):
        page = client.get(reply_path(family)).content.decode()
        post(client, reply_path(family), {"response": "agree"})

    assert "There is nothing to reply to yet" in page
    with tenant_context(family.council):
        assert not DraftPlanReply.objects.exists()


def test_proposed_changes_after_an_annual_review_are_replied_to_the_same_way(family, post):
    from casework.models import CaseKind, DraftPlanReply
    from casework.services.cases import case_open

    who = {"actor": family.caseworker, "actor_role": StaffRole.CASEWORKER, "today": date(2026, 6, 15)}
    with tenant_context(family.council):
        review = case_open(child=family.child, kind=CaseKind.ANNUAL_REVIEW, started_on=date(2025, 7, 1), **who)
        milestone_record(case=review, key="meeting", occurred_on=date(2026, 5, 20), **who)
        milestone_record(case=review, key="report_sent", occurred_on=date(2026, 5, 27), **who)
        milestone_record(case=review, key="decision_notified", occurred_on=date(2026, 6, 1), outcome="amend", **who)
        milestone_record(case=review, key="amendments_sent", occurred_on=date(2026, 6, 1), **who)
    client = signed_in_client(family.council, family.parent)
    path = reverse("family:case-reply", args=[review.pk])

    with on(date(2026, 6, 15)):
        page = client.get(path).content.decode()
        post(client, path, {"response": "agree"})

    assert "Reply to the proposed changes to the plan" in page
    assert "You can reply until <strong>15 June 2026</strong>: today is the last day" in page
    with tenant_context(family.council):
        reply = DraftPlanReply.objects.get(case=review)
        assert (reply.step_key, reply.last_day, reply.is_late) == ("amendment_comments", date(2026, 6, 15), False)


def test_after_replying_the_case_page_says_what_was_sent_not_that_it_is_their_turn(family, post):
    """Issue 19, item 4: a parent who replied read "It is your turn: you can reply … until …"
    and thought the reply was lost."""
    parent = signed_in_client(family.council, family.parent)
    case_path = reverse("family:case", args=[family.case.pk])
    with on(date(2026, 6, 16)):
        before = parent.get(case_path).content.decode()
        post(parent, reply_path(family), {"response": "comments", "comments": COMMENTS})
        after = parent.get(case_path).content.decode()
        other = signed_in_client(family.council, family.young_person).get(case_path).content.decode()

    assert "It is your turn: you can reply to the draft plan until 24 June 2026." in before
    assert "It is your turn" not in after
    assert "You replied to the draft plan on 16 June 2026: I have comments. " in after
    assert "You can add to the reply until 24 June 2026." in after
    assert (
        "Replied" in after and "Your family&#x27;s reply has been sent. You can add to it until 24 June 2026." in after
    )
    # Someone else in the family reads who replied.
    assert "Pat" in other.split('id="headline"')[1].split("</div>")[0]
