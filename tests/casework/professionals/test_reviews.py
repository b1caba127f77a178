"""Annual reviews run by the school or setting, on both councils: the SEND team gives a
child's review to the school; its people see it on their tray, book the meeting, invite
the family (who are emailed the date), share the reports and send the report with its
file, each recorded on the case's timeline on time or late; the SEND team records the
decision, due 4 weeks after the meeting, and the family sees it on time or late. Only the
organisation running the review sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import clock
from casework.models import Case, CaseKind, Document, Milestone
from casework.services.cases import case_open
from tests.casework.cases.conftest import make_child
from tests.casework.documents.conftest import pdf_bytes, upload

from .conftest import emails_to

pytestmark = pytest.mark.django_db


def date_fields(name: str, day) -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


@pytest.fixture
def review(world, in_council, make_access):
    """An annual review of a plan issued 11 months ago, with a parent who can see it."""
    today = timezone.localdate()
    with in_council(world.council):
        child = make_child(first="Sky", last="Rowe")
        case = case_open(
            child=child,
            kind=CaseKind.ANNUAL_REVIEW,
            started_on=today - timedelta(days=330),
            actor=world.accounts["worker"],
            today=today,
        )
        access = make_access(child=child)
    return case, access


def test_the_send_team_gives_the_review_to_the_school_which_runs_it_step_by_step(
    world, review, post, in_council, clamd
):
    case, access = review
    today = timezone.localdate()
    staff = world.client("worker")

    given = post(staff, f"/staff/cases/{case.pk}/review-setting/", {"organisation": str(world.school.pk)})

    assert given.status_code == 302
    (asked,) = [e for e in emails_to(world.council, in_council, world.school.contact_email) if "review" in e.subject]
    assert case.reference in asked.subject and "Sky" not in asked.body
    kim = world.client("kim")
    tray = kim.get("/professionals/").content.decode()
    assert "Sky Rowe" in tray and f"/professionals/reviews/{case.pk}/" in tray
    page = kim.get(f"/professionals/reviews/{case.pk}/").content.decode()
    assert "Review meeting booked or held" in page and "Notice of the meeting sent" not in page  # meeting first

    meeting = today + timedelta(days=21)
    booked = post(kim, f"/professionals/reviews/{case.pk}/steps/meeting/", date_fields("occurred_on", meeting))
    assert booked.status_code == 302
    post(kim, f"/professionals/reviews/{case.pk}/steps/notice_sent/", date_fields("occurred_on", today))
    (invited,) = [e for e in emails_to(world.council, in_council, access.account.email) if "meeting" in e.subject]
    assert clock.long_date(meeting) in invited.subject and "Sky" not in invited.body + invited.subject
    post(kim, f"/professionals/reviews/{case.pk}/steps/advice_circulated/", date_fields("occurred_on", today))
    future = post(kim, f"/professionals/reviews/{case.pk}/steps/report_sent/", date_fields("occurred_on", today))
    assert future.status_code == 200  # the report follows the meeting, which is still to come

    with in_council(world.council):
        Milestone.objects.filter(case=case, key="meeting").update(occurred_on=today - timedelta(days=3))
    missing = post(kim, f"/professionals/reviews/{case.pk}/steps/report_sent/", date_fields("occurred_on", today))
    assert "Attach the report of the review meeting" in missing.content.decode()
    sent = post(
        kim,
        f"/professionals/reviews/{case.pk}/steps/report_sent/",
        {**date_fields("occurred_on", today), "report": upload("review.pdf", pdf_bytes("Review"))},
    )
    assert sent.status_code == 302
    with in_council(world.council):
        keys = set(Milestone.objects.filter(case=case).values_list("key", flat=True))
        report = Document.objects.get(case=case, kind="annual_review")
    assert keys == {"meeting", "notice_sent", "advice_circulated", "report_sent"}
    assert (
        report.title == "Annual review report from Greenfield Primary School" and report.shared_with_family_at is None
    )
    refused = post(kim, f"/professionals/reviews/{case.pk}/steps/decision_notified/", date_fields("occurred_on", today))
    assert refused.status_code == 404  # the decision is the council's

    from tests.casework.conftest import signed_in_client

    family = signed_in_client(world.council, access.account).get(f"/send/cases/{case.pk}/").content.decode()
    decision_due = clock.long_date(today - timedelta(days=3) + timedelta(weeks=4))
    assert decision_due in family


def test_only_the_organisation_running_the_review_sees_it(world, review, post, in_council):
    case, _ = review
    post(world.client("worker"), f"/staff/cases/{case.pk}/review-setting/", {"organisation": str(world.school.pk)})

    assert world.client("kim").get(f"/professionals/reviews/{case.pk}/").status_code == 200
    assert world.client("pat").get(f"/professionals/reviews/{case.pk}/").status_code == 404
    post(world.client("worker"), f"/staff/cases/{case.pk}/review-setting/", {"organisation": ""})
    assert world.client("kim").get(f"/professionals/reviews/{case.pk}/").status_code == 404
    with in_council(world.council):
        assert Case.objects.get(pk=case.pk).review_organisation_id is None


def test_only_an_annual_review_can_be_given_to_a_setting(world, post, in_council):
    answer = post(
        world.client("worker"), f"/staff/cases/{world.case.pk}/review-setting/", {"organisation": str(world.school.pk)}
    )
    assert answer.status_code == 404
    with in_council(world.council):
        assert Case.objects.get(pk=world.case.pk).review_organisation_id is None


def test_the_familys_views_for_an_annual_review_ship_as_a_built_in_that_joins_the_review(site, in_council):
    from casework.services.forms import builtin_publish
    from casework.submissions.services import feed_problem
    from tenants.form_definitions import builtin_definition, definition_problems, form_definition

    assert definition_problems(builtin_definition("annual-review-views")) == []
    version = builtin_publish(council=site.council, builtin="annual-review-views").version
    definition = form_definition(version.definition)
    today = timezone.localdate()
    with in_council(site.council):
        child = make_child(first="Sam", last="Hale")
        refused = feed_problem(definition=definition, child=child)
        case_open(child=child, kind=CaseKind.ANNUAL_REVIEW, started_on=today - timedelta(days=330), actor=None)
        accepted = feed_problem(definition=definition, child=child)
    assert definition.feeds == "annual_review" and "annual review" in refused.lower()
    assert accepted == ""
