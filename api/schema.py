"""The OpenAPI document's own words (SPECTACULAR_SETTINGS' postprocessing hook), and the
committed copy of the document (api/openapi.yaml) it is checked against.

The document is the same on every council's host: nothing in it names a council."""

from __future__ import annotations

from pathlib import Path

from api.parsers import MAX_DEPTH

COMMITTED = Path(__file__).resolve().parent / "openapi.yaml"

DESCRIPTION = f"""\
The council's SEND records for its own case-management systems: children, families'
requests to see a child's records, cases on the statutory clock, documents and messages.
It lives on the council's own host, under `/api/v1/`; a council system of one council
gets nothing from another council's host.

**Credentials.** A council admin creates an API client on the staff screens (Council
settings → API clients), choosing its scopes: `read` (every list and record),
`write` (decide access requests, record steps on cases, send messages) and `documents`
(download, upload and share documents). The credential is shown once; send it as
`Authorization: Bearer <key id>.<secret>`. No credential, or one that is not valid for
this council: 401. A credential without the scope needed: 403. A record that is not this
council's: 404. Every call is recorded, and every read or change of a child's data is in
the child's audit trail under the client's name.

**Polling for changes.** Every list is ordered by when each row last changed, oldest
first, and answers a `cursor`. Keep the last `cursor` you were given and send it next
time: you get exactly the rows changed since, each once. A row that changes while you
page through comes again later, in its new state. Rows changed in the last few seconds
are held back until their transaction has surely committed, so nothing is missed. Start
from a time with `updated_since` instead.

**Retrying writes.** Send `Idempotency-Key` (a UUID) with any POST: a repeat with the same
key answers what the first answered, with `Idempotent-Replayed: true`, and changes
nothing. The same key with a different request: 422.

**Errors** are always JSON, at any address under `/api/`: `{{"status", "code", "message",
"errors"}}`, `errors` giving each field's messages when a request was refused for what it
sent. Values are held to the types this document gives: a number where text is expected,
`"true"` for a boolean, `"12"` for an id, or a parameter sent empty (`?updated_since=`) is
refused (400), never converted. A body that is not JSON (or not UTF-8, or nested more than
{MAX_DEPTH} levels deep) is refused with the code `parse_error`.

**Limits.** Each client may make a set number of calls a minute; past it: 429, with the
seconds to wait in `Retry-After`.
"""


def describe(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the description above."""
    result["info"]["description"] = DESCRIPTION
    return result


def schema_generate() -> str:
    """The OpenAPI document as YAML, as /api/schema/ serves it."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiYamlRenderer

    schema = SchemaGenerator(urlconf="config.urls_council").get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()
