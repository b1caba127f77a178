"""The API's JSON parser: DRF's, refusing every body it cannot read as a 400 in the one
error shape (api.errors) rather than a 500.

DRF's parser turns a ValueError into a ParseError, but not the RecursionError that
Python's parser raises about 1,000 levels deep, and it words a bad encoding in the
codec's own terms. No request of this API is more than a few levels deep, so a body
nested past MAX_DEPTH is refused too, before any serializer walks it. Django has already
refused a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413) by the time this runs."""

from __future__ import annotations

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding

MAX_DEPTH = 20
NOT_JSON = "The request body is not JSON: {reason}."


def json_depth(value, *, limit: int) -> int:
    """How deeply arrays and objects nest in `value` (a scalar: 0), counting no further than limit + 1."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


class BoundedJSONParser(JSONParser):
    """application/json, as DRF's JSONParser, with every failure a ParseError (400 parse_error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        raw = stream.read()
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(NOT_JSON.format(reason=f"it is not valid {encoding.upper()} text")) from None
        try:
            data = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as error:
            raise ParseError(
                NOT_JSON.format(reason=f"{error.msg} (line {error.lineno}, column {error.colno})")
            ) from None
        except RecursionError:
            raise ParseError(NOT_JSON.format(reason=f"it is nested more than {MAX_DEPTH} levels deep")) from None
        except ValueError:  # NaN or Infinity; an integer of more than 4,300 digits
            raise ParseError(NOT_JSON.format(reason="it holds NaN, Infinity or a number too long to read")) from None
        if json_depth(data, limit=MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(NOT_JSON.format(reason=f"it is nested more than {MAX_DEPTH} levels deep"))
        return data
