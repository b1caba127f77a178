"""The OpenAPI document: served at /api/schema/ on every council's host (the same for all),
the same as the copy in the repository (so a change to the API is a deliberate change to
api/openapi.yaml: `make api-schema`), and every field, parameter and answer described.
The browsable docs load Swagger UI from the app's own static files, never a CDN."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command

from api.schema import COMMITTED, schema_generate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def generated() -> str:
    return schema_generate()


def test_the_schema_in_the_repository_is_the_one_the_code_generates(generated):
    assert generated == COMMITTED.read_text(), (
        "api/openapi.yaml differs from the API: run `make api-schema`, check the difference and commit it"
    )


def test_the_check_command_fails_when_the_copy_is_stale(tmp_path, monkeypatch):
    stale = tmp_path / "openapi.yaml"
    stale.write_text("openapi: 3.0.3\n")
    monkeypatch.setattr("api.management.commands.api_schema.COMMITTED", stale)
    with pytest.raises(CommandError, match="out of date"):
        call_command("api_schema", "--check")
    call_command("api_schema")
    assert stale.read_text() == COMMITTED.read_text()
    call_command("api_schema", "--check")


def test_every_council_host_serves_the_same_document_without_credentials(site, generated):
    answer = site.client.get("/api/schema/")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.oai.openapi")
    assert answer.content.decode() == generated


def _properties(schema: dict):
    for name, component in schema["components"]["schemas"].items():
        for field, spec in (component.get("properties") or {}).items():
            yield f"{name}.{field}", spec


def test_every_field_parameter_and_answer_is_described(generated):
    schema = yaml.safe_load(generated)
    undescribed = [name for name, spec in _properties(schema) if not spec.get("description")]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not operation.get("description"):
                undescribed.append(f"{method} {path}")
            undescribed += [
                f"{method} {path} ?{p['name']}" for p in operation.get("parameters", []) if not p.get("description")
            ]
            undescribed += [
                f"{method} {path} → {code}"
                for code, answer in operation["responses"].items()
                if not answer["description"]
            ]
    assert undescribed == []


def test_every_operation_needs_a_client_and_documents_its_refusals(generated):
    schema = yaml.safe_load(generated)
    assert schema["components"]["securitySchemes"] == {
        "apiClient": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "<key id>.<secret>",
            "description": schema["components"]["securitySchemes"]["apiClient"]["description"],
        }
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"apiClient": []}], f"{method} {path}"
            assert {"401", "403", "429"} <= set(operation["responses"]), f"{method} {path}"


def test_nothing_in_the_document_names_a_council(generated):
    assert not re.search(r"cumbria|somerset|localhost", generated, re.IGNORECASE)


def test_the_browsable_docs_load_swagger_ui_from_our_own_static_files(site):
    answer = site.client.get("/api/docs/")
    assert answer.status_code == 200
    page = answer.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, page[:500]
    # Swagger UI's files, and the start-up script that replaced its inline one (issue 18: CSP).
    assert all(s.startswith(("/static/drf_spectacular_sidecar/", "/static/portal/")) for s in sources), sources
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), f"{source} is not among the static files"
    assert "/api/schema/" in page


def _parameters(schema: dict) -> dict[tuple[str, str], dict]:
    return {
        (parameter["in"], parameter["name"]): parameter["schema"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
    }


def _meets(value: str, rule: dict) -> bool:
    return rule.get("minLength", 0) <= len(value) <= rule.get("maxLength", len(value)) and bool(
        re.search(rule.get("pattern", ""), value)
    )


def test_the_schema_states_the_rules_the_code_holds_cursors_and_keys_to(generated):
    """What a client reads in the document is what the API checks: a cursor the API gives
    out, or a UUID as a key, meets the document's rule; what the API refuses does not."""
    import uuid
    from datetime import UTC, datetime

    from api.sync import Position, cursor_encode

    parameters = _parameters(yaml.safe_load(generated))
    cursor, key = parameters[("query", "cursor")], parameters[("header", "Idempotency-Key")]
    given_out = cursor_encode(Position(at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), id=2**31))
    assert _meets(given_out, cursor)
    assert not any(_meets(bad, cursor) for bad in ["", given_out + "==", "not a cursor", "x" * 201])
    assert _meets(str(uuid.uuid4()), key)
    assert not any(_meets(bad, key) for bad in ["", " padded", "tab\there", "caf\u00e9", "x" * 256])
    assert parameters[("query", "updated_since")] == {"type": "string", "format": "date-time"}


def test_every_operation_that_takes_a_body_documents_why_a_body_is_refused(generated):
    """A body that is not JSON (400 parse_error), too large (413) or of another media type (415)."""
    schema = yaml.safe_load(generated)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= set(operation["responses"]), f"{method} {path}"
