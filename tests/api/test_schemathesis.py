"""schemathesis against the schema Cumbria's host serves, with a valid client that has every
scope, over a council with one of each record: for every operation, a bounded number of
generated requests, none of which may get a server error or a response that does not
match the schema (status, content type, headers, body).

The app is called in-process, in the test's transaction, through Django's test handler
(a real WSGI app would close the test's connection at each request)."""

from __future__ import annotations

import time

import pytest
from django.test.client import ClientHandler
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from .conftest import access_request_make, api_client_make, case_make, document_make, make_account, submission_make

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 10  # in each mode: requests that fit the schema, and ones that do not
TIME_BUDGET_SECONDS = 60


class InProcessApp:
    """A WSGI app over Django's test handler (which leaves the test's connection open)."""

    def __init__(self) -> None:
        self.handler = ClientHandler(enforce_csrf_checks=False)

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        headers = list(response.items())
        headers += [("Set-Cookie", cookie.output(header="").strip()) for cookie in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return response


def test_the_api_answers_as_its_schema_says(cumbria, settings):
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation.modes import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    settings.API_RATE_LIMIT = ""  # the limit has its own test
    settings.API_SYNC_SETTLE_SECONDS = 0
    with tenant_context(cumbria):
        case = case_make()
        document_make(case)
        family = make_account()
        from casework.services.messages import message_post

        message_post(case=case, author=family, from_send_team=False, body="Hello")
        access_request_make(account=family)
        submission_make(case)
    _, token = api_client_make(cumbria)
    base_url = "http://cumbria.localhost"
    app = InProcessApp()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app, base_url=base_url)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

        @hypothesis_settings(
            max_examples=2 * EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(generated=strategy)
        def conforms(generated):
            generated.call_and_validate(base_url=base_url, headers=headers, checks=checks)

        conforms()
    assert operations == 23
    assert time.monotonic() - started < TIME_BUDGET_SECONDS
