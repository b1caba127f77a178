"""One JSON shape for every error under /api/, whatever raised it, never an HTML page or a
stack trace; and per-client rate limits answered with 429 and Retry-After."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from api import selectors
from api.models import ApiCall

from .conftest import api_client_make, case_make

pytestmark = pytest.mark.django_db

SHAPE = {"status", "code", "message", "errors"}


def _assert_error(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"].startswith("application/json")
    body = answer.json()
    assert set(body) == SHAPE
    assert (body["status"], body["code"]) == (status, code)
    assert "Traceback" not in answer.content.decode() and "<html" not in answer.content.decode().lower()
    return body


@pytest.mark.parametrize(
    "path", ["/api/", "/api/v1/", "/api/v1/no-such-thing/", "/api/v1/cases/not-a-number/", "/api/v2/cases/"]
)
def test_an_address_that_is_not_an_endpoint_is_a_json_404(path, site, api):
    body = _assert_error(api.call.get(path), 404, "not_found")
    assert "/api/schema/" in body["message"]


def test_a_method_an_endpoint_does_not_take_is_a_json_405(site, api):
    _assert_error(
        api.call.client.delete("/api/v1/children/", HTTP_AUTHORIZATION=f"Bearer {api.token}"), 405, "method_not_allowed"
    )


def test_a_body_that_is_not_json_is_a_json_400(site, api):
    with tenant_context(site.council):
        case = case_make()
    answer = api.call.post(f"/api/v1/cases/{case.pk}/messages/", "{not json", content_type="application/json")
    _assert_error(answer, 400, "parse_error")


def test_a_body_of_another_media_type_is_a_json_415(site, api):
    with tenant_context(site.council):
        case = case_make()
    answer = api.call.post(f"/api/v1/cases/{case.pk}/messages/", "body=hi", content_type="text/plain")
    _assert_error(answer, 415, "unsupported_media_type")


def test_field_errors_name_each_field(site, api):
    with tenant_context(site.council):
        case = case_make()
    answer = api.call.post(f"/api/v1/cases/{case.pk}/steps/", {"key": "", "occurred_on": "yesterday"})
    body = _assert_error(answer, 400, "invalid")
    assert set(body["errors"]) == {"key", "occurred_on"}
    assert body["message"] == "The request is not valid: see errors for each field."


def test_a_services_refusal_is_a_400_with_its_own_words(site, api):
    """The statutory clock refuses a date before the case started: the same words as the staff page."""
    with tenant_context(site.council):
        case = case_make(started_days_ago=5)
    answer = api.call.post(
        f"/api/v1/cases/{case.pk}/steps/",
        {"key": "decided_whether_to_assess", "occurred_on": "2001-01-01", "outcome": "yes"},
    )
    body = _assert_error(answer, 400, "invalid")
    assert list(body["errors"]) == ["occurred_on"]
    assert body["message"].startswith("The date must be the same as or after")


def test_an_unexpected_failure_is_a_json_500_with_nothing_of_the_code(site, api, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("secret internals: SELECT * FROM casework_child")

    monkeypatch.setattr(selectors, "api_child", broken)
    answer = api.call.get("/api/v1/children/1/")
    body = _assert_error(answer, 500, "server_error")
    assert "secret internals" not in answer.content.decode()
    assert "X-Request-ID" in body["message"]
    assert answer["X-Request-ID"]
    assert any("Unhandled exception in the API" in r.getMessage() and r.exc_info for r in caplog.records)
    with tenant_context(site.council):  # recorded like every other call
        assert ApiCall.objects.filter(client=api.client, status_code=500).count() == 1


def test_no_session_or_cookie_is_ever_set_by_the_api(site, api):
    answer = api.call.get("/api/v1/children/")
    assert answer.status_code == 200
    assert not answer.cookies


# --- Limits --------------------------------------------------------------------------------------------


def test_a_client_over_its_rate_limit_gets_429_with_retry_after_and_others_do_not(site, api, settings):
    settings.API_RATE_LIMIT = "3/minute"
    for _ in range(3):
        assert api.call.get("/api/v1/children/").status_code == 200
    answer = api.call.get("/api/v1/children/")
    body = _assert_error(answer, 429, "throttled")
    assert 0 < int(answer["Retry-After"]) <= 60
    assert "seconds" in body["message"]

    _, other_token = api_client_make(site.council)
    other = Client(HTTP_HOST=site.domain)
    assert other.get("/api/v1/children/", HTTP_AUTHORIZATION=f"Bearer {other_token}").status_code == 200


def test_the_same_client_id_in_another_council_has_its_own_count(site, api, settings):
    """Cache keys carry the council's schema: one council's busy client never slows
    another's, even where their rows have the same id."""
    settings.API_RATE_LIMIT = "2/minute"
    _, other_token = api_client_make(site.other)
    for _ in range(2):
        assert api.call.get("/api/v1/children/").status_code == 200
    assert api.call.get("/api/v1/children/").status_code == 429
    other = Client(HTTP_HOST=site.other_domain)
    assert other.get("/api/v1/children/", HTTP_AUTHORIZATION=f"Bearer {other_token}").status_code == 200


def test_no_limit_when_the_setting_is_empty(site, api, settings):
    settings.API_RATE_LIMIT = ""
    assert all(api.call.get("/api/v1/children/").status_code == 200 for _ in range(5))


# --- Bodies that cannot be read ---------------------------------------------------------------------


def _deep(levels: int) -> str:
    return '{"body": ' + "[" * levels + "]" * levels + "}"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("[" * 5000 + "]" * 5000, "5,000 levels deep: deeper than Python's own parser goes"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "5,000 objects deep"),
        (_deep(40), "40 levels deep: more than any request of this API needs"),
        (b'{"body": "caf\xe9"}', "Latin-1, not UTF-8"),
        (b"\xff\xfe{\x00}\x00", "UTF-16"),
        ('{"body": NaN}', "NaN is not JSON"),
        ('{"body": "Hello"', "cut short"),
        ("", "empty, with a JSON content type"),
    ],
)
def test_a_body_that_cannot_be_read_is_a_json_400(body, why, site, api):
    with tenant_context(site.council):
        case = case_make()
    answer = api.call.post(f"/api/v1/cases/{case.pk}/messages/", body, content_type="application/json")
    message = _assert_error(answer, 400, "parse_error" if body else "invalid")["message"]
    assert "codec" not in message, why  # a sentence for a person, not Python's words
    with tenant_context(site.council):
        assert not case.messages.exists(), why


def test_a_json_body_over_the_size_limit_is_a_json_413_before_it_is_parsed(site, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    with tenant_context(site.council):
        case = case_make()
    answer = api.call.post(f"/api/v1/cases/{case.pk}/messages/", {"body": "x" * 10_000})
    _assert_error(answer, 413, "too_large")


# --- Every answer under /api/ is JSON -------------------------------------------------------------------


@pytest.fixture
def strict_caller(site, api):
    """A client that checks CSRF tokens as a browser's request would be checked."""
    return Client(HTTP_HOST=site.domain, enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {api.token}")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/no-such-thing/"),
        ("post", "/api/v1/children"),
        ("put", "/api/"),
        ("delete", "/api/v1/cases/x/"),
    ],
)
def test_a_write_to_an_address_that_is_not_an_endpoint_is_a_json_404_not_a_csrf_page(method, path, strict_caller):
    answer = getattr(strict_caller, method)(path, "{}", content_type="application/json")
    _assert_error(answer, 404, "not_found")


def test_a_failure_outside_the_apis_views_is_still_a_json_500(site, api, monkeypatch):
    """A middleware that breaks: Django answers its HTML 500 page, which an API client cannot read."""
    from citizen.accounts.middleware import IdleTimeoutMiddleware

    def broken(self, request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(IdleTimeoutMiddleware, "__call__", broken)
    caller = Client(HTTP_HOST=site.domain, raise_request_exception=False)
    answer = caller.get("/api/v1/children/", HTTP_AUTHORIZATION=f"Bearer {api.token}")
    body = _assert_error(answer, 500, "server_error")
    assert "secret internals" not in answer.content.decode()
    assert "X-Request-ID" in body["message"]
    assert answer["X-Request-ID"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/sign-in/", 403),  # no CSRF token
        ("get", "/staff/no-such-page/", 404),
        ("post", "/send/no-such-page/", 404),
    ],
)
def test_the_family_and_staff_pages_keep_their_html_error_pages(method, path, status, site):
    caller = Client(HTTP_HOST=site.domain, enforce_csrf_checks=True)
    answer = getattr(caller, method)(path)
    assert answer.status_code == status
    assert answer["Content-Type"].startswith("text/html")


def test_a_step_out_of_the_law_s_order_is_refused_as_on_the_staff_page(site, api):
    """Issue 19, item 1: a final plan with no draft plan sent is refused, with the reason
    the staff page gives, and the case offers only the steps that can come next."""
    with tenant_context(site.council):
        case = case_make(started_days_ago=30)
    decided = {"key": "decided_whether_to_assess", "occurred_on": str(timezone.localdate() - timedelta(days=20))}
    assert api.call.post(f"/api/v1/cases/{case.pk}/steps/", {**decided, "outcome": "yes"}).status_code == 201
    answer = api.call.post(
        f"/api/v1/cases/{case.pk}/steps/", {"key": "final_issued", "occurred_on": str(timezone.localdate())}
    )
    body = _assert_error(answer, 400, "invalid")
    assert body["errors"]["key"] == [
        "Record “Draft plan sent to the family” first: “Final EHC plan issued” comes after it."
    ]
    offered = api.call.get(f"/api/v1/cases/{case.pk}/").json()["steps_to_record"]
    assert [step["key"] for step in offered] == ["decided_not_to_issue", "draft_served"]
