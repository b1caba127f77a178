"""Where browsers report Content-Security-Policy violations (settings.CSP_REPORT_PATH, on
every council's host and the platform's): each report becomes one log line at WARNING,
with the fields an operator needs and nothing else.

Anyone can post here, so it is cheap: no database, no session, a body of at most
MAX_REPORT_BYTES (longer ones are refused unread), and at most REPORTS_LOGGED_PER_MINUTE
lines per process (the rest are counted and the count is logged once a minute).
"""

from __future__ import annotations

import json
import logging
import threading
import time

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.logs import mask_secrets

logger = logging.getLogger("config.csp")

MAX_REPORT_BYTES = 8 * 1024
REPORTS_LOGGED_PER_MINUTE = 60
# The fields kept from a report (CSP 2 "csp-report" names), each cut to FIELD_CHARS.
REPORT_FIELDS = (
    "document-uri",
    "effective-directive",
    "violated-directive",
    "blocked-uri",
    "source-file",
    "line-number",
    "column-number",
    "disposition",
    "status-code",
)
FIELD_CHARS = 300


class _Budget:
    """A per-process allowance of log lines per minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._window_started = time.monotonic()
        self._used = 0
        self._dropped = 0

    def take(self) -> tuple[bool, int]:
        """(may this report be logged, how many were dropped in the window just ended)."""
        with self._lock:
            now = time.monotonic()
            dropped = 0
            if now - self._window_started >= 60:
                dropped, self._dropped = self._dropped, 0
                self._window_started, self._used = now, 0
            if self._used < self.per_minute:
                self._used += 1
                return True, dropped
            self._dropped += 1
            return False, dropped


_budget = _Budget(REPORTS_LOGGED_PER_MINUTE)


def reset_report_budget() -> None:
    """Tests: a fresh allowance."""
    global _budget
    _budget = _Budget(REPORTS_LOGGED_PER_MINUTE)


def _violation(body: bytes) -> dict[str, str] | None:
    try:
        report = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(report, dict):
        report = report.get("csp-report")
    if not isinstance(report, dict):
        return None
    violation = {}
    for field in REPORT_FIELDS:
        value = report.get(field)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            # A query string may hold what someone searched for (a child's name): never logged.
            text = str(value).split("?", 1)[0].split("#", 1)[0]
            violation[field.replace("-", "_")] = mask_secrets(text)[:FIELD_CHARS]
    return violation or None


@csrf_exempt  # browsers post reports without a token
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0 or length > MAX_REPORT_BYTES:
        return HttpResponse(status=413 if length > MAX_REPORT_BYTES else 400)
    violation = _violation(request.read(MAX_REPORT_BYTES))
    if violation is None:
        return HttpResponse(status=400)
    allowed, dropped = _budget.take()
    if dropped:
        logger.warning(
            "%s Content-Security-Policy reports were not logged (over %s a minute)", dropped, _budget.per_minute
        )
    if allowed:
        logger.warning(
            "Content-Security-Policy violation: %s blocked %s on %s",
            violation.get("effective_directive") or violation.get("violated_directive", "?"),
            violation.get("blocked_uri", "?"),
            violation.get("document_uri", "?"),
            extra={"csp_violation": violation},
        )
    return HttpResponse(status=204)
