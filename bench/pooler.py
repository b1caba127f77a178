"""Behind PgBouncer in session mode, as production councils run (docs/operations.md,
"Connection pooler"): the suite's isolation tests run whole through a real pgbouncer
(Debian's, started here by platform/pgbouncer-local), and a family's case page is served
through it beside the same page served direct.

    .venv/bin/python bench/pooler.py [--size tiny|full]

The isolation tests: every page's guard (tests/isolation/), each area's access matrix
(tests/*/test_permissions.py, tests/citizen/family/test_access_matrix.py), the host
routing and the search path tests. At the tiny size (the smoke test), the search path
tests only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import bench_council, family, family_pages, setup_django
from bench.harness import PYTHON, ROOT, Figure, Server, Target, database_url, report, servers, side_by_side
from bench.sizes import SIZES, size_from_argv

FOLDER = ROOT / ".data" / "pgbouncer-bench"
TEST_DATABASE = "bench_pooler_isolation"
ISOLATION = [
    "tests/isolation",
    "tests/api/test_permissions.py",
    "tests/casework/cases/test_permissions.py",
    "tests/casework/team/test_permissions.py",
    "tests/citizen/family/test_access_matrix.py",
    "tests/citizen/runner/test_permissions.py",
    "tests/tenants/test_hosts.py",
    "tests/tenants/test_search_path.py",
]
SUMMARY = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


def _pgbouncer_installed() -> bool:
    return bool(shutil.which("pgbouncer") or os.access("/usr/sbin/pgbouncer", os.X_OK))


def _pooler(command: str, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [str(ROOT / "platform" / "pgbouncer-local"), command, str(FOLDER), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _drop_test_databases(url: str) -> None:
    """The isolation run's own databases (one per test process), dropped direct, not
    through the pooler, which may still hold connections to them."""
    import psycopg

    parts = urlsplit(url)
    hostport = parts.netloc.rsplit("@", 1)[-1]
    host = unquote(hostport.rsplit(":", 1)[0] if ":" in hostport else hostport)
    with psycopg.connect(
        host=host, port=parts.port or 5432, user=unquote(parts.username or "postgres"), dbname="postgres"
    ) as conn:
        conn.autocommit = True
        names = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{TEST_DATABASE}%"]).fetchall()
        for (name,) in names:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def isolation_through(pooled: str, size: str) -> Figure:
    paths = ISOLATION if size == "full" else ["tests/tenants/test_search_path.py"]
    workers = ["-n", "2", "--dist", "loadfile"] if size == "full" else ["-p", "no:xdist"]
    finished = subprocess.run(  # noqa: S603 - pytest on our own tests
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--reuse-db", *workers, *paths],
        cwd=ROOT,
        env=os.environ
        | {
            "DATABASE_URL": pooled,
            "TEST_DATABASE_NAME": TEST_DATABASE,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    last = finished.stdout.strip().splitlines()[-1] if finished.stdout.strip() else finished.stderr[-500:]
    counts = {kind.rstrip("s"): int(number) for number, kind in SUMMARY.findall(last)}
    passed = counts.get("passed", 0)
    ran = passed + counts.get("failed", 0) + counts.get("error", 0)
    return Figure(
        "isolation tests through PgBouncer (session mode): passed / run",
        passed / ran if ran else 0.0,
        1.0,
        f"({passed} of {ran}; {counts.get('skipped', 0)} skipped)",
    )


def _case_page_through(pooled: str, shape) -> Figure:
    """A family's case page (11 queries) served through the pooler and served direct."""
    from django.conf import settings
    from django.db import connections

    with bench_council("benchpooler") as council:
        host = f"{council.slug}.localhost"
        found = family(council, documents=5, messages=5)
        path = family_pages(found)["case"]
        connections.close_all()  # the load's processes are forked from this one
        cookie = (("Cookie", f"{settings.SESSION_COOKIE_NAME}={found.cookie}"),)
        with servers(Server(env={"DATABASE_URL": pooled}), Server()) as (through, straight):
            return side_by_side(
                "a family's case page through PgBouncer vs direct",
                Target(through.port, host, path, cookie),
                Target(straight.port, host, path, cookie),
                goal=None,
                rounds=shape.rounds,
                seconds=shape.seconds,
                clients=shape.clients,
            )


def figures(size: str) -> list[Figure]:
    if not _pgbouncer_installed():
        print("pgbouncer is not installed (make pgbouncer): the pooler figures are not measured")
        return [Figure("isolation tests through PgBouncer (session mode): passed / run", 0.0, 1.0, "(no pgbouncer)")]
    shape = SIZES[size]
    direct = database_url()
    pooled = _pooler("start", direct, "--pool-mode", "session", "--pool-size", "20")
    try:
        results = [isolation_through(pooled, size)]
        results.append(_case_page_through(pooled, shape))
    finally:
        _pooler("stop")
        _drop_test_databases(direct)
    return results


if __name__ == "__main__":
    setup_django(database_url())
    sys.exit(0 if report("Behind PgBouncer", figures(size_from_argv())) else 1)
