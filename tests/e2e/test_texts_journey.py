"""Texts as well as emails, in a real browser, on each demo council (issue 16, item 3): a
parent on a phone chooses texts, types a landline first (named beside its box, the choice
kept), then a mobile; a council admin reads what each text says and costs and turns
texts off, and the parent's page no longer offers them. Every page passes axe-core, and
the parent's reflows at 320 px."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from casework.demo import CUMBRIA, SOMERSET
from casework.models import StaffRole
from citizen.accounts.models import Account
from tests.casework.email_fakes import NOTIFY_API_KEY, NOTIFY_SMS_TEMPLATE_ID, fake_notify  # noqa: F401 (a fixture)

from .axe import assert_accessible
from .test_account_takeover import code_in
from .test_family_pages_accessible import (
    family_pages_data_create,
    family_rows_remove,
    no_sideways_scrolling,
    session_for,
)
from .test_sign_in_journey import latest_email_to
from .test_staff_journey import staff_member_create, staff_sign_in, unique

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


def texted_code(*, slug: str, number: str) -> str:
    from django_tenants.utils import tenant_context

    from tenants.models import Council
    from tenants.outbox.models import OutboundText

    with tenant_context(Council.objects.get(slug=slug)):
        return OutboundText.objects.filter(to=number).order_by("-id").first().body[:6]


def codes_by_of(email: str) -> str:
    return Account.objects.get(email=email).codes_by


def choice_of(email: str) -> tuple[str, str]:
    account = Account.objects.get(email=email)
    return account.alerts_by, account.mobile


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_parent_chooses_texts_and_an_admin_sees_their_cost_and_turns_them_off(
    debug,
    committed,
    new_context,
    live_server_url,
    settings,
    fake_notify,  # noqa: F811 (the fixture imported above)
    demo,
):
    settings.NOTIFY_API_KEY = NOTIFY_API_KEY
    settings.NOTIFY_SMS_TEMPLATE_ID = NOTIFY_SMS_TEMPLATE_ID
    base = live_server_url(demo.domain)
    emails = SimpleNamespace(
        **{
            who: f"{unique(who)}@example.org"
            for who in ("caseworker", "parent", "young", "removed", "waiting", "admin")
        }
    )
    reference = unique("E2E-X").upper()
    try:
        committed(family_pages_data_create, slug=demo.slug, emails=emails, reference=reference)
        committed(
            staff_member_create, slug=demo.slug, email=emails.admin, role=StaffRole.COUNCIL_ADMIN,
            first_name="Ada", last_name="Admin",
        )  # fmt: skip
        context = new_context(viewport={"width": 320, "height": 800})
        context.add_cookies(
            [{"name": "sessionid", "value": committed(session_for, slug=demo.slug, email=emails.parent), "url": base}]
        )
        parent = context.new_page()

        parent.goto(f"{base}send/emails/")
        assert parent.get_by_role("heading", level=1).inner_text() == "Emails and texts we send you"
        assert_accessible(parent)
        no_sideways_scrolling(parent)
        parent.get_by_label("By text message", exact=True).check()
        parent.fill("#id_mobile", "01228 606060")
        parent.get_by_role("button", name="Save your choices").click()
        assert parent.title().startswith("Error: ")
        assert "Enter a UK mobile number, like 07700 900 982" in parent.locator(".govuk-error-summary").inner_text()
        assert parent.get_by_label("By text message", exact=True).is_checked()
        assert_accessible(parent)
        no_sideways_scrolling(parent)
        parent.fill("#id_mobile", "07700 900 982")
        parent.get_by_role("button", name="Save your choices").click()
        assert "Your choices have been saved." in parent.content()
        assert committed(choice_of, emails.parent) == ("text", "+447700900982")

        # Security codes by text instead of email: the number proved by a texted code.
        parent.goto(f"{base}account/")
        parent.get_by_role("link", name="Get your codes by text message instead").click()
        assert "/account/confirm-it-is-you/" in parent.url
        parent.fill("#id_code", code_in(latest_email_to(parent, base, emails.parent)))
        parent.get_by_role("button", name="Continue").click()
        assert parent.url.split("?")[0].endswith("/two-step/text/")
        assert_accessible(parent)
        no_sideways_scrolling(parent)
        parent.get_by_role("button", name="Text me a code").click()  # the number chosen above
        assert "We have sent a security code by text message to" in parent.content()
        assert_accessible(parent)
        parent.fill("#id_code", committed(texted_code, slug=demo.slug, number="+447700900982"))
        parent.get_by_role("button", name="Continue").click()
        assert "We will send your security codes by text message to 07700 900 982" in parent.content()
        assert committed(codes_by_of, emails.parent) == "text"

        admin = new_context().new_page()
        staff_sign_in(admin, base, emails.admin, path="staff/settings/")
        admin.get_by_role("link", name="Change text messages").click()
        assert_accessible(admin)
        assert f"{demo.name}: You have a new message about your child" in admin.content()
        assert "Fragments" in admin.content()
        admin.get_by_label("Send families text messages when they ask for them").uncheck()
        admin.get_by_role("button", name="Save").click()
        assert "Turned off: families get emails" in admin.content()

        parent.goto(f"{base}send/emails/")
        assert parent.get_by_role("heading", level=1).inner_text() == "Emails we send you"
        assert parent.get_by_label("By text message", exact=True).count() == 0
    finally:
        committed(family_rows_remove, slug=demo.slug, emails=list(vars(emails).values()), reference=reference)
        committed(texts_turn_on, slug=demo.slug)


def texts_turn_on(*, slug: str) -> None:
    """Put the council back as it was: texts on, and none of this journey's texts left."""
    from django_tenants.utils import tenant_context

    from tenants.models import Council
    from tenants.outbox.models import OutboundText

    council = Council.objects.get(slug=slug)
    council.texts_enabled = True
    council.save(update_fields=["texts_enabled"])
    with tenant_context(council):
        OutboundText.objects.filter(to="+447700900982").delete()
