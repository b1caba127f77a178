"""Council settings → API clients in a real browser, on Cumbria: every page passes axe-core
(WCAG 2.2 A/AA), the form shows its errors accessibly, and an admin creates a client and
revokes it with JavaScript off. One council admin signs in (with two-step) once for the
module; the rows are committed on a thread of their own and removed afterwards."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from api.models import ApiClient
from casework.demo import CUMBRIA
from casework.models import AuditEvent, StaffRole
from tenants.models import Council

from .axe import assert_accessible
from .sessions import signed_in_state
from .test_staff_journey import CommittedDatabase, committed_rows_remove, staff_member_create, staff_sign_in, unique

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


def _clients_create(*, name: str) -> int:
    from api.services import api_client_create
    from casework.models import StaffMembership

    council = Council.objects.get(slug=CUMBRIA.slug)
    with tenant_context(council):
        admin = StaffMembership.objects.filter(role=StaffRole.COUNCIL_ADMIN).order_by("-id").first()
        client, _ = api_client_create(council=council, name=name, scopes=["read", "write"], by=admin)
        return client.pk


def _clients_remove(*, prefix: str) -> None:
    with tenant_context(Council.objects.get(slug=CUMBRIA.slug)):
        clients = ApiClient.objects.filter(name__startswith=prefix)
        AuditEvent.objects.filter(
            subject="api_client", subject_id__in=list(clients.values_list("pk", flat=True))
        ).delete()
        clients.delete()


@pytest.fixture(scope="module")
def admin(browser, live_server_url, django_db_blocker):
    base = live_server_url(CUMBRIA.domain)
    email = f"{unique('api-admin')}@example.org"
    prefix = unique("System")
    committed = CommittedDatabase()
    try:
        with django_db_blocker.unblock():
            committed(
                staff_member_create,
                slug=CUMBRIA.slug,
                email=email,
                role=StaffRole.COUNCIL_ADMIN,
                first_name="Alex",
                last_name="Moss",
            )
            client_id = committed(_clients_create, name=f"{prefix} existing")
        context = browser.new_context()
        try:
            page = context.new_page()
            with django_db_blocker.unblock(), override_settings(DEBUG=True):  # DEBUG: the outbox
                staff_sign_in(page, base, email, path="staff/settings/")
            page.close()
            yield SimpleNamespace(base=base, context=context, client_id=client_id, prefix=prefix)
        finally:
            context.close()
    finally:
        with django_db_blocker.unblock():
            try:
                committed(_clients_remove, prefix=prefix)
                committed(committed_rows_remove, slug=CUMBRIA.slug, emails=[email], references=[])
            finally:
                committed.close()


@pytest.fixture
def page(admin):
    page = admin.context.new_page()
    yield page
    page.close()


@pytest.mark.parametrize(
    "path",
    [
        "staff/settings/",
        "staff/settings/api-clients/",
        "staff/settings/api-clients/add/",
        "staff/settings/api-clients/{client_id}/",
        "staff/settings/api-clients/{client_id}/revoke/",
    ],
)
def test_api_client_page_is_accessible(admin, page, path):
    response = page.goto(admin.base + path.format(client_id=admin.client_id))
    assert response.status == 200
    assert_accessible(page)


def test_the_form_with_errors_is_accessible_and_keeps_what_was_typed(admin, page):
    page.goto(f"{admin.base}staff/settings/api-clients/add/")
    page.fill("#id_name", f"{admin.prefix} typed")
    page.get_by_role("button", name="Create the API client").click()
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").inner_text().count("Choose what this council system may do") == 1
    assert page.input_value("#id_name") == f"{admin.prefix} typed"
    assert_accessible(page)


def test_the_page_showing_the_credential_once_is_accessible(admin, page):
    page.goto(f"{admin.base}staff/settings/api-clients/add/")
    page.fill("#id_name", f"{admin.prefix} shown")
    page.get_by_label(re.compile(r"^Read:")).check()
    page.get_by_role("button", name="Create the API client").click()
    assert page.get_by_role("heading", level=1).inner_text() == "API client created"
    assert_accessible(page)


def test_an_admin_creates_and_revokes_a_client_without_javascript(admin, browser):
    context = browser.new_context(java_script_enabled=False, storage_state=signed_in_state(admin.context))
    try:
        page = context.new_page()
        page.goto(f"{admin.base}staff/settings/api-clients/")
        page.get_by_role("button", name="Add an API client").click()
        name = f"{admin.prefix} new"
        page.fill("#id_name", name)
        page.get_by_label(re.compile(r"^Read:")).check()
        page.get_by_label(re.compile(r"^Documents:")).check()
        page.get_by_role("button", name="Create the API client").click()

        assert page.get_by_role("heading", level=1).inner_text() == "API client created"
        assert "only time you will see this credential" in page.locator(".govuk-warning-text").inner_text()
        credential = page.input_value("#credential")
        assert re.fullmatch(r"[0-9a-f]{16}\.[A-Za-z0-9_-]{43}", credential)
        page.get_by_role("link", name=re.compile("back to API clients")).click()

        row = page.get_by_role("row").filter(has_text=name)
        assert "Read, Documents" in row.inner_text()
        assert credential.partition(".")[2] not in page.content()
        row.get_by_role("link", name=name).click()
        page.get_by_role("button", name=f"Revoke {name}").click()
        page.get_by_role("button", name="Revoke").click()
        assert f"{name} has been revoked" in page.get_by_role("alert").inner_text()
        assert "Revoked" in page.get_by_role("row").filter(has_text=name).inner_text()
    finally:
        context.close()
