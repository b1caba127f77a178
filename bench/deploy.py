"""A deploy's migration step when nothing has changed (issue 13, "153 councils"): the
councils' migrations run over N council schemas, every one already current, by
django-tenants' `migrate_schemas --tenant` beside `migrate_councils` (which checks all
the schemas in one query and migrates none), in one process.

The councils are provisioned for the bench (by copy, bench/provisioning.py) and dropped
after. Full size: 153 councils, England's count; tiny: 3. The goal, 60 s for 153, is
scaled to N.

    .venv/bin/python bench/deploy.py [--size tiny|full]
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import bench_council, setup_django
from bench.harness import Figure, database_url, report
from bench.sizes import size_from_argv

COUNCILS = {"tiny": 3, "full": 153}
BUDGET_SECONDS_FOR_153 = 60.0


def _seconds(command: str, **options) -> float:
    from django.core.management import call_command
    from django.db import connection

    connection.set_schema_to_public()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        call_command(command, **options)
    return time.perf_counter() - started


def figures(size: str) -> list[Figure]:
    from tenants.models import Council

    count = COUNCILS[size]
    with contextlib.ExitStack() as councils:
        with contextlib.redirect_stdout(io.StringIO()):
            for number in range(count):
                councils.enter_context(bench_council(f"bench-deploy-{number}"))
        total = Council.objects.exclude(schema_name="public").count()  # the demo councils too
        budget = BUDGET_SECONDS_FOR_153 * total / 153
        ours = _seconds("migrate_councils", verbosity=0)
        theirs = _seconds("migrate_schemas", tenant=True, interactive=False, verbosity=0)
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            councils.enter_context(bench_council("bench-deploy-one-more"))
        one_more = time.perf_counter() - started
    return [
        Figure(
            f"one more council by copy, beside {total}: the 2 s budget / the time it took",
            2.0 / one_more,
            1.0,
            f"({one_more:.2f} s)",
        ),
        Figure(
            f"no-op deploy migration of {total} councils: budget / migrate_councils",
            budget / ours,
            1.0,
            f"({ours:.2f} s; budget {budget:.1f} s, 60 s per 153)",
        ),
        Figure(
            f"no-op deploy migration of {total} councils: migrate_schemas / migrate_councils",
            theirs / ours,
            None,
            f"({theirs:.2f} s by django-tenants vs {ours:.2f} s)",
        ),
    ]


if __name__ == "__main__":
    size = size_from_argv()
    setup_django(database_url())
    sys.exit(0 if report("A deploy's migrations", figures(size)) else 1)
