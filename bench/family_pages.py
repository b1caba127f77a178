"""The family's pages against a signed-in no-op page, and their query counts for a
family with 5 documents and messages and one with 500.

    .venv/bin/python bench/family_pages.py [--size tiny|full]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import bench_council, family, family_pages, page_queries, setup_django
from bench.harness import Figure, Server, Target, database_url, report, servers, side_by_side
from bench.sizes import SIZES, size_from_argv

SMALL, LARGE = 5, 500


def figures(size: str) -> list[Figure]:
    from django.conf import settings
    from django.db import connections

    shape = SIZES[size]
    results = []
    with bench_council("benchfamily") as council:
        host = f"{council.slug}.localhost"
        small = family(council, documents=SMALL, messages=SMALL)
        large = family(council, documents=LARGE, messages=LARGE)
        small_pages, large_pages = family_pages(small), family_pages(large)
        for name, path in large_pages.items():
            few, many = page_queries(host, small.cookie, small_pages[name]), page_queries(host, large.cookie, path)
            results.append(
                Figure(
                    f"{name}: same queries for {SMALL} and {LARGE} documents and messages",
                    min(few, many) / max(few, many),
                    1.0,
                    f"({few} vs {many} queries)",
                )
            )
        connections.close_all()  # the load's processes are forked from this one
        with servers(Server()) as (server,):
            cookie = (("Cookie", f"{settings.SESSION_COOKIE_NAME}={large.cookie}"),)
            noop = Target(server.port, host, "/bench/signed-in-noop/", cookie)
            for name, path in large_pages.items():
                results.append(
                    side_by_side(
                        f"{name} ({LARGE} documents and messages) vs signed-in no-op",
                        Target(server.port, host, path, cookie),
                        noop,
                        goal=0.50,
                        rounds=shape.rounds,
                        seconds=shape.seconds,
                        clients=shape.clients,
                    )
                )
    return results


if __name__ == "__main__":
    setup_django(database_url())
    sys.exit(0 if report("The family's pages", figures(size_from_argv())) else 1)
