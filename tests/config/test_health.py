"""/health/live and /health/ready answer on any host, before council routing."""

import pytest
from django.test import Client

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


def test_readiness_fails_when_the_broker_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client(HTTP_HOST="localhost").get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"].startswith("failing: ")
    assert body["checks"]["database"] == "ok"
