"""`make bench`: every bench, one after another, each figure with its goal beside it.

    .venv/bin/python bench/run.py [--size tiny|full]

Exits 1 when a goal does not hold (the figures are all printed first). Not part of
`make test`; tests/bench/ runs this at the tiny size so that no bench rots.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import caseload, components, deploy, family_pages, files, load, pooler, provisioning, routing
from bench.data import setup_django
from bench.harness import database_url, report
from bench.sizes import size_from_argv

BENCHES = [
    ("Host routing", routing),
    ("The family's pages", family_pages),
    ("A Kent-sized caseload", caseload),
    ("Large files", files),
    ("GOV.UK components", components),
    ("Provisioning a council", provisioning),
    ("153 councils in one deployment", deploy),
    ("Behind PgBouncer", pooler),
    ("The load run", load),
]


def main() -> int:
    size = size_from_argv()
    setup_django(database_url())
    started = time.monotonic()
    print(f"make bench ({size}), {platform.node()}, {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}")
    held = [report(title, module.figures(size)) for title, module in BENCHES]
    print(f"{sum(held)} of {len(held)} benches hold every goal ({time.monotonic() - started:.0f} s)")
    return 0 if all(held) else 1


if __name__ == "__main__":
    sys.exit(main())
