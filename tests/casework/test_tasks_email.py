"""An email task runs in the council it was queued from: in-process, and through a real
broker to a real Celery worker (docs/architecture.md, "Known traps").

Outbox ids are per-schema sequences, so the same id exists in several councils; a task
run in the wrong schema would send (and mark) another council's email.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from casework.demo import SOMERSET
from config.celery import app as celery_app
from tenants.models import Council
from tenants.outbox.models import OutboundEmail
from tenants.outbox.services import email_queue

ROOT = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT_SECONDS = 30


def same_id_in(council: Council, email: OutboundEmail) -> OutboundEmail:
    """A queued email in `council` with the same id as `email` (from another council)."""
    with tenant_context(council):
        return OutboundEmail.objects.create(
            id=email.id,
            to=["someone-else@example.org"],
            from_address=council.from_address,
            subject="Not this one",
            body="…",
        )


def status_in(council: Council, email_id: int) -> str:
    with tenant_context(council):
        return OutboundEmail.objects.get(id=email_id).status


def test_tasks_run_in_process_under_test_even_with_a_broker_configured():
    assert celery_app.conf.task_always_eager is True


@pytest.mark.django_db
def test_an_email_queued_in_a_council_is_sent_from_it_and_stored_only_there(
    cumbria, somerset, in_council, django_capture_on_commit_callbacks, mailoutbox
):
    with in_council(cumbria), django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = email_queue(to=["parent@example.org"], subject="Your request was received", body="Thank you.")

    assert len(callbacks) == 1
    with in_council(cumbria):
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT
        assert email.attempts == 1
        assert OutboundEmail.objects.filter(subject="Your request was received").count() == 1
    with in_council(somerset):
        assert not OutboundEmail.objects.filter(subject="Your request was received").exists()
    assert [(m.subject, m.from_email, m.to) for m in mailoutbox] == [
        ("Your request was received", cumbria.from_address, ["parent@example.org"])
    ]


@pytest.mark.django_db
def test_an_email_whose_transaction_commits_after_leaving_the_council_is_still_sent_from_it(
    cumbria, somerset, in_council, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic(), in_council(cumbria):
            email = email_queue(to=["parent@example.org"], subject="Committed later", body="…")
        assert mailoutbox == []  # nothing is published before the commit

    # The commit (and so the publish) happens here, back in the public schema: a plain
    # `on_commit(deliver_email.delay)` would stamp the task with "public".
    assert connection.schema_name == "public"
    for callback in callbacks:
        callback()

    assert status_in(cumbria, email.id) == OutboundEmail.Status.SENT
    with in_council(somerset):
        assert not OutboundEmail.objects.filter(subject="Committed later").exists()
    assert [(m.subject, m.from_email) for m in mailoutbox] == [("Committed later", cumbria.from_address)]


@pytest.mark.django_db
def test_delivering_an_id_both_councils_have_touches_only_the_council_that_queued_it(
    cumbria, somerset, in_council, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        with in_council(cumbria):
            email = email_queue(to=["parent@example.org"], subject="For Cumbria", body="…")
        twin = same_id_in(somerset, email)
    assert twin.id == email.id

    # Published from inside the *other* council: the task must still run in Cumbria.
    with in_council(somerset):
        for callback in callbacks:
            callback()
        assert connection.schema_name == SOMERSET.slug  # the task gave the connection back

    assert status_in(cumbria, email.id) == OutboundEmail.Status.SENT
    assert status_in(somerset, email.id) == OutboundEmail.Status.QUEUED
    with in_council(somerset):
        twin.refresh_from_db()
        assert (twin.attempts, twin.sent_at) == (0, None)
    assert [(m.subject, m.from_email) for m in mailoutbox] == [("For Cumbria", cumbria.from_address)]


# --- Through Redis to a real worker ---------------------------------------------------


def database_url_for_worker(settings_dict: dict) -> str:
    """A DATABASE_URL for the *test* database, in the form config.settings.base reads
    (a Unix-socket directory percent-encoded into the host)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = user + (f":{quote(password, safe='')}" if password else "")
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def start_worker(*, queue: str, env: dict[str, str], log_file) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
    command += ["-Q", queue, "-n", f"{queue}@%h"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)


def task_finished(worker_log_path: Path) -> bool:
    """The worker logged the task's end (the queue is this test's own: it ran nothing else)."""
    log = worker_log_path.read_text(errors="replace")
    return any(f"] {outcome}" in log for outcome in ("succeeded", "raised", "retry:"))


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


class CommittedDatabase:
    """Runs ORM calls on a thread of its own, whose connection is outside the test's
    transaction: what it writes is committed, so a worker process sees it.

    The test keeps the django_db mark all the same: pytest-django creates the test
    database only if a collected test asks for it, so run on its own with
    `django_db_blocker.unblock()` instead, this test would write to the development database."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="committed-db")

    def __call__(self, function, *args, **kwargs):
        return self._thread.submit(function, *args, **kwargs).result()

    def close(self) -> None:
        self(lambda: connection.close())  # resolved on that thread: its own connection
        self._thread.shutdown()


def skip_without(what: str, reason: str) -> None:
    """Skip a test that needs a real broker, unless CI said it must run (REQUIRE_REDIS)."""
    if os.environ.get("REQUIRE_REDIS"):
        pytest.fail(f"REQUIRE_REDIS is set but {what}: {reason}")
    pytest.skip(reason)


@pytest.mark.redis
@pytest.mark.django_db
def test_a_worker_runs_the_task_in_the_council_that_queued_it(cumbria, somerset, tmp_path, monkeypatch):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        skip_without("REDIS_URL is not set", "this test needs a real Redis broker (e.g. redis://127.0.0.1:6379/15)")
    assert celery_app.conf.broker_url == redis_url

    queue = f"send-portal-test-{uuid.uuid4().hex[:12]}"
    subject = f"Through the broker {queue}"
    outbox_dir = tmp_path / "outbox"
    worker_log_path = tmp_path / "worker.log"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_worker(connection.settings_dict),
        "DATABASE_CONN_MAX_AGE": "0",  # no connection left open when the test database is dropped
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"filemail:///{quote(str(outbox_dir))}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }

    def queue_email_and_its_twin() -> tuple[OutboundEmail, OutboundEmail, str]:
        with transaction.atomic():
            with tenant_context(cumbria):
                email = email_queue(to=["parent@example.org"], subject=subject, body="…")
            twin = same_id_in(somerset, email)
        # Committed, and so published, here: outside any council's context.
        return email, twin, connection.schema_name

    def delete(email: OutboundEmail | None, council: Council) -> None:
        if email is not None:
            with tenant_context(council):
                OutboundEmail.objects.filter(id=email.id, subject=email.subject).delete()

    committed = CommittedDatabase()
    email = twin = None
    with open(worker_log_path, "wb") as worker_log:
        worker = start_worker(queue=queue, env=env, log_file=worker_log)
    try:
        # Publish the way the application does, only to a real broker and this test's
        # own queue (monkeypatch puts both settings back).
        monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
        monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
        email, twin, schema_at_commit = committed(queue_email_and_its_twin)
        monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
        assert schema_at_commit == "public"
        assert twin.id == email.id

        deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
        while committed(status_in, cumbria, email.id) != OutboundEmail.Status.SENT:
            if worker.poll() is not None or time.monotonic() > deadline or task_finished(worker_log_path):
                break
            time.sleep(0.2)
        status = committed(status_in, cumbria, email.id)
        twin_status = committed(status_in, somerset, email.id)
    finally:
        stop_worker(worker)
        try:
            committed(delete, email, cumbria)
            committed(delete, twin, somerset)
        finally:
            committed.close()
            forget_queue(queue)

    worker_output = worker_log_path.read_text(errors="replace")
    assert status == OutboundEmail.Status.SENT, (
        f"Cumbria's email is {status!r} after {WORKER_TIMEOUT_SECONDS}s at most; worker output:\n{worker_output}"
    )
    assert twin_status == OutboundEmail.Status.QUEUED, (
        f"Somerset's email with the same id was touched; worker output:\n{worker_output}"
    )
    messages = [path.read_text(errors="replace") for path in sorted(outbox_dir.glob("*"))]
    assert len(messages) == 1, f"{len(messages)} messages written; worker output:\n{worker_output}"
    assert f"From: {cumbria.from_address}" in messages[0]
    assert f"Subject: {subject}" in messages[0]


def forget_queue(queue: str) -> None:
    """Remove this test's queue from the broker and from the app's queue table."""
    declared = celery_app.amqp.queues.pop(queue, None)
    if declared is not None:
        with celery_app.connection_for_write() as broker:
            bound = declared.bind(broker.default_channel)
            bound.declare()  # kombu deletes only the bindings its own channel knows
            bound.delete()
