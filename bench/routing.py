"""Host routing: what the council middleware (host -> council through the in-process
cache, then the schema switch) costs a request. The same no-op view is served by two
gunicorns, one with the full middleware and one with the council middleware left out.

    .venv/bin/python bench/routing.py [--size tiny|full]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Figure, Server, Target, report, servers, side_by_side
from bench.sizes import SIZES, size_from_argv

HOST = "cumbria.localhost"


def figures(size: str) -> list[Figure]:
    shape = SIZES[size]
    with servers(Server(), Server(env={"BENCH_WITHOUT_COUNCILS": "1"})) as (full, bare):
        return [
            side_by_side(
                "host routing: no-op page, full middleware vs without councils",
                Target(full.port, HOST, "/bench/noop/"),
                Target(bare.port, HOST, "/bench/noop/"),
                goal=0.90,
                rounds=shape.rounds,
                seconds=shape.seconds,
                clients=shape.clients,
            )
        ]


if __name__ == "__main__":
    sys.exit(0 if report("Host routing", figures(size_from_argv())) else 1)
