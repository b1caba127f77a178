"""The EHC plan written in the portal, in a real browser, on each demo council (issue 15):
a caseworker starts the plan from the family's form and two pieces of advice, writes a
need, an outcome and two provisions, and watches what a reader would flag fall as the
provision is quantified and the advice quoted → issues the draft → the parent reads it as
a page, comments on both provisions and names a school → the caseworker answers both
and issues the final plan → the parent sees what changed and downloads the PDF → a year
on, an annual review amends it: proposed amendments, compared and agreed, then the
amended plan. Every
page passes axe-core; the family's pages and the drafting screen reflow at 320 px."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from casework.demo import CUMBRIA, SOMERSET
from casework.models import Case, CaseKind, ChildAccess, Document, Relationship, StaffRole
from casework.services.cases import advice_received, advice_request_record, case_open, milestone_record
from casework.services.children import child_create
from casework.services.documents import document_upload
from casework.submissions.models import FormDraft, FormSubmission
from citizen.accounts.models import Account
from tenants.models import Council, FormVersion, ServiceArea

from .axe import assert_accessible
from .test_family_pages_accessible import no_sideways_scrolling, session_for
from .test_sign_in_journey import PASSWORD
from .test_staff_journey import (
    committed_rows_remove,
    letters_only,
    small_pdf,
    staff_member_create,
    staff_sign_in,
    unique,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

FAMILY_WORDS = {
    "important_to_me": "Drawing, and my cat Pepper.",
    "hopes": "To be an illustrator.",
    "parent_views": "We want an assessment so that school understands her anxiety.",
    "child_views": "I want somewhere quiet at lunch.",
}


def plan_case_create(*, slug: str, emails: SimpleNamespace, reference: str) -> dict:
    """A case 60 days in, with the family's form sent and two pieces of advice received."""
    today = timezone.localdate()
    caseworker_id = staff_member_create(
        slug=slug, email=emails.caseworker, role=StaffRole.CASEWORKER, first_name="Sam", last_name="Rivers"
    )
    parent = Account.objects.create_user(
        emails.parent, PASSWORD, first_name="Jo", last_name="Fell", is_active=True, email_verified_at=timezone.now()
    )
    with tenant_context(Council.objects.get(slug=slug)):
        caseworker = Account.objects.get(pk=caseworker_id)
        who = {"actor": caseworker, "actor_role": StaffRole.CASEWORKER}
        child = child_create(
            legal_first_name="Ellie",
            legal_last_name=letters_only(uuid.uuid4().hex[:8]),
            date_of_birth=today.replace(year=today.year - 9, day=min(today.day, 28)),
            setting="Hillside Primary",
            service_area=ServiceArea.objects.filter(council__slug=slug).first(),
            council_reference=reference,
            actor=caseworker,
        )
        ChildAccess.objects.create(child=child, account=parent, relationship=Relationship.PARENT)
        case = case_open(
            child=child, kind=CaseKind.ASSESSMENT, started_on=today - timedelta(days=60), caseworker=caseworker, **who
        )
        milestone_record(
            case=case, key="decided_whether_to_assess", occurred_on=today - timedelta(days=40), outcome="yes", **who
        )
        for adviser, title in (("Dr Priya Shah, educational psychologist", "EP advice"), ("Speech team", "SALT")):
            asked = advice_request_record(case=case, adviser=adviser, requested_on=today - timedelta(days=35), **who)
            advice_received(advice_request=asked, received_on=today - timedelta(days=5), **who)
            document = document_upload(
                case=case,
                kind=Document.Kind.ADVICE,
                title=f"{title} for Ellie",
                upload=ContentFile(small_pdf(title), name="advice.pdf"),
                **who,
            )
            Document.objects.filter(pk=document.pk).update(advice_request=asked)
        version = (
            FormVersion.objects.filter(
                variant__council__slug=slug,
                published_at__isnull=False,
                definition__feeds__in=["contribution", "new_request"],
            )
            .order_by("-definition__feeds", "-number")
            .first()
        )
        draft = FormDraft.objects.create(
            child=child, variant=version.variant, version=version, account=parent, submitted_at=timezone.now()
        )
        FormSubmission.objects.create(
            reference=f"{reference}-A",
            draft=draft,
            child=child,
            case=case,
            variant=version.variant,
            version=version,
            feeds=version.definition["feeds"],
            answers=FAMILY_WORDS,
            submitted_by=parent,
            speaking_as=Relationship.PARENT,
            submitted_at=timezone.now(),
        )
        return {"case": case.pk}


def review_open(*, slug: str, case_id: int, email: str) -> int:
    """A year on: the child's annual review, held three weeks ago, decided to amend the plan."""
    today = timezone.localdate()
    with tenant_context(Council.objects.get(slug=slug)):
        who = {"actor": Account.objects.get(email=email), "actor_role": StaffRole.CASEWORKER, "today": today}
        child = Case.objects.get(pk=case_id).child
        review = case_open(child=child, kind=CaseKind.ANNUAL_REVIEW, started_on=today - timedelta(days=330), **who)
        milestone_record(case=review, key="meeting", occurred_on=today - timedelta(days=21), **who)
        milestone_record(case=review, key="report_sent", occurred_on=today - timedelta(days=14), **who)
        milestone_record(
            case=review, key="decision_notified", occurred_on=today - timedelta(days=7), outcome="amend", **who
        )
        return review.pk


def plan_rows_remove(*, slug: str, emails: list[str], reference: str) -> None:
    """The family's form first (it protects its case), then everything else the test made."""
    with tenant_context(Council.objects.get(slug=slug)):
        sent = FormSubmission.objects.filter(Q(reference__startswith=reference) | Q(child__council_reference=reference))
        drafts = list(sent.values_list("draft_id", flat=True))
        sent.delete()
        FormDraft.objects.filter(pk__in=drafts).delete()
    committed_rows_remove(slug=slug, emails=emails, references=[reference])


def _checked(page, *, narrow: bool = False) -> None:
    assert_accessible(page)
    if narrow:
        no_sideways_scrolling(page)


def _findings(page) -> str:
    return page.locator("#findings").inner_text()


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_plan_drafted_checked_commented_on_answered_and_issued(debug, committed, new_context, live_server_url, demo):
    base = live_server_url(demo.domain)
    emails = SimpleNamespace(**{who: f"{unique(who)}@example.org" for who in ("caseworker", "parent")})
    reference = unique("E2E-P").upper()
    try:
        ids = committed(plan_case_create, slug=demo.slug, emails=emails, reference=reference)
        staff = new_context(accept_downloads=True).new_page()
        staff_sign_in(staff, base, emails.caseworker, path=f"staff/cases/{ids['case']}/")

        # Start the plan from what the case holds.
        staff.get_by_role("link", name="Draft the EHC plan").click()
        _checked(staff)
        staff.get_by_role("button", name="Start the plan").click()
        assert "To be an illustrator." in staff.content() or "somewhere quiet at lunch" in staff.content()
        assert "Dr Priya Shah, educational psychologist" in staff.content()
        assert "2 things a reader would flag" in staff.content()
        _checked(staff)

        # A need, an outcome, and two provisions, the first vague.
        staff.get_by_role("link", name="Change section B").click()
        staff.fill("[name='needs-0-area']", "Social, emotional and mental health")
        staff.fill("[name='needs-0-text']", "Very anxious in busy, noisy places such as the hall at lunch.")
        staff.select_option("[name='needs-0-quote_advice']", "k1")
        staff.fill("[name='needs-0-quote_page']", "3")
        staff.fill("[name='needs-0-quote_text']", "Ellie becomes distressed in the dining hall.")
        staff.get_by_role("button", name="Save section B").click()
        assert "Section B saved." in staff.content()
        assert "Need b1 in section B has no provision" in _findings(staff)
        _checked(staff)
        staff.goto(f"{base}staff/cases/{ids['case']}/plan/E/")
        staff.fill("[name='outcomes-0-text']", "Eats lunch calmly with a friend most days.")
        staff.fill("[name='outcomes-0-timeframe']", "By the end of Year 5")
        staff.check("input[name='outcomes-0-needs'][value='b1']")
        # Saved as they type: the line under the form says when, then Save finds nothing lost.
        staff.locator("[data-autosave-status]").filter(has_text="Saved at").wait_for(timeout=15_000)
        staff.get_by_role("button", name="Save section E").click()
        assert staff.content().count("Eats lunch calmly with a friend most days.") >= 1
        assert "Outcome e2" not in staff.content()  # the autosaved outcome is e1, not saved twice
        staff.goto(f"{base}staff/cases/{ids['case']}/plan/F/")
        staff.fill("[name='provisions-0-what']", "Access to a quiet space as required")
        staff.check("input[name='provisions-0-needs'][value='b1']")
        staff.get_by_role("button", name="Save section F").click()
        vague = _findings(staff)
        assert "does not say who will provide it, how often or for how long" in vague
        assert "“Access to” and “as required”" in vague and "not linked to any outcome" in vague
        staff.fill("[name='provisions-0-what']", "A quiet room with a trusted adult for the lunch break")
        staff.fill("[name='provisions-0-who']", "A named teaching assistant")
        staff.fill("[name='provisions-0-how_often']", "Every school day, 12:15 to 12:45")
        staff.fill("[name='provisions-0-how_long']", "Until the first annual review")
        staff.check("input[name='provisions-0-outcomes'][value='e1']")
        staff.fill("[name='provisions-1-what']", "Speech and language therapy on talking about feelings")
        staff.fill("[name='provisions-1-who']", "A speech and language therapist")
        staff.fill("[name='provisions-1-how_often']", "Weekly")
        staff.fill("[name='provisions-1-how_long']", "One term")
        staff.check("input[name='provisions-1-needs'][value='b1']")
        staff.check("input[name='provisions-1-outcomes'][value='e1']")
        staff.select_option("[name='provisions-1-quote_advice']", "k2")
        staff.get_by_role("button", name="Save section F").click()
        assert "Nothing in this section, as saved." in _findings(staff)
        _checked(staff, narrow=False)
        staff.set_viewport_size({"width": 320, "height": 900})
        no_sideways_scrolling(staff)
        staff.set_viewport_size({"width": 1200, "height": 900})

        staff.goto(f"{base}staff/cases/{ids['case']}/plan/")
        assert "Nothing a reader would flag" in staff.content()
        staff.get_by_role("link", name="Issue the draft to the family").click()
        _checked(staff)
        staff.get_by_role("button", name="Issue the draft plan").click()
        assert "The draft plan is issued. The family has been told." in staff.content()

        # The parent reads the draft, comments on both provisions and names a school.
        parent = new_context(viewport={"width": 320, "height": 800}, accept_downloads=True).new_page()
        parent.context.add_cookies(
            [{"name": "sessionid", "value": committed(session_for, slug=demo.slug, email=emails.parent), "url": base}]
        )
        parent.goto(f"{base}send/cases/{ids['case']}/")
        parent.get_by_role("link", name="EHC plan").first.click()
        assert "Draft plan, issued" in parent.content()
        assert "A quiet room with a trusted adult for the lunch break" in parent.content()
        _checked(parent, narrow=True)
        parent.get_by_role("link", name="Comment on provision f1").click()
        _checked(parent, narrow=True)
        parent.get_by_role("button", name="Send your comment").click()
        assert parent.title().startswith("Error: ") and "Enter your comment" in parent.content()
        parent.fill("[name='text']", "Ellie needs this at morning break too.")
        parent.get_by_role("button", name="Send your comment").click()
        parent.get_by_role("link", name="Comment on provision f2").click()
        parent.fill("[name='text']", "Weekly for one term is not enough: the advice says twice weekly.")
        parent.get_by_role("button", name="Send your comment").click()
        assert parent.content().count("The SEND team has not answered this yet.") == 2
        _checked(parent, narrow=True)
        parent.get_by_role("link", name="reply to the draft").click()
        parent.get_by_label("No, I have comments").check()
        parent.fill("[name='comments']", "Please see my comments on the plan.")
        parent.fill("[name='school_requested']", "Oak Tree Academy")
        parent.get_by_role("button", name="Send your reply").click()
        assert "Your reply has been sent to the SEND team." in parent.content()

        # The caseworker changes one provision, answers both comments, issues the final plan.
        staff.goto(f"{base}staff/cases/{ids['case']}/plan/F/")
        staff.fill("[name='provisions-1-how_often']", "Twice a week")
        staff.get_by_role("button", name="Save section F").click()
        staff.goto(f"{base}staff/cases/{ids['case']}/plan/")
        assert "2 comments, 2 not answered" in staff.content()
        staff.get_by_role("link", name="Answer the comment on provision f2 in section F").click()
        _checked(staff)
        staff.get_by_label("Yes, the plan is changed").check()
        staff.fill("[name='answer_text']", "Now twice a week, as the advice says.")
        staff.get_by_role("button", name="Send your answer").click()
        staff.get_by_role("link", name="Answer the comment on provision f1 in section F").click()
        staff.get_by_label("No, it is not changed").check()
        staff.get_by_role("button", name="Send your answer").click()
        assert "Enter why the plan was not changed" in staff.content()
        staff.fill("[name='answer_text']", "Morning break is in class with her teaching assistant already.")
        staff.get_by_role("button", name="Send your answer").click()
        staff.get_by_role("link", name="Issue the final plan").click()
        staff.get_by_role("button", name="Issue the final plan").click()
        assert "The final plan is issued. The family has been told." in staff.content()
        _checked(staff)

        # The parent sees what changed and the answers, and downloads the PDF.
        parent.goto(f"{base}send/cases/{ids['case']}/plan/")
        page = parent.content()
        assert "Final plan, issued" in page and "What changed since the draft" in page
        assert "Provision f2: how often was “Weekly”, now “Twice a week”" in page
        assert "Morning break is in class with her teaching assistant already." in page
        assert "Comment on provision" not in page
        _checked(parent, narrow=True)
        with parent.expect_download() as download:
            parent.get_by_role("link", name="Download the final plan (PDF)").click()
        words = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
        assert "Final plan, issued" in words and "Twice a week" in words

        # A year on, the annual review decides to amend the plan: the caseworker changes a
        # provision on the review's page and sends the proposed amendments; the parent reads
        # the change, compares the draft with the proposals, and agrees; the amended plan is issued.
        review = committed(review_open, slug=demo.slug, case_id=ids["case"], email=emails.caseworker)
        staff.goto(f"{base}staff/cases/{review}/plan/")
        assert "This annual review amends the plan issued on case" in staff.content()
        _checked(staff)
        staff.goto(f"{base}staff/cases/{review}/plan/F/")
        staff.fill("[name='provisions-1-how_long']", "Until the next annual review")
        staff.get_by_role("button", name="Save section F").click()
        staff.goto(f"{base}staff/cases/{review}/plan/")
        staff.get_by_role("link", name="Send the proposed amendments to the family").click()
        _checked(staff)
        staff.get_by_role("button", name="Send the proposed amendments").click()
        assert "The proposed amendments are sent. The family has been told." in staff.content()

        parent.goto(f"{base}send/cases/{review}/plan/")
        page = parent.content()
        assert "Proposed amendments, issued" in page and "The changes proposed" in page
        assert "Provision f2: for how long was “One term”, now “Until the next annual review”" in page
        _checked(parent, narrow=True)
        parent.select_option("[name='before']", "1")
        parent.select_option("[name='after']", "3")
        parent.get_by_role("button", name="Compare").click()
        compared = parent.locator("#compare").inner_text()
        assert "What changed from the draft plan" in compared and "now “Twice a week”" in compared
        _checked(parent, narrow=True)
        parent.get_by_role("link", name="reply to the proposed changes").click()
        parent.get_by_label("Yes, I agree with it").check()
        parent.get_by_role("button", name="Send your reply").click()
        staff.goto(f"{base}staff/cases/{review}/plan/")
        staff.get_by_role("link", name="Issue the amended plan").click()
        staff.get_by_role("button", name="Issue the amended plan").click()
        assert "The amended plan is issued. The family has been told." in staff.content()
        parent.goto(f"{base}send/cases/{review}/plan/")
        assert "Amended plan, issued" in parent.content()
        assert "What changed from the plan before the review" in parent.content()
        _checked(parent, narrow=True)
    finally:
        committed(plan_rows_remove, slug=demo.slug, emails=list(vars(emails).values()), reference=reference)
