"""The platform admin needs a second factor (issue 18, item 4): a password-only session
is refused; the first time, the operator sets up an authenticator app after the password
(QR code and key as text, backup codes once); afterwards the app's code or a backup code."""

from __future__ import annotations

import base64
import re
import time

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_otp.oath import TOTP

from casework.demo import OPERATOR_EMAIL, OPERATOR_PASSWORD
from citizen.accounts.models import Account, AuthenticatorDevice
from config.admin_site import PlatformAdminSite
from tests.operators import operator_sign_in


def key_on_page(html: str) -> bytes:
    typed = re.search(r'id="secret-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    return base64.b32decode(typed + "=" * (-len(typed) % 8))


def app_code(key: bytes, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_sign_in(client) -> None:
    answer = client.post("/admin/login/?next=/admin/", {"username": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD})
    assert answer.status_code == 302


def test_a_password_only_session_is_refused_everywhere_in_the_admin(platform_client):
    platform_client.force_login(Account.objects.get(email=OPERATOR_EMAIL))  # the password, nothing more

    for url in ("/admin/", "/admin/tenants/council/", "/admin/accounts/account/", "/admin/outbox/"):
        answer = platform_client.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/"), url
    assert not PlatformAdminSite().has_permission(_request(Account.objects.get(email=OPERATOR_EMAIL)))


def test_the_first_sign_in_sets_up_an_app_then_the_admin_opens(platform_client):
    password_sign_in(platform_client)
    assert platform_client.get("/admin/login/?next=/admin/")["Location"] == "/admin/two-step/?next=%2Fadmin%2F"
    assert (
        platform_client.get("/admin/two-step/?next=/admin/")["Location"] == "/admin/two-step/set-up/?next=%2Fadmin%2F"
    )

    page = platform_client.get("/admin/two-step/set-up/?next=/admin/").content.decode()
    assert '<svg role="img" aria-label="QR code to add SEND platform' in page
    key = key_on_page(page)
    wrong = platform_client.post("/admin/two-step/set-up/", {"code": "000000", "next": "/admin/"})
    assert "The code is not right" in wrong.content.decode()

    set_up_code = app_code(key)
    shown = platform_client.post("/admin/two-step/set-up/", {"code": set_up_code, "next": "/admin/"})
    codes = re.findall(r"<li><code>([A-Z2-9-]{14})</code></li>", shown.content.decode())
    assert len(codes) == 10
    assert platform_client.get("/admin/tenants/council/").status_code == 200

    # Next time: the app's code (the one used to set up is not accepted again), or a backup code.
    platform_client.post("/admin/logout/")
    password_sign_in(platform_client)
    assert platform_client.get("/admin/two-step/set-up/")["Location"].startswith("/admin/two-step/")  # no new app
    # The very code typed at set-up (recomputing it could land in the next 30 seconds).
    reused = platform_client.post("/admin/two-step/", {"code": set_up_code, "next": "/admin/"})
    assert "The code is not right" in reused.content.decode()
    assert platform_client.get("/admin/").status_code == 302
    right = platform_client.post("/admin/two-step/", {"code": app_code(key, 1), "next": "/admin/"})
    assert right["Location"] == "/admin/"
    assert platform_client.get("/admin/").status_code == 200

    platform_client.post("/admin/logout/")
    password_sign_in(platform_client)
    assert platform_client.post("/admin/two-step/", {"code": codes[0]})["Location"] == "/admin/"
    platform_client.post("/admin/logout/")
    password_sign_in(platform_client)
    again = platform_client.post("/admin/two-step/", {"code": codes[0]})
    assert "That backup code is not right or has already been used" in again.content.decode()


def test_the_admins_two_step_locks_after_five_wrong_codes(platform_client):
    operator = Account.objects.get(email=OPERATOR_EMAIL)
    operator_sign_in(platform_client)  # makes the app
    platform_client.post("/admin/logout/")
    password_sign_in(platform_client)
    key = AuthenticatorDevice.objects.get(user=operator).bin_key
    wrong = f"{(int(app_code(key, 1)) + 1) % 1_000_000:06d}"
    for _ in range(5):
        platform_client.post("/admin/two-step/", {"code": wrong})

    locked = platform_client.post("/admin/two-step/", {"code": app_code(key, 1)})

    assert "You have entered a wrong code too many times. Try again in 15 minutes" in locked.content.decode()
    assert platform_client.get("/admin/").status_code == 302


def test_people_who_are_not_operators_get_no_two_step_page(platform_client):
    assert platform_client.get("/admin/two-step/set-up/")["Location"] == "/admin/login/"
    platform_client.force_login(Account.objects.create_user("parent@example.org", "a long family password"))
    assert platform_client.get("/admin/two-step/set-up/")["Location"] == "/admin/login/"
    assert platform_client.get("/admin/two-step/")["Location"] == "/admin/login/"


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user or AnonymousUser()
    request.user.is_verified = lambda: False  # what django-otp's middleware sets without a device
    return request
