"""A Kent-sized caseload (issue 13): 20,000 children and cases at every stage, 200
caseworkers, documents and messages in proportion (`seed_caseload`, bulk inserts; tiny
size: 300), then the SEND team's caseload page, each filter and search by name, date
of birth and reference against a signed-in staff no-op page, on one gunicorn. Also: how
long seeding took, and each page's query count beside the same page on a council of 30
cases (the count must not grow with the caseload).

    .venv/bin/python bench/caseload.py [--size tiny|full]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import bench_council, page_queries, setup_django
from bench.harness import Figure, Server, Target, database_url, report, servers, side_by_side
from bench.sizes import SIZES, size_from_argv

CHILDREN = {"tiny": 300, "full": 20000}
CASEWORKERS = {"tiny": 10, "full": 200}
SMALL = 30
PAGES = {
    "caseload": "/staff/",
    "caseload, one stage": "/staff/?stage=decision_to_assess",
    "caseload, mine": "/staff/?caseworker=mine",
    "caseload, overdue": "/staff/?deadline=overdue",
    # Each finds someone on both councils (the first seeded child is Amelia Smith, born
    # 1 January 2006), so the query counts compare pages that show rows.
    "search by name": "/staff/?search=Amelia+Smith",
    "search by date of birth": "/staff/?search=01%2F01%2F2006",
    "search by reference": "/staff/?search=SEED-000012",
}


def staff_cookie(council) -> str:
    """A caseworker of the council (one of the seeded team), signed in with two-step done."""
    from django.conf import settings
    from django.test import Client
    from django_tenants.utils import tenant_context

    from casework.models import StaffMembership
    from citizen.accounts.models import BackupCodeDevice

    with tenant_context(council):
        membership = StaffMembership.objects.select_related("account").order_by("pk").first()
        # Staff verify with an app or a backup code (a council's policy may refuse email).
        device, _ = BackupCodeDevice.objects.get_or_create(
            user=membership.account, defaults={"name": "Backup codes", "confirmed": True}
        )
        client = Client(HTTP_HOST=f"{council.slug}.localhost")
        client.force_login(membership.account)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def figures(size: str) -> list[Figure]:
    from django.conf import settings
    from django.db import connections
    from django_tenants.utils import tenant_context

    from casework.services.seed_caseload import caseload_seed

    shape = SIZES[size]
    results = []
    with bench_council("benchkent") as kent, bench_council("benchsmall") as small:
        started = time.perf_counter()
        with tenant_context(kent):
            seeded = caseload_seed(children=CHILDREN[size], caseworkers=CASEWORKERS[size])
        took = time.perf_counter() - started
        with tenant_context(small):
            caseload_seed(children=SMALL, caseworkers=3)
        results.append(
            Figure(
                f"seeding {seeded.children:,} children and cases: 60 s budget / time taken",
                60 / took,
                1.0,
                f"({took:.1f} s for {seeded.cases:,} cases, {seeded.caseworkers} caseworkers, "
                f"{seeded.documents:,} documents, {seeded.messages:,} messages)",
            )
        )
        kent_host, small_host = f"{kent.slug}.localhost", f"{small.slug}.localhost"
        kent_cookie, small_cookie = staff_cookie(kent), staff_cookie(small)
        for name, path in PAGES.items():
            few, many = page_queries(small_host, small_cookie, path), page_queries(kent_host, kent_cookie, path)
            results.append(
                Figure(
                    f"{name}: same queries for {SMALL} and {seeded.cases:,} cases",
                    min(few, many) / max(few, many),
                    1.0,
                    f"({few} vs {many} queries)",
                )
            )
        connections.close_all()  # the load's processes are forked from this one
        cookie = (("Cookie", f"{settings.SESSION_COOKIE_NAME}={kent_cookie}"),)
        with servers(Server()) as (server,):
            noop = Target(server.port, kent_host, "/bench/staff-noop/", cookie)
            for name, path in PAGES.items():
                results.append(
                    side_by_side(
                        f"{name} ({seeded.cases:,} cases) vs signed-in staff no-op",
                        Target(server.port, kent_host, path, cookie),
                        noop,
                        goal=0.30,
                        rounds=shape.rounds,
                        seconds=shape.seconds,
                        clients=shape.clients,
                    )
                )
    return results


if __name__ == "__main__":
    size = size_from_argv()
    setup_django(database_url())
    sys.exit(0 if report("A Kent-sized caseload", figures(size)) else 1)
