"""The council admins' form screens in a real browser, on Cumbria: every page passes
axe-core (WCAG 2.2 A/AA), including the editor showing its errors and the preview of the
family's pages; and, with JavaScript on, the editor checks the definition as it is typed
(through its JSON endpoint), saying where each problem is.

One council admin with a signed-in session (committed, as the live server sees only
committed rows); a draft version made for the module; everything removed after it."""

from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import pytest
from django.conf import settings

from casework.demo import CUMBRIA
from casework.models import StaffRole
from citizen.accounts.models import Account
from tenants.models import Council, FormVariant, FormVersion
from tests.casework.conftest import signed_in_client

from .axe import assert_accessible
from .test_staff_journey import CommittedDatabase, committed_rows_remove, staff_member_create, unique

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


def admin_with_a_draft_create(*, email: str) -> dict:
    staff_member_create(
        slug=CUMBRIA.slug, email=email, role=StaffRole.COUNCIL_ADMIN, first_name="Alex", last_name="Moss"
    )
    council = Council.objects.get(slug=CUMBRIA.slug)
    variant = FormVariant.objects.get(council=council, based_on="section-a")
    published = variant.versions.filter(published_at__isnull=False).order_by("-number").first()
    draft = FormVersion.objects.create(
        variant=variant, number=published.number + 1, definition=copy.deepcopy(published.definition)
    )
    session = signed_in_client(council, Account.objects.get(email=email)).cookies[settings.SESSION_COOKIE_NAME].value
    return {"variant": variant.pk, "version": published.pk, "draft": draft.pk, "session": session}


def rows_remove(*, email: str, draft: int) -> None:
    FormVersion.objects.filter(pk=draft, published_at__isnull=True).delete()
    committed_rows_remove(slug=CUMBRIA.slug, emails=[email], references=[])


@pytest.fixture(scope="module")
def admin(browser, live_server_url, django_db_blocker):
    base = live_server_url(CUMBRIA.domain)
    email = f"{unique('admin')}@example.org"
    committed = CommittedDatabase()
    try:
        with django_db_blocker.unblock():
            ids = committed(admin_with_a_draft_create, email=email)
        context = browser.new_context()
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": ids["session"], "url": base}])
        try:
            yield SimpleNamespace(base=base, context=context, ids=ids)
        finally:
            context.close()
    finally:
        with django_db_blocker.unblock():
            try:
                committed(rows_remove, email=email, draft=ids["draft"])
            finally:
                committed.close()


@pytest.fixture
def page(admin):
    page = admin.context.new_page()
    yield page
    page.close()


FORM = "staff/settings/forms/{variant}/"
PAGES = {
    "forms": "staff/settings/forms/",
    "new form": "staff/settings/forms/new/",
    "form": FORM,
    "published version": FORM + "versions/{version}/",
    "editor": FORM + "versions/{draft}/edit/",
    "publish": FORM + "versions/{draft}/publish/",
    "delete": FORM + "versions/{draft}/delete/",
    "form delete": FORM + "delete/",
    "form editor outline": FORM + "versions/{draft}/build/",
    "form editor settings": FORM + "versions/{draft}/build/settings/",
    "form editor section": FORM + "versions/{draft}/build/sections/about_me/",
    "form editor page": FORM + "versions/{draft}/build/pages/communication/",
    "form editor radios question": FORM + "versions/{draft}/build/questions/who_is_speaking/",
    "form editor group": FORM + "versions/{draft}/build/questions/important_people/",
    "form editor kind of question": FORM + "versions/{draft}/build/questions/new/?section=about_me",
    "form editor new file question": FORM + "versions/{draft}/build/questions/new/?section=about_me&type=file",
    "form editor new group": FORM + "versions/{draft}/build/questions/new/?type=group",
    "form editor remove": FORM + "versions/{draft}/build/remove/question/who_is_speaking/",
    "preview task list": FORM + "versions/{draft}/preview/",
    "preview radios": FORM + "versions/{draft}/preview/pages/who_is_speaking/",
    "preview checkboxes": FORM + "versions/{draft}/preview/pages/communication/",
    "preview group": FORM + "versions/{draft}/preview/pages/important_people/",
    "preview group item": FORM + "versions/{draft}/preview/pages/important_people/items/0/",
    "preview file": FORM + "versions/{draft}/preview/pages/about_me_file/",
    "preview check answers": FORM + "versions/{draft}/preview/check/",
    "preview declaration": FORM + "versions/{draft}/preview/declaration/",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_forms_page_is_accessible(admin, page, path):
    url = admin.base + path.format(**admin.ids)
    response = page.goto(url)
    assert response.status == 200 and page.url == url, f"{url} → {response.status} {page.url}"
    assert_accessible(page)


def test_the_new_form_page_with_errors_is_accessible(admin, page):
    page.goto(f"{admin.base}staff/settings/forms/new/")
    page.get_by_role("button", name="Make the form").click()
    assert "Choose which form to start from" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_the_editor_checks_as_it_is_typed_and_shows_errors_with_their_paths(admin, page):
    page.goto(admin.base + (FORM + "versions/{draft}/edit/").format(**admin.ids))
    box = page.get_by_label("The form's definition (JSON)")
    definition = json.loads(box.input_value())
    definition["sections"][0]["pages"][0]["questions"][0]["type"] = "essay"
    box.fill(json.dumps(definition, indent=2))
    live = page.locator("#definition-live-status")
    live.get_by_text("Checked as you type: 1 problem found.").wait_for()
    assert "$.sections[0].pages[0].questions[0].type: 'essay' is not a question type" in live.inner_text()
    assert_accessible(page)

    definition["sections"][0]["pages"][0]["questions"][0]["type"] = "radios"
    box.fill(json.dumps(definition, indent=2))
    live.get_by_text("Checked as you type: no problems found.").wait_for()

    definition["sections"][0]["pages"][1]["show_if"]["question"] = "nobody"
    box.fill(json.dumps(definition, indent=2))
    page.get_by_role("button", name="Save the draft").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "$.sections[0].pages[1].show_if.question: no question has the id 'nobody'" in summary
    assert '"question": "nobody"' in page.get_by_label("The form's definition (JSON)").input_value()
    assert_accessible(page)


def test_the_preview_pages_with_errors_are_accessible(admin, page):
    preview = admin.base + (FORM + "versions/{draft}/preview/").format(**admin.ids)
    page.goto(f"{preview}pages/who_is_speaking/")
    page.get_by_role("button", name="Save and continue").click()
    assert "Select an answer" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto(f"{preview}pages/important_people/")
    page.get_by_role("button", name="Continue").click()
    assert "Select yes if you need to add another person" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto(f"{preview}pages/about_me_file/")
    page.get_by_label("Upload a one-page profile, drawing or photo (optional)").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just some words"}
    )
    page.get_by_role("button", name="Save and continue").click()
    assert "We cannot tell what kind of file" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
