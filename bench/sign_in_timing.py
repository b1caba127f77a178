"""How long a wrong sign-in and a password reset request take for an address with an
account and one without, side by side in one run (issue 18, item 9). Nothing here is a
test: timings are measured, never asserted.

Runs in-process (Django's test client, no server in between) against a migrated
database with the demo councils (`make migrate`, or DATABASE_URL), with the development
settings, so passwords are hashed with Argon2 as in production. Each round times every
case once, in a shuffled order; sign-in failures and rate-limit counts are cleared
between requests, outside the timed part, so no lockout or limit changes the work.

    .venv/bin/python bench/sign_in_timing.py [--rounds 100]

Reset requests are timed twice: with tasks run in-process (`make run` without Redis,
where the task that looks the address up and queues the email runs inside the request)
and with a broker (production: the request only publishes the task).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from axes.models import AccessAttempt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from casework.demo import CUMBRIA  # noqa: E402
from citizen.accounts.models import Account  # noqa: E402
from config.celery import app  # noqa: E402
from tenants.models import Council  # noqa: E402
from tenants.outbox.models import OutboundEmail  # noqa: E402

PASSWORD = "Bench-Harbour-Lantern-42"  # noqa: S105 - a throwaway account the bench deletes
ACTIVE = "bench-active@example.org"
WAITING = "bench-not-activated@example.org"
PREFIX = "bench-"


def forget_attempts() -> None:
    AccessAttempt.objects.filter(username__startswith=PREFIX).delete()
    for alias in settings.CACHES:
        caches[alias].clear()


def timed(client: Client, path: str, data: dict) -> float:
    forget_attempts()
    start = time.perf_counter()
    response = client.post(path, data)
    elapsed = time.perf_counter() - start
    assert response.status_code in (200, 302), (path, data, response.status_code)
    return elapsed * 1000


def run(rounds: int, cases: dict[str, tuple[str, callable]]) -> dict[str, list[float]]:
    client = Client(HTTP_HOST=CUMBRIA.domain)
    client.get("/")  # the council's host looked up once
    results: dict[str, list[float]] = {name: [] for name in cases}
    for n in range(rounds):
        order = list(cases)
        random.shuffle(order)
        for name in order:
            path, data = cases[name]
            results[name].append(timed(client, path, data(n)))
    return results


def report(title: str, results: dict[str, list[float]], baseline: str) -> None:
    print(f"\n{title}")
    print(f"  {'case':<34} {'n':>4} {'median':>9} {'p10':>8} {'p90':>8} {'IQR':>7} {'vs ' + baseline:>14}")
    base = statistics.median(results[baseline])
    for name, times in results.items():
        q = statistics.quantiles(times, n=20)  # 5 % steps: q[1] is p10, q[17] p90
        quartiles = statistics.quantiles(times, n=4)
        print(
            f"  {name:<34} {len(times):>4} {statistics.median(times):>7.1f}ms {q[1]:>6.1f}ms {q[17]:>6.1f}ms"
            f" {quartiles[2] - quartiles[0]:>5.1f}ms {statistics.median(times) - base:>+12.1f}ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100)
    rounds = parser.parse_args().rounds
    print(f"hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}, rounds: {rounds}, host: {CUMBRIA.domain}")

    Account.objects.filter(email__startswith=PREFIX).delete()
    Account.objects.create_user(ACTIVE, PASSWORD, is_active=True, email_verified_at=timezone.now())
    Account.objects.create_user(WAITING, PASSWORD, is_active=False)
    try:
        wrong = "Wrong-Password-1"
        sign_in = {
            "no account": ("/sign-in/", lambda n: {"email": f"{PREFIX}nobody-{n}@example.org", "password": wrong}),
            "active account": ("/sign-in/", lambda n: {"email": ACTIVE, "password": wrong}),
            "account not activated": ("/sign-in/", lambda n: {"email": WAITING, "password": wrong}),
        }
        report("Sign-in with a wrong password", run(rounds, sign_in), "no account")

        reset = {
            "no account": ("/password/forgotten/", lambda n: {"email": f"{PREFIX}nobody-{n}@example.org"}),
            "active account": ("/password/forgotten/", lambda n: {"email": ACTIVE}),
        }
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        report("Password reset request, tasks in-process (make run)", run(rounds, reset), "no account")
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"
        report("Password reset request, with a broker (production)", run(rounds, reset), "no account")
        app.conf.task_always_eager = eager
    finally:
        forget_attempts()
        with tenant_context(Council.objects.get(slug=CUMBRIA.slug)):
            OutboundEmail.objects.filter(to__overlap=[ACTIVE, WAITING]).delete()
        Account.objects.filter(email__startswith=PREFIX).delete()


if __name__ == "__main__":
    main()
