"""Logs: one JSON object per line in production (LOG_FORMAT=json), readable text
elsewhere. Every line carries the request's id, its council (schema name) and the
signed-in account's numeric id, never an email or a name; tokens carried in paths and
one-time codes are masked.

- RequestContextMiddleware (right after CouncilMiddleware) sets the request id and
  council, echoes the id in `X-Request-ID`, and writes one line per request.
- UserContextMiddleware (right after AuthenticationMiddleware) sets the account id.
- A log record factory copies that context onto every record as it is made, so any
  handler sees it, even one that formats later (a queue, a test's caplog).
- `mask_path` is also gunicorn's (platform/gunicorn.conf.py imports it), so its access
  log and these logs hide the same tokens.

Gunicorn's master imports this module before Django is set up: nothing here may read
settings at import.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.signals import request_finished
from django.dispatch import receiver

# --- Masking ------------------------------------------------------------------------

# Path segments after these prefixes are tokens (citizen/accounts/urls.py, the staff
# invitation link); the literal pages under them (resend/, done/) are kept.
_TOKEN_PATHS = re.compile(
    r"^(?P<prefix>/(?:activate|password/reset|account/email/confirm|account/email/undo|staff/invitations|invitations?|invite)/)"
    r"(?!(?:resend|done)/?$)(?P<token>[^?#]+)$"
)
# Anywhere else: a Django token (timestamp-hash) or a django.core.signing value
# (value:timestamp:signature, "." first when compressed).
_TOKEN_SEGMENT = re.compile(r"(?<=/)(?:[0-9a-z]{1,13}-[0-9a-f]{20,}|\.?[A-Za-z0-9_-]+:[A-Za-z0-9_:-]{20,})(?=/|$)")
# A path inside a message: after a URL's origin, or at the start, after a space, a quote,
# a bracket, "=" or ",". It ends before a query string (never logged whole anyway).
_PATH_IN_TEXT = re.compile(r"(?P<origin>https?://[^/\s\"'<>]*|(?<![^\s\"'(\[=,]))(?P<path>/[^\s\"'<>?#]*)")
# Two-step codes are 6 digits; defensive, as codes are never logged on purpose.
_CODE_IN_TEXT = re.compile(r"(?i)(\bcodes?\b[\s:=\"'#-]{0,3}(?:(?:is|was)\s+)?)\d{6}\b")
MASK = "[masked]"


def mask_path(path: str) -> str:
    """The path with the tokens it carries replaced, for the access log."""
    match = _TOKEN_PATHS.match(path)
    if match:
        token = match["token"]
        trailing = "/" if token.endswith("/") else ""
        masked = "/".join(MASK for _ in token.rstrip("/").split("/"))
        return f"{match['prefix']}{masked}{trailing}"
    return _TOKEN_SEGMENT.sub(MASK, path)


def mask_secrets(text: str) -> str:
    """`text` with the tokens in any path or link it contains, and 6-digit codes after
    the word "code", replaced."""
    text = _PATH_IN_TEXT.sub(lambda match: (match["origin"] or "") + mask_path(match["path"]), text)
    return _CODE_IN_TEXT.sub(rf"\g<1>{MASK}", text)


class MaskSecretsFilter(logging.Filter):
    """Masks the message (and a traceback's text) before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


# --- Request context ----------------------------------------------------------------

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_council: ContextVar[str | None] = ContextVar("council", default=None)
_user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
CONTEXT_FIELDS = {"request_id": _request_id, "council": _council, "user_id": _user_id}

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
request_logger = logging.getLogger("config.requests")


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-ID when it is a plain token (so it is safe in logs and
    headers), else a new one."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def log_context_begin(*, request_id: str | None, council: str | None) -> tuple:
    """Set the request id and council for what runs next in this context (a Celery task);
    returns what `log_context_end` needs to put the previous ones back."""
    return (_request_id.set(request_id), _council.set(council), _user_id.set(None))


def log_context_end(tokens: tuple) -> None:
    for variable, token in zip((_request_id, _council, _user_id), tokens, strict=True):
        variable.reset(token)


def _make_record_with_context(factory):
    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        for name, variable in CONTEXT_FIELDS.items():
            setattr(record, name, variable.get())
        return record

    make_record.adds_request_context = True
    return make_record


def install_record_factory() -> None:
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "adds_request_context", False):
        logging.setLogRecordFactory(_make_record_with_context(factory))


install_record_factory()


@receiver(request_finished, dispatch_uid="config.logs.clear_request_context")
def _clear_request_context(**kwargs) -> None:
    # Kept until the response is closed, not only until the middleware returns: Django
    # logs a 4xx/5xx response ("Not Found: …") after the last middleware.
    for variable in CONTEXT_FIELDS.values():
        variable.set(None)


@receiver(user_logged_in, dispatch_uid="config.logs.signed_in")
def _signed_in(*, user, **kwargs) -> None:
    _user_id.set(user.pk)


@receiver(user_logged_out, dispatch_uid="config.logs.signed_out")
def _signed_out(**kwargs) -> None:
    _user_id.set(None)


class RequestContextMiddleware:
    """Right after CouncilMiddleware: the request's id (the caller's X-Request-ID when
    sane, else a new one, echoed in the response) and the council, for every log line;
    then one line for the request itself."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        _request_id.set(request.request_id)
        tenant = getattr(request, "tenant", None)
        _council.set(getattr(tenant, "schema_name", None))
        _user_id.set(None)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        path = mask_path(request.path)
        duration_ms = round((time.perf_counter() - started) * 1000)
        request_logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={"method": request.method, "path": path, "status": response.status_code, "duration_ms": duration_ms},
        )
        return response


class UserContextMiddleware:
    """Right after AuthenticationMiddleware: the signed-in account's id (never its
    email) for the rest of the request. Signing in or out during the request updates it
    (the user_logged_in/out receivers above)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        _user_id.set(user.pk if user is not None and user.is_authenticated else None)
        return self.get_response(request)


# --- Formatters ---------------------------------------------------------------------

# Only these of a record's extra attributes are written: an allow-list, so a value
# passed in `extra` (an email, a name) never reaches the logs by accident.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "csp_violation")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, council,
    user_id, then any of EXTRA_FIELDS and the exception. A dozen lines of our own rather
    than python-json-logger: that library writes every extra attribute of a record,
    and here the fields are a fixed list."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_secrets(record.getMessage()),
        }
        entry |= {name: getattr(record, name, None) for name in CONTEXT_FIELDS}
        entry |= {name: getattr(record, name) for name in EXTRA_FIELDS if hasattr(record, name)}
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = mask_secrets(record.exc_text)
        if record.stack_info:
            entry["stack"] = mask_secrets(self.formatStack(record.stack_info))
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for development: time, level, logger, the request context when
    there is one, message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context_text)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(
            f"{name}={value}" for name in CONTEXT_FIELDS if (value := getattr(record, name, None)) is not None
        )
        record.context_text = f" [{context}]" if context else ""
        return mask_secrets(super().format(record))
