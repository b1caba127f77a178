"""Writes a council system can retry safely: a POST sent with `Idempotency-Key: <key>`
is done once per client and key; a repeat answers what the first answered and changes
nothing. The same key with a different request is refused (422): it is a bug in the
client, and guessing which request it meant would be worse.

How two repeats sent at once make one object: the whole POST runs in one transaction
that starts by inserting the key's row (INSERT … ON CONFLICT DO NOTHING against the
unique (client, key)). The second request's insert waits on the first's uncommitted row;
once the first commits, the second reads it (locked, FOR UPDATE) with its stored answer
and replays it. If the first fails, its row is rolled back with everything else and the
second does the work itself. A request refused (4xx) stores nothing either, so a client
may correct it and send it again under the same key."""

from __future__ import annotations

import hashlib
import json
import re
from functools import wraps

from django.db import transaction
from rest_framework import exceptions, status
from rest_framework.response import Response

from api.models import ApiClient, IdempotencyKey

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
# Visible ASCII, no spaces: a UUID fits, and so does any key a header carries unchanged
# (a proxy may trim or re-encode spaces and other characters). The OpenAPI document says the same.
KEY_PATTERN = r"^[!-~]+$"
CHUNK = 64 * 1024


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = (
        "This Idempotency-Key was used for a different request. Use a new key for each new request, "
        "and the same key only to repeat a request exactly."
    )


def _file_digest(upload) -> str:
    """SHA-256 of an uploaded file, read in chunks (never whole into memory)."""
    digest = hashlib.sha256()
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def request_fingerprint(request, kwargs: dict) -> str:
    """The method, the path's arguments and the body as parsed, canonically: the same
    request sent twice has the same fingerprint, whatever the order of its fields."""
    body: dict = {}
    data = request.data
    for name in sorted(data.keys()) if hasattr(data, "keys") else []:
        value = data.getlist(name) if hasattr(data, "getlist") else data[name]
        body[name] = value
    for name, upload in sorted(request.FILES.items()):
        body[name] = {"file": getattr(upload, "name", ""), "size": upload.size, "sha256": _file_digest(upload)}
    canonical = json.dumps(
        {"method": request.method, "path": request.path, "arguments": kwargs, "body": body},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key_from(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if len(key) > KEY_MAX_LENGTH or not re.search(KEY_PATTERN, key):
        raise exceptions.ValidationError(
            {HEADER: [f"Send a key of 1 to {KEY_MAX_LENGTH} visible ASCII characters without spaces, such as a UUID."]}
        )
    return key


def _claim(client: ApiClient, key: str, fingerprint: str) -> IdempotencyKey:
    IdempotencyKey.objects.bulk_create(
        [IdempotencyKey(client=client, key=key, fingerprint=fingerprint)], ignore_conflicts=True
    )
    return IdempotencyKey.objects.select_for_update().get(client=client, key=key)


def idempotent(post):
    """For a view's `post(self, request, *args, **kwargs)`."""

    @wraps(post)
    def wrapper(view, request, *args, **kwargs):
        key = _key_from(request)
        if key is None:
            return post(view, request, *args, **kwargs)
        fingerprint = request_fingerprint(request, kwargs)
        with transaction.atomic():
            record = _claim(request.auth, key, fingerprint)
            if record.status_code is not None:
                if record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused()
                replay = Response(record.response_body, status=record.status_code)
                if record.location:
                    replay["Location"] = record.location
                replay["Idempotent-Replayed"] = "true"
                return replay
            response = post(view, request, *args, **kwargs)  # an exception rolls the key back too
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response_body = response.data
            record.location = response.get("Location", "")[:300]
            record.save(update_fields=["status_code", "response_body", "location"])
        return response

    return wrapper
