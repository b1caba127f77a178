"""Council settings → API clients: only a council admin of this council may see, create or
revoke the council's API clients. The secret is shown once, on the page that answers the
form, and kept only as a keyed hash; revoking stops the client at its next call."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from api.credentials import secret_hash
from api.models import ApiClient
from casework.models import AuditEvent, StaffRole
from tests.casework.conftest import signed_in_client

from .conftest import api_client_make, council_admin, make_account

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "family", "caseworker", "team manager", "council admin", "other council's admin"]
ROLES = {"caseworker": StaffRole.CASEWORKER, "team manager": StaffRole.TEAM_MANAGER}
PAGES = [
    ("get", "/staff/settings/api-clients/", 200),
    ("get", "/staff/settings/api-clients/add/", 200),
    ("post", "/staff/settings/api-clients/add/", 200),  # nothing posted: the form's errors
    ("get", "/staff/settings/api-clients/{client}/", 200),
    ("get", "/staff/settings/api-clients/{client}/revoke/", 200),
    ("post", "/staff/settings/api-clients/{client}/revoke/", 302),
]


def _signed_in(council, role: str | None):
    from casework.models import StaffMembership

    account = make_account()
    if role is not None:
        with tenant_context(council):
            StaffMembership.objects.create(account=account, role=role)
    return signed_in_client(council, account)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("method", "path", "admin_status"), PAGES, ids=[f"{p[0]} {p[1]}" for p in PAGES])
def test_api_client_pages_permission_matrix(who, method, path, admin_status, site):
    client_row, _ = api_client_make(site.council)
    path = path.format(client=client_row.pk)
    if who == "anonymous":
        browser, expected = site.client, "sign-in"
    elif who == "family":
        browser, expected = _signed_in(site.council, None), 403
    elif who in ROLES:
        browser, expected = _signed_in(site.council, ROLES[who]), 403
    elif who == "council admin":
        browser, expected = _signed_in(site.council, StaffRole.COUNCIL_ADMIN), admin_status
    else:  # signed in on their own council's host, asking this one's
        browser, expected = _signed_in(site.other, StaffRole.COUNCIL_ADMIN), "sign-in"
        browser.defaults["HTTP_HOST"] = site.domain
    answer = getattr(browser, method)(path)
    if expected == "sign-in":
        assert answer.status_code == 302
        assert answer["Location"].startswith("/sign-in/?next=")
    else:
        assert answer.status_code == expected, answer.content.decode()[:300]
    with tenant_context(site.council):
        still_live = ApiClient.objects.get(pk=client_row.pk).revoked_at is None
    assert still_live or (who == "council admin" and method == "post" and "revoke" in path)


def test_another_councils_client_is_not_found_by_this_councils_admin(site):
    """Ids are per council: ask for one only the other council has."""
    admin = _signed_in(site.council, StaffRole.COUNCIL_ADMIN)
    for _ in range(20):
        elsewhere, _ = api_client_make(site.other)
        with tenant_context(site.council):
            if not ApiClient.objects.filter(pk=elsewhere.pk).exists():
                break
    assert admin.get(f"/staff/settings/api-clients/{elsewhere.pk}/").status_code == 404
    assert admin.post(f"/staff/settings/api-clients/{elsewhere.pk}/revoke/").status_code == 404
    with tenant_context(site.other):
        assert ApiClient.objects.get(pk=elsewhere.pk).revoked_at is None


def test_an_admin_creates_a_client_and_sees_its_credential_once(site, api_for):
    admin = _signed_in(site.council, StaffRole.COUNCIL_ADMIN)
    answer = admin.post(
        "/staff/settings/api-clients/add/", {"name": "Case management (live)", "scopes": ["read", "documents"]}
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "This is the only time you will see this credential" in page
    assert "no-store" in answer["Cache-Control"]
    token = re.search(r'id="credential" type="text" value="([^"]+)"', page).group(1)
    key_id, _, secret = token.partition(".")
    with tenant_context(site.council):
        client = ApiClient.objects.get(name="Case management (live)")
        event = AuditEvent.objects.get(subject="api_client", subject_id=client.pk)
    assert (client.key_id, sorted(client.scopes)) == (key_id, ["documents", "read"])
    assert client.secret_hash == secret_hash(secret) != secret
    assert secret not in client.secret_hash
    assert client.created_by_id == admin.account.pk
    assert event.summary == "Created an API client with scopes: documents, read"
    assert event.actor_id == admin.account.pk

    # Never again: not on the list, not on the client's own page.
    for path in ("/staff/settings/api-clients/", f"/staff/settings/api-clients/{client.pk}/"):
        assert secret not in admin.get(path).content.decode()
    # And it works, for what it may do.
    caller = api_for(site.domain, token)
    assert caller.get("/api/v1/children/").status_code == 200
    assert caller.get("/api/v1/cases/1/messages/", HTTP_IDEMPOTENCY_KEY="x").status_code in (200, 404)
    with tenant_context(site.council):
        assert ApiClient.objects.get(pk=client.pk).last_used_at is not None


def test_a_form_with_errors_keeps_what_was_typed(site):
    admin = _signed_in(site.council, StaffRole.COUNCIL_ADMIN)
    answer = admin.post("/staff/settings/api-clients/add/", {"name": "Capita One"})
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "There is a problem" in page
    assert "Choose what this council system may do" in page
    assert 'value="Capita One"' in page
    answer = admin.post("/staff/settings/api-clients/add/", {"scopes": ["write"]})
    page = answer.content.decode()
    assert "Enter a name for the council system" in page
    assert re.search(r'value="write"\s+checked', page)


def test_two_live_clients_cannot_share_a_name_but_a_revoked_ones_name_is_free(site):
    admin = _signed_in(site.council, StaffRole.COUNCIL_ADMIN)
    client, _ = api_client_make(site.council, name="Capita One")
    answer = admin.post("/staff/settings/api-clients/add/", {"name": "capita one", "scopes": ["read"]})
    assert "A council system with this name can already call the API" in answer.content.decode()
    assert admin.post(f"/staff/settings/api-clients/{client.pk}/revoke/").status_code == 302
    answer = admin.post("/staff/settings/api-clients/add/", {"name": "Capita One", "scopes": ["read"]})
    assert "This is the only time you will see this credential" in answer.content.decode()


def test_revoking_stops_the_client_at_its_next_call(site, api_for):
    admin = _signed_in(site.council, StaffRole.COUNCIL_ADMIN)
    client, token = api_client_make(site.council, name="Old system")
    caller = api_for(site.domain, token)
    assert caller.get("/api/v1/children/").status_code == 200
    confirm = admin.get(f"/staff/settings/api-clients/{client.pk}/revoke/")
    assert "Revoke Old system?" in confirm.content.decode()
    answer = admin.post(f"/staff/settings/api-clients/{client.pk}/revoke/", follow=True)
    assert "Old system has been revoked" in answer.content.decode()
    assert caller.get("/api/v1/children/").status_code == 401
    with tenant_context(site.council):
        client.refresh_from_db()
        assert client.revoked_by_id == admin.account.pk
        assert AuditEvent.objects.filter(
            subject="api_client", subject_id=client.pk, summary="Revoked an API client"
        ).exists()
    detail = admin.get(f"/staff/settings/api-clients/{client.pk}/").content.decode()
    assert "Revoked" in detail and f"/staff/settings/api-clients/{client.pk}/revoke/" not in detail


def test_a_clients_page_shows_its_latest_calls(site, api_for):
    admin = _signed_in(site.council, StaffRole.COUNCIL_ADMIN)
    client, token = api_client_make(site.council)
    api_for(site.domain, token).get("/api/v1/children/")
    api_for(site.domain, token).get("/api/v1/cases/999999/")
    page = admin.get(f"/staff/settings/api-clients/{client.pk}/").content.decode()
    assert "GET /api/v1/children/" in page and "GET /api/v1/cases/999999/" in page
    assert "404" in page


def test_the_settings_hub_links_to_api_clients(site):
    admin = _signed_in(site.council, StaffRole.COUNCIL_ADMIN)
    assert 'href="/staff/settings/api-clients/"' in admin.get("/staff/settings/").content.decode()


def test_the_list_costs_the_same_queries_for_5_clients_as_for_50(site, real_queries):
    admin = council_admin(site.council)
    browser = signed_in_client(site.council, admin.account)
    counts = {}
    for n in (5, 50):
        with tenant_context(site.council):
            ApiClient.objects.all().delete()
            from api.credentials import credential_new

            ApiClient.objects.bulk_create(
                ApiClient(
                    council=site.council,
                    name=f"System {i}",
                    key_id=credential_new().key_id,
                    secret_hash="0" * 64,
                    scopes=["read"],
                    created_by=admin.account,
                )
                for i in range(n)
            )
        browser.get("/staff/settings/api-clients/")  # once first: the session's first-request writes
        with real_queries() as queries:
            answer = browser.get("/staff/settings/api-clients/")
        assert answer.content.decode().count("govuk-tag--green") == n
        counts[n] = queries.count
    assert counts[5] == counts[50], counts
