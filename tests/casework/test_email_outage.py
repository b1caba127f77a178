"""A broker outage delays emails but never loses them (docs/architecture.md, "Tenancy").

A Redis of this test's own (so it can be stopped and started without touching anyone
else's) and a real Celery worker on it, sending to files: the broker goes down, 50
emails are queued in Cumbria and committed (their publishing fails; nothing breaks),
the broker comes back, the retry sweep runs in Cumbria as beat would start it, and each
email is delivered exactly once. A second sweep sends nothing more.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.outbox.models import OutboundEmail
from tenants.outbox.services import email_queue
from tenants.outbox.tasks import retry_unsent_emails
from tests.casework.email_fakes import free_port, publishing_to
from tests.casework.test_tasks_email import (
    CommittedDatabase,
    database_url_for_worker,
    skip_without,
    start_worker,
    stop_worker,
)

EMAILS = 50
EMAILS_PER_REQUEST = 5
WAIT_SECONDS = 60
REDIS_SERVER = shutil.which("redis-server")


class PrivateRedis:
    """redis-server on a free loopback port, no persistence, stoppable at will."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self._workdir)]
        with open(self._workdir / "redis.log", "ab") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    log = (self._workdir / "redis.log").read_text()
                    raise RuntimeError(f"redis-server did not start: {log}") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None


def wait_until(condition, *, what: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not within {WAIT_SECONDS}s; worker output:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


def subjects_written(outbox_dir: Path) -> Counter:
    """Each message Django's file backend wrote, by subject (several may share a file)."""
    subjects: Counter = Counter()
    for path in outbox_dir.glob("*"):
        subjects.update(re.findall(r"^Subject: (.+)$", path.read_text(errors="replace"), flags=re.MULTILINE))
    return subjects


def sweeps_finished(log: Path) -> list[str]:
    """The results of the retry sweeps the worker finished, in order."""
    return re.findall(r"retry_unsent_emails\[[^\]]+\] succeeded in [\d.]+s: (\d+)", log.read_text(errors="replace"))


@pytest.mark.redis
@pytest.mark.django_db
def test_emails_queued_while_the_broker_is_down_are_each_delivered_once_when_it_is_back(cumbria, somerset, tmp_path):
    if REDIS_SERVER is None:
        skip_without("redis-server is missing", "redis-server is not installed (Debian package redis-server)")
    broker = PrivateRedis(tmp_path)
    outbox_dir = tmp_path / "outbox"
    worker_log = tmp_path / "worker.log"
    run = f"outage-{time.monotonic_ns()}"
    subjects = [f"{run} email {n}" for n in range(EMAILS)]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "CELERY_"))} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_worker(connection.settings_dict),
        "DATABASE_CONN_MAX_AGE": "0",  # no connection left open when the test database is dropped
        "REDIS_URL": broker.url,
        "EMAIL_URL": f"filemail:///{quote(str(outbox_dir))}",  # filemail:////abs/path
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }

    def queue_as_requests_do() -> list[int]:
        """10 requests of 5 emails each, each committed (publishing on commit)."""
        ids = []
        for start in range(0, EMAILS, EMAILS_PER_REQUEST):
            with transaction.atomic(), tenant_context(cumbria):
                for subject in subjects[start : start + EMAILS_PER_REQUEST]:
                    ids.append(email_queue(to=["parent@example.org"], subject=subject, body="…").id)
        return ids

    def states(ids: list[int]) -> Counter:
        with tenant_context(cumbria):
            return Counter(OutboundEmail.objects.filter(id__in=ids).values_list("status", "attempts"))

    def backdate(ids: list[int]) -> None:
        """As if the outage had lasted a few minutes: the sweep leaves the first minute alone."""
        with tenant_context(cumbria):
            OutboundEmail.objects.filter(id__in=ids).update(created_at=timezone.now() - timedelta(minutes=3))

    def sweep_cumbria() -> None:
        """What beat does every minute, for Cumbria."""
        with tenant_context(cumbria):
            retry_unsent_emails.delay()

    def in_somerset() -> int:
        with tenant_context(somerset):
            return OutboundEmail.objects.filter(subject__startswith=run).count()

    def clean_up(ids: list[int]) -> None:
        with tenant_context(cumbria):
            OutboundEmail.objects.filter(subject__startswith=run).delete()

    committed = CommittedDatabase()
    ids: list[int] = []
    worker = None
    try:
        broker.start()
        with open(worker_log, "wb") as log:
            worker = start_worker(queue="celery", env=env, log_file=log)
        wait_until(lambda: " ready." in worker_log.read_text(errors="replace"), what="the worker", log=worker_log)
        with publishing_to(broker.url):
            # The broker goes down under a running worker.
            broker.stop()
            started = time.monotonic()
            ids = committed(queue_as_requests_do)  # no exception: the requests would have succeeded
            queueing_seconds = time.monotonic() - started
            assert len(ids) == EMAILS
            assert committed(states, ids) == {("queued", 0): EMAILS}
            assert not outbox_dir.exists() or subjects_written(outbox_dir) == Counter()
            assert queueing_seconds < 20, f"queueing 50 emails with the broker down took {queueing_seconds:.1f}s"

            # It comes back; the worker reconnects; beat's next sweep runs in Cumbria.
            broker.start()
            committed(backdate, ids)
            committed(sweep_cumbria)
            wait_until(
                lambda: committed(states, ids) == {("sent", 1): EMAILS},
                what=f"all {EMAILS} emails sent",
                log=worker_log,
            )
            wait_until(lambda: sweeps_finished(worker_log) == [str(EMAILS)], what="the sweep", log=worker_log)

            # A second sweep finds nothing more to do.
            committed(sweep_cumbria)
            wait_until(lambda: len(sweeps_finished(worker_log)) == 2, what="the second sweep", log=worker_log)
        assert sweeps_finished(worker_log) == [str(EMAILS), "0"]
        written = subjects_written(outbox_dir)
        assert written == Counter({subject: 1 for subject in subjects}), "each email exactly once"
        assert committed(states, ids) == {("sent", 1): EMAILS}
        assert committed(in_somerset) == 0
    finally:
        if worker is not None:
            stop_worker(worker)
        broker.stop()
        try:
            committed(clean_up, ids)
        finally:
            committed.close()
