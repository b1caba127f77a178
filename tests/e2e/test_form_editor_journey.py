"""A SEND manager changes the council's form on screens, not in JSON (issue 19, item 17),
in a real browser on each demo council (on Cumbria with JavaScript turned off, as the
editor needs none; on Somerset with it on, every page checked with axe-core, WCAG 2.2
A/AA, which needs script to run): from the form's page they make a new draft version
and land on its outline; add a section whose first question is a choice (first
forgetting its options: the error is shown, what they typed kept); add a page to it
shown only for one answer; move the section up; see it in the preview exactly as a
family would; remove the follow-up again. The council admin's session is committed (the
live server sees only committed rows); the draft version and the admin are removed at
the end."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from casework.demo import CUMBRIA, SOMERSET
from casework.models import StaffRole
from casework.services.forms import PROFESSIONAL_BUILTINS
from citizen.accounts.models import Account
from tenants.models import Council, FormVariant, FormVersion
from tests.casework.conftest import signed_in_client

from .axe import assert_accessible
from .test_staff_journey import committed_rows_remove, staff_member_create, unique

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


def admin_create(*, slug: str, email: str) -> dict:
    staff_member_create(slug=slug, email=email, role=StaffRole.COUNCIL_ADMIN, first_name="Alex", last_name="Moss")
    council = Council.objects.get(slug=slug)
    variant = FormVariant.objects.exclude(based_on__in=PROFESSIONAL_BUILTINS).get(council=council)
    session = signed_in_client(council, Account.objects.get(email=email)).cookies[settings.SESSION_COOKIE_NAME].value
    return {"variant": variant.pk, "session": session}


def draft_definition(*, variant: int) -> dict:
    return FormVersion.objects.get(variant_id=variant, published_at__isnull=True).definition


def rows_remove(*, slug: str, email: str, variant: int) -> None:
    FormVersion.objects.filter(variant_id=variant, published_at__isnull=True).delete()
    committed_rows_remove(slug=slug, emails=[email], references=[])


def accessible_when_scripted(scripted: bool):
    return assert_accessible if scripted else (lambda page: None)


def section_titles(page) -> list[str]:
    return page.locator("h2[id$=-title]").all_inner_texts()


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_send_manager_changes_the_form_on_screens(committed, new_context, live_server_url, demo):
    base = live_server_url(demo.domain)
    email = f"{unique('admin')}@example.org"
    ids = committed(admin_create, slug=demo.slug, email=email)
    try:
        scripted = demo is SOMERSET
        context = new_context(java_script_enabled=scripted)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": ids["session"], "url": base}])
        page = context.new_page()
        checked = accessible_when_scripted(scripted)
        page.goto(f"{base}staff/settings/forms/{ids['variant']}/")
        page.get_by_label("Version 1", exact=True).check()
        page.get_by_role("button", name="Make a draft").click()
        checked(page)
        assert page.get_by_role("heading", level=1).inner_text() == "Build draft version 2"
        sections_before = len(section_titles(page))

        # --- A new section whose first question is a choice.
        page.get_by_role("link", name="Add a section").click()
        checked(page)
        page.get_by_label("One choice from a list").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Question", exact=True).fill("Does your child use a wheelchair?")
        page.get_by_label("Title of the new section").fill("Getting about")
        page.get_by_role("button", name="Save").click()
        assert "Enter the options, one per line" in page.locator(".govuk-error-summary").inner_text()
        assert page.get_by_label("Question", exact=True).input_value() == "Does your child use a wheelchair?"
        checked(page)
        page.get_by_label("Options").fill("Yes\nNo")
        page.get_by_role("button", name="Save").click()
        assert "Question 'Does your child use a wheelchair?' added" in page.get_by_role("alert").inner_text()
        assert section_titles(page)[-1] == f"Section {sections_before + 1}: Getting about"

        # --- A page shown only when the answer is yes.
        page.get_by_role("link", name="Add a page to this section (Getting about)").click()
        page.get_by_label("Long answer").check()
        page.get_by_role("button", name="Continue").click()
        checked(page)
        page.get_by_label("Question", exact=True).fill("What helps your child get about?")
        page.get_by_label("Show it").select_option(label="Only when: Does your child use a wheelchair?")
        page.get_by_label("is", exact=True).check()
        page.get_by_label("Value").fill("yes")
        page.get_by_role("button", name="Save").click()
        checked(page)
        assert (
            "Shown only when the answer to 'Does your child use a wheelchair?' is yes"
            in page.get_by_role("main").inner_text()
        )

        # --- Moved up one place.
        page.get_by_role("button", name="Move up section Getting about").click()
        assert section_titles(page)[-2] == f"Section {sections_before}: Getting about"
        definition = committed(draft_definition, variant=ids["variant"])
        assert [s["title"] for s in definition["sections"]][-2] == "Getting about"
        assert definition["sections"][-2]["pages"][1]["questions"][0]["show_if"] == {
            "question": "does_your_child_use_a_wheelchair",
            "equals": "yes",
        }

        # --- The preview is the family's pages.
        page.get_by_role("link", name="Preview it as a family sees it").click()
        checked(page)
        page.get_by_role("link", name="Getting about").click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Does your child use a wheelchair?")
        checked(page)
        page.go_back()
        page.go_back()

        # --- Removed again, after "are you sure?".
        page.goto(f"{base}staff/settings/forms/{ids['variant']}/")
        page.get_by_role("link", name=re.compile("^Change version 2")).click()
        page.get_by_role("link", name="Remove question What helps your child get about?").click()
        checked(page)
        page.get_by_role("button", name="Remove it").click()
        assert "Removed the question 'What helps your child get about?'" in page.get_by_role("alert").inner_text()
        assert "What helps your child get about?" not in " ".join(page.locator("section").all_inner_texts())
    finally:
        committed(rows_remove, slug=demo.slug, email=email, variant=ids["variant"])
