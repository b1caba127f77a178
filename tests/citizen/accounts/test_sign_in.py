"""Signing in and out on each council's site: one generic error, django-axes lockouts
per account across the platform with the council's limits, the council's password policy
checked again at each sign-in, and sessions that belong to one council only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import StaffMembership, StaffRole
from citizen.accounts.decorators import PASSWORD_CHANGE_REQUIRED
from citizen.accounts.forms_sign_in import WRONG_CREDENTIALS
from citizen.accounts.middleware import LAST_SEEN
from citizen.accounts.models import Account, PasswordHistory
from citizen.accounts.services import account_set_password
from citizen.models import FamilyMembership
from tenants.models import SignInPolicy
from tests.factories import AccountFactory, configuration_change

# Meets both demo councils' rules (Somerset's: capitals, small letters, a number, a symbol).
PASSWORD = "Quiet-Harbour-Lantern-42"
# Long enough for Cumbria's defaults, but with no capital, number or symbol for Somerset.
CUMBRIA_ONLY_PASSWORD = "quiet harbour lantern"
COUNCILS = pytest.mark.parametrize("council", ["cumbria", "somerset"], indirect=True)


def make_account(email: str = "parent@example.org", password: str = PASSWORD, **fields) -> Account:
    return AccountFactory(email=email, password=password, **({"first_name": "", "last_name": ""} | fields))


def sign_in(client, email: str = "parent@example.org", password: str = PASSWORD, next_url: str | None = None, **extra):
    data = {"email": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/sign-in/", data, **extra)


def session_exists(council, in_council, key: str) -> bool:
    with in_council(council):
        return SessionStore().exists(key)


def comparable(html: str, *typed: str) -> str:
    """A page without what legitimately differs between two answers: the CSRF token and
    the email address typed back into its box."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    for text in typed:
        html = html.replace(text, "TYPED")
    return html


@pytest.fixture
def council(request, cumbria, somerset):
    return {"cumbria": cumbria, "somerset": somerset}[request.param]


@pytest.fixture
def client_for(cumbria_client, somerset_client):
    return lambda council: cumbria_client if council.slug == "cumbria" else somerset_client


@COUNCILS
def test_the_sign_in_page_asks_for_an_email_and_password(council, client_for):
    page = client_for(council).get("/sign-in/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="email"' in html
    assert 'type="password"' in html
    assert 'autocomplete="current-password"' in html
    assert "Create an account" in html


@COUNCILS
def test_a_wrong_email_and_a_wrong_password_get_the_same_answer(council, client_for):
    make_account()
    client = client_for(council)

    wrong_email = sign_in(client, email="nobody@example.org")
    wrong_password = sign_in(client, password="Not-The-Password-99")

    assert wrong_email.status_code == wrong_password.status_code == 200
    assert WRONG_CREDENTIALS in wrong_email.content.decode()
    assert comparable(wrong_email.content.decode(), "nobody@example.org") == comparable(
        wrong_password.content.decode(), "parent@example.org"
    )
    assert "Error: Sign in" in wrong_email.content.decode()  # the page title announces it
    assert "_auth_user_id" not in client.session


def test_an_unknown_email_typed_in_capitals_is_still_the_generic_answer(cumbria_client):
    answer = sign_in(cumbria_client, email="NOBODY@EXAMPLE.ORG")
    assert WRONG_CREDENTIALS in answer.content.decode()


@COUNCILS
def test_signing_in_starts_a_new_session_and_makes_a_family_membership(council, client_for, in_council):
    account = make_account()
    client = client_for(council)
    with in_council(council):
        before = SessionStore()
        before["visited"] = True
        before.create()
    client.cookies["sessionid"] = before.session_key

    signed_in = sign_in(client)

    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    after = client.cookies["sessionid"].value
    assert after != before.session_key
    assert not session_exists(council, in_council, before.session_key)
    assert session_exists(council, in_council, after)
    with in_council(council):
        assert FamilyMembership.objects.filter(account=account).exists()
    assert "You are signed in as parent@example.org" in client.get("/").content.decode()


def test_staff_signing_in_do_not_become_a_family_here(cumbria, cumbria_client, in_council):
    account = make_account("caseworker@example.org")
    with in_council(cumbria):
        StaffMembership.objects.create(account=account, role=StaffRole.CASEWORKER)

    assert sign_in(cumbria_client, email="caseworker@example.org").status_code == 302

    with in_council(cumbria):
        assert not FamilyMembership.objects.filter(account=account).exists()


def test_the_email_is_not_case_sensitive(cumbria_client):
    make_account()
    assert sign_in(cumbria_client, email="Parent@Example.ORG").status_code == 302


def test_an_account_not_yet_activated_is_told_to_activate_only_with_the_right_password(cumbria_client):
    make_account(is_active=False, email_verified_at=None)

    wrong = sign_in(cumbria_client, password="Not-The-Password-99")
    assert WRONG_CREDENTIALS in wrong.content.decode()

    right = sign_in(cumbria_client)
    html = right.content.decode()
    assert right.status_code == 200
    assert "You need to activate your account before you can sign in" in html
    assert 'href="/activate/resend/"' in html
    assert "_auth_user_id" not in cumbria_client.session


@COUNCILS
def test_too_many_wrong_passwords_lock_the_account_from_any_address(council, client_for):
    policy = SignInPolicy.objects.get(council=council)
    if council.slug == "somerset":  # a council's own limits, not the defaults
        policy.lockout_failure_limit, policy.lockout_minutes = 3, 30
        policy.save()
    make_account()
    client = client_for(council)

    for attempt in range(1, policy.lockout_failure_limit):
        answer = sign_in(client, password=f"Wrong-Password-{attempt}", REMOTE_ADDR=f"10.0.0.{attempt}")
        assert answer.status_code == 200, attempt
    locked = sign_in(client, password="Wrong-Password-last", REMOTE_ADDR="10.0.1.1")

    assert locked.status_code == 429
    html = locked.content.decode()
    assert f"Try again in {policy.lockout_minutes} minutes" in html
    # The right password, from an address never used before, is refused too.
    still_locked = sign_in(client, REMOTE_ADDR="10.9.9.9")
    assert still_locked.status_code == 429
    assert f"{policy.lockout_minutes} minutes" in still_locked.content.decode()
    assert "_auth_user_id" not in client.session


@COUNCILS
def test_wrong_sign_ins_on_a_few_accounts_from_one_address_do_not_lock_that_address(council, client_for):
    """Issue 18: a school or council office shares one address; its people's typos on
    their own accounts lock nobody else (tests/citizen/accounts/test_lockout.py has the
    spray that does lock an address)."""
    policy = SignInPolicy.objects.get(council=council)
    make_account()
    client = client_for(council)

    for attempt in range(policy.lockout_failure_limit):
        sign_in(client, email=f"guess-{attempt}@example.org", REMOTE_ADDR="192.0.2.7")

    assert sign_in(client, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_signing_in_to_your_own_account_does_not_reset_the_count_against_another(cumbria, cumbria_client):
    make_account("victim@example.org")
    make_account("attacker@example.org")
    limit = SignInPolicy.objects.get(council=cumbria).lockout_failure_limit
    answers = []
    for round_ in range(3):
        for guess in range(limit - 1):
            answers.append(sign_in(cumbria_client, email="victim@example.org", password=f"guess-{round_}-{guess}"))
        sign_in(cumbria_client, email="attacker@example.org")
        cumbria_client.post("/sign-out/")

    assert answers[limit - 1].status_code == 429


def test_a_lockout_on_one_council_locks_the_account_on_the_other_too(cumbria, cumbria_client, somerset_client):
    """Issue 18: one account, one count across the platform."""
    make_account()
    for attempt in range(SignInPolicy.objects.get(council=cumbria).lockout_failure_limit):
        sign_in(cumbria_client, password=f"Wrong-Password-{attempt}")

    assert sign_in(cumbria_client).status_code == 429
    assert sign_in(somerset_client).status_code == 429


def test_the_locked_out_page_after_the_limit_names_the_councils_minutes(somerset, somerset_client):
    configuration_change(SignInPolicy.objects.filter(council=somerset), lockout_failure_limit=3, lockout_minutes=1)
    make_account()
    for attempt in range(3):
        answer = sign_in(somerset_client, password=f"Wrong-Password-{attempt}")
    assert answer.status_code == 429
    assert "Try again in 1 minute." in answer.content.decode()


@pytest.mark.parametrize(
    ("age", "must_change"),
    [(timedelta(days=60) - timedelta(minutes=5), False), (timedelta(days=61), True)],
    ids=["day-60", "day-61"],
)
def test_somersets_passwords_expire_after_60_days(somerset_client, cumbria_client, age, must_change):
    make_account(password_changed_at=timezone.now() - age)

    answer = sign_in(somerset_client)

    assert answer.status_code == 302
    if must_change:
        assert answer["Location"] == "/password/change-required/"
        page = somerset_client.get(answer["Location"]).content.decode()
        assert "Your password is more than 60 days old" in page
    else:
        assert answer["Location"] == "/"
    # Cumbria sets no maximum age: the same password is fine there.
    assert sign_in(cumbria_client)["Location"] == "/"


def test_a_password_cumbria_accepts_must_change_on_somersets_site_only(
    cumbria_client, somerset_client, somerset, in_council
):
    make_account(password=CUMBRIA_ONLY_PASSWORD)

    assert sign_in(cumbria_client, password=CUMBRIA_ONLY_PASSWORD)["Location"] == "/"
    on_somerset = sign_in(somerset_client, password=CUMBRIA_ONLY_PASSWORD, next_url="/send/")
    assert on_somerset["Location"] == "/password/change-required/?next=%2Fsend%2F"

    page = somerset_client.get(on_somerset["Location"]).content.decode()
    assert "does not meet Somerset Council" in page
    assert "include at least one capital letter" in page
    # Every other page waits for the new password.
    for path in ["/", "/send/", "/two-step/set-up/", "/two-step/"]:
        assert somerset_client.get(path)["Location"].startswith("/password/change-required/"), path
    # Cumbria's session is its own and carries on.
    assert cumbria_client.get("/").status_code == 200


def test_the_forced_change_applies_the_whole_policy_and_then_lets_the_person_on(somerset_client, somerset):
    account = make_account(password=CUMBRIA_ONLY_PASSWORD)
    account_set_password(account=account, password="Older-Password-17!")
    account_set_password(account=account, password=CUMBRIA_ONLY_PASSWORD)
    sign_in(somerset_client, password=CUMBRIA_ONLY_PASSWORD, next_url="/send/")
    url = "/password/change-required/"

    def change(current: str, new: str):
        return somerset_client.post(
            url, {"current_password": current, "password": new, "password_confirm": new, "next": "/send/"}
        )

    wrong_current = change("not my password", "Brand-New-Password-88")
    assert "Your current password is not right" in wrong_current.content.decode()
    reused = change(CUMBRIA_ONLY_PASSWORD, "Older-Password-17!")
    assert "You have used this password before" in reused.content.decode()
    simple = change(CUMBRIA_ONLY_PASSWORD, "Quiet harbour lantern1!")
    assert "too similar to your previous one" in simple.content.decode()
    weak = change(CUMBRIA_ONLY_PASSWORD, "short")
    assert "at least 10 characters" in weak.content.decode()

    done = change(CUMBRIA_ONLY_PASSWORD, "Brand-New-Password-88")

    assert done.status_code == 302
    assert done["Location"] == "/send/"
    account.refresh_from_db()
    assert account.check_password("Brand-New-Password-88")
    assert PasswordHistory.objects.filter(account=account).count() == 3
    assert PASSWORD_CHANGE_REQUIRED not in somerset_client.session
    assert somerset_client.get("/").status_code == 200  # still signed in on this site
    assert sign_in(somerset_client, password="Brand-New-Password-88")["Location"] == "/"


def test_changing_an_expired_password_to_the_same_one_is_refused(somerset_client):
    make_account(password_changed_at=timezone.now() - timedelta(days=90))
    sign_in(somerset_client)

    same = somerset_client.post(
        "/password/change-required/", {"current_password": PASSWORD, "password": PASSWORD, "password_confirm": PASSWORD}
    )

    assert same.status_code == 200
    assert "must be different from your current one" in same.content.decode()


def test_someone_who_must_change_their_password_can_still_sign_out(somerset_client):
    make_account(password=CUMBRIA_ONLY_PASSWORD)
    sign_in(somerset_client, password=CUMBRIA_ONLY_PASSWORD)

    assert somerset_client.post("/sign-out/")["Location"] == "/"
    assert "_auth_user_id" not in somerset_client.session
    assert somerset_client.get("/").status_code == 200


def test_guessing_the_current_password_on_the_change_page_locks_out_and_signs_out(somerset, somerset_client):
    configuration_change(SignInPolicy.objects.filter(council=somerset), lockout_failure_limit=3)
    make_account(password=CUMBRIA_ONLY_PASSWORD)
    sign_in(somerset_client, password=CUMBRIA_ONLY_PASSWORD)
    new = {"password": "Brand-New-Password-88", "password_confirm": "Brand-New-Password-88"}

    answers = [
        somerset_client.post("/password/change-required/", {"current_password": f"guess {n}"} | new) for n in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "_auth_user_id" not in somerset_client.session
    assert sign_in(somerset_client, password=CUMBRIA_ONLY_PASSWORD).status_code == 429


def test_the_change_page_is_only_for_someone_who_must_change(cumbria_client):
    assert cumbria_client.get("/password/change-required/")["Location"].startswith("/sign-in/")
    make_account()
    sign_in(cumbria_client)
    assert cumbria_client.get("/password/change-required/")["Location"] == "/"


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/send/", "/send/"),
        ("/two-step/?next=/send/", "/two-step/?next=/send/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("http://somerset.localhost/", "/"),
    ],
)
def test_only_a_next_address_on_this_site_is_followed(cumbria_client, next_url, lands_on):
    make_account()
    assert sign_in(cumbria_client, next_url=next_url)["Location"] == lands_on


def test_the_sign_in_page_carries_next_through_the_form(cumbria_client):
    html = cumbria_client.get("/sign-in/?next=/send/").content.decode()
    assert '<input type="hidden" name="next" value="/send/">' in html
    assert (
        'name="next" value="https://evil.example/"'
        not in cumbria_client.get("/sign-in/?next=https://evil.example/").content.decode()
    )


def test_signing_out_is_a_post_and_a_get_only_offers_the_button(cumbria_client):
    make_account()
    sign_in(cumbria_client)

    offer = cumbria_client.get("/sign-out/")
    assert offer.status_code == 200
    assert '<form method="post" action="/sign-out/">' in offer.content.decode()
    assert "_auth_user_id" in cumbria_client.session

    signed_out = cumbria_client.post("/sign-out/")
    assert signed_out["Location"] == "/"
    assert "_auth_user_id" not in cumbria_client.session
    assert cumbria_client.get("/sign-out/")["Location"] == "/"


@pytest.mark.parametrize(("council", "minutes"), [("cumbria", 30), ("somerset", 20)], indirect=["council"])
def test_an_idle_session_ends_with_the_councils_timeout(council, client_for, in_council, minutes):
    configuration_change(SignInPolicy.objects.filter(council=council), idle_timeout_minutes=minutes)
    make_account()
    client = client_for(council)
    sign_in(client)
    client.get("/")  # the first request after signing in starts the idle clock
    with in_council(council):
        session = SessionStore(session_key=client.cookies["sessionid"].value)
        session[LAST_SEEN] -= minutes * 60 + 1
        session.save()

    timed_out = client.get("/")

    assert timed_out["Location"] == "/signed-out/"
    page = client.get("/signed-out/").content.decode()
    assert f"because you had not used the service for {minutes} minutes" in page
    assert 'href="/sign-in/"' in page


def test_one_account_signs_in_to_each_council_separately(
    cumbria, somerset, cumbria_client, somerset_client, in_council
):
    account = make_account()

    sign_in(cumbria_client)
    assert "Sign in</a>" in somerset_client.get("/").content.decode()  # not signed in there
    sign_in(somerset_client)

    for council in (cumbria, somerset):
        with in_council(council):
            assert FamilyMembership.objects.filter(account=account).count() == 1
    cumbria_client.post("/sign-out/")
    assert "You are signed in as" in somerset_client.get("/").content.decode()


def test_a_session_from_one_council_is_refused_on_the_other(cumbria, somerset, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    key = cumbria_client.cookies["sessionid"].value
    assert "You are signed in as" in cumbria_client.get("/").content.decode()

    # The same cookie sent to Somerset's host (a browser never would: it is host-only).
    on_somerset = cumbria_client.get("/", HTTP_HOST="somerset.localhost")

    html = on_somerset.content.decode()
    assert "You are signed in as" not in html
    assert 'href="/sign-in/"' in html
    assert session_exists(cumbria, in_council, key)
    assert not session_exists(somerset, in_council, key)
    assert cumbria_client.get("/send/", HTTP_HOST="somerset.localhost")["Location"].startswith("/sign-in/")


def test_the_session_cookie_is_host_only(cumbria_client):
    make_account()
    answer = sign_in(cumbria_client)
    cookie = answer.cookies["sessionid"]
    assert cookie["domain"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # the test settings are plain HTTP, like DEBUG


def test_production_cookies_are_secure_host_only_httponly_and_lax():
    """Outside DEBUG (config.settings.production) both cookies only travel over HTTPS."""
    import subprocess
    import sys
    from pathlib import Path

    from tests.config.test_settings import GOOD

    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[3],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.production", **GOOD},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "Lax", "Lax", "None", "None"]


def test_pages_within_a_minute_of_each_other_do_not_write_the_session(cumbria, client_for, in_council):
    """The idle clock moves on at most once a minute: not a database write per page."""
    make_account()
    client = client_for(cumbria)
    sign_in(client)
    client.get("/")
    with in_council(cumbria):
        first_seen = SessionStore(session_key=client.cookies["sessionid"].value)[LAST_SEEN]

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [query for query in queries if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]]

    with in_council(cumbria):
        session = SessionStore(session_key=client.cookies["sessionid"].value)
        assert session[LAST_SEEN] == first_seen
        session[LAST_SEEN] -= 61  # a minute later, the clock is moved on
        session.save()
    client.get("/")
    with in_council(cumbria):
        assert SessionStore(session_key=client.cookies["sessionid"].value)[LAST_SEEN] > first_seen - 61


def test_a_session_that_is_not_signed_in_still_slides_once_a_minute(cumbria_client, in_council, cumbria):
    """SESSION_SAVE_EVERY_REQUEST is off: a session in the middle of registering (or the
    platform admin's) is moved on by the middleware, not on every page."""
    from citizen.accounts.middleware import TOUCHED

    cumbria_client.post("/password/forgotten/", {"email": "someone@example.org"})  # starts a session
    cumbria_client.get("/")
    with in_council(cumbria):
        session = SessionStore(session_key=cumbria_client.cookies["sessionid"].value)
        touched, expires = session[TOUCHED], session.get_expiry_date()
        session[TOUCHED] -= 61
        session.save()

    cumbria_client.get("/")
    with in_council(cumbria):
        session = SessionStore(session_key=cumbria_client.cookies["sessionid"].value)
        assert session[TOUCHED] >= touched
        assert session.get_expiry_date() >= expires
