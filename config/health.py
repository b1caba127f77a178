"""/health/live and /health/ready, answered before host routing so a probe that
reaches a pod by its address (no council host) still gets an answer."""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

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


# Only the database decides readiness: without it no page can be served. The broker and
# the storage are reported, never failing the probe, so a Redis or S3 outage does not
# take every web pod out of service (email waits in the outbox; uploads fail alone).
REQUIRED_CHECKS = {"database": check_database}
REPORTED_CHECKS = {"broker": check_broker, "storage": check_storage}

# A reported check gets this long before the probe answers without it: the readiness
# probe's own timeout is 5 s (helm values), and boto3 retries for far longer than that.
REPORTED_CHECK_SECONDS = 2.0
# Reported checks run on these threads; a check still hanging from an earlier probe is
# not started again, so a dead endpoint never piles up threads.
_reported_executor = ThreadPoolExecutor(max_workers=len(REPORTED_CHECKS), thread_name_prefix="health")
_reported_in_flight: dict[str, Future] = {}
_reported_lock = threading.Lock()


def _failing(exc: BaseException) -> str:
    return f"failing: {exc.__class__.__name__}"


def _reported(name: str, check) -> Future:
    with _reported_lock:
        future = _reported_in_flight.get(name)
        if future is None or future.done():
            future = _reported_in_flight[name] = _reported_executor.submit(check)
        return future


def readiness() -> tuple[bool, dict[str, str]]:
    """Ready when the database answers; the broker's and storage's states are reported."""
    results, ready = {}, True
    futures = {name: _reported(name, check) for name, check in REPORTED_CHECKS.items()}
    for name, check in REQUIRED_CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a probe reports every failure, whatever its kind
            results[name] = _failing(exc)
            ready = False
    deadline = time.monotonic() + REPORTED_CHECK_SECONDS
    for name, future in futures.items():
        try:
            results[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            results[name] = "failing: no answer in time"
        except Exception as exc:  # reported, never failing readiness
            results[name] = _failing(exc)
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
