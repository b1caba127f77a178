"""The load run: simulated families and caseworkers over many council hosts, mixed reads
and writes, through PgBouncer in session mode (issue 13).

    .venv/bin/python bench/load.py [--size tiny|full]

Full size: 200 people (160 families, 40 caseworkers) over 150 councils provisioned for
the run (and dropped after), for 10 minutes, with locust headless (bench/locustfile.py)
against one gunicorn (2 workers) that reaches PostgreSQL through a real pgbouncer
(platform/pgbouncer-local; direct when pgbouncer is not installed, and the figure says
so). Each person signs in with two-step (a family by the emailed code, read from the
council's outbox; a caseworker by the authenticator app), then looks around, sends
messages, uploads documents (scanned by clamd when `make clamd` started one) and sends a
form. Each comes from an address of its own, as behind the ingress
(TRUSTED_PROXY_COUNT=1), so the per-address limits see families, not the bench.

Printed: requests without an error (goal 100%), the share of requests that held the
database for more than 100 ms (connecting plus queries, measured in the web process:
config/bench_middleware.py), and each page's 95th percentile.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pooler
from bench.data import bench_councils, setup_django
from bench.files import _scanner_env, pdf_file
from bench.harness import PYTHON, ROOT, Figure, Server, database_url, report, servers
from bench.sizes import size_from_argv

SHAPES = {
    # councils, families, caseworkers, seconds, people started a second
    "tiny": (2, 3, 1, 20, 4),
    "full": (150, 160, 40, 600, 2),
}
PASSWORD = "Bench-Load-Harbour-Lantern-2026"  # noqa: S105 - made-up accounts, dropped after
FORM = {
    "title": "All about me",
    "short_title": "About me",
    "feeds": "contribution",
    "sections": [
        {
            "id": "about",
            "title": "About me",
            "pages": [
                {
                    "id": "likes",
                    "title": "What I like",
                    "questions": [{"id": "likes", "type": "text", "label": "What do you like doing?"}],
                }
            ],
        }
    ],
    "declaration": {"confirmation": "I confirm this is right"},
    "what_happens_next": ["The SEND team will read it."],
}
HELD_MS = 100


def _people(councils: list, families: int, caseworkers: int) -> list[dict]:
    """Families (an account with a confirmed email device, a child, an assessment) and
    caseworkers (an authenticator app), round the councils; bulk where it can be."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from casework.models import Case, CaseKind, Child, ChildAccess, Relationship, StaffMembership, StaffRole
    from citizen.accounts.models import Account, AuthenticatorDevice, EmailCodeDevice
    from tenants.models import FormVariant, FormVersion

    now = timezone.now()
    hashed = make_password(PASSWORD)  # once: the run's sign-ins check it, as real ones would
    people = []
    forms = {}
    for council in councils:
        variant = FormVariant.objects.create(council=council, slug="about-me", title="All about me")
        FormVersion.objects.create(variant=variant, number=1, definition=FORM, published_at=now)
        forms[council.pk] = variant.slug
    cases: dict[int, int] = {}
    for number in range(families + caseworkers):
        family = number < families
        # A caseworker works where families are: the councils of the first families.
        council = councils[(number if family else (number - families) % families) % len(councils)]
        kind = "family" if family else "caseworker"
        email = f"{kind}{number}@{council.slug}.localhost"
        account = Account.objects.create(
            email=email, password=hashed, first_name="Load", last_name=f"Person{number}", is_active=True
        )
        account.email_verified_at = now
        account.save(update_fields=["email_verified_at"])
        person = {
            "kind": kind,
            "host": f"{council.slug}.localhost",
            "schema": council.schema_name,
            "email": email,
            "password": PASSWORD,
            "address": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256 + 1}",
        }
        with tenant_context(council):
            if family:
                EmailCodeDevice.objects.create(user=account, name="Email", confirmed=True)
                child = Child.objects.create(
                    legal_first_name="Sam",
                    legal_last_name=f"Load{number}",
                    date_of_birth=now.date().replace(year=now.year - 9),
                    council_reference=f"LOAD-{number}",
                )
                ChildAccess.objects.create(child=child, account=account, relationship=Relationship.PARENT)
                case = Case.objects.create(
                    child=child,
                    kind=CaseKind.ASSESSMENT,
                    reference=f"EHC-LOAD-{number}",
                    started_on=timezone.localdate() - timedelta(days=30),
                )
                cases.setdefault(council.pk, case.pk)
                person |= {
                    "child": child.pk,
                    "case": case.pk,
                    "form": forms[council.pk],
                    "form_page": "likes",
                    "form_question": "likes",
                }
            else:
                StaffMembership.objects.create(account=account, role=StaffRole.CASEWORKER)
                secret = AuthenticatorDevice.new_secret()
                device = AuthenticatorDevice(user=account, name="Authenticator app", confirmed=True)
                device.set_secret(secret)
                device.save()
                person |= {"totp": secret, "case": cases[council.pk]}
        people.append(person)
    return people


def _stats(prefix: str) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as table:
        return list(csv.DictReader(table))


def _held(folder: Path) -> tuple[int, int, int]:
    """(requests, requests that held the database over HELD_MS, that waited to connect over it)."""
    requests = held = waited = 0
    for path in folder.glob("*.txt"):
        for line in path.read_text().splitlines():
            connecting, querying = (float(part) for part in line.split())
            requests += 1
            held += connecting + querying > HELD_MS
            waited += connecting > HELD_MS
    return requests, held, waited


def figures(size: str) -> list[Figure]:
    from django.db import connections

    count, families, caseworkers, seconds, rate = SHAPES[size]
    env, scanned = _scanner_env()
    direct = database_url()
    with contextlib.ExitStack() as stack:
        councils = stack.enter_context(bench_councils("bench-load", count))
        people = _people(councils, families, caseworkers)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        times = folder / "db-times"
        times.mkdir()
        (folder / "people.json").write_text(json.dumps(people))
        pdf_file(folder / "report.pdf", 1, 64 * 1024)
        through = "direct (pgbouncer is not installed)"
        server_database = direct
        if pooler._pgbouncer_installed():
            server_database = pooler._pooler("start", direct, "--pool-mode", "session", "--pool-size", "20")
            stack.callback(pooler._pooler, "stop")
            through = "through PgBouncer (session mode)"
        connections.close_all()  # gunicorn and locust are other processes
        server_env = env | {
            "DATABASE_URL": server_database,
            "TRUSTED_PROXY_COUNT": "1",
            "BENCH_DB_TIMES_DIR": str(times),
            "LOG_LEVEL": "ERROR",
            "REDIS_URL": "",  # no broker, even where one is configured (CI): scans run in the request
        }
        with servers(Server(env=server_env)) as (server,):
            prefix = str(folder / "locust")
            finished = subprocess.run(  # noqa: S603 - locust on our own locustfile
                [
                    PYTHON,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(families + caseworkers),
                    "--spawn-rate",
                    str(rate),
                    "--run-time",
                    f"{seconds}s",
                    "--stop-timeout",
                    "10",
                    "--host",
                    f"http://127.0.0.1:{server.port}",
                    "--csv",
                    prefix,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=os.environ
                | {
                    "BENCH_LOAD_PEOPLE": str(folder / "people.json"),
                    "BENCH_LOAD_DATABASE_URL": direct,
                    "BENCH_LOAD_PDF": str(folder / "report.pdf"),
                },
                capture_output=True,
                text=True,
                timeout=seconds + 600,
                check=False,
            )
            rows = _stats(prefix) if Path(f"{prefix}_stats.csv").exists() else []
            if os.environ.get("BENCH_LOAD_DEBUG"):
                print(finished.stderr[-5000:])
            failures = Path(f"{prefix}_failures.csv")
            if failures.exists() and len(failures.read_text().splitlines()) > 1:
                print(failures.read_text()[:3000])
        if not rows:
            raise RuntimeError(f"locust left no figures: {finished.stderr[-3000:]}")
        requests, held, waited = _held(times)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    made, failed = int(total["Request Count"]), int(total["Failure Count"])
    results = [
        Figure(
            f"load run, {families + caseworkers} people over {count} council hosts, {seconds // 60 or seconds} "
            f"{'min' if seconds >= 60 else 's'}: requests without an error",
            (made - failed) / made if made else 0.0,
            1.0,
            f"({made:,} requests, {failed} failed; {through}; uploads {scanned})",
        ),
        Figure(
            f"load run: requests that held the database at most {HELD_MS} ms",
            (requests - held) / requests if requests else 0.0,
            None,
            f"({held} of {requests:,} over; {waited} waited over {HELD_MS} ms to connect)",
        ),
    ]
    for row in sorted(rows, key=lambda r: r["Name"]):
        if row["Name"] == "Aggregated" or int(row["Request Count"]) == 0:
            continue
        results.append(
            Figure(
                f"p95 {row['Name']}",
                float(row["95%"]),
                None,
                f"(median {float(row['50%']):.0f} ms; {row['Request Count']} requests, {row['Failure Count']} failed)",
                unit="ms",
            )
        )
    return results


if __name__ == "__main__":
    setup_django(database_url())
    sys.exit(0 if report("The load run", figures(size_from_argv())) else 1)
