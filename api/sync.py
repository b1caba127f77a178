"""Lists a council system can poll for changes without missing or repeating any.

Every list is ordered by (updated_at, id) (messages, which never change, by
(created_at, id)) and read from a position: the (timestamp, id) of the last row the
client has. A page answers the rows after that position, oldest change first, and the
`cursor` of its own last row; the client keeps that cursor and asks with it next time,
whether or not `has_more` says there is more now. So:

- nothing is repeated: each row comes after the position of the one before;
- nothing is missed: a row changed while a client pages through moves to the end
  (its updated_at is now later than any cursor given out), so it comes again, in its
  new state, on a later page. That is a change, not a repeat;
- a transaction that commits a little after the timestamp it wrote could otherwise land
  behind a cursor already given out. Rows changed in the last API_SYNC_SETTLE_SECONDS
  are left out until they have settled, so any change whose transaction commits within
  that time of its timestamp is seen.

`updated_since` (ISO 8601) starts from a time instead of a cursor: rows changed at or
after it. A cursor is opaque to clients; it is not signed, because it only says where
to start reading rows the client may read anyway."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# What cursor_encode gives out: unpadded URL-safe base64. The OpenAPI document says the same.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
CURSOR_MAX_LENGTH = 200
EMPTY_PARAMETER = "Give a value, or leave the parameter out."


@dataclass(frozen=True)
class Position:
    at: datetime
    id: int


def cursor_encode(position: Position) -> str:
    raw = json.dumps([position.at.isoformat(), position.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at_text, row_id = json.loads(raw)
        at = parse_datetime(at_text)
        if at is None or timezone.is_naive(at) or not isinstance(row_id, int) or row_id < 0:
            raise ValueError
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise serializers.ValidationError({"cursor": ["This is not a cursor this API gave out."]}) from None
    return Position(at=at, id=row_id)


class SyncParameters(serializers.Serializer):
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="Only rows changed at or after this time (ISO 8601; without an offset, UK time).",
    )
    cursor = serializers.RegexField(
        CURSOR_PATTERN,
        required=False,
        max_length=CURSOR_MAX_LENGTH,
        error_messages={"invalid": "This is not a cursor this API gave out."},
        help_text="A cursor from an earlier page.",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, help_text="Rows per page.", default=DEFAULT_LIMIT
    )

    def to_internal_value(self, data):
        # A parameter sent empty (`?updated_since=`) is a value, and not one the document
        # allows: refuse it rather than read it as absent, as DRF would for form data.
        empty = {name: [EMPTY_PARAMETER] for name in self.fields if data.get(name) == ""}
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)


class SyncPagination(BasePagination):
    """The view names the timestamp field with `sync_field` ("updated_at" unless said)."""

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        parameters = SyncParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        field = getattr(view, "sync_field", "updated_at")
        self.request = request
        self.limit = parameters.validated_data["limit"]
        start: Position | None = None
        if parameters.validated_data.get("cursor"):
            start = cursor_decode(parameters.validated_data["cursor"])
        elif parameters.validated_data.get("updated_since"):
            start = Position(at=parameters.validated_data["updated_since"], id=0)  # id > 0: every row at that time
        rows = queryset
        if start is not None:
            # The range on the timestamp alone lets PostgreSQL use the index on it.
            rows = rows.filter(**{f"{field}__gte": start.at}).filter(
                Q(**{f"{field}__gt": start.at}) | Q(id__gt=start.id)
            )
        settled = timezone.now() - timedelta(seconds=settings.API_SYNC_SETTLE_SECONDS)
        rows = rows.filter(**{f"{field}__lte": settled}).order_by(field, "id")
        page = list(rows[: self.limit + 1])
        self.has_more = len(page) > self.limit
        page = page[: self.limit]
        if page:
            last = page[-1]
            self.position: Position | None = Position(at=getattr(last, field), id=last.pk)
        else:
            self.position = start
        return page

    def next_cursor(self) -> str | None:
        return cursor_encode(self.position) if self.position is not None else None

    def get_paginated_response(self, data) -> Response:
        cursor = self.next_cursor()
        next_url = None
        if self.has_more and cursor:
            url = remove_query_param(self.request.build_absolute_uri(), "updated_since")
            next_url = replace_query_param(url, "cursor", cursor)
        return Response({"results": data, "cursor": cursor, "has_more": self.has_more, "next": next_url})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results", "cursor", "has_more", "next"],
            "properties": {
                "results": {**schema, "description": "The rows changed after the position asked for, oldest first."},
                "cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": (
                        "Where this page ends. Keep it and send it as `cursor` next time, even when `has_more` is "
                        "false: you then get only what changed since. Empty when nothing has been read yet."
                    ),
                },
                "has_more": {
                    "type": "boolean",
                    "description": "Whether more rows are waiting now: if so, ask again at once with `cursor`.",
                },
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The address of the next page when `has_more` is true; otherwise empty.",
                },
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "updated_since",
                "in": "query",
                "required": False,
                "description": SyncParameters().fields["updated_since"].help_text,
                "schema": {"type": "string", "format": "date-time"},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "The `cursor` of the last page you read: only rows changed after it. Takes the place "
                "of `updated_since`.",
                "schema": {"type": "string", "pattern": CURSOR_PATTERN, "maxLength": CURSOR_MAX_LENGTH},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1 to {MAX_LIMIT} ({DEFAULT_LIMIT} unless said).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            },
        ]
