"""The SEND team's front door in a real browser, on each demo council: a council admin
(an account made here, committed, with two-step set up through the pages) records a
child, opens an EHC needs assessment and invites a caseworker; the caseworker opens the
emailed link in a browser of their own, chooses a name and a password that meets the
council's rules, sets up two-step verification with the emailed code, finds the case on
the caseload, records the decision to assess, uploads a PDF and shares it with the
family, and sends a message. Every page on the way passes axe-core (WCAG 2.2 A/AA).

The live server has its own database connections, so it sees only committed rows: the
admin's account and membership are committed on a thread of their own
(`CommittedDatabase`), and everything this test committed is removed at the end."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from casework.models import (
    AccessRequest,
    AuditEvent,
    Case,
    Child,
    Document,
    Sen2Return,
    StaffInvitation,
    StaffMembership,
    StaffRole,
)
from citizen.accounts.models import Account
from tenants.models import Council
from tenants.outbox.models import OutboundEmail

from .axe import assert_accessible
from .test_sign_in_journey import PASSWORD, latest_email_to

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

LQ, RQ = "\N{LEFT SINGLE QUOTATION MARK}", "\N{RIGHT SINGLE QUOTATION MARK}"  # around a title in a button


class CommittedDatabase:
    """Runs ORM calls on a thread of its own, whose connection is outside the test's
    transaction: what it writes is committed, so the live server sees it."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="committed-db")

    def __call__(self, function, *args, **kwargs):
        return self._thread.submit(function, *args, **kwargs).result()

    def close(self) -> None:
        self(lambda: connection.close())  # resolved on that thread: its own connection
        self._thread.shutdown()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def letters_only(text: str) -> str:
    """A name made unique by a hex suffix, without digits (names are names)."""
    return text.translate(str.maketrans("0123456789", "ghijklmnop")).capitalize()


def staff_member_create(*, slug: str, email: str, role: str, first_name: str, last_name: str) -> int:
    """An active account with the shared password, in the council's team (no two-step yet)."""
    account = Account.objects.create_user(
        email,
        PASSWORD,
        first_name=first_name,
        last_name=last_name,
        is_active=True,
        email_verified_at=timezone.now(),
    )
    with tenant_context(Council.objects.get(slug=slug)):
        StaffMembership.objects.create(account=account, role=role)
    return account.pk


def committed_rows_remove(*, slug: str, emails: list[str], references: list[str]) -> None:
    """Everything a test committed in one council: the children (by council reference)
    with their cases, documents (and stored files), messages and audit events; the
    accounts (by email) with their memberships, requests, invitations and emails."""
    with tenant_context(Council.objects.get(slug=slug)):
        accounts = list(Account.objects.filter(email__in=emails))
        children = Child.objects.filter(council_reference__in=references)
        cases = Case.objects.filter(child__in=children)
        for document in Document.objects.filter(case__in=cases):
            document.file.delete(save=False)
        AuditEvent.objects.filter(Q(actor__in=accounts) | Q(case__in=cases) | Q(child__in=children)).delete()
        cases.delete()
        AccessRequest.objects.filter(Q(account__in=accounts) | Q(child__in=children)).delete()
        children.delete()
        StaffInvitation.objects.filter(email__in=emails).delete()
        Sen2Return.objects.filter(requested_by__in=accounts).delete()
        OutboundEmail.objects.filter(to__overlap=emails).delete()
        for account in accounts:  # in the council's schema: its rows there go too
            account.delete()


def small_pdf(text: str) -> bytes:
    """A real one-page PDF (with a correct cross-reference table) that says `text`."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def fill_date(page, name: str, day) -> None:
    """A GOV.UK date input: its day, month and year boxes."""
    page.fill(f"input[name={name}_day]", str(day.day))
    page.fill(f"input[name={name}_month]", str(day.month))
    page.fill(f"input[name={name}_year]", str(day.year))


def two_step_set_up(page, base: str, email: str) -> None:
    """On the set-up page: send a code, read it from the outbox, enter it."""
    assert "/two-step/set-up/" in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Send a code").click()
    assert_accessible(page)
    code = re.search(r"\b(\d{6})\b", latest_email_to(page, base, email)["body"]).group(1)
    page.fill("#id_code", code)
    page.get_by_role("button", name="Continue").click()


def staff_sign_in(page, base: str, email: str, path: str = "staff/") -> None:
    """Sign in (the staff page sends the browser there) and set up two-step verification."""
    page.goto(f"{base}{path}")
    assert "/sign-in/" in page.url
    assert_accessible(page)
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    two_step_set_up(page, base, email)
    assert page.url.endswith(f"/{path}"), page.url


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_admin_invites_a_caseworker_who_records_a_decision_shares_a_document_and_messages(
    debug, committed, new_context, live_server_url, demo
):
    base = live_server_url(demo.domain)
    admin_email = f"{unique('admin')}@example.org"
    caseworker_email = f"{unique('caseworker')}@example.org"
    reference = unique("E2E").upper()
    child_last_name = letters_only(uuid.uuid4().hex[:8])
    today = timezone.localdate()
    committed(
        staff_member_create,
        slug=demo.slug,
        email=admin_email,
        role=StaffRole.COUNCIL_ADMIN,
        first_name="Alex",
        last_name="Moss",
    )
    try:
        # --- The council admin: sign in, two-step, a child and a case, an invitation.
        admin = new_context().new_page()
        staff_sign_in(admin, base, admin_email, path="staff/team/")
        assert_accessible(admin)
        assert admin.get_by_role("heading", level=1).inner_text() == "Team"

        admin.goto(f"{base}staff/children/new/")
        assert_accessible(admin)
        admin.fill("#id_legal_first_name", "Robin")
        admin.fill("#id_legal_last_name", child_last_name)
        fill_date(admin, "date_of_birth", today.replace(year=today.year - 9, day=min(today.day, 28)))
        admin.fill("#id_setting", "Fellside Primary School")
        admin.locator("input[name=service_area]").first.check()
        admin.fill("#id_council_reference", reference)
        admin.get_by_role("button", name="Record the child").click()

        assert_accessible(admin)
        assert admin.get_by_role("heading", level=1).inner_text() == f"Robin {child_last_name}"
        admin.get_by_role("link", name="Open a case").click()

        assert_accessible(admin)
        admin.get_by_label("EHC needs assessment").check()
        admin.get_by_role("button", name="Continue").click()

        assert_accessible(admin)
        fill_date(admin, "started_on", today - timedelta(days=10))
        admin.get_by_role("button", name="Open the case").click()

        assert_accessible(admin)
        case_reference = re.search(r"Case (\S+) opened", admin.get_by_role("alert").inner_text()).group(1)
        admin.get_by_role("navigation", name="SEND team").get_by_role("link", name="Team").click()

        assert_accessible(admin)
        admin.fill("#id_email", caseworker_email)
        admin.get_by_label(re.compile(r"^Caseworker:")).check()
        admin.get_by_role("button", name="Send invitation").click()

        assert_accessible(admin)
        assert f"We have sent an invitation to {caseworker_email}" in admin.get_by_role("alert").inner_text()
        assert caseworker_email in admin.get_by_role("table", name="Invitations waiting to be accepted").inner_text()

        # --- The caseworker, in a browser of their own.
        invitation = latest_email_to(admin, base, caseworker_email)
        assert demo.sender_email in invitation["from"]
        link = re.search(r"https?://\S+/staff/invitations/\S+/", invitation["body"]).group(0)
        assert link.startswith(base)
        admin.context.close()  # done: no idle keep-alive connection left to time out

        page = new_context().new_page()
        page.goto(link)
        assert_accessible(page)
        assert page.get_by_role("heading", level=1).inner_text() == "Create your account"
        page.fill("#id_first_name", "Sam")
        page.fill("#id_last_name", "Rivers")
        page.fill("#id_password", PASSWORD)
        page.fill("#id_password_confirm", PASSWORD)
        page.get_by_role("button", name="Create account and join the team").click()

        two_step_set_up(page, base, caseworker_email)
        assert page.url.endswith("/staff/"), page.url
        assert_accessible(page)
        assert page.get_by_role("heading", level=1).inner_text() == "Caseload"
        page.fill("#id_search", case_reference)
        page.get_by_role("button", name="Apply").click()

        assert_accessible(page)
        assert page.locator("#caseload-count").inner_text().startswith("1 case found")
        page.get_by_role("link", name=case_reference).click()

        assert_accessible(page)
        assert page.get_by_role("heading", level=1).inner_text() == f"Robin {child_last_name}"
        page.locator("#record").get_by_role("link", name="Decision whether to assess").click()

        assert_accessible(page)
        fill_date(page, "occurred_on", today)
        page.get_by_label("Yes, the council will assess").check()
        page.get_by_role("button", name="Record this step").click()

        assert_accessible(page)
        assert "Recorded: Decision whether to assess" in page.get_by_role("alert").inner_text()
        assert "yes, the council will assess" in page.get_by_role("table", name="Steps recorded").inner_text()

        documents = page.locator("#documents")
        documents.get_by_label("Decision letter").check()
        documents.get_by_label("Title").fill("Decision to assess")
        pdf = small_pdf("We will assess")
        documents.get_by_label("Upload a file").set_input_files(
            {"name": "decision.pdf", "mimeType": "application/pdf", "buffer": pdf}
        )
        documents.get_by_role("button", name="Upload document").click()

        assert_accessible(page)
        assert "'Decision to assess' has been uploaded" in page.get_by_role("alert").inner_text()
        page.locator("#documents").get_by_role(
            "button", name=f"Share {LQ}Decision to assess{RQ} with the family"
        ).click()

        assert_accessible(page)
        assert "'Decision to assess' is shared" in page.get_by_role("alert").inner_text()
        messages = page.locator("#messages")
        messages.get_by_label("Your message to the family").fill("We have decided to assess. A letter follows.")
        messages.get_by_role("button", name="Send message").click()

        assert_accessible(page)
        assert "Your message has been sent" in page.get_by_role("alert").inner_text()
        row = page.locator("#documents tbody tr", has_text="Decision to assess")
        assert "Shared" in row.inner_text()
        assert "PDF" in row.inner_text()
        with page.expect_download() as download:
            row.get_by_role("link", name="Decision to assess").click()
        assert Path(download.value.path()).read_bytes() == pdf
        message = page.locator("#messages li", has_text="We have decided to assess. A letter follows.")
        assert message.get_by_role("heading", level=3).inner_text() == "SEND team \N{EN DASH} Sam Rivers"
    finally:
        committed(
            committed_rows_remove,
            slug=demo.slug,
            emails=[admin_email, caseworker_email],
            references=[reference],
        )
