"""A family's SEND area in a real browser, on each demo council, with the SEND team on the
other side: the family asks to see a child's records; staff verify them (the access
request screen, creating the child), open an assessment and record the decision; the
family sees the tracker; staff share a draft plan and record it as sent; the family
comments (asking for a school and a meeting); staff see the reply, issue the final plan
(recording the step and sharing the plan); the family downloads it and is offered the
council's feedback questionnaire.

The family's browser is 320 pixels wide throughout: every family page is checked with
axe-core (WCAG 2.2 A/AA) and for horizontal scrolling (WCAG 1.4.10, reflow). Staff pages
are checked with axe-core too. Rows are committed (the live server sees only those) and
removed at the end."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from casework.models import AccessRequest, StaffRole
from citizen.accounts.models import Account
from tenants.models import Council

from .axe import assert_accessible
from .test_sign_in_journey import PASSWORD
from .test_staff_journey import (
    committed_rows_remove,
    fill_date,
    letters_only,
    small_pdf,
    staff_member_create,
    staff_sign_in,
    unique,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

NARROW = {"width": 320, "height": 800}


def family_member_create(*, email: str) -> int:
    account = Account.objects.create_user(
        email,
        PASSWORD,
        first_name="Jo",
        last_name="Fell",
        is_active=True,
        email_verified_at=timezone.now(),
        address_line_1="1 Castle Street",
        town="Carlisle",
        postcode="CA3 8QG",
    )
    return account.pk


def access_request_id(*, slug: str, email: str) -> int:
    with tenant_context(Council.objects.get(slug=slug)):
        return AccessRequest.objects.get(account__email=email).pk


def reflows(page) -> None:
    """Accessible, and nothing wider than the screen (no sideways scrolling at 320 px)."""
    assert_accessible(page)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways at 320 px: {widths}"


def upload_and_share(staff, *, kind: str, title: str, pdf: bytes) -> None:
    documents = staff.locator("#documents")
    documents.get_by_label(kind, exact=True).check()
    documents.get_by_label("Title").fill(title)
    documents.get_by_label("Upload a file").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    documents.get_by_role("button", name="Upload document").click()
    assert_accessible(staff)
    staff.locator("#documents").get_by_role(
        "button", name=re.compile(f"Share .{re.escape(title)}. with the family")
    ).click()
    assert f"'{title}' is shared" in staff.get_by_role("alert").inner_text()


def record_step(staff, *, step: str, day, outcome: str | None = None) -> None:
    staff.locator("#record").get_by_role("link", name=step).click()
    assert_accessible(staff)
    fill_date(staff, "occurred_on", day)
    if outcome:
        staff.get_by_label(outcome).check()
    staff.get_by_role("button", name="Record this step").click()
    assert f"Recorded: {step}" in staff.get_by_role("alert").inner_text()


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_family_follows_an_assessment_from_request_to_final_plan(committed, debug, new_context, live_server_url, demo):
    base = live_server_url(demo.domain)
    family_email = f"{unique('family')}@example.org"
    staff_email = f"{unique('admin')}@example.org"
    reference = unique("FAM").upper()
    last_name = letters_only(uuid.uuid4().hex[:8])
    today = timezone.localdate()
    born = today.replace(year=today.year - 8, day=min(today.day, 28))
    committed(family_member_create, email=family_email)
    committed(
        staff_member_create,
        slug=demo.slug,
        email=staff_email,
        role=StaffRole.COUNCIL_ADMIN,
        first_name="Sam",
        last_name="Rivers",
    )
    try:
        # --- The family asks to see the child's records.
        family = new_context(viewport=NARROW).new_page()
        staff_sign_in(family, base, family_email, path="send/")
        reflows(family)
        assert family.get_by_role("heading", level=1).inner_text() == "Your SEND area"
        family.get_by_role("button", name="Add a child").click()
        reflows(family)
        family.get_by_label("First name").fill("Robin")
        family.get_by_label("Last name").fill(last_name)
        fill_date(family, "child_date_of_birth", born)
        family.get_by_label("School, college or nursery").fill("Fellside Primary School")
        family.get_by_label("I am their parent").check()
        family.get_by_role("button", name="Send the request").click()
        reflows(family)
        assert "Your request has been sent" in family.get_by_role("alert").inner_text()
        assert "Waiting for the SEND team" in family.get_by_role("main").inner_text()

        # --- The SEND team verifies them, records the child and opens an assessment.
        staff = new_context().new_page()
        staff_sign_in(staff, base, staff_email, path="staff/access-requests/")
        request_id = committed(access_request_id, slug=demo.slug, email=family_email)
        staff.get_by_role("link", name=re.compile(f"decide request {request_id}$")).click()
        assert_accessible(staff)
        staff.get_by_label(re.compile("^None of these")).check()
        staff.get_by_label("Council reference for the new child").fill(reference)
        staff.locator("input[name=approve-service_area]").first.check()
        staff.get_by_role("button", name="Approve").click()
        # Not a dead end (issue 19, item 2): the approval leads to the new child, to open a case.
        assert "Request approved: a new child has been recorded" in staff.get_by_role("alert").inner_text()
        child_url = staff.url.split("#")[0]  # the form's #approve stays on the address
        assert re.search(r"/staff/children/\d+/$", child_url), staff.url
        assert_accessible(staff)
        staff.get_by_role("navigation", name="SEND team").get_by_role("link", name="Children").click()
        staff.get_by_label("Search").fill(last_name)
        staff.get_by_role("button", name="Search").click()
        assert_accessible(staff)
        staff.get_by_role("link", name=f"Robin {last_name}", exact=True).click()
        assert staff.url == child_url
        staff.get_by_role("link", name="Open a case").click()
        staff.get_by_label("EHC needs assessment").check()
        staff.get_by_role("button", name="Continue").click()
        fill_date(staff, "started_on", today - timedelta(days=30))
        staff.get_by_role("button", name="Open the case").click()
        assert_accessible(staff)
        case_url = staff.url
        record_step(
            staff,
            step="Decision whether to assess",
            day=today - timedelta(days=20),
            outcome="Yes, the council will assess",
        )

        # --- The family sees the child and the tracker.
        family.goto(f"{base}send/")
        reflows(family)
        family.get_by_role("link", name="EHC needs assessment").click()
        reflows(family)
        tracker = family.locator(".portal-tracker")
        decision = tracker.get_by_role("listitem").filter(has_text="Decision whether to assess")
        assert "Done on time" in decision.inner_text()
        assert "The council is on time" in family.locator("#headline").inner_text()

        # --- The SEND team shares a draft plan and records it as sent. The law's order
        # (issue 19, item 1): no final plan is offered before a draft, nor while the
        # family's 15 days run, until they reply.
        staff.goto(case_url)
        offered = staff.locator("#record").get_by_role("link").all_inner_texts()
        assert "Draft plan sent to the family" in offered and "Final EHC plan issued" not in offered
        upload_and_share(staff, kind="Draft EHC plan", title="Draft EHC plan", pdf=small_pdf("Draft plan"))
        record_step(staff, step="Draft plan sent to the family", day=today)
        record = staff.locator("#record").inner_text()
        assert "Final EHC plan issued" not in staff.locator("#record").get_by_role("link").all_inner_texts()
        assert "Final EHC plan issued can be recorded after" in record and "once they have replied" in record

        # --- The family comments on the draft, asking for a school and a meeting.
        family.reload()
        reflows(family)
        last_day = (today + timedelta(days=14)).strftime("%-d %B %Y")
        assert f"You can reply to the draft plan until {last_day}" in family.get_by_role("main").inner_text()
        family.get_by_role("link", name="Reply to the draft plan").click()
        reflows(family)
        family.get_by_label("No, I have comments").check()
        family.get_by_label("Your comments").fill("Please add weekly speech and language therapy to section F.")
        family.get_by_label("School or college you want named in the plan").fill("Lakeside Academy")
        family.get_by_label(re.compile("I would like a meeting")).check()
        family.get_by_role("button", name="Send your reply").click()
        reflows(family)
        assert "Your reply has been sent to the SEND team." in family.get_by_role("alert").inner_text()
        # Not "it is your turn" once replied (issue 19, item 4): what was sent, and when.
        headline = family.locator("#headline").inner_text()
        assert f"You replied to the draft plan on {today:%-d %B %Y}: I have comments." in headline
        assert "It is your turn" not in headline

        # --- The SEND team reads the reply, issues the final plan and shares it.
        staff.goto(case_url)
        assert_accessible(staff)
        replies = staff.locator("#family-replies")
        assert "Please add weekly speech and language therapy" in replies.inner_text()
        assert "Lakeside Academy" in replies.inner_text() and "Asked for a meeting" in replies.inner_text()
        record_step(staff, step="Final EHC plan issued", day=today)
        staff.goto(f"{base}staff/settings/family-area/")  # the council's settings for this area
        assert_accessible(staff)
        staff.goto(case_url)
        final = small_pdf("Final EHC plan")
        upload_and_share(staff, kind="Final EHC plan", title="Final EHC plan", pdf=final)
        staff.context.close()

        # --- The family downloads the final plan and is asked for feedback.
        family.reload()
        reflows(family)
        assert "Every step is done." in family.locator("#headline").inner_text()
        with family.expect_download() as download:
            family.locator("section", has_text="The plan").get_by_role(
                "link", name=re.compile("^Final EHC plan")
            ).click()
        assert Path(download.value.path()).read_bytes() == final
        feedback = family.locator("#feedback").get_by_role("link", name=re.compile("feedback questionnaire"))
        assert feedback.get_attribute("href") == f"https://forms.example.org/{demo.slug}-ehcp-feedback"
        family.get_by_role("link", name="Documents").click()
        reflows(family)
        assert "Final EHC plan" in family.get_by_role("main").inner_text()

        # --- Who has seen the records (issue 19, item 5): the SEND team opened the case
        # page many times today; the family reads one line for it, with how many times.
        family.goto(f"{base}send/")
        family.get_by_role("link", name=f"Robin {last_name}", exact=True).click()
        family.get_by_role("link", name=re.compile("^Who has seen")).click()
        reflows(family)
        seen = family.get_by_role("main").inner_text()
        assert seen.count("Looked at your child's case") == 1, seen
        assert re.search(r"\d+ times that day, the last shown", seen), seen
    finally:
        committed(committed_rows_remove, slug=demo.slug, emails=[family_email, staff_email], references=[reference])
