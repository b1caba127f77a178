"""A request for an assessment sent before the SEND team has checked the family (issue
19, item 10), in a real browser on each demo council: a parent asks to see a child's
records and, on the same screen, starts the council's request for an assessment; they
send it and are told it counts as received that day. Staff find the access request first
in the queue, marked "Assessment requested" with the day it was received; approving it
opens the child's assessment with its clock counting from that day, and the family then
sees the case. Family pages are 320 px wide and checked with axe-core and for sideways
scrolling; staff pages with axe-core.

The council's request form here is a one-page one published for the test (Somerset also
offers its Appendix A, whose pages have their own journey), so that the journey is about
the order of things, not the form's length. Every committed row is removed at the end."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from casework.models import AccessRequest, Case, StaffMembership, StaffRole
from casework.submissions.models import FormDraft, FormSubmission
from citizen.accounts.models import Account
from tenants.models import Council, FormVariant, FormVersion
from tests.casework.conftest import signed_in_client

from .axe import assert_accessible
from .test_forms_journeys import checked, signed_in_context
from .test_sign_in_journey import PASSWORD
from .test_staff_journey import committed_rows_remove, fill_date, letters_only, unique

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

NARROW = {"width": 320, "height": 900}
SLUG = "quick-request"
REQUEST_FORM = {
    "title": "Ask for an EHC needs assessment",
    "short_title": "Assessment request",
    "feeds": "new_request",
    "sections": [
        {
            "id": "why",
            "title": "Why you are asking",
            "pages": [
                {
                    "id": "why",
                    "questions": [{"id": "why", "type": "long_text", "label": "Why are you asking for an assessment?"}],
                }
            ],
        }
    ],
    "declaration": {"confirmation": "I confirm the information is correct"},
    "what_happens_next": ["The council will decide within 6 weeks whether to assess."],
}


def people_create(*, slug: str, family_email: str, staff_email: str) -> dict:
    """A parent with no child yet, a caseworker, the one-page request form, and a
    signed-in session for each."""
    council = Council.objects.get(slug=slug)
    made = {}
    for email, first in ((family_email, "Jo"), (staff_email, "Sam")):
        made[email] = Account.objects.create_user(
            email, PASSWORD, first_name=first, last_name="Fell", is_active=True, email_verified_at=timezone.now()
        )
    with tenant_context(council):
        StaffMembership.objects.create(account=made[staff_email], role=StaffRole.CASEWORKER)
    variant = FormVariant.objects.create(council=council, slug=SLUG, title="Ask for an assessment")
    FormVersion.objects.create(variant=variant, number=1, definition=REQUEST_FORM, published_at=timezone.now())
    cookie = settings.SESSION_COOKIE_NAME
    return {
        "family_session": signed_in_client(council, made[family_email]).cookies[cookie].value,
        "staff_session": signed_in_client(council, made[staff_email]).cookies[cookie].value,
    }


def backdate(*, slug: str, email: str, days: int) -> None:
    """The request was sent `days` ago: the SEND team took that long to check the family."""
    with tenant_context(Council.objects.get(slug=slug)):
        submission = FormSubmission.objects.get(access_request__account__email=email)
        FormSubmission.objects.filter(pk=submission.pk).update(
            submitted_at=submission.submitted_at - timedelta(days=days)
        )


def opened(*, slug: str, email: str) -> dict:
    with tenant_context(Council.objects.get(slug=slug)):
        submission = FormSubmission.objects.select_related("case", "child").get(submitted_by__email=email)
        return {
            "case_reference": submission.case.reference,
            "started_on": submission.case.started_on,
            "next_deadline": submission.case.next_deadline,
            "child_reference": submission.child.council_reference,
        }


def rows_remove(*, slug: str, emails: list[str], references: list[str]) -> None:
    council = Council.objects.get(slug=slug)
    with tenant_context(council):
        accounts = Account.objects.filter(email__in=emails)
        for submission in FormSubmission.objects.filter(submitted_by__in=accounts):
            if submission.pdf:
                submission.pdf.delete(save=False)
        FormSubmission.objects.filter(submitted_by__in=accounts).delete()
        FormDraft.objects.filter(account__in=accounts).delete()
        cases = Case.objects.filter(child__council_reference__in=references).values_list("reference", flat=True)
        from tenants.outbox.models import OutboundEmail

        OutboundEmail.objects.filter(subject__contains="Assessment request received").delete()
        for reference in list(cases):
            OutboundEmail.objects.filter(subject__contains=reference).delete()
        AccessRequest.objects.filter(account__in=accounts).update(child=None)
    FormVersion.objects.filter(variant__council=council, variant__slug=SLUG).delete()
    FormVariant.objects.filter(council=council, slug=SLUG).delete()
    committed_rows_remove(slug=slug, emails=emails, references=references)


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_family_asks_for_an_assessment_before_the_send_team_has_checked_them(
    committed, new_context, live_server_url, demo
):
    base = live_server_url(demo.domain)
    family_email, staff_email = f"{unique('family')}@example.org", f"{unique('caseworker')}@example.org"
    reference = unique("EARLY").upper()
    last_name = letters_only(uuid.uuid4().hex[:8])
    today = timezone.localdate()
    born = today.replace(year=today.year - 7, day=min(today.day, 28))
    ids = committed(people_create, slug=demo.slug, family_email=family_email, staff_email=staff_email)
    try:
        # --- The parent asks to see the child's records, and is offered the request at once.
        family = signed_in_context(new_context, base, ids["family_session"], viewport=NARROW).new_page()
        family.goto(f"{base}send/children/add/")
        checked(family)
        family.get_by_label("First name").fill("Robin")
        family.get_by_label("Last name").fill(last_name)
        fill_date(family, "child_date_of_birth", born)
        family.get_by_label("I am their parent").check()
        family.get_by_role("button", name="Send the request").click()
        checked(family)
        main = family.get_by_role("main").inner_text()
        assert "Asking for an EHC needs assessment" in main and "counts as received on the day you send it" in main
        if demo is SOMERSET:
            assert family.get_by_role("link", name=re.compile("^Appendix A")).count() == 1
        family.get_by_role("link", name=re.compile("^Ask for an EHC needs assessment")).click()
        checked(family)
        assert "You do not need to wait for them" in family.get_by_role("main").inner_text()
        family.get_by_role("button", name="Start now").click()
        checked(family)
        family.get_by_role("link", name="Why you are asking", exact=True).click()
        checked(family)
        family.get_by_label("Why are you asking for an assessment?").fill("Robin cannot cope in class any more.")
        family.get_by_role("button", name="Save and continue").click()
        checked(family)
        if family.get_by_role("link", name=re.compile("^Check")).count():
            family.get_by_role("link", name=re.compile("^Check")).first.click()
            checked(family)
        family.get_by_role("button", name=re.compile("^Continue|^Confirm and send")).first.click()
        checked(family)
        family.get_by_label("I confirm the information is correct").check()
        family.get_by_role("button", name=re.compile("send", re.I)).click()
        checked(family)
        assert family.get_by_role("heading", level=1).inner_text() == "Assessment request sent"
        assert (
            f"counts as received on {today:%-d %B %Y}, the day you sent it" in family.get_by_role("main").inner_text()
        )

        # --- Ten days later the SEND team gets to it: first in the queue, clock running.
        committed(backdate, slug=demo.slug, email=family_email, days=10)
        sent_on = today - timedelta(days=10)
        staff = signed_in_context(new_context, base, ids["staff_session"]).new_page()
        staff.goto(f"{base}staff/access-requests/")
        assert_accessible(staff)
        first_row = staff.locator("tbody tr").first.inner_text()
        assert f"Robin {last_name}" in first_row and "Assessment requested" in first_row
        assert f"Received {sent_on:%-d %B %Y}" in first_row
        staff.locator("tbody tr").first.get_by_role("link").first.click()
        assert_accessible(staff)
        assert "The 20-week clock counts from that day" in staff.get_by_role("main").inner_text()
        staff.get_by_label(re.compile("^None of these")).check()
        staff.get_by_label("Council reference for the new child").fill(reference)
        staff.locator("input[name=approve-service_area]").first.check()
        staff.get_by_role("button", name="Approve").click()
        assert_accessible(staff)
        case = committed(opened, slug=demo.slug, email=family_email)
        assert case["started_on"] == sent_on and case["child_reference"] == reference
        assert case["next_deadline"] == sent_on + timedelta(weeks=6)
        assert f"is on case {case['case_reference']}" in staff.get_by_role("alert").inner_text()

        # --- The family now sees the child, with the assessment counted from that day.
        family.goto(f"{base}send/")
        checked(family)
        family.get_by_role("link", name="EHC needs assessment", exact=True).click()
        checked(family)
        assert f"{sent_on:%-d %B %Y}" in family.get_by_role("main").inner_text()
    finally:
        committed(rows_remove, slug=demo.slug, emails=[family_email, staff_email], references=[reference])
