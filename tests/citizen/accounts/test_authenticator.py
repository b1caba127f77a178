"""Two-step by an authenticator app (TOTP) and backup codes: setting them up through the
pages, a right, wrong and reused code, the lock after the council's limit, secrets kept
sealed or hashed, the council setting that sends its SEND team onto the app (and leaves
families alone), and an emailed code working only on the council's site that sent it."""

from __future__ import annotations

import base64
import io
import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from casework.models import StaffMembership, StaffRole
from citizen.accounts.models import AuthenticatorDevice, BackupCode, BackupCodeDevice, EmailCodeDevice
from citizen.accounts.services_authenticator import Outcome, app_verify
from citizen.accounts.services_two_step import two_step_code_send, two_step_verify
from tenants.models import SignInPolicy
from tests.casework.team.test_settings import policy_form
from tests.factories import configuration_change

from .test_account_protection import latest_code
from .test_sign_in import make_account, sign_in
from .test_two_step import codes_sent, set_up_two_step

COUNCILS = pytest.mark.parametrize("council", ["cumbria", "somerset"], indirect=True)


@pytest.fixture
def council(request, cumbria, somerset):
    return {"cumbria": cumbria, "somerset": somerset}[request.param]


@pytest.fixture
def client_for(cumbria_client, somerset_client):
    return lambda council: cumbria_client if council.slug == "cumbria" else somerset_client


def key_on_page(html: str) -> bytes:
    """The key the set-up page shows as text, for people who cannot scan the QR code."""
    typed = re.search(r'id="secret-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    return base64.b32decode(typed + "=" * (-len(typed) % 8))


def app_code(key: bytes, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def last_used_code(email: str = "parent@example.org") -> str:
    """The code the account's app last had accepted (not "now": the 30 seconds may have
    turned since)."""
    device = AuthenticatorDevice.objects.get(user__email=email)
    totp = TOTP(device.bin_key)
    totp.time = device.last_t * 30
    return f"{totp.token():06d}"


def backup_codes_on(html: str) -> list[str]:
    return re.findall(r"<li><code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code></li>", html)


def confirm_it_is_you(client, council, email="parent@example.org") -> None:
    """A first app needs a fresh code sent to the current address ("Confirm it is you")."""
    client.get("/account/confirm-it-is-you/")
    assert client.post("/account/confirm-it-is-you/", {"code": latest_code(council, email)}).status_code == 302


def set_up_app(client, council, in_council, email="parent@example.org") -> tuple[bytes, list[str]]:
    """Signed in: two-step by email, a fresh code, then the app through the pages. The key and codes."""
    set_up_two_step(client, council, in_council, email)
    confirm_it_is_you(client, council, email)
    key = key_on_page(client.get("/two-step/app/set-up/").content.decode())
    shown = client.post("/two-step/app/set-up/", {"code": app_code(key)})
    assert shown.status_code == 200
    return key, backup_codes_on(shown.content.decode())


def sign_in_again(client, email="parent@example.org"):
    client.post("/sign-out/")
    return sign_in(client, email=email)


def make_staff(council, in_council, email="caseworker@example.org", role=StaffRole.CASEWORKER):
    account = make_account(email)
    with in_council(council):
        StaffMembership.objects.create(account=account, role=role)
    return account


def require_app(council, on: bool = True) -> None:
    configuration_change(SignInPolicy.objects.filter(council=council), staff_require_authenticator=on)


# --- Setting up ---------------------------------------------------------------------


@COUNCILS
def test_setting_up_the_app_shows_a_qr_code_and_the_key_as_text_then_backup_codes_once(council, client_for, in_council):
    account = make_account()
    client = client_for(council)
    sign_in(client)
    set_up_two_step(client, council, in_council)
    assert (
        client.get("/two-step/app/set-up/")["Location"]
        == "/account/confirm-it-is-you/?next=%2Ftwo-step%2Fapp%2Fset-up%2F"
    )
    confirm_it_is_you(client, council)

    page = client.get("/two-step/app/set-up/").content.decode()
    assert '<svg role="img" aria-label="QR code to add' in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "I cannot scan the QR code" in page
    key = key_on_page(page)
    assert len(key) == 20
    assert not AuthenticatorDevice.objects.filter(user=account).exists()  # nothing kept until confirmed

    wrong = client.post("/two-step/app/set-up/", {"code": f"{(int(app_code(key)) + 1) % 1_000_000:06d}"})
    assert "The code is not right" in wrong.content.decode()
    assert key_on_page(wrong.content.decode()) == key  # the same key while setting up
    assert not AuthenticatorDevice.objects.filter(user=account).exists()

    shown = client.post("/two-step/app/set-up/", {"code": app_code(key)})
    html = shown.content.decode()
    assert "Your authenticator app is set up" in html
    codes = backup_codes_on(html)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "We will not show these codes again" in html

    device = AuthenticatorDevice.objects.get(user=account)
    assert device.confirmed
    assert key.hex() not in device.sealed_key  # sealed at rest
    assert device.bin_key == key
    digests = set(BackupCode.objects.filter(device__user=account).values_list("digest", flat=True))
    assert len(digests) == 10
    assert not any(code.replace("-", "") in digest or code in digest for code in codes for digest in digests)
    manage = client.get("/two-step/backup-codes/").content.decode()
    assert "You have 10 backup codes left" in manage
    assert not backup_codes_on(manage)  # never shown again


@COUNCILS
def test_with_an_app_set_up_two_step_asks_for_its_code(council, client_for, in_council):
    make_account()
    client = client_for(council)
    sign_in(client)
    key, _ = set_up_app(client, council, in_council)
    sign_in_again(client)

    assert client.get("/send/")["Location"] == "/two-step/app/?next=%2Fsend%2F"
    page = client.get("/two-step/app/?next=/send/").content.decode()
    assert "Use a backup code" in page
    assert "Get a code by email instead" in page  # families keep the emailed code

    reused = client.post("/two-step/app/", {"code": last_used_code(), "next": "/send/"})
    assert reused.status_code == 200  # the code used to set up is not accepted again
    assert "The code is not right" in reused.content.decode()
    assert "You have 4 more tries" in reused.content.decode()

    done = client.post("/two-step/app/", {"code": app_code(key, steps_ahead=1), "next": "/send/"})
    assert done["Location"] == "/send/"
    assert client.get("/send/").status_code == 200


def test_a_backup_code_works_once(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    _, codes = set_up_app(cumbria_client, cumbria, in_council)
    sign_in_again(cumbria_client)

    typed = codes[0].lower().replace("-", " ")  # however it is typed
    assert cumbria_client.post("/two-step/backup-code/", {"code": typed, "next": "/send/"})["Location"] == "/send/"
    assert cumbria_client.get("/send/").status_code == 200

    sign_in_again(cumbria_client)
    again = cumbria_client.post("/two-step/backup-code/", {"code": codes[0]})
    assert "That backup code is not right or has already been used" in again.content.decode()
    assert BackupCode.objects.filter(device__user__email="parent@example.org").count() == 9
    assert cumbria_client.post("/two-step/backup-code/", {"code": codes[1]})["Location"] == "/"


def test_new_backup_codes_replace_the_old_set(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    _, old = set_up_app(cumbria_client, cumbria, in_council)

    new = backup_codes_on(cumbria_client.post("/two-step/backup-codes/").content.decode())

    assert len(new) == 10 and not set(new) & set(old)
    sign_in_again(cumbria_client)
    assert "not right" in cumbria_client.post("/two-step/backup-code/", {"code": old[0]}).content.decode()
    assert cumbria_client.post("/two-step/backup-code/", {"code": new[0]})["Location"] == "/"


def test_an_emailed_code_cannot_replace_the_app_or_make_backup_codes(cumbria, cumbria_client, in_council):
    """Someone with the password and the mailbox must not swap in their own app."""
    make_account()
    sign_in(cumbria_client)
    set_up_app(cumbria_client, cumbria, in_council)
    sign_in_again(cumbria_client)
    cumbria_client.get("/two-step/")  # sends a code by email
    cumbria_client.post("/two-step/", {"code": codes_sent(cumbria, in_council)[0]})
    assert cumbria_client.get("/send/").status_code == 200  # a family may enter by email

    assert (
        cumbria_client.get("/two-step/app/set-up/")["Location"] == "/two-step/app/?next=%2Ftwo-step%2Fapp%2Fset-up%2F"
    )
    assert cumbria_client.post("/two-step/backup-codes/")["Location"].startswith("/two-step/app/?next=")
    assert BackupCode.objects.filter(device__user__email="parent@example.org").count() == 10


# --- Failures and locks ---------------------------------------------------------------


@COUNCILS
def test_the_app_locks_after_the_councils_limit_even_for_the_right_code(council, client_for, in_council):
    account = make_account()
    client = client_for(council)
    sign_in(client)
    key, _ = set_up_app(client, council, in_council)
    sign_in_again(client)
    policy = SignInPolicy.objects.get(council=council)
    wrong = f"{(int(app_code(key, steps_ahead=1)) + 1) % 1_000_000:06d}"

    for _ in range(policy.otp_max_attempts):
        answer = client.post("/two-step/app/", {"code": wrong})
    locked = client.post("/two-step/app/", {"code": app_code(key, steps_ahead=1)})

    message = f"You have entered a wrong code too many times. Try again in {policy.lockout_minutes} minutes"
    assert message in answer.content.decode()
    assert message in locked.content.decode()
    assert client.get("/send/")["Location"].startswith("/two-step/app/")
    assert AuthenticatorDevice.objects.get(user=account).failed_attempts == policy.otp_max_attempts

    later = timezone.now() + timedelta(minutes=policy.lockout_minutes, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        result = app_verify(account=account, code=app_code(key, steps_ahead=1), policy=policy)
    assert result.outcome is Outcome.VERIFIED


def test_backup_codes_lock_after_the_limit(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    _, codes = set_up_app(cumbria_client, cumbria, in_council)
    sign_in_again(cumbria_client)
    for _ in range(5):
        cumbria_client.post("/two-step/backup-code/", {"code": "AAAA-AAAA-AAAA"})

    refused = cumbria_client.post("/two-step/backup-code/", {"code": codes[0]})

    assert "You have entered a wrong code too many times" in refused.content.decode()
    assert BackupCodeDevice.objects.get(user__email="parent@example.org").codes.count() == 10  # not used up


def test_checking_an_app_code_locks_the_device_row(cumbria, cumbria_client, in_council, real_queries):
    account = make_account()
    sign_in(cumbria_client)
    set_up_app(cumbria_client, cumbria, in_council)
    policy = SignInPolicy.objects.get(council=cumbria)

    with real_queries() as queries:
        app_verify(account=account, code="000000", policy=policy)

    reads = [sql for sql in queries.sql if sql.startswith("SELECT") and "authenticatordevice" in sql]
    assert reads and all(sql.endswith("FOR UPDATE") for sql in reads)


# --- The council's setting for its SEND team -------------------------------------------


@COUNCILS
def test_a_council_requiring_the_app_sends_staff_verified_by_email_to_set_one_up(council, client_for, in_council):
    require_app(council)
    make_staff(council, in_council)
    client = client_for(council)
    sign_in(client, email="caseworker@example.org")
    set_up_two_step(client, council, in_council, email="caseworker@example.org")  # verified by email

    assert client.get("/staff/")["Location"] == "/two-step/app/set-up/?next=%2Fstaff%2F"
    confirm_it_is_you(client, council, "caseworker@example.org")
    page = client.get("/two-step/app/set-up/?next=/staff/").content.decode()
    assert f"{council.name} asks everyone in its SEND team to use an authenticator app" in page

    key = key_on_page(page)
    shown = client.post("/two-step/app/set-up/", {"code": app_code(key), "next": "/staff/"})
    assert len(backup_codes_on(shown.content.decode())) == 10
    assert 'href="/staff/"' in shown.content.decode()
    assert client.get("/staff/").status_code == 200

    # The next time: the app's code, with no emailed code on offer.
    sign_in_again(client, email="caseworker@example.org")
    assert client.get("/staff/")["Location"] == "/two-step/app/?next=%2Fstaff%2F"
    app_page = client.get("/two-step/app/?next=/staff/").content.decode()
    assert "Get a code by email instead" not in app_page
    assert "Use a backup code" in app_page
    client.get("/two-step/")  # an emailed code is still sent, but it is not enough
    client.post("/two-step/", {"code": codes_sent(council, in_council, "caseworker@example.org")[0]})
    assert client.get("/staff/")["Location"] == "/two-step/app/?next=%2Fstaff%2F"
    client.post("/two-step/app/", {"code": app_code(key, steps_ahead=1)})
    assert client.get("/staff/").status_code == 200


@COUNCILS
def test_access_matrix_when_the_council_requires_the_app(council, client_for, in_council):
    """Staff verified by email: sent to set up an app; staff verified by the app: in;
    a family verified by email: unaffected; and with the setting off, staff by email: in."""
    require_app(council)
    make_account("family@example.org")
    make_staff(council, in_council)
    family = client_for(council)
    sign_in(family, email="family@example.org")
    set_up_two_step(family, council, in_council, email="family@example.org")
    assert family.get("/send/").status_code == 200
    assert family.get("/staff/").status_code == 403  # not staff: as before

    staff = client_for(council).__class__(HTTP_HOST=council.get_primary_domain().domain)
    sign_in(staff, email="caseworker@example.org")
    set_up_two_step(staff, council, in_council, email="caseworker@example.org")
    assert staff.get("/staff/")["Location"].startswith("/two-step/app/set-up/")
    assert staff.get("/send/").status_code == 200  # the family area is not a staff page

    require_app(council, on=False)
    assert staff.get("/staff/").status_code == 200


def test_a_new_council_requires_the_app_and_the_demo_councils_do_not(cumbria, somerset):
    assert SignInPolicy().staff_require_authenticator is True
    assert not SignInPolicy.objects.get(council=cumbria).staff_require_authenticator
    assert not SignInPolicy.objects.get(council=somerset).staff_require_authenticator


def test_a_council_admin_turns_the_setting_on_in_the_sign_in_settings(cumbria, cumbria_client, in_council):
    make_staff(cumbria, in_council, email="admin@example.org", role=StaffRole.COUNCIL_ADMIN)
    sign_in(cumbria_client, email="admin@example.org")
    set_up_two_step(cumbria_client, cumbria, in_council, email="admin@example.org")
    html = cumbria_client.get("/staff/settings/sign-in/").content.decode()
    assert "SEND team members must use an authenticator app" in html
    data = policy_form(SignInPolicy.objects.get(council=cumbria), staff_require_authenticator=True)

    cumbria_client.post("/staff/settings/sign-in/", data)

    assert SignInPolicy.objects.get(council=cumbria).staff_require_authenticator
    assert cumbria_client.get("/staff/")["Location"].startswith("/two-step/app/set-up/")


# --- An emailed code works only where it was sent ---------------------------------------


def test_an_emailed_code_works_only_on_the_council_site_that_sent_it(cumbria, somerset, in_council):
    account = make_account()
    policy = SignInPolicy.objects.get(council=cumbria)
    with in_council(cumbria):
        two_step_code_send(account=account, policy=policy, council=cumbria)
    code = codes_sent(cumbria, in_council)[0]

    with in_council(somerset):
        elsewhere = two_step_verify(account=account, code=code, policy=policy)
    with in_council(cumbria):
        here = two_step_verify(account=account, code=code, policy=policy)

    assert not elsewhere.verified
    assert here.verified
    assert EmailCodeDevice.objects.get(user=account).issued_in == cumbria.schema_name


def test_a_code_from_cumbrias_site_is_refused_on_somersets(
    cumbria, somerset, cumbria_client, somerset_client, in_council
):
    make_account()
    sign_in(cumbria_client)
    sign_in(somerset_client)
    cumbria_client.post("/two-step/set-up/")
    code = codes_sent(cumbria, in_council)[0]

    refused = somerset_client.post("/two-step/", {"code": code, "next": "/send/"})

    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    assert cumbria_client.post("/two-step/", {"code": code, "next": "/send/"})["Location"] == "/send/"


def test_rotating_the_keys_keeps_every_app_working(cumbria, cumbria_client, in_council, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.COUNCIL_SECRET_KEYS = [old]
    account = make_account()
    sign_in(cumbria_client)
    key, _ = set_up_app(cumbria_client, cumbria, in_council)
    settings.COUNCIL_SECRET_KEYS = [new, old]

    call_command("rotate_two_step_secrets", stdout=io.StringIO())
    settings.COUNCIL_SECRET_KEYS = [new]  # the old key is gone

    assert AuthenticatorDevice.objects.get(user=account).bin_key == key


def test_the_account_page_offers_an_app_to_families(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    set_up_two_step(cumbria_client, cumbria, in_council)
    page = cumbria_client.get("/account/").content.decode()
    assert 'href="/two-step/app/set-up/">Set up an authenticator app</a>' in page

    set_up_app(cumbria_client, cumbria, in_council)
    page = cumbria_client.get("/account/").content.decode()
    assert "You use an authenticator app" in page
    assert 'href="/two-step/backup-codes/">Backup codes</a>' in page


# --- Security keys (the ceremonies themselves: tests/e2e/test_staff_authenticator_journey.py) ---


def test_security_keys_are_managed_only_from_a_session_the_app_verified(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    set_up_two_step(cumbria_client, cumbria, in_council)
    assert cumbria_client.get("/two-step/security-keys/")["Location"].startswith("/two-step/app/set-up/")

    set_up_app(cumbria_client, cumbria, in_council)
    assert cumbria_client.get("/two-step/security-keys/").status_code == 200
    sign_in_again(cumbria_client)
    cumbria_client.get("/two-step/")
    cumbria_client.post("/two-step/", {"code": codes_sent(cumbria, in_council)[0]})  # by email only
    assert cumbria_client.get("/two-step/security-keys/")["Location"].startswith("/two-step/app/?next=")
    assert cumbria_client.post("/two-step/security-keys/add/options/")["Location"].startswith("/two-step/app/")


def test_a_security_key_answer_without_a_challenge_verifies_nothing(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    set_up_app(cumbria_client, cumbria, in_council)
    sign_in_again(cumbria_client)

    forged = cumbria_client.post("/two-step/security-key/", data='{"id": "x"}', content_type="application/json")

    assert forged.status_code == 400
    assert cumbria_client.get("/send/")["Location"].startswith("/two-step/app/")
