"""Issue 14's journeys on both demo councils. Advice: the SEND team asks a school and the
educational psychology service for advice from the case page; the school's admin invites
a colleague, who joins, takes the request and sends the advice with a file (on time); the
EP service declines; the SEND team sees both on the case; the family sees who was asked
and what arrived. An annual review: the school books the meeting, invites the family,
shares the reports and sends its report; the council decides; the family sees each step on
time or late. Every page is checked with axe; the professionals' pages also at 320 px."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from casework.models import (
    CaseKind,
    ChildAccess,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    Relationship,
    StaffRole,
)
from casework.services.cases import case_open, milestone_record
from casework.services.children import child_create
from citizen.accounts.models import Account
from tenants.models import Council, ServiceArea

from .axe import assert_accessible
from .test_family_journey import NARROW, family_member_create, reflows
from .test_forms_journeys import forms_rows_remove
from .test_sign_in_journey import PASSWORD, latest_email_to
from .test_staff_journey import (
    letters_only,
    small_pdf,
    staff_member_create,
    staff_sign_in,
    two_step_set_up,
    unique,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


def child_with_family(*, slug: str, emails: dict, reference: str, last_name: str, admins: tuple[str, ...]):
    """The caseworker, a parent, the organisations' admins (accounts with the shared
    password) and a child the parent can see, in the council: (caseworker, child, admins)."""
    today = timezone.localdate()
    worker_id = staff_member_create(
        slug=slug, email=emails["worker"], role=StaffRole.CASEWORKER, first_name="Casey", last_name="Worker"
    )
    family_id = family_member_create(email=emails["family"])
    accounts = {
        who: Account.objects.create_user(
            emails[who],
            PASSWORD,
            first_name=who.title(),
            last_name="Admin",
            is_active=True,
            email_verified_at=timezone.now(),
        )
        for who in admins
    }
    council = Council.objects.get(slug=slug)
    with tenant_context(council):
        worker = Account.objects.get(pk=worker_id)
        child = child_create(
            legal_first_name="Robin",
            legal_last_name=last_name,
            date_of_birth=today.replace(year=today.year - 9, day=min(today.day, 28)),
            setting="Fellside Primary School",
            council_reference=reference,
            service_area=ServiceArea.objects.filter(council=council).first(),
            actor=worker,
        )
        ChildAccess.objects.create(child=child, account_id=family_id, relationship=Relationship.PARENT)
    return worker, child, accounts


def world_create(*, slug: str, emails: dict, reference: str, last_name: str, names: dict) -> int:
    """A case waiting for advice (decided 'yes' 5 days ago) with a parent, and the two
    organisations with their admins. Returns the case's id."""
    today = timezone.localdate()
    worker, child, admins = child_with_family(
        slug=slug, emails=emails, reference=reference, last_name=last_name, admins=("head", "ep")
    )
    with tenant_context(Council.objects.get(slug=slug)):
        case = case_open(
            child=child,
            kind=CaseKind.ASSESSMENT,
            started_on=today - timedelta(days=10),
            caseworker=worker,
            actor=worker,
        )
        milestone_record(
            case=case,
            key="decided_whether_to_assess",
            occurred_on=today - timedelta(days=5),
            outcome="yes",
            actor=worker,
        )
        school = Organisation.objects.create(name=names["school"], kind="school", contact_email=emails["school"])
        service = Organisation.objects.create(
            name=names["service"], kind="educational_psychology", contact_email=emails["service"]
        )
        OrganisationMembership.objects.create(organisation=school, account=admins["head"], is_admin=True)
        OrganisationMembership.objects.create(organisation=service, account=admins["ep"], is_admin=True)
    return case.pk


def world_remove(*, slug: str, emails: list[str], reference: str, names: list[str]) -> None:
    forms_rows_remove(slug=slug, emails=emails, references=[reference])  # the advice form, then the rest
    with tenant_context(Council.objects.get(slug=slug)):
        organisations = Organisation.objects.filter(name__in=names)
        OrganisationInvitation.objects.filter(organisation__in=organisations).delete()
        OrganisationMembership.objects.filter(Q(organisation__in=organisations)).delete()
        organisations.delete()


def fill_in_the_form(page) -> None:
    """From the task list, every section in turn: each text box answered (a number box
    with 90), "Yes" where asked (else the first choice), the report attached, "Save and
    continue" until the task list says all is done. The first page is checked with axe
    and at 320 px."""
    checked = False
    while "You have completed every section" not in page.get_by_role("main").inner_text():
        with page.expect_navigation():  # each page read whole before its boxes are counted
            page.locator(".govuk-task-list__item--with-link").filter(has_not_text="Completed").first.get_by_role(
                "link"
            ).first.click()
        while "/pages/" in page.url:
            if not checked:
                reflows(page)
                assert_accessible(page)
                checked = True
            for box in page.locator("main textarea, main input.govuk-input").all():
                numeric = box.get_attribute("inputmode") == "numeric"
                box.fill("90" if numeric else "Robin learns best with visual supports and short tasks.")
            groups = page.eval_on_selector_all("main input[type=radio]", "all => [...new Set(all.map(r => r.name))]")
            for name in groups:
                choices = page.locator(f"main input[type=radio][name='{name}']")
                yes = page.locator(f"main input[type=radio][name='{name}'][value=yes]")
                (yes if yes.count() else choices.first).check()
            for file_box in page.locator("main input[type=file]").all():
                file_box.set_input_files(
                    {"name": "advice.pdf", "mimeType": "application/pdf", "buffer": small_pdf("School advice")}
                )
            with page.expect_navigation():
                page.get_by_role("button", name="Save and continue").click()
            assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()


def professional_sign_in(page, base: str, email: str) -> None:
    staff_sign_in(page, base, email, path="professionals/")
    reflows(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Requests for advice"


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_staff_ask_a_school_and_the_ep_service_the_school_answers_the_ep_service_declines(
    debug, committed, new_context, live_server_url, demo
):
    base = live_server_url(demo.domain)
    emails = {
        who: f"{unique(who)}@example.org"
        for who in ("worker", "family", "head", "ep", "colleague", "school", "service")
    }
    reference = unique("ADV").upper()
    last_name = letters_only(uuid.uuid4().hex[:8])
    tag = letters_only(uuid.uuid4().hex[:6])
    names = {"school": f"Fellside School {tag}", "service": f"EP Service {tag}"}
    case_id = committed(
        world_create, slug=demo.slug, emails=emails, reference=reference, last_name=last_name, names=names
    )
    due = (timezone.localdate() + timedelta(weeks=6)).strftime("%-d %B %Y")
    try:
        # --- The SEND team asks both organisations from the case page.
        staff = new_context().new_page()
        staff_sign_in(staff, base, emails["worker"], path=f"staff/cases/{case_id}/")
        staff.get_by_role("link", name="Ask an organisation for advice through the portal").click()
        assert_accessible(staff)
        staff.get_by_role("button", name="Send the request").click()  # nothing chosen: told what is missing
        assert_accessible(staff)
        assert "Choose who to ask for advice" in staff.locator(".govuk-error-summary").inner_text()
        staff.get_by_label(re.compile(f"^{names['school']}")).check()
        staff.get_by_label(re.compile(f"^{names['service']}")).check()
        staff.get_by_label("Educational advice").check()
        staff.get_by_label("What should the advice cover?").fill("How Robin learns best and what helps in class")
        staff.get_by_label("The family has agreed to this advice being asked for").check()
        staff.get_by_role("button", name="Send the request").click()
        assert_accessible(staff)
        assert "Advice asked of" in staff.get_by_role("alert").inner_text()
        school_email = latest_email_to(staff, base, emails["school"])
        assert "Robin" not in school_email["body"] and last_name not in school_email["body"]

        # --- The school's admin invites a colleague.
        head = new_context(viewport=NARROW).new_page()
        professional_sign_in(head, base, emails["head"])
        assert_accessible(head)
        assert f"Robin {last_name}" in head.get_by_role("main").inner_text()
        head.get_by_role("link", name=f"People at {names['school']}").click()
        reflows(head)
        assert_accessible(head)
        head.get_by_label("Email address").fill(emails["colleague"])
        head.get_by_role("button", name="Send the invitation").click()
        assert_accessible(head)
        assert f"Invitation sent to {emails['colleague']}" in head.get_by_role("alert").inner_text()
        head.context.close()

        # --- The colleague joins, takes the request and sends the advice with a file.
        link = re.search(
            r"https?://\S+/professionals/invitations/\S+/", latest_email_to(staff, base, emails["colleague"])["body"]
        ).group(0)
        colleague = new_context(viewport=NARROW).new_page()
        colleague.goto(link)
        reflows(colleague)
        assert_accessible(colleague)
        colleague.fill("#id_first_name", "Kim")
        colleague.fill("#id_last_name", "Senco")
        colleague.fill("#id_password", PASSWORD)
        colleague.fill("#id_password_confirm", PASSWORD)
        colleague.get_by_role("button", name=f"Create account and join {names['school']}").click()
        two_step_set_up(colleague, base, emails["colleague"])
        assert colleague.url.endswith("/professionals/"), colleague.url
        reflows(colleague)
        assert_accessible(colleague)
        colleague.get_by_role("link", name=re.compile(f"^Robin {last_name}")).click()
        reflows(colleague)
        assert_accessible(colleague)
        assert f"Due by {due}" in colleague.get_by_role("main").inner_text()
        colleague.get_by_role("button", name="Take this request").click()
        assert "You have taken this request" in colleague.get_by_role("alert").inner_text()
        colleague.get_by_role("button", name="Fill in the advice form").click()
        fill_in_the_form(colleague)
        colleague.get_by_role("link", name="Check your answers and send").click()
        reflows(colleague)
        assert_accessible(colleague)
        colleague.get_by_role("button", name="Continue").click()
        colleague.get_by_label(re.compile("^I confirm that this advice is accurate")).check()
        colleague.get_by_role("button", name="Accept and send").click()
        reflows(colleague)
        assert_accessible(colleague)
        assert "Your advice has been sent" in colleague.get_by_role("alert").inner_text()
        assert "on time" in colleague.get_by_role("main").inner_text()
        colleague.context.close()

        # --- The EP service declines.
        ep = new_context(viewport=NARROW).new_page()
        professional_sign_in(ep, base, emails["ep"])
        ep.get_by_role("link", name=re.compile(f"^Robin {last_name}")).click()
        ep.get_by_role("link", name="Decline the request").click()
        reflows(ep)
        assert_accessible(ep)
        ep.get_by_role("button", name="Decline the request").click()
        assert "Enter why your organisation cannot give this advice" in ep.locator(".govuk-error-summary").inner_text()
        ep.get_by_label("Why can your organisation not give this advice?").fill("Robin is not known to us")
        ep.get_by_role("button", name="Decline the request").click()
        assert "The SEND team has been told" in ep.get_by_role("alert").inner_text()
        ep.context.close()

        # --- The SEND team sees both on the case.
        staff.reload()
        assert_accessible(staff)
        advice = staff.locator("#advice").inner_text()
        assert "Declined" in advice and "Robin is not known to us" in advice
        assert re.search(r"Advice form FS-\d{4}-\d+", advice), advice
        staff.context.close()

        # --- The family sees who was asked and what arrived.
        family = new_context(viewport=NARROW).new_page()
        staff_sign_in(family, base, emails["family"], path=f"send/cases/{case_id}/")
        reflows(family)
        assert_accessible(family)
        page = family.get_by_role("main").inner_text()
        assert f"Advice from {names['school']}" in page
        assert f"Advice from {names['service']}" not in page  # declined: no advice is coming from it
    finally:
        committed(
            world_remove,
            slug=demo.slug,
            emails=list(emails.values()),
            reference=reference,
            names=list(names.values()),
        )


def review_create(*, slug: str, emails: dict, reference: str, last_name: str, names: dict) -> int:
    """A child with a plan (issued 11 months ago) whose annual review is due, a parent,
    the school with its admin; the review given to the school. Returns the case's id."""
    from casework.services.reviews import review_setting_set

    worker, child, admins = child_with_family(
        slug=slug, emails=emails, reference=reference, last_name=last_name, admins=("head",)
    )
    with tenant_context(Council.objects.get(slug=slug)):
        case = case_open(
            child=child,
            kind=CaseKind.ANNUAL_REVIEW,
            started_on=timezone.localdate() - timedelta(days=330),
            caseworker=worker,
            actor=worker,
        )
        school = Organisation.objects.create(name=names["school"], kind="school", contact_email=emails["school"])
        OrganisationMembership.objects.create(organisation=school, account=admins["head"], is_admin=True)
        review_setting_set(case=case, organisation=school, actor=worker, actor_role="caseworker")
    return case.pk


def record_review_step(page, label: str, day) -> None:
    page.get_by_role("link", name=label).click()
    reflows(page)
    assert_accessible(page)
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        page.fill(f"input[name=occurred_on_{part}]", str(value))


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_the_school_runs_an_annual_review_and_the_council_decides_on_time(
    debug, committed, new_context, live_server_url, demo
):
    base = live_server_url(demo.domain)
    emails = {who: f"{unique(who)}@example.org" for who in ("worker", "family", "head", "school")}
    reference = unique("REV").upper()
    last_name = letters_only(uuid.uuid4().hex[:8])
    names = {"school": f"Fellside School {letters_only(uuid.uuid4().hex[:6])}"}
    case_id = committed(
        review_create, slug=demo.slug, emails=emails, reference=reference, last_name=last_name, names=names
    )
    today = timezone.localdate()
    meeting = today - timedelta(days=3)
    try:
        # --- The school: the meeting, the invitation, the reports, the report.
        head = new_context(viewport=NARROW).new_page()
        professional_sign_in(head, base, emails["head"])
        head.get_by_role("link", name=re.compile(f"^Robin {last_name}")).click()
        reflows(head)
        assert_accessible(head)
        record_review_step(head, "Review meeting booked or held", meeting)
        head.get_by_role("button", name="Record it").click()
        assert "Recorded: Review meeting booked or held" in head.get_by_role("alert").inner_text()
        record_review_step(head, "Notice of the meeting sent", meeting - timedelta(days=15))
        head.get_by_role("button", name="Record it").click()
        record_review_step(head, "Reports shared before the meeting", meeting - timedelta(days=14))
        head.get_by_role("button", name="Record it").click()
        # The report, through the council's form for it; sent today, 3 days after the meeting.
        head.get_by_role("button", name="Fill in the review report").click()
        fill_in_the_form(head)
        head.get_by_role("link", name="Check your answers and send").click()
        assert_accessible(head)
        assert "Keep the plan as it is" in head.get_by_role("main").inner_text()
        head.get_by_role("button", name="Continue").click()
        assert_accessible(head)
        head.get_by_label(re.compile("^I confirm that this report is an accurate record")).check()
        head.get_by_role("button", name="Accept and send").click()
        reflows(head)
        assert_accessible(head)
        assert "The review report has been sent to the SEND team" in head.get_by_role("alert").inner_text()
        steps = head.get_by_role("main").inner_text()
        assert "Fill in the review report" not in steps and "on time" in steps.lower(), steps
        head.context.close()

        # --- The council decides.
        staff = new_context().new_page()
        staff_sign_in(staff, base, emails["worker"], path=f"staff/cases/{case_id}/")
        assert names["school"] in staff.locator("#review-setting").inner_text()
        staff.locator("#record").get_by_role("link", name=re.compile("^Decision sent")).click()
        for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
            staff.fill(f"input[name=occurred_on_{part}]", str(value))
        staff.get_by_label("Keep the plan as it is").check()
        staff.get_by_role("button", name="Record this step").click()
        assert_accessible(staff)
        staff.context.close()

        # --- The family sees each step, on time or late.
        family = new_context(viewport=NARROW).new_page()
        staff_sign_in(family, base, emails["family"], path=f"send/cases/{case_id}/")
        reflows(family)
        assert_accessible(family)
        progress = family.get_by_role("main").inner_text()
        assert "Decision: keep, change or end the plan" in progress
        assert "on time" in progress.lower()
    finally:
        committed(
            world_remove,
            slug=demo.slug,
            emails=list(emails.values()),
            reference=reference,
            names=list(names.values()),
        )


def last_years_review_create(*, slug: str, emails: dict, reference: str, last_name: str, names: dict) -> None:
    """A child whose plan was issued 2 years ago; last year's review was given to the
    school (naming it the child's setting), met 340 days ago and closed; the council lets
    settings open reviews."""
    from casework.models import Milestone
    from casework.services.reviews import review_setting_set

    today = timezone.localdate()
    worker, child, admins = child_with_family(
        slug=slug, emails=emails, reference=reference, last_name=last_name, admins=("head",)
    )
    council = Council.objects.get(slug=slug)
    with tenant_context(council):
        case = case_open(child=child, kind=CaseKind.ANNUAL_REVIEW, started_on=today - timedelta(days=700), actor=worker)
        school = Organisation.objects.create(name=names["school"], kind="school", contact_email=emails["school"])
        OrganisationMembership.objects.create(organisation=school, account=admins["head"], is_admin=True)
        review_setting_set(case=case, organisation=school, actor=worker, actor_role="caseworker")
        Milestone.objects.create(case=case, key="meeting", occurred_on=today - timedelta(days=340))
        case.closed_on = today - timedelta(days=300)
        case.save(update_fields=["closed_on"])
    council_allows(slug=slug, allowed=True)


def council_allows(*, slug: str, allowed: bool) -> None:
    council = Council.objects.get(slug=slug)
    council.settings_open_reviews = allowed
    council.save(update_fields=["settings_open_reviews"])  # every process forgets its cached council


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_where_the_council_allows_it_the_school_opens_the_childs_next_review_itself(
    debug, committed, new_context, live_server_url, demo
):
    base = live_server_url(demo.domain)
    emails = {who: f"{unique(who)}@example.org" for who in ("worker", "family", "head", "school")}
    reference = unique("NXT").upper()
    last_name = letters_only(uuid.uuid4().hex[:8])
    names = {"school": f"Fellside School {letters_only(uuid.uuid4().hex[:6])}"}
    committed(
        last_years_review_create, slug=demo.slug, emails=emails, reference=reference, last_name=last_name, names=names
    )
    try:
        head = new_context(viewport=NARROW).new_page()
        professional_sign_in(head, base, emails["head"])
        reflows(head)
        assert_accessible(head)
        tray = head.get_by_role("main").inner_text()
        assert "Annual reviews you can open" in tray and f"Robin {last_name}" in tray
        head.get_by_role("button", name=f"Open the review for Robin {last_name}").click()
        reflows(head)
        assert_accessible(head)
        assert "You have opened the annual review" in head.get_by_role("alert").inner_text()
        assert "Review meeting booked or held" in head.get_by_role("main").inner_text()
        head.context.close()
    finally:
        committed(council_allows, slug=demo.slug, allowed=False)
        committed(
            world_remove,
            slug=demo.slug,
            emails=list(emails.values()),
            reference=reference,
            names=list(names.values()),
        )
