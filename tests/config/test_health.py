"""/health/live and /health/ready answer on any host, before council routing."""

import threading

import pytest
from django.db import OperationalError
from django.test import Client

from config import health
from config.health import forget_storage_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _check_storage_afresh():
    """A storage check that passed is trusted for a minute; each test checks its own."""
    forget_storage_check()
    yield
    forget_storage_check()


@pytest.mark.parametrize("host", ["cumbria.localhost", "localhost", "10.0.0.7", "unknown.example"])
def test_liveness_answers_on_any_host(host):
    response = Client(HTTP_HOST=host).get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_checks_the_database_and_storage(settings, tmp_path):
    settings.REDIS_URL = ""
    settings.MEDIA_ROOT = tmp_path
    response = Client(HTTP_HOST="10.0.0.7").get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["storage"] == "ok"
    assert body["checks"]["broker"].startswith("not configured")
    assert list(tmp_path.rglob("*")) == [tmp_path / "health"]  # the probe file was removed


def test_readiness_reports_an_unreachable_broker_and_stays_ready(settings, tmp_path):
    """A Redis outage must not take every web pod out of service (issue 18): email waits
    in the outbox, pages keep being served."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.MEDIA_ROOT = tmp_path
    response = Client(HTTP_HOST="localhost").get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["broker"].startswith("failing: ")
    assert body["checks"]["database"] == "ok"


def test_readiness_reports_failing_storage_and_stays_ready(settings, tmp_path):
    settings.REDIS_URL = ""
    settings.MEDIA_ROOT = tmp_path / "a-file-not-a-folder"
    settings.MEDIA_ROOT.write_text("not a folder")
    response = Client(HTTP_HOST="localhost").get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"].startswith("failing: ")


def test_readiness_answers_without_waiting_for_a_hanging_check(settings, monkeypatch):
    """S3 or Redis that never answers must not outlast the probe's own timeout."""
    settings.REDIS_URL = ""
    released = threading.Event()
    monkeypatch.setitem(health.REPORTED_CHECKS, "storage", lambda: released.wait(30) and "ok")
    monkeypatch.setattr(health, "REPORTED_CHECK_SECONDS", 0.2)
    try:
        body = Client(HTTP_HOST="localhost").get("/health/ready").json()
        assert body["status"] == "ok"
        assert body["checks"]["storage"] == "failing: no answer in time"
    finally:
        released.set()


def test_readiness_fails_when_the_database_cannot_be_reached(settings, tmp_path, monkeypatch):
    settings.REDIS_URL = ""
    settings.MEDIA_ROOT = tmp_path

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.REQUIRED_CHECKS, "database", unreachable)
    response = Client(HTTP_HOST="localhost").get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "failing: OperationalError"
    assert body["checks"]["storage"] == "ok"
