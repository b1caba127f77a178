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
from casework.submissions.models import FormDraft, FormSubmission
from tenants.models import FormVariant
from tests.casework.cases.conftest import make_child
from tests.casework.documents.conftest import pdf_bytes, upload
from tests.factories import configuration_change

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


def without_a_report_form(council) -> None:
    """The council takes the review report form down: settings then attach the report."""
    configuration_change(FormVariant.objects.filter(council=council, based_on="annual-review-report"), enabled=False)


def test_the_send_team_gives_the_review_to_the_school_which_runs_it_step_by_step(
    world, review, post, in_council, clamd
):
    case, access = review
    today = timezone.localdate()
    without_a_report_form(world.council)
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


def held_meeting(world, case, post, in_council, days_ago: int) -> None:
    """The review given to the school, whose meeting was held `days_ago`."""
    today = timezone.localdate()
    post(world.client("worker"), f"/staff/cases/{case.pk}/review-setting/", {"organisation": str(world.school.pk)})
    post(world.client("kim"), f"/professionals/reviews/{case.pk}/steps/meeting/", date_fields("occurred_on", today))
    with in_council(world.council):
        Milestone.objects.filter(case=case, key="meeting").update(occurred_on=today - timedelta(days=days_ago))


def answer_the_report(client, post, case_id: int, *, recommendation: str = "amend") -> None:
    base = f"/professionals/reviews/{case_id}/report/pages"
    post(
        client,
        f"{base}/meeting/",
        {
            "author_role": "Kim Lee, SENCO",
            "attended": "Sky, their mother, the class teacher, the SENCO",
            "child_took_part": "yes",
            "how_took_part": "Came to the first half and showed their photo book",
        },
    )
    post(client, f"{base}/views/", {"child_views": "I like my new reading group", "family_views": ""})
    post(
        client,
        f"{base}/outcomes/",
        {"outcomes_progress": "Reads at age level: on track", "provision_delivered": "All made", "attendance": "94"},
    )
    post(client, f"{base}/recommendation/", {"recommendation": recommendation, "family_agrees": "yes"})
    if recommendation == "amend":
        post(client, f"{base}/changes/", {"changes": "Section F: speech and language therapy weekly"})
    post(client, f"{base}/preparing_for_adulthood/", {"preparing_for_adulthood": ""})
    post(client, f"{base}/papers/", {"minutes": upload("minutes.pdf", pdf_bytes("Minutes")), "anything_else": ""})


def test_the_school_sends_the_review_report_through_the_councils_form_late_and_the_team_is_told(
    world, review, post, in_council, clamd
):
    case, _ = review
    held_meeting(world, case, post, in_council, days_ago=20)  # the report was due 6 days ago
    kim = world.client("kim")
    page = kim.get(f"/professionals/reviews/{case.pk}/").content.decode()
    assert "Fill in the review report" in page
    assert f"/professionals/reviews/{case.pk}/steps/report_sent/" not in page  # the form carries it
    assert kim.get(f"/professionals/reviews/{case.pk}/steps/report_sent/")["Location"] == (
        f"/professionals/reviews/{case.pk}/"
    )

    started = post(kim, f"/professionals/reviews/{case.pk}/report/", {})
    assert started["Location"] == f"/professionals/reviews/{case.pk}/report/tasks/"
    tasks = kim.get(started["Location"]).content.decode()
    assert "The meeting" in tasks and "Greenfield Primary School" in tasks and "Sky Rowe" in tasks
    answer_the_report(kim, post, case.pk)
    # A colleague carries on with the same report, and sees it complete.
    assert "You have completed every section" in world.client("sam").get(started["Location"]).content.decode()
    check = kim.get(f"/professionals/reviews/{case.pk}/report/check/").content.decode()
    assert "Section F: speech and language therapy weekly" in check and "Amend the plan" in check
    refused = post(kim, f"/professionals/reviews/{case.pk}/report/send/", {})
    assert "Confirm the declaration to send the form" in refused.content.decode()
    sent = post(kim, f"/professionals/reviews/{case.pk}/report/send/", {"confirm": "on"})

    assert sent["Location"] == f"/professionals/reviews/{case.pk}/"
    today = timezone.localdate()
    with in_council(world.council):
        submission = FormSubmission.objects.get(draft__review_case=case)
        report_sent = Milestone.objects.get(case=case, key="report_sent")
        documents = list(Document.objects.filter(case=case, kind="annual_review").order_by("pk"))
    assert (submission.case_id, submission.feeds, submission.speaking_as) == (case.pk, "review_report", "")
    assert submission.answers["recommendation"] == "amend" and submission.files.count() == 1
    assert report_sent.occurred_on == today
    assert [d.title for d in documents] == [
        f"Annual review report from Greenfield Primary School ({submission.reference})",
        "Greenfield Primary School: minutes.pdf",
    ]
    assert all(d.shared_with_family_at is None for d in documents)  # the SEND team shares them
    from casework.services.messages import staff_alert_recipients

    with in_council(world.council):
        (address,) = staff_alert_recipients(Case.objects.select_related("child__service_area").get(pk=case.pk))
    (told,) = [e for e in emails_to(world.council, in_council, address) if "Annual review report" in e.subject]
    due = clock.long_date(today - timedelta(days=6))
    assert f"({submission.reference}), late (it was due by {due})" in told.body and "Sky" not in told.body
    done = kim.get(f"/professionals/reviews/{case.pk}/").content.decode()
    assert "Fill in the review report" not in done and "Carry on with the review report" not in done
    assert (
        kim.get(f"/professionals/reviews/{case.pk}/report/tasks/")["Location"] == f"/professionals/reviews/{case.pk}/"
    )
    assert post(kim, f"/professionals/reviews/{case.pk}/report/", {})["Location"] == (
        f"/professionals/reviews/{case.pk}/"
    )
    staff_page = world.client("worker").get(f"/staff/submissions/{submission.pk}/").content.decode()
    assert "The school or setting running the annual review" in staff_page and "Reads at age level" in staff_page
    with in_council(world.council):
        assert FormDraft.objects.filter(review_case=case, submitted_at__isnull=True).count() == 0


def test_the_report_form_waits_for_the_meeting_and_only_the_reviews_organisation_may_write_it(
    world, review, post, in_council
):
    case, _ = review
    today = timezone.localdate()
    post(world.client("worker"), f"/staff/cases/{case.pk}/review-setting/", {"organisation": str(world.school.pk)})
    kim = world.client("kim")
    post(kim, f"/professionals/reviews/{case.pk}/steps/meeting/", date_fields("occurred_on", today + timedelta(days=9)))
    assert "Fill in the review report" not in kim.get(f"/professionals/reviews/{case.pk}/").content.decode()
    early = post(kim, f"/professionals/reviews/{case.pk}/report/", {}, follow=True).content.decode()
    assert "The report follows the review meeting" in early  # nothing started before the meeting
    with in_council(world.council):
        assert not FormDraft.objects.filter(review_case=case).exists()
    with in_council(world.council):
        Milestone.objects.filter(case=case, key="meeting").update(occurred_on=today - timedelta(days=1))

    assert world.client("pat").post(f"/professionals/reviews/{case.pk}/report/").status_code == 404
    assert world.client("pat").get(f"/professionals/reviews/{case.pk}/report/tasks/").status_code == 404
    post(kim, f"/professionals/reviews/{case.pk}/report/", {})
    answer_the_report(kim, post, case.pk, recommendation="keep")
    # The SEND team takes the review back: the school's draft can no longer be reached or sent.
    post(world.client("worker"), f"/staff/cases/{case.pk}/review-setting/", {"organisation": ""})
    assert kim.get(f"/professionals/reviews/{case.pk}/report/check/").status_code == 404
    assert kim.post(f"/professionals/reviews/{case.pk}/report/send/", {"confirm": "on"}).status_code == 404
    with in_council(world.council):
        assert not FormSubmission.objects.filter(draft__review_case=case).exists()
        assert not Milestone.objects.filter(case=case, key="report_sent").exists()


def test_the_report_form_is_never_offered_to_a_family(world, review, in_council):
    from tests.casework.conftest import signed_in_client

    _, access = review
    forms = signed_in_client(world.council, access.account).get("/send/forms/").content.decode()
    with in_council(world.council):
        slug = FormVariant.objects.get(council=world.council, based_on="annual-review-report").slug
    assert "/send/forms/" in forms and slug not in forms


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


# --- A setting opening the child's next review itself, where the council lets it ----------------


@pytest.fixture
def last_years_review(world, in_council, make_access):
    """A child whose plan was issued about 2 years ago; last year's review, given to the
    school (which names it the child's setting), met 340 days ago and closed: the next is
    due in 25 days. Returns (last review, the family's access)."""
    today = timezone.localdate()
    with in_council(world.council):
        child = make_child(first="Ash", last="Moor")
        access = make_access(child=child)
        case = case_open(
            child=child,
            kind=CaseKind.ANNUAL_REVIEW,
            started_on=today - timedelta(days=700),
            actor=world.accounts["worker"],
            today=today,
        )
    from casework.services.reviews import review_setting_set

    with in_council(world.council):
        review_setting_set(
            case=case, organisation=world.school, actor=world.accounts["worker"], actor_role="caseworker"
        )
        Milestone.objects.create(case=case, key="meeting", occurred_on=today - timedelta(days=340))
        Case.objects.filter(pk=case.pk).update(closed_on=today - timedelta(days=300))
    return case, access


def settings_may_open_reviews(council, allowed: bool = True) -> None:
    from tenants.models import Council

    configuration_change(Council.objects.filter(pk=council.pk), settings_open_reviews=allowed)


def test_where_the_council_allows_it_the_childs_school_opens_the_next_review_and_runs_it(
    world, last_years_review, post, in_council
):
    last, access = last_years_review
    today = timezone.localdate()
    kim = world.client("kim")
    with in_council(world.council):
        assert Case.objects.get(pk=last.pk).child.setting_organisation_id == world.school.pk
    assert "Annual reviews you can open" not in kim.get("/professionals/").content.decode()  # not allowed yet
    assert kim.post(f"/professionals/reviews/open/{last.child_id}/").status_code == 404

    settings_may_open_reviews(world.council)
    tray = kim.get("/professionals/").content.decode()
    assert "Annual reviews you can open" in tray and "Ash Moor" in tray
    due = clock.annual_review_due(plan_issued=last.started_on, last_reviewed=today - timedelta(days=340))
    assert clock.long_date(due) in tray
    assert "Ash Moor" not in world.client("pat").get("/professionals/").content.decode()  # not their pupil
    assert world.client("pat").post(f"/professionals/reviews/open/{last.child_id}/").status_code == 404

    opened = post(kim, f"/professionals/reviews/open/{last.child_id}/", {})

    with in_council(world.council):
        case = Case.objects.exclude(pk=last.pk).get(child_id=last.child_id)
        last_reviewed = Milestone.objects.get(case=case, key="last_reviewed").occurred_on
    assert opened["Location"] == f"/professionals/reviews/{case.pk}/"
    assert (case.kind, case.started_on, case.review_organisation_id) == (
        "annual_review",
        last.started_on,
        world.school.pk,
    )
    assert last_reviewed == today - timedelta(days=340)
    page = kim.get(opened["Location"]).content.decode()
    assert "You have opened the annual review" in page and "Review meeting booked or held" in page
    from casework.services.messages import staff_alert_recipients

    with in_council(world.council):
        (address,) = staff_alert_recipients(Case.objects.select_related("child__service_area").get(pk=case.pk))
    (told,) = [e for e in emails_to(world.council, in_council, address) if "opened by" in e.subject]
    assert case.reference in told.subject and clock.long_date(due) in told.body and "Ash" not in told.body
    # Under way now: not offered again, and a second opening is refused.
    assert "Annual reviews you can open" not in kim.get("/professionals/").content.decode()
    assert kim.post(f"/professionals/reviews/open/{last.child_id}/").status_code == 404
    from tests.casework.conftest import signed_in_client

    family = signed_in_client(world.council, access.account).get(f"/send/cases/{case.pk}/")
    assert family.status_code == 200 and clock.long_date(due) in family.content.decode()


def test_a_setting_is_not_offered_a_review_far_from_due_or_of_a_plan_that_ended(world, last_years_review, in_council):
    last, _ = last_years_review
    settings_may_open_reviews(world.council)
    kim = world.client("kim")
    today = timezone.localdate()
    with in_council(world.council):
        Milestone.objects.filter(case=last, key="meeting").update(occurred_on=today - timedelta(days=200))
    assert "Ash Moor" not in kim.get("/professionals/").content.decode()  # due in about 5 months
    with in_council(world.council):
        Milestone.objects.filter(case=last, key="meeting").update(occurred_on=today - timedelta(days=340))
        Milestone.objects.create(
            case=last, key="decision_notified", occurred_on=today - timedelta(days=320), outcome="cease"
        )
    assert "Ash Moor" not in kim.get("/professionals/").content.decode()  # the council ended the plan
    assert kim.post(f"/professionals/reviews/open/{last.child_id}/").status_code == 404


def test_only_the_childs_setting_may_open_its_review(world, last_years_review, staff_client, site):
    from django.test import Client

    last, access = last_years_review
    settings_may_open_reviews(world.council)
    path = f"/professionals/reviews/open/{last.child_id}/"
    from tests.casework.conftest import signed_in_client

    assert Client(HTTP_HOST=site.domain).post(path).status_code == 302  # to sign in
    assert signed_in_client(world.council, access.account).post(path).status_code == 403  # the family
    assert world.client("worker").post(path).status_code == 403  # staff open reviews from the case page
    assert world.client("pat").post(path).status_code == 404  # another organisation
    assert world.client("kim").get(path).status_code == 405  # opening is a POST


def test_a_council_admin_lets_settings_open_reviews(world, staff_client, post, in_council):
    from casework.models import StaffRole
    from tenants.models import Council

    admin = staff_client(world.council, StaffRole.COUNCIL_ADMIN)
    page = admin.get("/staff/settings/professionals/").content.decode()
    assert "Schools and settings may open a child" in page

    saved = post(
        admin,
        "/staff/settings/professionals/",
        {"professional_access_days": "28", "settings_open_reviews": "on"},
    )

    assert saved.status_code == 302
    assert Council.objects.get(pk=world.council.pk).settings_open_reviews
    assert "Schools and settings may open a child" in admin.get("/staff/settings/").content.decode()
