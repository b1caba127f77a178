"""Logs (config/logs.py): JSON lines carrying the request id, council and account id;
X-Request-ID; tokens and codes masked; production writes JSON to stdout."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from citizen.accounts.models import Account
from config.logs import JsonFormatter, MaskSecretsFilter, TextFormatter, mask_secrets

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "logged-parent@example.org"
TOKEN = "c1x2y3-0123456789abcdef0123456789abcdef"


@pytest.fixture
def parent() -> Account:
    return Account.objects.create_user(EMAIL, "Kettle-Harbour-Violet7", is_active=True)


def json_lines(caplog, logger: str) -> list[dict]:
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records if record.name == logger]
    assert all("\n" not in line for line in lines)
    return [json.loads(line) for line in lines]


def test_a_request_logs_a_json_line_with_its_id_council_and_user(cumbria, cumbria_client, in_council, parent, caplog):
    with in_council(cumbria):  # sessions live in the council's schema
        cumbria_client.force_login(parent, backend="django.contrib.auth.backends.ModelBackend")

    with caplog.at_level(logging.INFO):
        response = cumbria_client.get("/")

    (line,) = json_lines(caplog, "config.requests")
    assert line["request_id"] == response["X-Request-ID"]
    assert line["council"] == "cumbria"
    assert line["user_id"] == parent.pk
    assert (line["level"], line["method"], line["path"], line["status"]) == ("INFO", "GET", "/", response.status_code)
    assert line["message"].startswith("GET / ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert EMAIL not in caplog.text and EMAIL not in json.dumps(line)


def test_django_lines_after_the_view_keep_the_context_and_are_masked(cumbria, cumbria_client, caplog):
    with caplog.at_level(logging.INFO):
        response = cumbria_client.get(f"/no-such-page/{TOKEN}/", HTTP_X_REQUEST_ID="probe-42")

    assert response.status_code == 404
    (line,) = json_lines(caplog, "django.request")  # logged once the last middleware has returned
    assert line["message"] == "Not Found: /no-such-page/[masked]/"
    assert (line["request_id"], line["council"], line["user_id"]) == ("probe-42", "cumbria", None)
    assert TOKEN not in json.dumps(json_lines(caplog, "config.requests"))


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [
        ("3f2a1b9c-8d7e-4c1b-9a2e-0b1c2d3e4f5a", True),
        ("A" * 64, True),
        ("A" * 65, False),
        ("abc 123", False),
        ("abc_123", False),
        ("<script>", False),
        ("", False),
    ],
)
def test_a_sane_request_id_is_echoed_and_any_other_replaced(cumbria_client, sent, echoed):
    response = cumbria_client.get("/", HTTP_X_REQUEST_ID=sent)
    if echoed:
        assert response["X-Request-ID"] == sent
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_gets_its_own_id(cumbria_client, somerset_client):
    ids = {client.get("/")["X-Request-ID"] for client in (cumbria_client, cumbria_client, somerset_client)}
    assert len(ids) == 3


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("/activate/MQ/abc123-def456/", "/activate/[masked]/[masked]/"),
        ("Not Found: /password/reset/MQ/set-password/", "Not Found: /password/reset/[masked]/[masked]/"),
        (
            "sent https://cumbria.example/account/email/confirm/eyJpZCI6MX0:1tXyZa:abcdefghijklmnopqrstuvwxyz/ today",
            "sent https://cumbria.example/account/email/confirm/[masked]/ today",
        ),
        ("POST /account/email/undo/short-undo-token/ 200", "POST /account/email/undo/[masked]/ 200"),
        ("link '/staff/invitations/Zx9_-AbCdEfGhIjKlMnOpQrStUvWxYz012345678/'", "link '/staff/invitations/[masked]/'"),
        (f"GET /elsewhere/{TOKEN}/ 200", "GET /elsewhere/[masked]/ 200"),
        ("Your code is 123456", "Your code is [masked]"),
        ("two-step code: 654321.", "two-step code: [masked]."),
        ("GET /activate/resend/ 200", "GET /activate/resend/ 200"),
        ("GET /sign-in/?next=/send/ 302", "GET /sign-in/?next=/send/ 302"),
        ("postcode TA1 1AA, case 123456", "postcode TA1 1AA, case 123456"),
    ],
)
def test_tokens_in_paths_and_codes_are_masked(message, masked):
    assert mask_secrets(message) == masked


def test_the_filter_masks_arguments_and_tracebacks_before_any_handler():
    try:
        raise ValueError(f"bad link /activate/MTIz/{TOKEN}/")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Failed: %s", (f"/activate/MTIz/{TOKEN}/",), sys.exc_info()
        )
    assert MaskSecretsFilter().filter(record) is True
    assert record.getMessage() == "Failed: /activate/[masked]/[masked]/"
    for formatter in (TextFormatter(), JsonFormatter()):
        text = formatter.format(record)
        assert TOKEN not in text and "ValueError: bad link /activate/[masked]/[masked]/" in text.replace("\\n", "\n")


def test_only_listed_fields_are_written():
    record = logging.getLogger("casework").makeRecord(
        "casework", logging.INFO, __file__, 1, "sent", (), None, extra={"email": EMAIL, "status": 250}
    )
    line = json.loads(JsonFormatter().format(record))
    assert set(line) == {"time", "level", "logger", "message", "request_id", "council", "user_id", "status"}


def test_development_and_tests_log_readable_text():
    console = settings.LOGGING["handlers"]["console"]
    assert console["formatter"] == "text" and console["filters"] == ["mask_secrets"]


LOG_A_LINE = (
    "import django, logging; django.setup(); "
    "logging.getLogger('casework').warning('code 123456 sent for /activate/MTIz/%s/', 'abc123-def456')"
)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 50,
    "DJANGO_ALLOWED_HOSTS": ".send-portal.example",
    "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
}


@pytest.mark.parametrize("log_format", ["", "text"])
def test_production_writes_masked_json_lines_to_stdout_unless_told_text(log_format):
    env = {"PATH": "/usr/bin:/bin", **PRODUCTION} | ({"LOG_FORMAT": log_format} if log_format else {})
    result = subprocess.run(
        [sys.executable, "-c", LOG_A_LINE], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    if log_format == "text":
        assert line.endswith("WARNING casework: code [masked] sent for /activate/[masked]/[masked]/")
    else:
        entry = json.loads(line)
        assert (entry["level"], entry["logger"]) == ("WARNING", "casework")
        assert entry["message"] == "code [masked] sent for /activate/[masked]/[masked]/"


def test_a_task_logs_with_its_council_and_its_own_id_then_the_context_is_restored(somerset, in_council, caplog):
    from config.celery import app as celery_app
    from config.logs import log_context_begin, log_context_end

    @celery_app.task(name="tests.log_from_a_task")
    def log_from_a_task() -> None:
        logging.getLogger("tests.task").warning("inside the task")

    outer = log_context_begin(request_id="outer-request", council="cumbria")
    try:
        with in_council(somerset), caplog.at_level(logging.INFO):
            result = log_from_a_task.delay()  # eager under test: in-process, as without a broker
        logging.getLogger("tests.task").warning("after the task")
    finally:
        log_context_end(outer)

    inside, after = json_lines(caplog, "tests.task")
    assert (inside["council"], inside["request_id"]) == ("somerset", result.id)
    assert (after["council"], after["request_id"]) == ("cumbria", "outer-request")
