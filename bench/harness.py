"""What every bench shares: the real stack (gunicorn with the production config file,
DEBUG off) started on a free port, a load that keeps connections alive like a browser,
and figures measured side by side.

A figure is a ratio of two rates measured in the same run, in alternating rounds
(A, B, A, B, ...), so that whatever else the machine is doing weighs on both sides
alike; the median of the rounds' ratios is reported. Absolute rates are printed too,
but only the ratio is compared with a goal.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """DATABASE_URL if set, else the embedded PostgreSQL's (started if it is not)."""
    if "DATABASE_URL" in os.environ:
        return os.environ["DATABASE_URL"]
    sys.path.insert(0, str(ROOT))
    from config.embedded import database_url as embedded

    return embedded(ROOT / ".data")


@dataclass
class Server:
    """gunicorn serving config.wsgi with the bench settings; `env` adds to them."""

    env: dict[str, str] = field(default_factory=dict)
    workers: int = 2  # one web process per core
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> Server:
        env = (
            os.environ
            | {
                "DJANGO_SETTINGS_MODULE": "config.settings.bench",
                "DATABASE_URL": database_url(),
                "LOG_LEVEL": "WARNING",
                "GUNICORN_WORKERS": str(self.workers),
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_LOG_LEVEL": "warning",
                "GUNICORN_MAX_REQUESTS": "0",  # no worker restarts in the middle of a figure
            }
            | self.env
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, our own arguments
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "-c",
                str(ROOT / "platform" / "gunicorn.conf.py"),
                "--access-logfile",
                "/dev/null",
                "--worker-tmp-dir",
                "/tmp",  # noqa: S108 - /dev/shm may be absent outside a container
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            with contextlib.suppress(OSError):
                if get(self.port, "localhost", "/health/live")[0] == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /health/live within 60 s")

    def workers_rss_kb(self) -> int:
        """The resident memory of gunicorn's worker processes, together (Linux /proc)."""
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for child in children:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextlib.contextmanager
def servers(*configs: Server) -> Iterator[tuple[Server, ...]]:
    started: list[Server] = []
    try:
        for server in configs:
            started.append(server.start())
        yield tuple(started)
    finally:
        for server in started:
            server.stop()


def get(port: int, host: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host} | (headers or {}))
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


@dataclass(frozen=True)
class Target:
    """What one side of a figure requests: a path on a host, with headers (a cookie),
    expecting one status."""

    port: int
    host: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    status: int = 200
    hosts: tuple[str, ...] = ()  # more hosts, taken in turn after `host`, request by request


def _hammer(job: tuple[Target, float, float]) -> tuple[int, int]:
    """One client: a kept-alive connection, requests back to back until the deadline."""
    target, start_at, deadline = job
    hosts = itertools.cycle((target.host, *target.hosts))
    headers = dict(target.headers)
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
    done = failed = 0
    while time.monotonic() < start_at:
        time.sleep(0.001)
    while time.monotonic() < deadline:
        try:
            connection.request("GET", target.path, headers={"Host": next(hosts)} | headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status == target.status:
                done += 1
            else:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
    connection.close()
    return done, failed


@dataclass
class Rate:
    per_second: float
    failed: int


def rate(pool, target: Target, seconds: float, clients: int) -> Rate:
    start_at = time.monotonic() + 0.05
    results = pool.map(_hammer, [(target, start_at, start_at + seconds)] * clients)
    return Rate(sum(done for done, _ in results) / seconds, sum(failed for _, failed in results))


@dataclass
class Figure:
    name: str
    ratio: float
    goal: float | None  # the ratio must be at least this; None: reported only
    detail: str = ""
    unit: str = "%"  # "ms": `ratio` is a time in milliseconds, reported only

    @property
    def holds(self) -> bool | None:
        return None if self.goal is None else self.ratio >= self.goal

    def line(self) -> str:
        goal = "      -" if self.goal is None else f"≥ {self.goal:5.0%}"
        verdict = {True: "holds", False: "FAILS", None: "reported"}[self.holds]
        value = f"{self.ratio:6.1%}" if self.unit == "%" else f"{self.ratio:5.0f} {self.unit}"
        return f"  {self.name:<58} {value}  goal {goal}  {verdict}  {self.detail}"


def side_by_side(
    name: str, measured: Target, baseline: Target, *, goal: float | None, rounds: int, seconds: float, clients: int
) -> Figure:
    """measured's rate as a share of baseline's, alternating the two `rounds` times."""
    context = multiprocessing.get_context("fork")
    # Not `with Pool`: its exit terminates the workers, and one killed while holding the
    # task queue's lock leaves the rest waiting on it for ever (seen in the caseload
    # bench). Idle workers told to finish exit cleanly.
    pool = context.Pool(clients)
    try:
        rate(pool, measured, min(seconds, 0.5), clients)  # warm both up: imports, caches, connections
        rate(pool, baseline, min(seconds, 0.5), clients)
        ratios, ours, theirs = [], [], []
        for _ in range(rounds):
            a = rate(pool, measured, seconds, clients)
            b = rate(pool, baseline, seconds, clients)
            if a.failed or b.failed:
                raise RuntimeError(f"{name}: {a.failed} + {b.failed} requests failed")
            ours.append(a.per_second)
            theirs.append(b.per_second)
            ratios.append(a.per_second / b.per_second)
    finally:
        pool.close()
        pool.join()
    detail = f"({statistics.median(ours):,.0f} vs {statistics.median(theirs):,.0f} req/s)"
    return Figure(name, statistics.median(ratios), goal, detail)


def report(title: str, figures: list[Figure]) -> bool:
    print(title)
    for figure in figures:
        print(figure.line())
    return all(figure.holds is not False for figure in figures)
