"""Every bench still runs (`make bench`), at its tiny size, against the test database:
a bench that no longer starts, or whose pages no longer answer, fails here. Figures
are printed, never asserted: speed is measured by `make bench`, not by tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tenants.models import Council

ROOT = Path(__file__).resolve().parents[2]
FIGURE = re.compile(r"^  (?P<name>.+?)\s+(?P<ratio>\d+\.\d)%  goal (?:≥\s+\d+%|\s+-)  (?:holds|FAILS|reported)", re.M)


@pytest.fixture
def test_database_url() -> str:
    settings = connection.settings_dict
    host = settings["HOST"].replace("/", "%2F")
    return f"postgres://{settings['USER']}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.mark.timeout(720)  # the run below has 600 s of its own
@pytest.mark.django_db
def test_every_bench_runs_and_prints_its_figures_with_their_goals(test_database_url):
    finished = subprocess.run(
        [sys.executable, "bench/run.py", "--size", "tiny"],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": test_database_url},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode in (0, 1), finished.stderr[-3000:]  # 1: a goal missed on a busy machine
    names = [match["name"] for match in FIGURE.finditer(finished.stdout)]
    assert "Provisioning a council" in finished.stdout, finished.stderr[-3000:]
    assert "host routing: no-op page, full middleware vs without councils" in names
    for page in ("family home", "child", "case", "documents", "messages"):
        assert f"{page}: same queries for 5 and 500 documents and messages" in names
        assert f"{page} (500 documents and messages) vs signed-in no-op" in names
    assert "summary list of 8 rows: govuk-frontend-django vs template" in names
    assert "isolation tests through PgBouncer (session mode): passed / run" in names
    assert "a new council by copy: the 2 s budget / the time it took" in names
    assert "a new council migrated from scratch / by copy (times faster)" in names
    for figure in (
        r"no-op deploy migration of \d+ councils: budget / migrate_councils",
        r"no-op page over \d+ council hosts vs over 2",
        r"web workers' memory before / after 2,000 unknown hosts",
        r"one more council by copy, beside \d+: the 2 s budget / the time it took",
        r"seeding [\d,]+ children and cases: 60 s budget / time taken",
        r"search by name: same queries for 30 and [\d,]+ cases",
        r"search by reference \([\d,]+ cases\) vs signed-in staff no-op",
        r"\d+ MB up through the family's page: 20 MB budget / peak growth",
        r"\d+ MB down through the API: 20 MB budget / peak growth",
        r"load run, \d+ people over \d+ council hosts, .+: requests without an error",
    ):
        assert any(re.fullmatch(figure, name) for name in names), figure
    # The bench's own council is gone, schema and all.
    assert not Council.objects.filter(slug__startswith="bench").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'bench%%'")
        assert cursor.fetchone()[0] == 0
    # Nor is anything it committed in the shared tables that later tests count: its
    # accounts, and the sign-in records axes kept for them (once seen by the lockout tests).
    from axes.models import AccessAttempt

    from citizen.accounts.models import Account

    assert not Account.objects.filter(email__contains="@bench").exists()
    assert not AccessAttempt.objects.filter(username__contains="@bench").exists()
