"""Content-Security-Policy and Permissions-Policy on every kind of page of both councils
and the platform's admin, and the endpoint browsers report violations to (issue 18)."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context

from casework.models import StaffMembership, StaffRole
from config.logs import JsonFormatter
from config.security_headers import MAX_REPORT_BYTES, REPORTS_LOGGED_PER_MINUTE, reset_report_budget
from tests.api.conftest import api_client_make
from tests.casework.conftest import make_account, signed_in_client
from tests.operators import operator_sign_in

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "report-uri": {"/csp-report/"},
}
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics")


def directives(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


def assert_strict_headers(response) -> None:
    policy = directives(response)
    for name, values in STRICT.items():
        assert policy.get(name) == values, f"{name}: {policy.get(name)}"
    assert not any("'unsafe-inline'" in values or "'unsafe-eval'" in values for values in policy.values()), policy
    features = dict(part.strip().split("=", 1) for part in response.headers["Permissions-Policy"].split(","))
    for feature in DENIED_FEATURES:
        assert features[feature] == "()", f"{feature}={features.get(feature)}"
    assert features["publickey-credentials-get"] == "(self)"  # security keys for staff two-step


def test_a_family_page_has_both_policies(site):
    response = signed_in_client(site.council, make_account()).get("/send/")
    assert response.status_code == 200
    assert_strict_headers(response)


def test_a_staff_page_has_both_policies(site):
    account = make_account()
    with tenant_context(site.council):
        StaffMembership.objects.create(account=account, role=StaffRole.COUNCIL_ADMIN)
    response = signed_in_client(site.council, account).get("/staff/")
    assert response.status_code == 200
    assert_strict_headers(response)


def test_a_signed_out_page_has_both_policies(site):
    response = site.client.get("/sign-in/")
    assert response.status_code == 200
    assert_strict_headers(response)


def test_an_api_answer_has_both_policies(site):
    _client, token = api_client_make(site.council)
    response = site.client.get("/api/v1/children/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert_strict_headers(response)


def test_the_api_docs_allow_data_images_and_nothing_else_inline(site):
    response = site.client.get("/api/docs/")
    assert response.status_code == 200
    assert directives(response)["img-src"] == {"'self'", "data:"}
    assert directives(response)["script-src"] == {"'self'"}
    assert b"<script>" not in response.content and b"<style" not in response.content


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/admin/tenants/council/"])
def test_the_platform_admin_has_both_policies(platform_client, path):
    if path != "/admin/login/":
        operator_sign_in(platform_client)  # the password and a second factor, as the admin needs
    response = platform_client.get(path)
    assert response.status_code == 200
    assert_strict_headers(response)


# --- The report endpoint ---------------------------------------------------------------

REPORT = {
    "csp-report": {
        "document-uri": "https://cumbria.example/staff/?search=Robin+Fell",
        "referrer": "https://cumbria.example/staff/dashboard/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; report-uri /csp-report/",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://cumbria.example/staff/",
        "status-code": 200,
        "script-sample": "alert(document.cookie)",
    }
}


@pytest.fixture(autouse=True)
def _fresh_report_budget():
    reset_report_budget()
    yield
    reset_report_budget()


def send_report(client: Client, body, content_type: str = "application/csp-report"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(settings.CSP_REPORT_PATH, data, content_type=content_type)


@pytest.mark.parametrize("host", ["cumbria.localhost", "somerset.localhost", "localhost"])
def test_a_report_is_logged_as_one_json_line_at_warning(host, caplog):
    client = Client(HTTP_HOST=host, enforce_csrf_checks=True)  # browsers send no CSRF token
    with caplog.at_level(logging.WARNING, logger="config.csp"):
        response = send_report(client, REPORT)
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "config.csp"]
    assert record.levelno == logging.WARNING
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING"
    assert line["csp_violation"] == {
        "document_uri": "https://cumbria.example/staff/",
        "effective_directive": "script-src-elem",
        "violated_directive": "script-src-elem",
        "blocked_uri": "inline",
        "source_file": "https://cumbria.example/staff/",
        "line_number": "12",
        "disposition": "enforce",
        "status_code": "200",
    }
    assert "script-src-elem blocked inline on https://cumbria.example/staff/" in line["message"]
    assert "Robin" not in json.dumps(line)  # a search in the query string is never logged
    assert "alert" not in json.dumps(line)  # nor the sample of the blocked script


def test_a_report_masks_a_token_in_the_page_address(cumbria_client, caplog):
    report = {"csp-report": REPORT["csp-report"] | {"document-uri": "https://cumbria.example/activate/abc-123/"}}
    with caplog.at_level(logging.WARNING, logger="config.csp"):
        send_report(cumbria_client, report)
    assert "abc-123" not in caplog.text


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"csp-report": "text"}', b'{"csp-report": {}}', b"[" * 5000],
    ids=["not-json", "a-list", "text", "empty", "deeply-nested"],
)
def test_a_malformed_report_is_refused_and_not_logged(cumbria_client, caplog, body):
    with caplog.at_level(logging.WARNING, logger="config.csp"):
        response = send_report(cumbria_client, body)
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.name == "config.csp"]


def test_a_report_over_the_size_cap_is_refused_unread(cumbria_client, caplog):
    padded = {"csp-report": REPORT["csp-report"] | {"script-sample": "x" * MAX_REPORT_BYTES}}
    with caplog.at_level(logging.WARNING, logger="config.csp"):
        response = send_report(cumbria_client, padded)
    assert response.status_code == 413
    assert not [r for r in caplog.records if r.name == "config.csp"]


def test_only_posts_are_taken(cumbria_client):
    assert cumbria_client.get(settings.CSP_REPORT_PATH).status_code == 405


def test_a_flood_of_reports_logs_a_minutes_allowance_then_nothing(cumbria_client, caplog):
    with caplog.at_level(logging.WARNING, logger="config.csp"):
        answers = {send_report(cumbria_client, REPORT).status_code for _ in range(REPORTS_LOGGED_PER_MINUTE + 20)}
    assert answers == {204}
    assert len([r for r in caplog.records if r.name == "config.csp"]) == REPORTS_LOGGED_PER_MINUTE


@pytest.mark.parametrize("host", ["cumbria.localhost", "localhost"])
def test_the_csrf_failure_page_needs_no_inline_style(host):
    """Django's own CSRF page carries an inline <style>, refused under the policy."""
    response = Client(HTTP_HOST=host, enforce_csrf_checks=True).post(
        "/sign-in/" if host != "localhost" else "/admin/login/"
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page
    assert "<style" not in page and "style=" not in page and "<script" not in page
    assert_strict_headers(response)
