"""Behind PgBouncer (docs/operations.md, "Connection pooler"): in session mode no council
ever reads another's rows, even when the pooler hands one council's server connection to
the next client; in transaction or statement mode the platform refuses to start.

The pooler is Debian's pgbouncer, started here in front of the test database
(platform/pgbouncer-local). Without it these tests skip, unless CI said it must run
(REQUIRE_PGBOUNCER), which fails instead. bench/pooler.py runs the suite's isolation
tests whole through it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.utils import load_backend

from casework.demo import CUMBRIA, SOMERSET
from casework.models import StaffInvitation

ROOT = Path(__file__).resolve().parents[2]
CUMBRIAN, SOMERSETIAN = (f"send-admin@{council.slug}.localhost" for council in (CUMBRIA, SOMERSET))


def _pgbouncer_missing() -> bool:
    return not (shutil.which("pgbouncer") or os.access("/usr/sbin/pgbouncer", os.X_OK))


@pytest.fixture(scope="module")
def pooler_folder(worker_id):
    if _pgbouncer_missing():
        if os.environ.get("REQUIRE_PGBOUNCER"):
            pytest.fail("REQUIRE_PGBOUNCER is set but pgbouncer is not installed", pytrace=False)
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    # Under the checkout, not /tmp/pytest-of-…: the pooler runs as the database server's
    # user, who must reach its folder (and a socket's path is short).
    folder = ROOT / ".data" / "pgbouncer-test" / worker_id
    yield folder
    subprocess.run([str(ROOT / "platform" / "pgbouncer-local"), "stop", str(folder)], check=False)


@pytest.fixture
def pooled(pooler_folder, db):
    """Connections through a pooler in session mode with one server connection, so
    clients take turns on it: each `pooled()` is a new client (one open at a time)."""
    database = connection.settings_dict
    host = quote(database["HOST"] or "localhost", safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    upstream = f"postgres://{quote(database['USER'], safe='')}@{host}{port}/{database['NAME']}"
    started = subprocess.run(
        [str(ROOT / "platform" / "pgbouncer-local"), "start", str(pooler_folder), upstream, "--pool-size", "1"],
        capture_output=True,
        text=True,
    )
    assert started.returncode == 0, started.stderr
    made = []

    def client():
        # django-tenants' backend, as a web process has it: a connection of its own,
        # outside the test's transaction (it reads what is committed).
        pooled_settings = database | {"HOST": str(pooler_folder), "PORT": "6432", "CONN_MAX_AGE": 0}
        wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(pooled_settings, alias=DEFAULT_DB_ALIAS)
        made.append(wrapper)
        return wrapper

    yield client
    for wrapper in made:
        wrapper.close()


def _names(wrapper, council) -> list[str]:
    """Who the council's schema has invited to its team, read through `wrapper` by the
    table's bare name, as every query finds its council's tables (search_path). The demo
    councils' first admins are committed for the session (tests/conftest.py), so a
    connection through the pooler sees them; each council has its own."""
    wrapper.set_tenant(council)
    with wrapper.cursor() as cursor:
        cursor.execute(f"SELECT email FROM {StaffInvitation._meta.db_table} ORDER BY email")  # noqa: S608 (a model's own table)
        return [row[0] for row in cursor.fetchall()]


def _server(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def demo_admins_invited(cumbria, somerset):
    assert _names(connection, cumbria) == [CUMBRIAN]
    assert _names(connection, somerset) == [SOMERSETIAN]
    connection.set_schema_to_public()


def test_councils_handed_the_same_server_connection_in_turn_read_only_their_own(
    pooled, demo_admins_invited, cumbria, somerset
):
    servers = set()
    for council, expected in [(cumbria, CUMBRIAN), (somerset, SOMERSETIAN)] * 3:
        client = pooled()  # a new client each turn: a web process's next connection
        assert _names(client, council) == [expected]
        servers.add(_server(client))
        client.close()  # back to the pool, for the next client
    assert len(servers) == 1  # one server connection served both councils, in turn


def test_one_client_switching_councils_through_the_pooler_reads_each_in_turn(
    pooled, demo_admins_invited, cumbria, somerset
):
    client = pooled()
    for _ in range(3):
        assert _names(client, cumbria) == [CUMBRIAN]
        assert _names(client, somerset) == [SOMERSETIAN]


@pytest.mark.parametrize("mode", ["transaction", "statement"])
def test_the_platform_refuses_to_start_behind_transaction_or_statement_pooling(mode):
    refused = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=os.environ | {"DATABASE_POOL_MODE": mode, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert f"DATABASE_POOL_MODE={mode}: the platform runs only behind a pooler in session mode" in refused.stderr
    assert "docs/operations.md" in refused.stderr
