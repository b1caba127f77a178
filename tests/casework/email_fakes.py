"""Stand-ins for the email providers and the broker, all on 127.0.0.1: nothing here
reaches the network. The fixtures are made available by tests/casework/conftest.py."""

from __future__ import annotations

import json
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import jwt
import kombu.pools
import pytest

from config.celery import app as celery_app

# A well-formed Notify API key ("<name>-<service id>-<secret>") and template.
NOTIFY_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
NOTIFY_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
NOTIFY_API_KEY = f"cumbria_send-{NOTIFY_SERVICE_ID}-{NOTIFY_SECRET}"
NOTIFY_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
NOTIFY_SMS_TEMPLATE_ID = "0b7c4b8e-7a3e-4a57-9a2c-2c2e3f1d9a11"


@dataclass
class FakeNotify:
    """A tiny GOV.UK Notify: accepts POST /v2/notifications/email, records what it got,
    and checks the request carries a JWT signed with the key's secret, issued for the
    key's service (what the real API checks)."""

    base_url: str = ""
    received: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    fail_with_status: int | None = None

    texts: list[dict] = field(default_factory=list)  # POST /v2/notifications/sms

    def handle(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        if path not in ("/v2/notifications/email", "/v2/notifications/sms"):
            return 404, {"errors": [{"error": "NotFound", "message": path}]}
        problem = self._auth_problem(headers.get("Authorization") or "")
        if problem:
            self.refused.append(problem)
            return 403, {"errors": [{"error": "AuthError", "message": problem}]}
        if self.fail_with_status:
            return self.fail_with_status, {"errors": [{"error": "Exception", "message": "Internal server error"}]}
        notification = json.loads(body)
        if path.endswith("/sms"):
            if not str(notification.get("phone_number", "")).startswith("+447"):
                return 400, {"errors": [{"error": "ValidationError", "message": "phone_number Not a UK mobile number"}]}
            self.texts.append(notification)
            return 201, {
                "id": f"00000000-0000-4000-9000-{len(self.texts):012d}",
                "reference": notification.get("reference"),
                "content": {"body": notification["personalisation"]["body"], "from_number": "GOVUK"},
                "template": {"id": notification["template_id"], "version": 1, "uri": ""},
            }
        self.received.append(notification)
        return 201, {
            "id": f"00000000-0000-4000-8000-{len(self.received):012d}",
            "reference": notification.get("reference"),
            "content": {"subject": notification["personalisation"]["subject"]},
            "template": {"id": notification["template_id"], "version": 1, "uri": ""},
        }

    @staticmethod
    def _auth_problem(authorization: str) -> str:
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            return "no bearer token"
        try:
            claims = jwt.decode(token, NOTIFY_SECRET, algorithms=["HS256"])
        except jwt.InvalidTokenError as exc:
            return f"invalid token: {exc}"
        if claims.get("iss") != NOTIFY_SERVICE_ID or "iat" not in claims:
            return "token not issued for this service"
        return ""


@pytest.fixture
def fake_notify(settings):
    notify = FakeNotify()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer = notify.handle(self.path, self.headers, body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    notify.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFY_BASE_URL = notify.base_url
    try:
        yield notify
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def publishing_to(broker_url: str):
    """Publish tasks for real (not in-process) to `broker_url`, as the web processes do
    in production; everything is put back afterwards."""
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}

    def forget_connections() -> None:
        # Celery keeps a pool of broker connections for the URL it first used, in kombu's
        # process-wide pools: close them all, and the app's references to them.
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget_connections()
    conf.update(broker_url=broker_url, task_always_eager=False)
    try:
        yield
    finally:
        forget_connections()
        conf.update(saved)


def clock(moment):
    """Move the clock (freezegun is not installed): every `timezone.now()` answers `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)
