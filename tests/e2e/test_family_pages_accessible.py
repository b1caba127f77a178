"""Every page of the family's SEND area, on Cumbria, in a real browser: each passes
axe-core (WCAG 2.2 A/AA) and reflows at 320 pixels wide with no sideways scrolling
(WCAG 1.4.10); forms sent wrong show the error summary and still pass; sending files
works without JavaScript (one form, each refused file explained) and with it (each file's
progress and result).

The family's case has something in every section: a decision, an exception, a draft plan
in its reply window with a reply, documents both ways, messages, staff views, and a young
person who removed a parent. Its rows are committed on a thread of their own (the live
server sees only committed rows) and removed after the module. The family members are
signed in by a session made for them (signing in through the pages is the sign-in
journey's test), with two-step verification done."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework import clock
from casework.demo import CUMBRIA
from casework.models import CaseKind, ChildAccess, Document, Relationship, StaffRole
from casework.services.access import access_request_ask, access_request_create
from casework.services.audit import audit_record
from casework.services.cases import case_exception_record, case_open, case_view_record, milestone_record
from casework.services.children import child_create
from casework.services.documents import document_share, document_upload
from casework.services.messages import message_post
from citizen.accounts.models import Account, EmailCodeDevice
from citizen.services_family import draft_plan_reply_create, young_person_sharing_choose
from tenants.models import Council, ServiceArea, StageExplanation

from .axe import assert_accessible
from .test_sign_in_journey import PASSWORD
from .test_staff_journey import (
    CommittedDatabase,
    committed_rows_remove,
    letters_only,
    small_pdf,
    staff_member_create,
    unique,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

COUNCIL_WORDS = "Our SEND panel meets every Thursday to decide."


def family_pages_data_create(*, slug: str, emails: SimpleNamespace, reference: str) -> dict:
    """The rows the family's pages show, made through the services, and the ids the
    pages' addresses need."""
    today = timezone.localdate()
    caseworker_id = staff_member_create(
        slug=slug, email=emails.caseworker, role=StaffRole.CASEWORKER, first_name="Sam", last_name="Rivers"
    )
    people = {}
    for who, (first, last) in {
        "parent": ("Jo", "Fell"),
        "young": ("Robin", "Fell"),
        "removed": ("Alex", "Fell"),
        "waiting": ("Kit", "Moss"),
    }.items():
        people[who] = Account.objects.create_user(
            getattr(emails, who),
            PASSWORD,
            first_name=first,
            last_name=last,
            is_active=True,
            email_verified_at=timezone.now(),
            address_line_1="1 Castle Street",
            town="Carlisle",
            postcode="CA3 8QG",
        )
    council = Council.objects.get(slug=slug)
    StageExplanation.objects.update_or_create(
        council=council,
        case_kind=CaseKind.ASSESSMENT,
        stage_key="decision_to_assess",
        defaults={"text": COUNCIL_WORDS},
    )
    with tenant_context(council):
        caseworker = Account.objects.get(pk=caseworker_id)
        who = {"actor": caseworker, "actor_role": StaffRole.CASEWORKER}
        child = child_create(
            legal_first_name="Robin",
            legal_last_name=letters_only(uuid.uuid4().hex[:8]),
            date_of_birth=today.replace(year=today.year - 17, day=min(today.day, 28)),
            setting="Fellside College",
            service_area=ServiceArea.objects.filter(council=council).first(),
            council_reference=reference,
            actor=caseworker,
        )
        parent = ChildAccess.objects.create(child=child, account=people["parent"], relationship=Relationship.PARENT)
        young = ChildAccess.objects.create(child=child, account=people["young"], relationship=Relationship.YOUNG_PERSON)
        removed = ChildAccess.objects.create(child=child, account=people["removed"], relationship=Relationship.PARENT)
        young_person_sharing_choose(young_person=young, access=removed, keep=False)
        case = case_open(
            child=child, kind=CaseKind.ASSESSMENT, started_on=today - timedelta(days=60), caseworker=caseworker, **who
        )
        case_exception_record(
            case=case,
            reason=clock.ExceptionReason.PERSONAL_CIRCUMSTANCES.value,
            start=today - timedelta(days=55),
            end=today - timedelta(days=50),
            details="Private: the family was in hospital",
            **who,
        )
        milestone_record(
            case=case, key="decided_whether_to_assess", occurred_on=today - timedelta(days=40), outcome="yes", **who
        )
        milestone_record(case=case, key="draft_served", occurred_on=today - timedelta(days=3), **who)
        draft = document_upload(
            case=case,
            kind=Document.Kind.DRAFT_PLAN,
            title="Draft EHC plan for Robin, with a long title that has to wrap on a narrow phone screen",
            upload=ContentFile(small_pdf("Draft plan"), name="draft.pdf"),
            **who,
        )
        document_share(document=draft, **who)
        document_upload(
            case=case,
            kind=Document.Kind.FAMILY_UPLOAD,
            title="speech-and-language-therapy-report-from-the-community-health-team-2026.pdf",
            upload=ContentFile(small_pdf("Report"), name="report.pdf"),
            actor=people["parent"],
            actor_role="family",
        )
        message_post(case=case, author=people["parent"], from_send_team=False, body="When is the panel?")
        message_post(case=case, author=caseworker, from_send_team=True, body="Next Thursday.", actor_role="caseworker")
        draft_plan_reply_create(
            case=case, account=people["parent"], response="comments", comments="Please add speech therapy."
        )
        case_view_record(case=case, **who)
        audit_record(actor=None, actor_role="api", action="viewed", subject="case", subject_id=case.pk, case=case)
        access_request = access_request_create(
            account=people["waiting"],
            relationship=Relationship.CARER,
            child_first_name="Robin",
            child_last_name=child.legal_last_name,
            child_date_of_birth=child.date_of_birth,
        )
        access_request_ask(
            access_request=access_request,
            question="Please send a letter that shows you care for Robin.",
            document_requested=True,
            actor=caseworker,
        )
        return {
            "child": child.pk,
            "case": case.pk,
            "parent_access": parent.pk,
            "access_request": access_request.pk,
        }


def session_for(*, slug: str, email: str) -> str:
    """A session on the council's site for the account, with two-step verification done
    (what signing in and entering the code leave behind): its cookie's value."""
    account = Account.objects.get(email=email)
    device, _ = EmailCodeDevice.objects.get_or_create(user=account, defaults={"name": "Email", "confirmed": True})
    client = Client(HTTP_HOST=CUMBRIA.domain)
    with tenant_context(Council.objects.get(slug=slug)):
        client.force_login(account)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return session.session_key


def family_rows_remove(*, slug: str, emails: list[str], reference: str) -> None:
    StageExplanation.objects.filter(
        council__slug=slug, case_kind=CaseKind.ASSESSMENT, stage_key="decision_to_assess", text=COUNCIL_WORDS
    ).delete()
    committed_rows_remove(slug=slug, emails=emails, references=[reference])


@pytest.fixture(scope="module")
def family(browser, live_server_url, django_db_blocker):
    base = live_server_url(CUMBRIA.domain)
    emails = SimpleNamespace(
        **{who: f"{unique(who)}@example.org" for who in ("caseworker", "parent", "young", "removed", "waiting")}
    )
    reference = unique("E2E-F").upper()
    committed = CommittedDatabase()
    try:
        with django_db_blocker.unblock():
            ids = committed(family_pages_data_create, slug=CUMBRIA.slug, emails=emails, reference=reference)
            sessions = {
                who: committed(session_for, slug=CUMBRIA.slug, email=getattr(emails, who))
                for who in ("parent", "young", "waiting")
            }
        yield SimpleNamespace(base=base, ids=ids, sessions=sessions)
    finally:
        with django_db_blocker.unblock():
            try:
                committed(
                    family_rows_remove, slug=CUMBRIA.slug, emails=list(vars(emails).values()), reference=reference
                )
            finally:
                committed.close()


@pytest.fixture
def open_as(browser, family):
    """`open_as("parent", **context options)`: a page signed in as that family member."""
    contexts = []

    def _open(who: str, **options):
        context = browser.new_context(**options)
        contexts.append(context)
        context.add_cookies([{"name": "sessionid", "value": family.sessions[who], "url": family.base}])
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def visit(family, page, path: str) -> None:
    url = family.base + path.lstrip("/").format(**family.ids)
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert page.url.split("?")[0] == url.split("?")[0], f"{url} went on to {page.url}"


def no_sideways_scrolling(page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways at 320 px: {widths}"


PAGES = {
    "home": ("parent", "/send/"),
    "child-add": ("parent", "/send/children/add/"),
    "alerts": ("parent", "/send/emails/"),
    "child": ("parent", "/send/children/{child}/"),
    "child-seen": ("parent", "/send/children/{child}/who-has-seen/"),
    "child-records": ("parent", "/send/children/{child}/records/"),
    "case": ("parent", "/send/cases/{case}/"),
    "case-reply": ("parent", "/send/cases/{case}/reply/"),
    "case-documents": ("parent", "/send/cases/{case}/documents/"),
    "case-messages": ("parent", "/send/cases/{case}/messages/"),
    "case-printed-copy": ("parent", "/send/cases/{case}/printed-copy/"),
    "young-person-home": ("young", "/send/"),
    "child-sharing": ("young", "/send/children/{child}/sharing/"),
    "child-sharing-choose": ("young", "/send/children/{child}/sharing/{parent_access}/"),
    "waiting-home": ("waiting", "/send/"),
    "access-request": ("waiting", "/send/requests/{access_request}/"),
}


@pytest.mark.parametrize(("who", "path"), PAGES.values(), ids=PAGES.keys())
def test_family_page_is_accessible_and_reflows_at_320_pixels(family, open_as, who, path):
    page = open_as(who)
    visit(family, page, path)
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    no_sideways_scrolling(page)


def test_the_case_page_shows_the_councils_words_and_never_the_private_note(family, open_as):
    page = open_as("parent")
    visit(family, page, "/send/cases/{case}/")
    main = page.get_by_role("main").inner_text()
    assert COUNCIL_WORDS in main
    assert "exceptional personal circumstances" in main
    assert "hospital" not in page.content().lower()


# A form sent wrong (nothing is saved): who, the page, what to do first, the button.
BAD_POSTS = {
    "child-add": (
        "parent",
        "/send/children/add/",
        lambda page: page.fill("input[name=child_date_of_birth_day]", "31"),
        "Send the request",
    ),
    "case-reply": ("parent", "/send/cases/{case}/reply/", lambda page: None, "Send your reply"),
    "case-messages": ("parent", "/send/cases/{case}/messages/", lambda page: None, "Send message"),
    "case-documents": ("parent", "/send/cases/{case}/documents/", lambda page: None, "Send the files"),
    "child-sharing-choose": (
        "young",
        "/send/children/{child}/sharing/{parent_access}/",
        lambda page: None,
        "Save your choice",
    ),
    "access-request": ("waiting", "/send/requests/{access_request}/", lambda page: None, "Send your answer"),
}


@pytest.mark.parametrize(("who", "path", "before", "button"), BAD_POSTS.values(), ids=BAD_POSTS.keys())
def test_family_form_with_errors_is_accessible(family, open_as, who, path, before, button):
    page = open_as(who, viewport={"width": 320, "height": 800})
    visit(family, page, path)
    before(page)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1, f"no error summary after a bad POST to {path}"
    assert page.title().startswith("Error: "), page.title()
    no_sideways_scrolling(page)
    assert_accessible(page)


FILES = [
    {"name": "report.pdf", "mimeType": "application/pdf", "buffer": small_pdf("A report")},
    {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 64},
]


def test_sending_files_without_javascript_keeps_the_good_and_explains_the_bad(family, open_as):
    page = open_as("parent", java_script_enabled=False)
    visit(family, page, "/send/cases/{case}/documents/")
    page.get_by_label("Choose the files to send").set_input_files(FILES)
    page.get_by_role("button", name="Send the files").click()
    page.wait_for_load_state()
    assert (
        "Your file has been sent to the SEND team. Some files could not be sent"
        in page.get_by_role("alert").first.inner_text()
    )
    assert "'notes.pdf' is not a PDF: it looks like a program" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("#sent-documents").get_by_role("link", name="report.pdf").count() >= 1


def test_sending_files_with_javascript_shows_each_files_progress_and_result(family, open_as):
    page = open_as("parent", viewport={"width": 320, "height": 800})
    visit(family, page, "/send/cases/{case}/documents/")
    page.get_by_label("Choose the files to send").set_input_files(FILES)
    page.get_by_role("button", name="Send the files").click()
    status = page.locator("[data-upload-status]")
    status.get_by_text("1 of 2 files sent.").wait_for()
    rows = status.get_by_role("listitem")
    assert rows.nth(0).inner_text().endswith("Sent")
    assert "Not sent: 'notes.pdf' is not a PDF: it looks like a program" in rows.nth(1).inner_text()
    assert page.locator("progress").count() == 2
    assert page.url.endswith("/documents/")  # the page itself was not sent
    no_sideways_scrolling(page)
    assert_accessible(page)
    status.get_by_role("link", name="Show the updated list of documents").click()
    assert page.locator("#sent-documents").get_by_role("link", name="report.pdf").count() >= 1
