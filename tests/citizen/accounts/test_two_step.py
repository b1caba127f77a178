"""Two-step verification by an emailed code: set up once, a fresh code at each entry to
the SEND area, single use, the council's lifetime, a failure count that a new code does
not reset and that parallel guesses cannot race (docs/architecture.md, "Known traps")."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.utils import timezone

from casework.decorators import staff_required
from casework.models import StaffMembership, StaffRole
from citizen.accounts.models import Account, EmailCodeDevice
from citizen.accounts.services_two_step import Outcome, two_step_code_send, two_step_verify
from config.urls_council import urlpatterns as council_urlpatterns
from tenants.links import council_url
from tenants.models import SignInPolicy
from tenants.outbox.models import OutboundEmail

from .test_sign_in import PASSWORD, make_account, sign_in

COUNCILS = pytest.mark.parametrize("council", ["cumbria", "somerset"], indirect=True)


@staff_required(roles=[StaffRole.COUNCIL_ADMIN])
def _council_admin_page(request):
    return HttpResponse(f"Council admin page for {request.staff_membership.get_role_display()}")


@staff_required()
def _any_staff_page(request):
    return HttpResponse("Staff page")


# This module is also a URLconf: the council's pages plus two staff pages (staff screens
# come later), for the decorator's permission matrix.
urlpatterns = [
    *council_urlpatterns,
    path("test-staff/admin/", _council_admin_page),
    path("test-staff/any/", _any_staff_page),
]


@pytest.fixture
def council(request, cumbria, somerset):
    return {"cumbria": cumbria, "somerset": somerset}[request.param]


@pytest.fixture
def client_for(cumbria_client, somerset_client):
    return lambda council: cumbria_client if council.slug == "cumbria" else somerset_client


def codes_sent(council, in_council, email: str = "parent@example.org") -> list[str]:
    """The codes emailed from `council`'s outbox to `email`, newest first."""
    with in_council(council):
        bodies = OutboundEmail.objects.filter(to=[email]).values_list("body", flat=True)
        return [re.search(r"^(\d{6})$", body, re.MULTILINE).group(1) for body in bodies]


def at(moment):
    """Move the clock (freezegun is not installed): every `timezone.now()` answers `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def send(account, council, policy=None):
    return two_step_code_send(
        account=account, policy=policy or SignInPolicy.objects.get(council=council), council=council
    )


def set_up_two_step(client, council, in_council, email="parent@example.org") -> None:
    """Sign-in done; confirm the device through the pages, as a family would."""
    client.post("/two-step/set-up/")
    client.post("/two-step/", {"code": codes_sent(council, in_council, email)[0]})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- The journey -------------------------------------------------------------------------


@COUNCILS
def test_the_send_area_needs_sign_in_then_two_step_set_up(council, client_for, in_council):
    account = make_account()
    client = client_for(council)

    assert client.get("/send/")["Location"] == "/sign-in/?next=/send/"
    assert sign_in(client, next_url="/send/")["Location"] == "/send/"
    assert client.get("/send/")["Location"] == "/two-step/set-up/?next=%2Fsend%2F"

    page = client.get("/two-step/set-up/?next=/send/").content.decode()
    assert "two-step verification" in page
    assert "parent@example.org" in page
    assert ">Send a code</button>" in page
    assert codes_sent(council, in_council) == []  # nothing is sent until asked for

    sent = client.post("/two-step/set-up/", {"next": "/send/"})
    assert sent["Location"] == "/two-step/?next=%2Fsend%2F"
    assert len(codes_sent(council, in_council)) == 1
    verify_page = client.get(sent["Location"]).content.decode()
    assert "We have sent a security code to <strong>parent@example.org</strong>" in verify_page
    assert len(codes_sent(council, in_council)) == 1  # arriving straight after does not send another

    done = client.post("/two-step/", {"code": codes_sent(council, in_council)[0], "next": "/send/"})

    assert done["Location"] == "/send/"
    assert EmailCodeDevice.objects.get(user=account).confirmed
    area = client.get("/send/")
    assert area.status_code == 200
    html = area.content.decode()
    assert "Your SEND area" in html
    assert "You have not linked any children" in html


@COUNCILS
def test_each_later_sign_in_asks_for_a_fresh_code(council, client_for, in_council):
    make_account()
    client = client_for(council)
    sign_in(client)
    set_up_two_step(client, council, in_council)
    first_code = codes_sent(council, in_council)[0]
    client.post("/sign-out/")

    sign_in(client)
    assert client.get("/send/")["Location"] == "/two-step/?next=%2Fsend%2F"
    with at(timezone.now() + timedelta(minutes=2)):  # past the resend cooldown
        page = client.get("/two-step/?next=%2Fsend%2F")
    assert page.status_code == 200
    codes = codes_sent(council, in_council)
    assert len(codes) == 2
    assert "Set up two-step verification" not in page.content.decode()

    replaced = client.post("/two-step/", {"code": first_code})  # the new code replaced it
    assert "The code is not right" in replaced.content.decode()
    assert client.post("/two-step/", {"code": codes[0], "next": "/send/"})["Location"] == "/send/"


def test_refreshing_the_code_page_sends_at_most_one_code_per_cooldown(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    set_up_two_step(cumbria_client, cumbria, in_council)
    cumbria_client.post("/sign-out/")
    sign_in(cumbria_client)
    start = timezone.now() + timedelta(minutes=5)

    with at(start):
        cumbria_client.get("/two-step/")
        cumbria_client.get("/two-step/")
    with at(start + timedelta(seconds=59)):
        cumbria_client.get("/two-step/")
    assert len(codes_sent(cumbria, in_council)) == 2  # set-up's, and one for this visit
    with at(start + timedelta(seconds=61)):
        cumbria_client.get("/two-step/")
    assert len(codes_sent(cumbria, in_council)) == 3


def test_signing_in_again_straight_after_a_used_code_sends_a_new_one(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    set_up_two_step(cumbria_client, cumbria, in_council)
    cumbria_client.post("/sign-out/")
    sign_in(cumbria_client)

    cumbria_client.get("/two-step/")  # well within the cooldown, but the last code is used up

    codes = codes_sent(cumbria, in_council)
    assert len(codes) == 2
    assert cumbria_client.post("/two-step/", {"code": codes[0]})["Location"] == "/"


def test_set_up_is_once_only(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    set_up_two_step(cumbria_client, cumbria, in_council)
    assert cumbria_client.get("/two-step/set-up/?next=/send/")["Location"] == "/send/"  # verified already
    cumbria_client.post("/sign-out/")
    sign_in(cumbria_client)

    assert cumbria_client.get("/two-step/set-up/?next=/send/")["Location"] == "/two-step/?next=%2Fsend%2F"
    assert cumbria_client.post("/two-step/set-up/")["Location"] == "/two-step/"


def test_verification_belongs_to_one_councils_session(cumbria, somerset, cumbria_client, somerset_client, in_council):
    make_account()
    sign_in(cumbria_client)
    set_up_two_step(cumbria_client, cumbria, in_council)
    assert cumbria_client.get("/send/").status_code == 200

    sign_in(somerset_client)
    # The device is the account's, so Somerset skips set-up, but wants its own code.
    assert somerset_client.get("/send/")["Location"] == "/two-step/?next=%2Fsend%2F"


def test_a_wrong_code_on_the_page_says_how_many_tries_are_left(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    cumbria_client.post("/two-step/set-up/")
    code = codes_sent(cumbria, in_council)[0]

    answer = cumbria_client.post("/two-step/", {"code": wrong(code)})

    html = answer.content.decode()
    assert answer.status_code == 200
    assert "The code is not right" in html
    assert "You have 4 more tries" in html
    assert 'href="#id_code"' in html  # in the error summary, linked to the box
    badly_typed = cumbria_client.post("/two-step/", {"code": "12ab"}).content.decode()
    assert "Enter the security code as 6 numbers" in badly_typed
    assert cumbria_client.post("/two-step/", {"code": f"{code[:3]} {code[3:]}"}).status_code == 302


def test_too_many_wrong_codes_on_the_page_says_when_to_try_again(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    cumbria_client.post("/two-step/set-up/")
    code = codes_sent(cumbria, in_council)[0]
    for _ in range(4):
        cumbria_client.post("/two-step/", {"code": wrong(code)})

    fifth = cumbria_client.post("/two-step/", {"code": wrong(code)}).content.decode()
    assert "You have entered a wrong code too many times. Try again in 15 minutes" in fifth
    sixth = cumbria_client.post("/two-step/", {"code": code}).content.decode()
    assert "Try again in 15 minutes" in sixth
    # Arriving again sends nothing while locked, and says why.
    with at(timezone.now() + timedelta(minutes=5)):
        page = cumbria_client.get("/two-step/").content.decode()
    assert "Try again in 10 minutes" in page
    assert len(codes_sent(cumbria, in_council)) == 1


@COUNCILS
def test_the_new_code_button_respects_the_councils_cooldown(council, client_for, in_council):
    policy = SignInPolicy.objects.get(council=council)
    make_account()
    client = client_for(council)
    sign_in(client)
    client.post("/two-step/set-up/")
    start = timezone.now()

    with at(start + timedelta(seconds=20)):
        too_soon = client.post("/two-step/new-code/", {"next": "/send/"}, follow=True)
    wait = policy.otp_resend_cooldown_seconds - 20
    assert f"Wait {wait} seconds before asking for a new code" in too_soon.content.decode()
    assert too_soon.redirect_chain[0][0] == "/two-step/?next=%2Fsend%2F"
    assert len(codes_sent(council, in_council)) == 1

    with at(start + timedelta(seconds=policy.otp_resend_cooldown_seconds + 1)):
        again = client.post("/two-step/new-code/", follow=True)
    assert "We have sent a new code to parent@example.org" in again.content.decode()
    assert len(codes_sent(council, in_council)) == 2


def test_the_new_code_button_is_a_post(cumbria_client):
    make_account()
    sign_in(cumbria_client)
    assert cumbria_client.get("/two-step/new-code/").status_code == 405


# --- The email -----------------------------------------------------------------------------


@pytest.mark.parametrize(("council", "minutes"), [("cumbria", 10), ("somerset", 60)], indirect=["council"])
def test_the_email_gives_the_code_its_lifetime_and_what_to_do(
    council, minutes, client_for, in_council, django_capture_on_commit_callbacks
):
    make_account()
    client = client_for(council)
    sign_in(client)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/two-step/set-up/")

    [email] = mail.outbox
    assert email.to == ["parent@example.org"]
    assert email.subject == f"Your {council.service_name} security code"
    assert council.sender_email in email.from_email
    code = codes_sent(council, in_council)[0]
    assert code in email.body
    assert f"This code works for {minutes} minutes" in email.body
    assert "You can only use it once" in email.body
    assert "If you cannot find this email, check your junk or spam folder" in email.body
    assert "If you did not try to sign in, change your password" in email.body
    assert council_url(council=council, path="/password/forgotten/") in email.body
    page = client.get("/two-step/").content.decode()
    assert f"The code works for {minutes} minutes" in page
    assert "check your junk or spam folder" in page


def test_the_code_is_never_logged(cumbria, cumbria_client, in_council, caplog, django_capture_on_commit_callbacks):
    make_account()
    sign_in(cumbria_client)
    with caplog.at_level("DEBUG"), django_capture_on_commit_callbacks(execute=True):
        cumbria_client.post("/two-step/set-up/")
    code = codes_sent(cumbria, in_council)[0]
    assert code not in caplog.text


# --- The verification service ------------------------------------------------------------


@pytest.mark.parametrize(
    ("council", "minutes"), [("cumbria", 10), ("somerset", 60)], indirect=["council"], ids=["cumbria", "somerset"]
)
@pytest.mark.parametrize("late", [False, True], ids=["just-in-time", "just-too-late"])
def test_a_code_lasts_the_councils_lifetime(council, minutes, late, in_council):
    account = make_account()
    policy = SignInPolicy.objects.get(council=council)
    assert policy.otp_lifetime_minutes == minutes
    sent_at = timezone.now()
    with at(sent_at), in_council(council):
        send(account, council, policy)
    code = codes_sent(council, in_council)[0]

    moment = sent_at + timedelta(minutes=minutes) + (timedelta(seconds=1) if late else -timedelta(seconds=1))
    with at(moment), in_council(council):  # typed on the council's site that sent it
        result = two_step_verify(account=account, code=code, policy=policy)

    if late:
        assert result.outcome is Outcome.EXPIRED
        assert "The code has expired. Request a new code" in result.message
    else:
        assert result.verified


def test_a_code_works_only_once(cumbria, in_council):
    account = make_account()
    policy = SignInPolicy.objects.get(council=cumbria)
    with in_council(cumbria):
        send(account, cumbria, policy)
    code = codes_sent(cumbria, in_council)[0]

    with in_council(cumbria):
        assert two_step_verify(account=account, code=code, policy=policy).verified
        again = two_step_verify(account=account, code=code, policy=policy)

    assert again.outcome is Outcome.NO_CODE
    assert EmailCodeDevice.objects.get(user=account).failed_attempts == 1


@COUNCILS
def test_the_sixth_code_is_refused_even_when_right(council, in_council):
    account = make_account()
    policy = SignInPolicy.objects.get(council=council)
    assert policy.otp_max_attempts == 5
    with in_council(council):
        send(account, council, policy)
    code = codes_sent(council, in_council)[0]

    with in_council(council):
        outcomes = [two_step_verify(account=account, code=wrong(code), policy=policy) for _ in range(5)]
        sixth = two_step_verify(account=account, code=code, policy=policy)

    assert [o.tries_left for o in outcomes[:4]] == [4, 3, 2, 1]
    assert outcomes[4].outcome is Outcome.LOCKED
    assert sixth.outcome is Outcome.LOCKED
    assert sixth.minutes == policy.lockout_minutes
    assert not EmailCodeDevice.objects.get(user=account).confirmed
    assert EmailCodeDevice.objects.get(user=account).failed_attempts == 5


def test_a_new_code_does_not_reset_the_count(cumbria, in_council):
    account = make_account()
    policy = SignInPolicy.objects.get(council=cumbria)
    now = timezone.now()
    with at(now), in_council(cumbria):
        send(account, cumbria, policy)
    for _ in range(3):
        two_step_verify(account=account, code=wrong(codes_sent(cumbria, in_council)[0]), policy=policy)

    with at(now + timedelta(minutes=2)), in_council(cumbria):
        assert send(account, cumbria, policy).sent
    new_code = codes_sent(cumbria, in_council)[0]
    assert EmailCodeDevice.objects.get(user=account).failed_attempts == 3
    with at(now + timedelta(minutes=2)), in_council(cumbria):
        fourth = two_step_verify(account=account, code=wrong(new_code), policy=policy)
        fifth = two_step_verify(account=account, code=wrong(new_code), policy=policy)
        right = two_step_verify(account=account, code=new_code, policy=policy)

    assert fourth.tries_left == 1
    assert fifth.outcome is Outcome.LOCKED
    assert right.outcome is Outcome.LOCKED


def test_a_locked_device_sends_no_code_until_the_lockout_ends(cumbria, in_council):
    account = make_account()
    policy = SignInPolicy.objects.get(council=cumbria)
    now = timezone.now()
    with at(now), in_council(cumbria):
        send(account, cumbria, policy)
        for _ in range(policy.otp_max_attempts):
            two_step_verify(account=account, code="000000", policy=policy)
    with at(now + timedelta(minutes=5)), in_council(cumbria):
        refused = send(account, cumbria, policy)
    assert not refused.sent
    assert refused.locked_minutes == 10

    later = now + timedelta(minutes=policy.lockout_minutes, seconds=1)
    with at(later), in_council(cumbria):
        assert send(account, cumbria, policy).sent
    with at(later), in_council(cumbria):
        assert two_step_verify(account=account, code=codes_sent(cumbria, in_council)[0], policy=policy).verified
    device = EmailCodeDevice.objects.get(user=account)
    assert (device.failed_attempts, device.last_failure_at, device.confirmed) == (0, None, True)


def test_the_code_is_not_stored_in_plain_text(cumbria, in_council):
    account = make_account()
    with in_council(cumbria):
        send(account, cumbria)
    code = codes_sent(cumbria, in_council)[0]

    device = EmailCodeDevice.objects.get(user=account)
    assert device.token is None
    row = EmailCodeDevice.objects.filter(user=account).values().get()  # every column of the row
    assert "token" in row
    assert "code_digest" in row
    assert all(code not in str(value) for value in row.values())
    assert device.code_digest and code not in device.code_digest


def test_verifying_locks_the_device_row(cumbria, in_council, real_queries):
    account = make_account()
    policy = SignInPolicy.objects.get(council=cumbria)
    with in_council(cumbria):
        send(account, cumbria, policy)

    with real_queries() as queries:
        two_step_verify(account=account, code="000000", policy=policy)

    device_reads = [sql for sql in queries.sql if sql.startswith("SELECT") and "emailcodedevice" in sql]
    assert device_reads
    assert all(sql.endswith("FOR UPDATE") for sql in device_reads)


def test_parallel_wrong_guesses_cannot_race_the_count(cumbria):
    """Ten guesses at once, each on its own database connection and committed: exactly
    the council's five are counted as wrong, the rest are refused as locked, and the
    right code afterwards is refused too. Without the row lock, guesses read the same
    count and each write back one more: lost updates, more than five guesses judged."""
    policy = SignInPolicy.objects.get(council=cumbria)
    email = f"race-{uuid.uuid4().hex[:8]}@example.org"
    guesses = 10
    barrier = threading.Barrier(guesses)
    outcomes: list[Outcome] = []
    errors: list[BaseException] = []
    code_box: list[str] = []

    def in_own_connection(work):
        def run():
            try:
                work()
            except BaseException as exc:  # reported by the test below
                errors.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def make_committed_account():
        account = Account.objects.create_user(email, PASSWORD, is_active=True)
        device = EmailCodeDevice.objects.create(user=account, name="Email", confirmed=True)
        code_box.append(device.new_code(lifetime=timedelta(minutes=10)))

    def guess():
        account = Account.objects.get(email=email)
        barrier.wait(timeout=10)
        outcomes.append(two_step_verify(account=account, code=wrong(code_box[0]), policy=policy).outcome)

    results: dict = {}

    def right_code_afterwards():
        account = Account.objects.get(email=email)
        results["right"] = two_step_verify(account=account, code=code_box[0], policy=policy).outcome
        results["failed_attempts"] = EmailCodeDevice.objects.get(user=account).failed_attempts

    def clean_up():
        # Not Account.delete(): its cascade would look for council tables in the public schema.
        EmailCodeDevice.objects.filter(user__email=email).delete()
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Account._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE email = %s", [email])  # noqa: S608 - the model's table

    in_own_connection(make_committed_account).join()
    try:
        threads = [in_own_connection(guess) for _ in range(guesses)]
        for thread in threads:
            thread.join(timeout=30)
        in_own_connection(right_code_afterwards).join()
    finally:
        in_own_connection(clean_up).join()

    assert errors == []
    assert sorted(outcomes) == sorted([Outcome.WRONG] * 4 + [Outcome.LOCKED] * 6)
    assert results == {"right": Outcome.LOCKED, "failed_attempts": 5}


# --- Decorators --------------------------------------------------------------------------


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("who", "path", "expected"),
    [
        ("nobody", "/test-staff/any/", "sign-in"),
        ("family, password only", "/test-staff/any/", "two-step"),
        ("family", "/test-staff/any/", 403),
        ("caseworker", "/test-staff/any/", 200),
        ("caseworker", "/test-staff/admin/", 403),
        ("caseworker, inactive", "/test-staff/any/", 403),
        ("council admin", "/test-staff/admin/", 200),
        ("council admin of the other council", "/test-staff/any/", 403),
        ("council admin, password only", "/test-staff/admin/", "two-step"),
    ],
)
def test_staff_pages_need_two_step_and_a_membership_with_the_role(
    who, path, expected, cumbria, somerset, cumbria_client, in_council
):
    account = make_account()
    role = {"caseworker": StaffRole.CASEWORKER, "council": StaffRole.COUNCIL_ADMIN}.get(who.split()[0])
    if role:
        with in_council(somerset if "other council" in who else cumbria):
            StaffMembership.objects.create(account=account, role=role, is_active="inactive" not in who)
    if who != "nobody":
        sign_in(cumbria_client)
        if "password only" not in who:
            set_up_two_step(cumbria_client, cumbria, in_council)

    answer = cumbria_client.get(path)

    if expected == "sign-in":
        assert answer["Location"] == f"/sign-in/?next={path}"
    elif expected == "two-step":
        assert answer["Location"].startswith("/two-step/set-up/?next=")
    else:
        assert answer.status_code == expected
        if expected == 403:
            assert "You do not have access" in answer.content.decode()
        else:
            assert path != "/test-staff/admin/" or "Council admin page for Council admin" in answer.content.decode()
