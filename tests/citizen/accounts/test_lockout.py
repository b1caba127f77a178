"""Sign-in lockouts (issue 18, items 2 to 4): behind the ingress every request comes from
one address, so the client's own address is read from X-Forwarded-For as production
trusts it; an account's failures are counted across the whole platform; an address is
locked on its own only when it sprays guesses across many accounts; the platform
admin's sign-in is counted per operator and its lockout page works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import override_settings

from citizen.accounts.models import Account
from tenants.models import SignInPolicy
from tests.config.test_settings import GOOD
from tests.factories import AccountFactory, configuration_change

PASSWORD = "Quiet-Harbour-Lantern-42"
INGRESS = "10.42.0.7"  # the ingress pod: REMOTE_ADDR of every request behind it
SCHOOL = "81.2.69.160"  # one public address for a whole school


def make_account(email: str, password: str = PASSWORD, **fields) -> Account:
    return AccountFactory(email=email, password=password, **({"first_name": "", "last_name": ""} | fields))


def sign_in(client, email: str, password: str = PASSWORD, client_address: str | None = None, **extra):
    """A sign-in through the ingress: it appends the address it saw to X-Forwarded-For."""
    if client_address is not None:
        extra = {"REMOTE_ADDR": INGRESS, "HTTP_X_FORWARDED_FOR": client_address} | extra
    return client.post("/sign-in/", {"email": email, "password": password}, **extra)


def production_address_settings(trusted_proxy_count: int) -> dict:
    """The client-address settings config.settings.production makes with this
    TRUSTED_PROXY_COUNT, read from a real start of those settings."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in dir(s) if k in ('AXES_IPWARE_META_PRECEDENCE_ORDER', "
        "'AXES_IPWARE_PROXY_COUNT', 'AXES_IPWARE_PROXY_ORDER', 'IPWARE_STRICT', 'AXES_CLIENT_IP_CALLABLE')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[3],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "TRUSTED_PROXY_COUNT": str(trusted_proxy_count),
            **GOOD,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    if "AXES_IPWARE_META_PRECEDENCE_ORDER" in found:
        found["AXES_IPWARE_META_PRECEDENCE_ORDER"] = tuple(found["AXES_IPWARE_META_PRECEDENCE_ORDER"])
    return found


@pytest.fixture(scope="module")
def chart_address_settings():
    return production_address_settings(1)  # the chart's trustedProxyCount: the ingress


@pytest.fixture
def behind_ingress(chart_address_settings):
    with override_settings(**chart_address_settings):
        yield


def counted_addresses() -> set[str]:
    return set(AccessAttempt.objects.values_list("ip_address", flat=True))


# --- Item 2: the client's address behind the ingress, and what is counted.


def test_behind_the_ingress_the_address_counted_is_the_one_the_ingress_saw(behind_ingress, cumbria_client):
    make_account("parent@example.org")
    # A client that types its own X-Forwarded-For: the ingress appends the real address.
    sign_in(cumbria_client, "parent@example.org", "wrong-1", client_address="203.0.113.9, 81.2.69.20")
    sign_in(cumbria_client, "parent@example.org", "wrong-2", client_address="81.2.69.21")

    assert counted_addresses() == {"81.2.69.20", "81.2.69.21"}


def test_behind_a_load_balancer_and_the_ingress_the_address_is_the_one_the_first_saw(cumbria_client):
    make_account("parent@example.org")
    with override_settings(**production_address_settings(2)):
        # One typed by the client, its address added by the load balancer, the load
        # balancer's added by the ingress.
        sign_in(cumbria_client, "parent@example.org", "wrong", client_address="203.0.113.9, 81.2.69.40, 10.0.0.2")

    assert counted_addresses() == {"81.2.69.40"}


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(cumbria_client):
    make_account("parent@example.org")
    sign_in(cumbria_client, "parent@example.org", "wrong", REMOTE_ADDR="81.2.69.30", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert counted_addresses() == {"81.2.69.30"}


def test_behind_the_ingress_one_accounts_guesses_lock_that_account_only(behind_ingress, cumbria, cumbria_client):
    limit = SignInPolicy.objects.get(council=cumbria).lockout_failure_limit
    others = [make_account(f"parent-{n}@example.org") for n in range(12)]
    make_account("victim@example.org")

    # Guesses at one account from many addresses, all through the one ingress.
    answers = [
        sign_in(cumbria_client, "victim@example.org", f"guess-{n}", client_address=f"81.2.70.{n}") for n in range(limit)
    ]

    assert [a.status_code for a in answers] == [200] * (limit - 1) + [429]
    # The right password is refused too, from an address never used before.
    assert sign_in(cumbria_client, "victim@example.org", client_address="81.2.71.1").status_code == 429
    # Everyone else behind the same ingress signs in, from the guesser's addresses too.
    for n, account in enumerate(others):
        answer = sign_in(cumbria_client, account.email, client_address=f"81.2.70.{n % limit}")
        assert answer.status_code == 302, account.email
        cumbria_client.post("/sign-out/")


def test_five_failures_from_a_schools_address_do_not_lock_other_people_there(behind_ingress, cumbria_client):
    staff = [make_account(f"teacher-{n}@example.org") for n in range(8)]
    for account in staff[:5]:  # five people mistype their passwords
        assert sign_in(cumbria_client, account.email, "mistyped", client_address=SCHOOL).status_code == 200

    for account in staff:  # and then everyone signs in, from the same address
        assert sign_in(cumbria_client, account.email, client_address=SCHOOL).status_code == 302, account.email
        cumbria_client.post("/sign-out/")


def test_a_spray_across_many_accounts_from_one_address_is_eventually_refused(behind_ingress, cumbria_client, settings):
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT  # 50 failures, on 10 accounts or more
    make_account("bystander@example.org")
    sprayer = "81.2.69.99"

    # One or two guesses each at many accounts: never an account's own limit.
    answers = [
        sign_in(cumbria_client, f"someone-{n % 30}@example.org", f"Password{n}", client_address=sprayer)
        for n in range(limit + 5)
    ]

    codes = [a.status_code for a in answers]
    assert codes[: limit - 1] == [200] * (limit - 1)
    assert codes[limit - 1 :] == [429] * 6
    assert "You cannot sign in for now" in answers[-1].content.decode()
    # The address is refused even with a right password; another address is not.
    assert sign_in(cumbria_client, "bystander@example.org", client_address=sprayer).status_code == 429
    assert sign_in(cumbria_client, "bystander@example.org", client_address="81.2.69.100").status_code == 302


def test_many_failures_on_a_few_accounts_do_not_lock_an_address(cumbria_client, settings):
    """The address rule needs many different accounts: 60 failures on 9 accounts are
    the accounts' own business (each is locked at its limit), not the address's."""
    make_account("bystander@example.org")
    for n in range(60):
        sign_in(cumbria_client, f"someone-{n % 9}@example.org", f"Password{n}", REMOTE_ADDR=SCHOOL)

    assert sign_in(cumbria_client, "bystander@example.org", REMOTE_ADDR=SCHOOL).status_code == 302


# --- Item 3: one count per account across the whole platform.


def test_wrong_guesses_split_across_two_councils_lock_the_account_on_both(cumbria_client, somerset_client):
    make_account("parent@example.org")
    clients = [cumbria_client, somerset_client]

    answers = [sign_in(clients[n % 2], "parent@example.org", f"Wrong-Password-{n}") for n in range(9)]

    assert [a.status_code for a in answers] == [200] * 4 + [429] * 5
    assert sign_in(cumbria_client, "parent@example.org").status_code == 429
    assert sign_in(somerset_client, "parent@example.org").status_code == 429
    assert "_auth_user_id" not in cumbria_client.session
    assert "_auth_user_id" not in somerset_client.session


def test_the_council_where_the_sign_in_happens_sets_the_limit(somerset, cumbria_client, somerset_client):
    configuration_change(SignInPolicy.objects.filter(council=somerset), lockout_failure_limit=3)
    make_account("parent@example.org")
    sign_in(cumbria_client, "parent@example.org", "wrong-1")
    sign_in(somerset_client, "parent@example.org", "wrong-2")
    sign_in(cumbria_client, "parent@example.org", "wrong-3")

    # Three failures in all: Somerset's limit, not Cumbria's five.
    assert sign_in(somerset_client, "parent@example.org").status_code == 429
    assert sign_in(cumbria_client, "parent@example.org").status_code == 302


def test_sign_in_failures_are_kept_in_the_public_schema_only(cumbria, somerset):
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'axes_accessattempt'")
        schemas = {row[0] for row in cursor.fetchall()}

    assert "public" in schemas
    assert cumbria.schema_name not in schemas and somerset.schema_name not in schemas


# --- Item 4: the platform admin's sign-in.


def admin_sign_in(client, username: str, password: str = PASSWORD):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_failures_against_one_operator_do_not_lock_another(platform_client):
    Account.objects.create_superuser("operator-a@platform.localhost", PASSWORD)
    Account.objects.create_superuser("operator-b@platform.localhost", PASSWORD)
    limit = SignInPolicy().lockout_failure_limit

    # The same account however it is typed.
    for n in range(limit):
        admin_sign_in(
            platform_client, "Operator-A@platform.localhost" if n % 2 else "operator-a@platform.localhost", "x"
        )

    assert admin_sign_in(platform_client, "operator-a@platform.localhost").status_code == 429
    assert admin_sign_in(platform_client, "operator-b@platform.localhost").status_code == 302
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"operator-a@platform.localhost"}


def test_the_platform_hosts_lockout_page_is_a_page(platform_client):
    Account.objects.create_superuser("operator-a@platform.localhost", PASSWORD)
    limit = SignInPolicy().lockout_failure_limit
    answers = [admin_sign_in(platform_client, "operator-a@platform.localhost", f"guess-{n}") for n in range(limit)]

    locked = answers[-1]
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "You cannot sign in for now" in html
    assert f"Try again in {SignInPolicy().lockout_minutes} minutes" in html
