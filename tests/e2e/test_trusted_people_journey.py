"""People a family trusts, in a real browser, on each demo council (issue 16, item 1): a
parent invites an advocate to "see and send messages" until a date (a bad form first:
every error named, nothing typed lost) → the SEND team approves → the advocate accepts
signed in as the invited address, reads the case, sends a message and is offered no form
to fill in → the parent ends the grant and the advocate's next page is "not found"; the
young person then stops an advocate a parent invited. Every page passes axe-core, and the
family's pages reflow at 320 px.

The whole record the parent takes away has its own journey (test_whole_record_journey)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from casework.models import ChildAccess, TrustedGrant
from casework.services.trusted import trusted_invite
from citizen.accounts.models import Account
from tenants.models import Council

from .axe import assert_accessible
from .test_family_pages_accessible import (
    family_pages_data_create,
    family_rows_remove,
    no_sideways_scrolling,
    session_for,
)
from .test_sign_in_journey import PASSWORD
from .test_staff_journey import staff_sign_in, unique

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


def advocate_create(*, email: str, first_name: str) -> None:
    Account.objects.create_user(
        email, PASSWORD, first_name=first_name, last_name="Advocate", is_active=True, email_verified_at=timezone.now()
    )


def invited_by_parent(*, slug: str, child_id: int, parent_email: str, email: str) -> None:
    with tenant_context(Council.objects.get(slug=slug)):
        access = ChildAccess.objects.get(child_id=child_id, account__email=parent_email, revoked_at__isnull=True)
        trusted_invite(inviter=access, name="Bea Advocate", email=email, kind="advocate", scope="see")


def grant_statuses(*, slug: str, child_id: int) -> dict[str, str]:
    with tenant_context(Council.objects.get(slug=slug)):
        return {grant.email: grant.status for grant in TrustedGrant.objects.filter(child_id=child_id)}


def _page(new_context, base: str, session: str, *, narrow: bool = True):
    context = new_context(viewport={"width": 320, "height": 800} if narrow else {"width": 1200, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    return context.new_page()


def _checked(page) -> None:
    assert_accessible(page)
    no_sideways_scrolling(page)


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_parent_brings_in_an_advocate_and_ends_it(debug, committed, new_context, live_server_url, demo):
    base = live_server_url(demo.domain)
    emails = SimpleNamespace(
        **{
            who: f"{unique(who)}@example.org"
            for who in ("caseworker", "parent", "young", "removed", "waiting", "advocate", "second")
        }
    )
    reference = unique("E2E-T").upper()
    last_day = timezone.localdate() + timedelta(days=90)
    try:
        ids = committed(family_pages_data_create, slug=demo.slug, emails=emails, reference=reference)
        committed(advocate_create, email=emails.advocate, first_name="Ada")
        parent = _page(new_context, base, committed(session_for, slug=demo.slug, email=emails.parent))

        # The parent invites, getting the form wrong first.
        parent.goto(f"{base}send/children/{ids['child']}/")
        parent.get_by_role("link", name="People who can help", exact=False).click()
        assert parent.url.endswith(f"/send/children/{ids['child']}/trusted/")
        _checked(parent)
        parent.get_by_role("button", name="Invite someone").click()
        _checked(parent)
        parent.fill("#id_name", "Ada Advocate")
        parent.fill("#id_email", "not an address")
        parent.get_by_role("button", name="Send the invitation").click()
        assert parent.title().startswith("Error: ")
        summary = parent.locator(".govuk-error-summary").inner_text()
        assert "Enter an email address in the correct format" in summary
        assert "Select who the person is" in summary and "Select what the person may do" in summary
        assert parent.input_value("#id_name") == "Ada Advocate"
        _checked(parent)
        parent.fill("#id_email", emails.advocate)
        parent.get_by_label("An advocate or solicitor").check()
        parent.get_by_label("See the case and documents, and send messages").check()
        parent.fill("input[name=until_day]", str(last_day.day))
        parent.fill("input[name=until_month]", str(last_day.month))
        parent.fill("input[name=until_year]", str(last_day.year))
        parent.get_by_role("button", name="Send the invitation").click()
        assert f"We have emailed an invitation to {emails.advocate}" in parent.content()
        assert "Waiting for the SEND team to approve" in parent.content()
        _checked(parent)

        # The SEND team approves.
        staff = new_context().new_page()
        staff_sign_in(staff, base, emails.caseworker, path="staff/access-requests/")
        staff.get_by_role("link", name="Approve or decline them").click()
        _checked(staff)
        staff.get_by_role("link", name="Ada Advocate", exact=False).click()
        _checked(staff)
        staff.get_by_label("Approve: it works once they accept").check()
        staff.get_by_role("button", name="Save your decision").click()
        assert "Approved. The family has been told by email." in staff.content()
        assert "Approved by the SEND team" in staff.content()

        # The advocate accepts, reads, sends a message, and is offered no form.
        advocate = _page(new_context, base, committed(session_for, slug=demo.slug, email=emails.advocate))
        advocate.goto(f"{base}send/")
        advocate.get_by_role("link", name="See your invitation").click()
        _checked(advocate)
        advocate.get_by_role("link", name="An invitation as an advocate or solicitor").click()
        _checked(advocate)
        advocate.get_by_role("button", name="Accept the invitation").click()
        assert advocate.url.endswith(f"/send/children/{ids['child']}/")
        assert "See the case and documents, and send messages" in advocate.content()
        assert "/send/forms/children/" not in advocate.content()  # no form to start
        _checked(advocate)
        advocate.get_by_role("link", name="EHC needs assessment").first.click()
        _checked(advocate)
        advocate.get_by_role("link", name="Messages").first.click()
        advocate.fill("#id_body", "I am helping the family. Could we talk before the panel?")
        advocate.get_by_role("button", name="Send message").click()
        assert "Your message has been sent to the SEND team." in advocate.content()
        _checked(advocate)
        case_messages = advocate.url
        assert advocate.goto(f"{base}send/cases/{ids['case']}/reply/").status == 404

        # The parent sees who looked, then ends the grant: the advocate's next page is gone.
        parent.goto(f"{base}send/children/{ids['child']}/who-has-seen/")
        assert "Ada Advocate" in parent.content() and "Someone the family invited" in parent.content()
        parent.goto(f"{base}send/children/{ids['child']}/trusted/")
        parent.get_by_role("link", name="Stop", exact=False).first.click()
        _checked(parent)
        parent.get_by_role("button", name="Stop Ada Advocate seeing the records").click()
        assert "Ada Advocate can no longer see" in parent.content()
        assert "Ended by the family member who invited them" in parent.content()
        _checked(parent)
        assert advocate.goto(case_messages).status == 404
        assert advocate.goto(f"{base}send/children/{ids['child']}/").status == 404

        # The young person (17) stops an advocate a parent invited.
        committed(
            invited_by_parent, slug=demo.slug, child_id=ids["child"], parent_email=emails.parent, email=emails.second
        )
        young = _page(new_context, base, committed(session_for, slug=demo.slug, email=emails.young))
        young.goto(f"{base}send/children/{ids['child']}/trusted/")
        assert "you can stop anyone seeing them, including people a parent or carer invited" in young.content()
        young.get_by_role("link", name="Stop Bea Advocate seeing the records").click()
        young.get_by_role("button", name="Stop Bea Advocate seeing the records").click()
        assert "Bea Advocate can no longer see your records." in young.content()
        _checked(young)
        statuses = committed(grant_statuses, slug=demo.slug, child_id=ids["child"])
        assert statuses == {emails.advocate: "ended", emails.second: "ended"}
    finally:
        committed(family_rows_remove, slug=demo.slug, emails=list(vars(emails).values()), reference=reference)
