"""Families complete their council's form in a real browser, and the SEND team sees it.

- Somerset: a parent completes Appendix A (a request for an EHC needs assessment) at
  320 px wide, with JavaScript on: every runner page, and a page showing its errors,
  passes axe-core (WCAG 2.2 A/AA) and does not scroll sideways; they add a person with
  parental responsibility ("add another") and a professional with their report (an
  upload), send it, and get a reference. Staff see it on the case it opened, whose
  20-week clock started on the day it was sent.
- Cumbria: a parent completes Section A with JavaScript turned off (the runner needs
  none), adding two important people and a drawing, for the assessment under way; staff
  see it on that case, with its answers, the file and the PDF.

The family member is already verified for the child, and both people are signed in by a
session made for them (rows committed through `CommittedDatabase`, as the live server
sees only committed rows): signing in and verification have their own journeys. Every
row and file made here is removed at the end.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from casework.models import Case, CaseKind, Child, ChildAccess, Relationship, StaffMembership, StaffRole
from casework.services.cases import case_open
from casework.submissions.models import FormDraft, FormFile, FormSubmission
from citizen.accounts.models import Account
from tenants.models import Council, ServiceArea
from tenants.outbox.models import OutboundEmail
from tests.casework.conftest import signed_in_client

from .axe import assert_accessible
from .test_sign_in_journey import PASSWORD
from .test_staff_journey import committed_rows_remove, fill_date, letters_only, small_pdf, unique

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

NARROW = {"width": 320, "height": 900}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


# --- Rows the live server must see -------------------------------------------------------------


def people_create(*, slug: str, family_email: str, staff_email: str, reference: str, last_name: str, open_case: bool):
    """A parent verified for a child (in the council's first service area), a caseworker,
    an assessment under way when asked, and a signed-in session for each."""
    council = Council.objects.get(slug=slug)
    made = {}
    for email, first in ((family_email, "Jo"), (staff_email, "Sam")):
        made[email] = Account.objects.create_user(
            email, PASSWORD, first_name=first, last_name="Fell", is_active=True, email_verified_at=timezone.now()
        )
    today = timezone.localdate()
    with tenant_context(council):
        child = Child.objects.create(
            legal_first_name="Robin",
            legal_last_name=last_name,
            date_of_birth=today.replace(year=today.year - 9, day=min(today.day, 28)),
            council_reference=reference,
            service_area=ServiceArea.objects.filter(council=council).order_by("order").first(),
        )
        ChildAccess.objects.create(child=child, account=made[family_email], relationship=Relationship.PARENT)
        StaffMembership.objects.create(account=made[staff_email], role=StaffRole.CASEWORKER)
        if open_case:
            case_open(
                child=child,
                kind=CaseKind.ASSESSMENT,
                started_on=today - timedelta(days=14),
                actor=made[staff_email],
                actor_role=StaffRole.CASEWORKER,
            )
    cookie = settings.SESSION_COOKIE_NAME
    return {
        "child": child.pk,
        "family_session": signed_in_client(council, made[family_email]).cookies[cookie].value,
        "staff_session": signed_in_client(council, made[staff_email]).cookies[cookie].value,
    }


def sent_form(*, slug: str, reference: str) -> dict:
    with tenant_context(Council.objects.get(slug=slug)):
        submission = FormSubmission.objects.select_related("case").get(child__council_reference=reference)
        return {
            "submission": submission.pk,
            "reference": submission.reference,
            "case": submission.case_id,
            "case_reference": submission.case.reference,
            "case_kind": submission.case.kind,
            "started_on": submission.case.started_on,
            "next_deadline": submission.case.next_deadline,
            "cases": Case.objects.filter(child__council_reference=reference).count(),
            "files": sorted(submission.files.values_list("name", flat=True)),
            "answers": submission.answers,
            "alerts": list(
                OutboundEmail.objects.filter(subject__endswith=f"case {submission.case.reference}").values_list(
                    "to", "subject"
                )
            ),
        }


def forms_rows_remove(*, slug: str, emails: list[str], references: list[str]) -> None:
    """The drafts, submissions, their files and the SEND team's alerts, then the rest."""
    with tenant_context(Council.objects.get(slug=slug)):
        children = Child.objects.filter(council_reference__in=references)
        for form_file in FormFile.objects.filter(draft__child__in=children):
            form_file.file.delete(save=False)
        for submission in FormSubmission.objects.filter(child__in=children):
            if submission.pdf:
                submission.pdf.delete(save=False)
        cases = list(Case.objects.filter(child__in=children).values_list("reference", flat=True))
        alerts = Q(pk__in=[])
        for case_reference in cases:
            alerts |= Q(subject__endswith=f"case {case_reference}")
        OutboundEmail.objects.filter(alerts).delete()
        FormFile.objects.filter(draft__child__in=children).delete()
        FormSubmission.objects.filter(child__in=children).delete()
        FormDraft.objects.filter(child__in=children).delete()
    committed_rows_remove(slug=slug, emails=emails, references=references)


def signed_in_context(new_context, base: str, session: str, **options):
    context = new_context(**options)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
    return context


# --- Helpers in the browser ----------------------------------------------------------------------


def checked(page) -> None:
    """Accessible (axe-core, WCAG 2.2 A/AA) and no sideways scrolling at 320 px (WCAG 1.4.10)."""
    assert_accessible(page)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways at 320 px: {widths}"


def save(page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def section(page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def errors(page) -> str:
    return page.locator(".govuk-error-summary").inner_text()


# --- Somerset: Appendix A, with axe on every page --------------------------------------------------


def test_a_somerset_family_requests_an_assessment_with_appendix_a(committed, new_context, live_server_url):
    base = live_server_url(SOMERSET.domain)
    family_email, staff_email = f"{unique('family')}@example.org", f"{unique('caseworker')}@example.org"
    reference = unique("FORM").upper()
    last_name = letters_only(uuid.uuid4().hex[:8])
    today = timezone.localdate()
    ids = committed(
        people_create,
        slug=SOMERSET.slug,
        family_email=family_email,
        staff_email=staff_email,
        reference=reference,
        last_name=last_name,
        open_case=False,
    )
    try:
        page = signed_in_context(new_context, base, ids["family_session"], viewport=NARROW).new_page()
        page.goto(f"{base}send/forms/")
        checked(page)
        page.get_by_role("link", name=re.compile(r"^Appendix A: request for an education")).click()
        checked(page)
        assert "The council has 6 weeks from the day it receives your request" in page.get_by_role("main").inner_text()
        page.get_by_role("button", name="Start now").click()
        checked(page)
        assert "You have completed 0 of 7 sections" in page.get_by_role("main").inner_text()

        section(page, "About the child or young person")
        checked(page)
        save(page)  # nothing filled in: the error summary
        checked(page)
        assert "Enter legal first name" in errors(page) and "Enter legal last name" in errors(page)
        page.get_by_label("Legal first name").fill("Robin")
        page.get_by_label("Legal last name").fill(last_name)
        save(page)
        checked(page)
        fill_date(page, "date_of_birth", today.replace(year=today.year - 9, day=min(today.day, 28)))
        save(page)
        checked(page)
        page.get_by_label("Main language spoken at home").fill("English")
        page.get_by_label("School year group").select_option("year-4")
        save(page)
        checked(page)
        page.get_by_label("Address line 1").fill("1 Castle Street")
        page.get_by_label("Town or city").fill("Taunton")
        page.get_by_label("Postcode").fill("ta1 4dy")
        save(page)
        checked(page)
        assert "You have completed 1 of 7 sections" in page.get_by_role("main").inner_text()

        # "Add another": at least one person with parental responsibility.
        section(page, "Everyone with parental responsibility")
        checked(page)
        page.get_by_role("button", name="Add a person with parental responsibility").click()
        checked(page)
        page.get_by_label("Full name").fill("Jo Fell")
        page.get_by_label("Relationship to the child").fill("Mother")
        page.get_by_label("Phone number").fill("07700 900 982")
        page.get_by_label("Email", exact=True).check()
        page.get_by_label("No", exact=True).check()
        save(page)
        checked(page)
        assert "You have added 1 person with parental responsibility" in page.get_by_role("main").inner_text()
        page.get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        checked(page)
        page.get_by_label("Full name").fill("Alex Fell")
        page.get_by_label("Relationship to the child").fill("Father")
        page.get_by_label("Phone number").fill("07700 900 123")
        page.get_by_label("Post", exact=True).check()
        page.get_by_label("Yes", exact=True).check()
        save(page)
        checked(page)
        page.get_by_role("link", name="Remove Alex Fell, Father").click()
        checked(page)
        page.get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        checked(page)
        assert "You have added 1 person with parental responsibility" in page.get_by_role("main").inner_text()
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        checked(page)
        save(page)  # other people at home: optional

        section(page, "Social care and other agencies")
        checked(page)
        save(page)  # none of these apply
        checked(page)
        page.get_by_label("Yes", exact=True).check()
        save(page)
        checked(page)  # shown because they have a social worker
        page.get_by_label("Social worker's name").fill("Pat Social")
        save(page)

        section(page, "School, college or early years setting")
        checked(page)
        page.get_by_label(re.compile("^Name of the school")).fill("Castle Primary School")
        page.get_by_label("Full time").check()
        page.get_by_label(re.compile("^Attendance this school year")).fill("92")
        save(page)
        checked(page)
        save(page)

        # A professional, with their report uploaded.
        section(page, "Professionals and their reports")
        checked(page)
        page.get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        checked(page)
        page.get_by_label("Their name").fill("Dr Priya Shah")
        page.get_by_label("Their role").fill("Educational psychologist")
        page.get_by_label(re.compile("^Their report")).set_input_files(
            {"name": "ep-report.pdf", "mimeType": "application/pdf", "buffer": small_pdf("EP report")}
        )
        save(page)
        checked(page)
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        checked(page)
        page.get_by_label(re.compile("^Support the child has already had")).fill("A reading group twice a week.")
        save(page)
        # Any other document that would help (issue 19, item 11): a letter from the paediatrician.
        checked(page)
        page.get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        checked(page)
        page.get_by_label(re.compile("^What the document is")).fill("Letter from the paediatrician")
        page.get_by_label(re.compile("^The document")).set_input_files(
            {"name": "paediatrician.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Letter")}
        )
        save(page)
        checked(page)
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()

        section(page, "Views")
        checked(page)
        page.get_by_label(re.compile("^Your views")).fill("An assessment of speech and language needs.")
        save(page)
        checked(page)
        page.get_by_label(re.compile("^The child's or young person's views")).fill("I would like help with words.")
        save(page)

        section(page, "Consent to share information")
        checked(page)
        page.get_by_label("The child's school, college or setting").check()
        page.get_by_label(re.compile("^Health services")).check()
        save(page)
        checked(page)
        save(page)
        checked(page)
        page.get_by_label("No", exact=True).check()
        save(page)
        checked(page)
        assert "You have completed every section" in page.get_by_role("main").inner_text()

        page.get_by_role("link", name="Check your answers and send").click()
        checked(page)
        answers = page.get_by_role("main").inner_text()
        for shown in (
            "Robin",
            last_name,
            "Year 4",
            "TA1 4DY",
            "Full name: Jo Fell",  # each added person with every answer (issue 19, item 16)
            "Relationship to the child: Mother",
            "Pat Social",
            "92%",
            "Their name: Dr Priya Shah",
            "Their role: Educational psychologist",
            "Their report: ep-report.pdf",
            "Health services",
        ):
            assert shown in answers, shown
        assert "Alex Fell" not in answers
        page.get_by_role("button", name="Continue").click()
        checked(page)
        page.get_by_role("button", name="Accept and send").click()
        checked(page)  # the errors: the declaration not confirmed
        assert "Confirm the declaration to send the form" in errors(page)
        page.get_by_label(re.compile("^I confirm that the information I have given is correct")).check()
        # The day it was sent, read either side of sending (a journey may cross midnight).
        sent_on = {timezone.localdate()}
        page.get_by_role("button", name="Accept and send").click()
        sent_on.add(timezone.localdate())
        checked(page)
        assert heading(page) == "Appendix A sent"
        sent = committed(sent_form, slug=SOMERSET.slug, reference=reference)
        assert sent["reference"] in page.locator(".govuk-panel").inner_text()
        assert "within 6 weeks whether to carry out an EHC needs assessment" in page.get_by_role("main").inner_text()

        # The request opened an assessment: the 20-week clock started the day it was sent.
        received_on = sent["started_on"]
        assert (sent["case_kind"], received_on in sent_on, sent["cases"]) == (CaseKind.ASSESSMENT, True, 1)
        assert sent["next_deadline"] == received_on + timedelta(weeks=6)
        assert sent["files"] == ["ep-report.pdf", "paediatrician.pdf"]
        assert sent["alerts"] == [
            (["send.assessment-hub@somerset.localhost"], f"Appendix A received: case {sent['case_reference']}")
        ]
        assert [p["name"] for p in sent["answers"]["parental_responsibility"]] == ["Jo Fell"]
        page.context.close()

        # --- The SEND team sees it on the case.
        staff = signed_in_context(new_context, base, ids["staff_session"]).new_page()
        staff.goto(f"{base}staff/cases/{sent['case']}/")
        assert_accessible(staff)
        received = staff.locator(".govuk-summary-list__row", has_text="Date the request was received").inner_text()
        assert f"{received_on.day} {received_on:%B %Y}" in received
        forms = staff.locator("#submissions")
        assert f"Appendix A {sent['reference']}" in forms.inner_text()
        forms.get_by_role("link", name=f"Appendix A {sent['reference']}").click()
        assert_accessible(staff)
        shown = staff.get_by_role("main").inner_text()
        assert "A parent, on the child's behalf" in shown and "Dr Priya Shah" in shown and "ep-report.pdf" in shown
        assert "Letter from the paediatrician" in shown and "paediatrician.pdf" in shown
        with staff.expect_download() as download:
            staff.get_by_role("link", name=re.compile("^Download the PDF")).click()
        assert download.value.suggested_filename == f"{sent['reference']}.pdf"
    finally:
        committed(forms_rows_remove, slug=SOMERSET.slug, emails=[family_email, staff_email], references=[reference])


# --- Cumbria: Section A with JavaScript turned off ------------------------------------------------


def test_a_cumbria_family_completes_section_a_without_javascript(committed, new_context, live_server_url):
    base = live_server_url(CUMBRIA.domain)
    family_email, staff_email = f"{unique('family')}@example.org", f"{unique('caseworker')}@example.org"
    reference = unique("FORM").upper()
    last_name = letters_only(uuid.uuid4().hex[:8])
    ids = committed(
        people_create,
        slug=CUMBRIA.slug,
        family_email=family_email,
        staff_email=staff_email,
        reference=reference,
        last_name=last_name,
        open_case=True,
    )
    try:
        context = signed_in_context(new_context, base, ids["family_session"], java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}send/forms/")
        page.get_by_role("link", name=re.compile(r"^Section A: the views")).click()
        page.get_by_role("button", name="Start now").click()
        assert heading(page).startswith("Section A")

        section(page, "Who is speaking")
        save(page)
        assert "Select an answer: Who is writing these answers?" in errors(page)
        page.get_by_label("A parent or carer, writing down what the child or young person told them").check()
        save(page)
        page.get_by_label("Your full name").fill("Jo Fell")
        page.get_by_label("Your relationship to the child or young person").fill("Mum")
        save(page)

        section(page, "About me")
        page.get_by_label("What people like and admire about me").fill(
            "I\N{RIGHT SINGLE QUOTATION MARK}m funny and kind."
        )
        save(page)
        page.get_by_label("What is important to me now and in the future").fill("My dog, football and my gran.")
        save(page)
        save(page)  # hopes and dreams: optional

        section(page, "How best to support me")
        page.get_by_label("Pictures or symbols").check()
        save(page)
        page.get_by_label(re.compile("^How best to support me to take part")).fill("Give me time to answer.")
        save(page)

        section(page, "How things are going")
        for label, answer in (
            ("What is going well", "Reading with my teaching assistant."),
            ("What is not going so well", "Busy playtimes."),
            ("What might help", "A quiet space at lunch."),
        ):
            page.get_by_label(label).fill(answer)
            save(page)

        # "Add another" twice, and a drawing uploaded: all without JavaScript.
        section(page, "My story")
        save(page)
        page.get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Their name").fill("Gran")
        page.get_by_label("Who they are to me").fill("My grandmother")
        save(page)
        page.get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Their name").fill("Miss Lake")
        page.get_by_label("Who they are to me").fill("My teaching assistant")
        save(page)
        assert "You have added 2 people" in page.get_by_role("main").inner_text()
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label(re.compile("^Upload a one-page profile")).set_input_files(
            {"name": "my-drawing.png", "mimeType": "image/png", "buffer": PNG}
        )
        save(page)
        assert "You have completed every section" in page.get_by_role("main").inner_text()

        page.get_by_role("link", name="Check your answers and send").click()
        answers = page.get_by_role("main").inner_text()
        assert "Their name: Gran" in answers and "Who they are to me: My grandmother" in answers
        assert "my-drawing.png (PNG," in answers
        page.get_by_role("link", name=re.compile("^Change.*what is going well", re.I)).click()
        page.get_by_label("What is going well").fill("Reading, and swimming on Fridays.")
        save(page)
        assert page.url.endswith("/check/")
        assert "swimming on Fridays" in page.get_by_role("main").inner_text()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label(re.compile("^I confirm that these are the views")).check()
        page.get_by_role("button", name="Accept and send").click()
        assert heading(page) == "Section A sent"
        sent = committed(sent_form, slug=CUMBRIA.slug, reference=reference)
        assert sent["reference"] in page.locator(".govuk-panel").inner_text()
        # Section A joins the assessment under way: no new case, the clock unchanged.
        assert sent["cases"] == 1 and sent["case_kind"] == CaseKind.ASSESSMENT
        assert sent["started_on"] == timezone.localdate() - timedelta(days=14)
        assert sent["files"] == ["my-drawing.png"]
        assert [p["name"] for p in sent["answers"]["important_people"]] == ["Gran", "Miss Lake"]
        assert sent["alerts"] == [
            (["send.carlisle-eden@cumbria.localhost"], f"Section A received: case {sent['case_reference']}")
        ]
        context.close()

        # --- The SEND team sees it on the case, with its answers, the file and the PDF.
        staff = signed_in_context(new_context, base, ids["staff_session"]).new_page()
        staff.goto(f"{base}staff/cases/{sent['case']}/")
        assert_accessible(staff)
        staff.locator("#submissions").get_by_role("link", name=f"Section A {sent['reference']}").click()
        assert_accessible(staff)
        shown = staff.get_by_role("main").inner_text()
        assert "I\N{RIGHT SINGLE QUOTATION MARK}m funny and kind." in shown and "Miss Lake" in shown
        with staff.expect_download() as download:
            staff.get_by_role("link", name=re.compile("^my-drawing.png")).click()
        assert download.value.suggested_filename == "my-drawing.png"
    finally:
        committed(forms_rows_remove, slug=CUMBRIA.slug, emails=[family_email, staff_email], references=[reference])
