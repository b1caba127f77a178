"""England's 153 councils in one deployment (issue 13): N councils are provisioned for
the bench (by copy, bench/provisioning.py; full size 153, tiny 3) and dropped after.
Beside them:

- one more council provisioned by copy (goal: 2 s);
- a deploy's migration step when nothing has changed: django-tenants' `migrate_schemas
  --tenant` beside `migrate_councils` (all the schemas checked in one query, none
  migrated), in one process (goal: 60 s for 153, scaled to N);
- a no-op page requested over every council's host in turn beside over two hosts, on one
  gunicorn (goal: 95%);
- the web workers' memory after requests for 2,000 hosts no council has, against before
  (the host caches are bounded: goal 95%, i.e. at most about 5% growth).

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
from bench.harness import Figure, Server, Target, database_url, get, report, servers, side_by_side
from bench.sizes import SIZES, size_from_argv

COUNCILS = {"tiny": 3, "full": 153}
BUDGET_SECONDS_FOR_153 = 60.0
UNKNOWN_HOSTS = 2000


def _seconds(command: str, **options) -> float:
    from django.core.management import call_command
    from django.db import connection

    connection.set_schema_to_public()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        call_command(command, **options)
    return time.perf_counter() - started


def figures(size: str) -> list[Figure]:
    from tenants.models import Council, Domain

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
        hosts = tuple(Domain.objects.filter(tenant__slug__startswith="bench-deploy-").values_list("domain", flat=True))
        shape = SIZES[size]
        with servers(Server(env={"LOG_LEVEL": "ERROR"})) as (server,):  # 2,000 "Not Found" lines otherwise
            spread = side_by_side(
                f"no-op page over {len(hosts)} council hosts vs over 2",
                Target(server.port, hosts[0], "/bench/noop/", hosts=hosts[1:]),
                Target(server.port, "cumbria.localhost", "/bench/noop/", hosts=("somerset.localhost",)),
                goal=0.95,
                rounds=shape.rounds,
                seconds=shape.seconds,
                clients=shape.clients,
            )
            before = server.workers_rss_kb()
            for number in range(UNKNOWN_HOSTS):
                get(server.port, f"nobody-{number}.localhost", "/bench/noop/")
            after = server.workers_rss_kb()
    return [
        spread,
        Figure(
            f"web workers' memory before / after {UNKNOWN_HOSTS:,} unknown hosts",
            before / after,
            0.95,
            f"({before / 1024:.0f} MB before, {after / 1024:.0f} MB after)",
        ),
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
    sys.exit(0 if report("153 councils in one deployment", figures(size)) else 1)
