"""Provisioning a council (issue 13, "153 councils"): a new council's schema copied from
the council template (tenants/template.py) beside one migrated from scratch, alternating,
in one process (no interpreter start-up counted), through the same service operators run
(`create_council`). Each council made is dropped again.

Figures: the copy's time against the goal's 2 s budget (a ratio of at least 100% holds),
and how many times faster the copy is than migrating (reported).

    .venv/bin/python bench/provisioning.py [--size tiny|full]
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import bench_council, setup_django
from bench.harness import Figure, database_url, report
from bench.sizes import SIZES, size_from_argv

BUDGET_SECONDS = 2.0


def _provision_seconds(slug: str, *, copied: bool) -> float:
    from django.conf import settings

    before = settings.TENANT_CREATION_FAKES_MIGRATIONS
    settings.TENANT_CREATION_FAKES_MIGRATIONS = copied
    try:
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), bench_council(slug):  # migrate_schemas' progress
            took = time.perf_counter() - started  # made; the drop afterwards is not counted
        return took
    finally:
        settings.TENANT_CREATION_FAKES_MIGRATIONS = before


def figures(size: str) -> list[Figure]:
    from tenants.template import template_ready

    rounds = max(1, min(SIZES[size].rounds, 3))  # a migrated council takes seconds: three rounds are plenty
    template_ready()  # the template current first, as `make migrate` leaves it
    copies, migrations = [], []
    for number in range(rounds):
        copies.append(_provision_seconds(f"bench-copy-{number}", copied=True))
        migrations.append(_provision_seconds(f"bench-migrated-{number}", copied=False))
    copy, migrated = statistics.median(copies), statistics.median(migrations)
    return [
        Figure(
            "a new council by copy: the 2 s budget / the time it took",
            BUDGET_SECONDS / copy,
            1.0,
            f"({copy:.2f} s by copy)",
        ),
        Figure(
            "a new council migrated from scratch / by copy (times faster)",
            migrated / copy,
            None,
            f"({migrated:.2f} s migrated vs {copy:.2f} s by copy)",
        ),
    ]


if __name__ == "__main__":
    size = size_from_argv()
    setup_django(database_url())
    sys.exit(0 if report("Provisioning a council", figures(size)) else 1)
