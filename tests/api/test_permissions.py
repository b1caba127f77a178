"""Every endpoint by who is calling → the status they get, on each council's host in turn.

Nobody gets anything without a live credential of the host's own council (401, saying how
to authenticate); a client of this council without the scope an endpoint needs gets 403;
the right client gets its answer. Another council's records are simply not found (404).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.models import ApiClient, Scope
from api.schema import schema_generate
from casework.models import AuditEvent, Message
from tests.casework.documents.conftest import pdf_bytes, upload

from .conftest import ALL_SCOPES, api_client_make

pytestmark = pytest.mark.django_db

READ, WRITE, DOCUMENTS = Scope.READ, Scope.WRITE, Scope.DOCUMENTS


def _decision(records) -> dict:
    return {"decision": "ask", "question": "Which school does he go to?"}


def _step(records) -> dict:
    return {"key": "decided_whether_to_assess", "occurred_on": timezone.localdate().isoformat(), "outcome": "yes"}


def _message(records) -> dict:
    return {"body": "The psychologist visits on Monday."}


def _return_details(records) -> dict:
    return {"upn": "A123456789012", "sex": "F"}


def _placement(records) -> dict:
    return {"name": "Hillside Primary", "urn": "123456", "entry_date": "2025-09-01"}


def _plan(records) -> dict:
    return {"revision": 1, "content": {"A": {"views": "I like trains and buses."}}}


def _upload(records) -> dict:
    return {"kind": "draft_plan", "title": "Draft plan", "file": upload("draft.pdf", pdf_bytes("Draft"))}


# method, path (from the records' ids), scope it needs, body, the right client's status
ENDPOINTS = [
    ("GET", "/api/v1/children/", READ, None, 200),
    ("GET", "/api/v1/children/{child}/", READ, None, 200),
    ("POST", "/api/v1/children/{child}/return-details/", WRITE, _return_details, 200),
    ("POST", "/api/v1/children/{child}/placements/", WRITE, _placement, 201),
    ("GET", "/api/v1/access-requests/", READ, None, 200),
    ("GET", "/api/v1/access-requests/{access_request}/", READ, None, 200),
    ("POST", "/api/v1/access-requests/{access_request}/decision/", WRITE, _decision, 200),
    ("GET", "/api/v1/cases/", READ, None, 200),
    ("GET", "/api/v1/cases/{case}/", READ, None, 200),
    ("POST", "/api/v1/cases/{case}/steps/", WRITE, _step, 201),
    ("GET", "/api/v1/cases/{case}/documents/", READ, None, 200),
    ("POST", "/api/v1/cases/{case}/documents/", DOCUMENTS, _upload, 201),
    ("GET", "/api/v1/cases/{case}/messages/", READ, None, 200),
    ("POST", "/api/v1/cases/{case}/messages/", WRITE, _message, 201),
    ("GET", "/api/v1/cases/{case}/plan/", READ, None, 200),
    ("PUT", "/api/v1/cases/{case}/plan/", WRITE, _plan, 200),
    ("GET", "/api/v1/documents/", READ, None, 200),
    ("GET", "/api/v1/documents/{document}/", READ, None, 200),
    ("GET", "/api/v1/documents/{document}/file/", DOCUMENTS, None, 200),
    ("POST", "/api/v1/documents/{document}/share/", DOCUMENTS, None, 200),
    ("GET", "/api/v1/messages/", READ, None, 200),
    ("GET", "/api/v1/advice-requests/", READ, None, 200),
    ("GET", "/api/v1/advice-requests/{advice_request}/", READ, None, 200),
    ("GET", "/api/v1/form-submissions/", READ, None, 200),
    ("GET", "/api/v1/form-submissions/{submission}/", READ, None, 200),
    ("GET", "/api/v1/form-submissions/{submission}/pdf/", DOCUMENTS, None, 200),
    ("GET", "/api/v1/form-submissions/{submission}/files/{form_file}/", DOCUMENTS, None, 200),
    ("GET", "/api/v1/form-definitions/", READ, None, 200),
    ("GET", "/api/v1/form-definitions/{form_definition}/", READ, None, 200),
]
WHO = ["no credentials", "revoked client", "client without the scope", "other council's client", "right client"]


def _call(caller, method: str, path: str, body):
    if method == "GET":
        return caller.get(path)
    if method == "PUT":
        return caller.put(path, body)
    multipart = body is not None and "file" in body
    return caller.post(path, body, content_type=None if multipart else "application/json")


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    ("method", "path", "scope", "body", "allowed"), ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS]
)
def test_api_permission_matrix(who, method, path, scope, body, allowed, site, records, api_for):
    if who == "no credentials":
        token, expected = None, 401
    elif who == "revoked client":
        _, token = api_client_make(site.council, revoked=True)
        expected = 401
    elif who == "client without the scope":
        _, token = api_client_make(site.council, scopes=[s for s in ALL_SCOPES if s != scope])
        expected = 403
    elif who == "other council's client":
        _, token = api_client_make(site.other)
        expected = 401
    else:
        _, token = api_client_make(site.council)
        expected = allowed
    with tenant_context(site.council):
        events_before = AuditEvent.objects.count()

    answer = _call(api_for(site.domain, token), method, path.format(**vars(records)), body(records) if body else None)

    assert answer.status_code == expected, answer.content[:500]
    if expected == 401:
        assert answer["WWW-Authenticate"] == 'Bearer realm="api"'
    if expected in (401, 403):
        assert answer.json()["status"] == expected
        assert answer.json()["code"] in ("not_authenticated", "authentication_failed", "permission_denied")
        with tenant_context(site.council):  # nothing read, nothing changed
            assert AuditEvent.objects.count() == events_before


def test_the_matrix_covers_every_endpoint_in_the_schema():
    import yaml

    schema = yaml.safe_load(schema_generate())
    in_schema = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method != "parameters"
    }
    in_matrix = {
        (method, re.sub(r"\{(?!form_file)\w+\}", "{id}", path).replace("{form_file}", "{file_id}"))
        for method, path, *_ in ENDPOINTS
    }
    assert in_schema == in_matrix


def _only_in_other_council(site, make, model):
    """A row made in the other council whose id no row of this council has (each schema
    numbers its own rows, so the same id can be both councils' own records)."""
    for _ in range(50):
        with tenant_context(site.other):
            row = make()
        with tenant_context(site.council):
            if not model.objects.filter(pk=row.pk).exists():
                return row
    raise AssertionError("could not find an id used only in the other council")


OTHER_COUNCILS = {
    "child": "/api/v1/children/{}/",
    "case": "/api/v1/cases/{}/",
    "case documents": "/api/v1/cases/{}/documents/",
    "case messages": "/api/v1/cases/{}/messages/",
    "case plan": "/api/v1/cases/{}/plan/",
    "document": "/api/v1/documents/{}/",
    "document file": "/api/v1/documents/{}/file/",
    "access request": "/api/v1/access-requests/{}/",
    "form submission": "/api/v1/form-submissions/{}/",
    "form submission's PDF": "/api/v1/form-submissions/{}/pdf/",
    "form definition": "/api/v1/form-definitions/{}/",
    "advice request": "/api/v1/advice-requests/{}/",
}


@pytest.mark.parametrize("what", OTHER_COUNCILS)
def test_another_councils_records_are_not_found_and_not_listed(what, site, records, api_for):
    """The other council's ids, asked of this council's host by this council's client: 404."""
    from casework.models import AccessRequest, Case, Child, Document
    from casework.submissions.models import FormSubmission
    from tenants.models import FormVersion

    from .conftest import access_request_make, case_make, child_make, document_make, submission_make

    if what == "child":
        row = _only_in_other_council(site, child_make, Child)
    elif what.startswith("case"):
        row = _only_in_other_council(site, case_make, Case)
        if what == "case plan":  # it has a plan there: the 404 is the council's, not a missing plan
            from casework.models import Plan

            with tenant_context(site.other):
                Plan.objects.create(case_id=row.pk, content={})
    elif what.startswith("document"):
        row = _only_in_other_council(site, lambda: document_make(case_make()), Document)
    elif what.startswith("form submission"):
        row = _only_in_other_council(site, lambda: submission_make(case_make(), with_file=False), FormSubmission)
    elif what == "advice request":
        from casework.models import AdviceRequest

        from .conftest import advice_make

        row = _only_in_other_council(site, lambda: advice_make(case_make()), AdviceRequest)
    elif what == "form definition":  # public-schema rows: every id is one council's only
        row = FormVersion.objects.filter(variant__council=site.other, published_at__isnull=False).first()
    else:
        row = _only_in_other_council(site, access_request_make, AccessRequest)
    _, token = api_client_make(site.council)
    caller = api_for(site.domain, token)

    answer = caller.get(OTHER_COUNCILS[what].format(row.pk))

    assert answer.status_code == 404
    assert answer.json() == {"status": 404, "code": "not_found", "message": "Not found.", "errors": {}}
    listed = caller.get("/api/v1/documents/").json()["results"]
    assert [d["id"] for d in listed] == [records.document]


def test_a_client_row_of_another_council_opens_nothing_on_this_host(site, records, api_for):
    """docs/architecture.md: an API token is not a session. A client row that names another council
    (a schema restored from a copy, say) is refused here even with the right secret."""
    client, token = api_client_make(site.council)
    with tenant_context(site.council):
        ApiClient.objects.filter(pk=client.pk).update(council=site.other)
    answer = api_for(site.domain, token).get("/api/v1/children/")
    assert answer.status_code == 401
    assert answer.json()["message"] == "The credential is not valid for this council."


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer not-a-credential",
        "Bearer 0123456789abcdef.wrong-secret",
        "Basic dXNlcjpwYXNz",
        "Token 0123456789abcdef.secret",
    ],
)
def test_malformed_or_unknown_credentials_are_refused_with_401(header, site, api_for):
    answer = api_for(site.domain, None).get("/api/v1/children/", HTTP_AUTHORIZATION=header)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == 'Bearer realm="api"'
    assert set(answer.json()) == {"status", "code", "message", "errors"}


def test_a_wrong_secret_for_a_real_key_is_refused(site, api_for):
    _, token = api_client_make(site.council)
    key_id, _, secret = token.partition(".")
    answer = api_for(site.domain, f"{key_id}.{secret[:-1]}x").get("/api/v1/children/")
    assert answer.status_code == 401


def test_a_revoked_client_is_refused_from_its_next_call(site, records, api_for):
    from api.services import api_client_revoke
    from tests.api.conftest import council_admin

    client, token = api_client_make(site.council)
    caller = api_for(site.domain, token)
    assert caller.get("/api/v1/children/").status_code == 200
    admin = council_admin(site.council)
    with tenant_context(site.council):
        api_client_revoke(client=client, by=admin)
    assert caller.get("/api/v1/children/").status_code == 401
    with tenant_context(site.council):
        assert Message.objects.count() == 1  # and nothing it could have done was done


def test_only_the_last_minute_of_use_is_written_back(site, api_for):
    """last_used_at moves at most once a minute, so polling costs no write per call."""
    client, token = api_client_make(site.council)
    caller = api_for(site.domain, token)
    caller.get("/api/v1/children/")
    with tenant_context(site.council):
        first = ApiClient.objects.get(pk=client.pk).last_used_at
    caller.get("/api/v1/children/")
    with tenant_context(site.council):
        assert ApiClient.objects.get(pk=client.pk).last_used_at == first
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=first - timedelta(minutes=2))
    caller.get("/api/v1/children/")
    with tenant_context(site.council):
        assert ApiClient.objects.get(pk=client.pk).last_used_at > first
