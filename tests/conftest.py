"""Every test runs against real PostgreSQL schemas with both demo councils present,
so isolation between councils is tested everywhere by default."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET, seed_demo
from tenants.configuration import forget_configurations
from tenants.hosts import forget_hosts
from tenants.models import Council
from tenants.virus_scan import scanner_ping

ROOT = Path(__file__).resolve().parent.parent

# The folders whose files take minutes (the bench smoke test, the first install and image
# builds, the browser journeys): started first. The Makefile passes xdist
# `--no-loadscope-reorder`, so under `--dist loadfile` files start in this collection
# order (xdist's own order, most tests first, left the one-test bench and install files
# running alone at the end). Browser tests then run early in a process, before tests that
# count accounts: tests/e2e/conftest.py fails any browser test file that leaves a
# committed account behind (the sign-in journey once did, and the password-expiry sweep
# counted it).
SLOW_FIRST = ("tests/bench/", "tests/platform/", "tests/e2e/")


def pytest_collection_modifyitems(session, config, items):
    def rank(item) -> int:
        return next((i for i, folder in enumerate(SLOW_FIRST) if item.nodeid.startswith(folder)), len(SLOW_FIRST))

    items.sort(key=rank)  # stable: each file's tests keep their order


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the platform row and both demo councils
    committed once for the session (each test then runs in a transaction)."""
    with django_db_blocker.unblock():
        # Without the demo's children and cases: each test makes the records it counts.
        seed_demo(platform_domain=settings.PLATFORM_DOMAIN, with_casework=False)
        connection.set_schema_to_public()


def clamd_missing(reason: str) -> None:
    """Without clamd, uploads pass unscanned for this session and the scanning tests skip;
    unless CI said clamd must run (REQUIRE_CLAMD), which fails instead."""
    if os.environ.get("REQUIRE_CLAMD"):
        pytest.fail(f"REQUIRE_CLAMD is set but {reason}", pytrace=False)
    settings.VIRUS_SCANNER = "none"


@pytest.fixture(scope="session", autouse=True)
def clamd_session():
    """A real clamd for every upload in the session: `make test` starts it (platform/
    clamd-local, the EICAR test signature only); started here when it did not. Yields
    whether files are really scanned."""
    if settings.VIRUS_SCANNER == "none":
        yield False
        return
    if not scanner_ping() and settings.CLAMD_SOCKET:
        started = subprocess.run(
            [str(ROOT / "platform" / "clamd-local"), "start", str(Path(settings.CLAMD_SOCKET).parent)],
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            clamd_missing(f"clamd could not be started: {started.stderr.strip()}")
    if settings.VIRUS_SCANNER != "none" and not scanner_ping():
        clamd_missing(f"clamd does not answer on {settings.CLAMD_SOCKET or settings.CLAMD_HOST}")
    yield settings.VIRUS_SCANNER != "none"


@pytest.fixture
def clamd(clamd_session):
    """For a test that needs a real scan (EICAR found): skipped when no clamd runs."""
    if not clamd_session:
        pytest.skip("no clamd (make clamd, or apt-get install clamav-daemon)")


@pytest.fixture(autouse=True)
def _scan_at_once(request, monkeypatch):
    """A test runs in a transaction that never commits, so a scan enqueued on commit
    would never run and every upload would stay "being checked". Here the scan runs as
    it is enqueued (a real clamd scan, in-process), so a test's uploads are clean or
    infected at once. Tests of the on-commit path itself are marked `scan_on_commit`."""
    if request.node.get_closest_marker("scan_on_commit"):
        return
    from casework.services import scanning

    monkeypatch.setattr(scanning, "enqueue_on_commit", lambda task, *args: task.apply(args=args))


@pytest.fixture(autouse=True)
def _back_to_public():
    yield
    connection.set_schema_to_public()
    forget_hosts()
    forget_configurations()
    cache.clear()


@pytest.fixture
def cumbria(db) -> Council:
    return Council.objects.get(slug=CUMBRIA.slug)


@pytest.fixture
def somerset(db) -> Council:
    return Council.objects.get(slug=SOMERSET.slug)


@pytest.fixture
def in_council():
    """`with in_council(council): …` runs ORM calls in that council's schema."""
    return tenant_context


@pytest.fixture
def cumbria_client(db) -> Client:
    return Client(HTTP_HOST=CUMBRIA.domain)


@pytest.fixture
def somerset_client(db) -> Client:
    return Client(HTTP_HOST=SOMERSET.domain)


@pytest.fixture
def platform_client(db) -> Client:
    return Client(HTTP_HOST=settings.PLATFORM_DOMAIN)


class _RealQueries:
    """Counts the queries a block runs, leaving out django-tenants' `SET search_path`
    (sent before each cursor because TENANT_LIMIT_SET_CALLS stays off)."""

    def __init__(self, connection):
        from django.test.utils import CaptureQueriesContext

        self._context = CaptureQueriesContext(connection)

    def __enter__(self):
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)

    @property
    def sql(self) -> list[str]:
        return [q["sql"] for q in self._context.captured_queries if not q["sql"].startswith("SET search_path")]

    @property
    def count(self) -> int:
        return len(self.sql)


@pytest.fixture
def real_queries(db):
    """`with real_queries() as q: …` then `assert q.count <= N` (q.sql lists them)."""
    return lambda: _RealQueries(connection)


@pytest.fixture(params=[CUMBRIA.slug, SOMERSET.slug])
def site(request, db):
    """One demo council (each in turn), a client on its host, and the other council."""
    slug = request.param
    other = SOMERSET.slug if slug == CUMBRIA.slug else CUMBRIA.slug
    return SimpleNamespace(
        council=request.getfixturevalue(slug),
        other=request.getfixturevalue(other),
        client=request.getfixturevalue(f"{slug}_client"),
        domain=CUMBRIA.domain if slug == CUMBRIA.slug else SOMERSET.domain,
        other_domain=SOMERSET.domain if slug == CUMBRIA.slug else CUMBRIA.domain,
    )


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST, delivering the emails queued by the request (on commit), as a real commit would."""

    def _post(client: Client, path: str, data: dict, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **kwargs)

    return _post
