"""schemathesis against the schema Cumbria's host serves, with a valid client that has every
scope, over records this test makes: for every operation, reads and writes, requests that
fit the schema and requests that do not, sent both to records that exist (so writes really
record steps, decide requests, send messages, upload and share documents) and to ids that
do not. None may get a server error or an answer that does not match the schema (status,
content type, headers, body), and every request that breaks the schema must be refused:
the schema and the code agree on what is accepted.

Before the fuzzing, each write is sent once as a client would send it, and must succeed, so
the schema of each success answer is checked against a real one.

The app is called in-process, in the test's transaction, through Django's test handler
(a real WSGI app would close the test's connection at each request)."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.test.client import ClientHandler
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from casework.models import ChildAccess, Document, Relationship
from casework.services.messages import message_post
from tests.casework.documents.conftest import pdf_bytes

from .conftest import (
    access_request_make,
    advice_make,
    api_client_make,
    case_make,
    child_make,
    document_make,
    make_account,
    submission_make,
)

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 30  # per operation: fitting and not, on records that exist and ids that do not
OPERATIONS = 29
BASE_URL = "http://cumbria.localhost"


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


def _negative_data_rejected(ctx, response, case):
    """schemathesis' negative_data_rejection, except for a form-data body whose only fault is
    in its fields: form data is all text (a generated [null] goes out as the title "null"),
    and schemathesis cannot read a body with a file part back to see what was really sent."""
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.specs.openapi.checks import negative_data_rejection

    meta = case.meta
    others = (ParameterLocation.PATH, ParameterLocation.QUERY, ParameterLocation.HEADER)
    if (
        meta is not None
        and case.media_type == "multipart/form-data"
        and meta.is_negative_at(ParameterLocation.BODY)
        and not any(meta.is_negative_at(location) for location in others)
    ):
        return None
    return negative_data_rejection(ctx, response, case)


def _owned_records(council) -> dict:
    """The records the requests aim at, made in Cumbria: children with cases, documents and
    messages on them (a family member who can see the child, so messages and shares
    are emailed), waiting access requests, and a form submission with a file."""
    with tenant_context(council):
        cases = [case_make(started_days_ago=10) for _ in range(3)]
        family = make_account()
        for case in cases:
            ChildAccess.objects.create(child=case.child, account=family, relationship=Relationship.PARENT)
            message_post(case=case, author=family, from_send_team=False, body="When is the visit?")
        documents = [document_make(case) for case in cases]
        requests = [access_request_make(account=make_account()).pk for _ in range(8)]
        submission = submission_make(cases[0])
        form_file = submission.files.get()
        spare_child = child_make()
        advice = [advice_make(case_make(started_days_ago=10)) for _ in range(2)]  # cases of their own
    return {
        "advice-requests": [{"id": a.pk} for a in advice],
        "children": [{"id": case.child_id} for case in cases] + [{"id": spare_child.pk}],
        "access-requests": [{"id": pk} for pk in requests],
        "cases": [{"id": case.pk} for case in cases],
        "documents": [{"id": document.pk} for document in documents],
        "form-submissions": [{"id": submission.pk, "file_id": form_file.pk}],
        "form-definitions": [{"id": submission.version_id}],
        "_spare_child": spare_child.pk,
    }


def _path_parameters(operation, owned: dict) -> list[dict]:
    """The path parameters that name records of this test, for an operation that has any."""
    names = {p.name for p in operation.path_parameters}
    if not names:
        return []
    collection = operation.path.split("/")[3]  # /api/v1/<collection>/{id}/…
    return [{name: params[name] for name in names} for params in owned[collection]]


def _writes_as_a_client_sends_them(owned: dict) -> list[tuple[str, dict]]:
    """(path, case arguments) for one well-formed POST to each write, and one retry."""
    today = timezone.localdate().isoformat()
    case, other_case, third_case = (c["id"] for c in owned["cases"])
    requests = [r["id"] for r in owned["access-requests"][:3]]
    owned["access-requests"] = owned["access-requests"][3:]  # decided here
    letter = {"kind": Document.Kind.DECISION_LETTER.value, "title": "Decision", "file": pdf_bytes("Letter")}
    retry = {"body": {"body": "Retried."}, "headers": {"Idempotency-Key": "retry-1"}}
    decision = "/api/v1/access-requests/{id}/decision/"
    return [
        (decision, {"id": requests[0], "body": {"decision": "approve", "child": owned["_spare_child"]}}),
        (
            decision,
            {"id": requests[1], "body": {"decision": "ask", "question": "A letter?", "document_requested": True}},
        ),
        (decision, {"id": requests[2], "body": {"decision": "decline", "reason": "We could not match the child."}}),
        (
            "/api/v1/cases/{id}/steps/",
            {"id": case, "body": {"key": "decided_whether_to_assess", "occurred_on": today, "outcome": "yes"}},
        ),
        ("/api/v1/cases/{id}/messages/", {"id": other_case, "body": {"body": "We will visit on Monday."}}),
        ("/api/v1/cases/{id}/messages/", {"id": other_case, **retry}),
        ("/api/v1/cases/{id}/messages/", {"id": other_case, **retry}),  # answered again, not sent again
        (
            "/api/v1/cases/{id}/documents/",
            {"id": third_case, "body": letter | {"share": True}, "media_type": "multipart/form-data"},
        ),
        ("/api/v1/documents/{id}/share/", {"id": owned["documents"][0]["id"]}),
        (
            "/api/v1/children/{id}/return-details/",
            {"id": owned["children"][0]["id"], "body": {"upn": "a123456789012", "sex": "F", "postcode": "ca1 1rd"}},
        ),
        (
            "/api/v1/children/{id}/placements/",
            {"id": owned["children"][0]["id"], "body": {"name": "Hillside", "urn": "123456", "entry_date": today}},
        ),
    ]


def test_the_api_answers_as_its_schema_says_to_reads_and_writes(cumbria, settings, capsys):
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
    owned = _owned_records(cumbria)
    _, token = api_client_make(cumbria)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", InProcessApp(), base_url=BASE_URL)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        _negative_data_rejected,
    ]
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    cases: Counter[str] = Counter()
    writes_done = 0

    replayed = 0
    for path, arguments in _writes_as_a_client_sends_them(owned):
        written = schema[path]["POST"].Case(path_parameters={"id": arguments.pop("id")}, **arguments)
        response = written.call_and_validate(base_url=BASE_URL, headers=headers, checks=checks)
        assert 200 <= response.status_code < 300, (path, response.status_code, response.text[:300])
        replayed += "true" in {name.lower(): value for name, value in response.headers.items()}.get(
            "idempotent-replayed", []
        )
        cases["explicit"] += 1
    assert replayed == 1

    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
        # The credential is given, not generated: requests without one have their own tests.
        strategies = [operation.as_strategy(mode, headers=headers) for mode in modes]  # ids as generated
        for params in _path_parameters(operation, owned):
            strategies += [operation.as_strategy(mode, headers=headers, path_parameters=params) for mode in modes]

        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(generated=st.one_of(strategies))
        def conforms(generated):
            nonlocal writes_done
            response = generated.call_and_validate(base_url=BASE_URL, checks=checks)
            cases[generated.meta.generation.mode.value] += 1
            if generated.method == "POST" and 200 <= response.status_code < 300:
                writes_done += 1

        conforms()

    assert operations == OPERATIONS
    seconds = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nschemathesis: {operations} operations, {sum(cases.values())} cases ({cases['explicit']} written out, "
            f"{cases['positive']} generated to fit the schema, {cases['negative']} not; {writes_done} generated writes "
            f"done), 0 failures, {seconds:.0f} s"
        )
