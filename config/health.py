"""/health/live and /health/ready, answered before host routing so a probe that
reaches a pod by its address (no council host) still gets an answer."""

from __future__ import annotations

import json
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse


def _json(body: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run in-process)"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    return "ok"


# A storage check that passed is trusted for this long by this process: on S3 each
# check is three requests (exists, put, delete), and probes come every few seconds.
# A failure is never remembered: the next probe checks again.
STORAGE_CHECK_TRUSTED_SECONDS = 60
_storage_ok_until = 0.0


def check_storage() -> str:
    global _storage_ok_until
    if time.monotonic() < _storage_ok_until:
        return "ok"
    name = default_storage.save(f"health/{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)
    _storage_ok_until = time.monotonic() + STORAGE_CHECK_TRUSTED_SECONDS
    return "ok"


def forget_storage_check() -> None:
    """The next readiness probe checks the storage again (tests; a changed storage)."""
    global _storage_ok_until
    _storage_ok_until = 0.0


CHECKS = {"database": check_database, "broker": check_broker, "storage": check_storage}


def readiness() -> tuple[bool, dict[str, str]]:
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a probe reports every failure, whatever its kind
            results[name] = f"failing: {exc.__class__.__name__}"
            ready = False
    return ready, results


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path == "/health/live":
            return _json({"status": "ok"})
        if path == "/health/ready":
            connection.set_schema_to_public()
            ready, checks = readiness()
            return _json({"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503)
        return self.get_response(request)
