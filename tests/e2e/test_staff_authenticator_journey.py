"""A caseworker sets up an authenticator app in a real browser, on each demo council, once
the council requires one for its SEND team: signed in and verified by the emailed code,
the staff page sends them to set up the app; they type the key shown as text (as someone
who cannot scan the QR code would), enter the app's code, see their backup codes once and
reach the caseload. Next time the app's page asks for its code and offers a backup code,
never an emailed one. Every new page passes axe-core (WCAG 2.2 A/AA).

The council's setting is committed (the live server sees only committed rows) and put
back at the end, with the caseworker's account."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP

from casework.demo import CUMBRIA, SOMERSET
from casework.models import StaffRole
from tenants.models import SignInPolicy
from tests.factories import configuration_change

from .axe import assert_accessible
from .test_sign_in_journey import PASSWORD
from .test_staff_journey import (
    committed_rows_remove,
    latest_email_to,
    staff_member_create,
    two_step_set_up,
    unique,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


def require_app(slug: str, on: bool) -> None:
    configuration_change(SignInPolicy.objects.filter(council__slug=slug), staff_require_authenticator=on)


def app_code(typed_key: str, steps_ahead: int = 0) -> str:
    """What the caseworker's authenticator app shows for the key they typed in."""
    key = typed_key.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}staff/")
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_caseworker_sets_up_an_authenticator_app_and_uses_it_next_time(
    debug, committed, new_context, live_server_url, demo
):
    base = live_server_url(demo.domain)
    email = f"{unique('caseworker')}@example.org"
    committed(
        staff_member_create,
        slug=demo.slug,
        email=email,
        role=StaffRole.CASEWORKER,
        first_name="Sam",
        last_name="Rivers",
    )
    committed(require_app, demo.slug, True)
    try:
        page = new_context().new_page()
        sign_in(page, base, email)
        two_step_set_up(page, base, email)  # the emailed code first: not enough for staff here

        # A first app is a new way in: a fresh code to the current address first.
        assert "/account/confirm-it-is-you/" in page.url, page.url
        assert_accessible(page)
        fresh = latest_email_to(page, base, email)["body"]
        page.fill("#id_code", re.search(r"\b(\d{6})\b", fresh).group(1))
        page.get_by_role("button", name="Continue").click()

        assert "/two-step/app/set-up/" in page.url, page.url
        assert_accessible(page)
        assert page.get_by_role("img", name=re.compile("QR code to add")).is_visible()
        page.get_by_text("I cannot scan the QR code").click()
        typed_key = page.locator("#secret-key").inner_text()
        assert_accessible(page)  # with the key shown
        page.fill("#id_code", "000000" if app_code(typed_key) != "000000" else "111111")
        page.get_by_role("button", name="Continue").click()
        assert_accessible(page)  # the error summary
        assert "The code is not right" in page.locator(".govuk-error-summary").inner_text()
        page.fill("#id_code", app_code(typed_key))
        page.get_by_role("button", name="Continue").click()

        assert page.get_by_role("heading", name="Your authenticator app is set up").is_visible()
        assert_accessible(page)
        codes = page.locator("#backup-codes code").all_inner_texts()
        assert len(codes) == 10
        page.get_by_role("link", name="I have saved my backup codes").click()
        assert page.url.endswith("/staff/"), page.url
        assert_accessible(page)

        # Next time: the app's code, a backup code on offer, no emailed code.
        page.context.clear_cookies()
        sign_in(page, base, email)
        assert "/two-step/app/" in page.url, page.url
        assert_accessible(page)
        assert page.get_by_role("link", name="Get a code by email instead").count() == 0
        page.get_by_role("link", name="Use a backup code").click()
        assert_accessible(page)
        page.fill("#id_code", codes[0])
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith("/staff/"), page.url

        page.context.clear_cookies()
        sign_in(page, base, email)
        page.fill("#id_code", app_code(typed_key, steps_ahead=1))  # the set-up code is not taken twice
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith("/staff/"), page.url

        page.goto(f"{base}two-step/backup-codes/")
        assert_accessible(page)
        assert "You have 9 backup codes left" in page.get_by_role("main").inner_text()
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(f"{base}two-step/app/set-up/")  # replacing the app, from a session the app verified
        assert_accessible(page)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 320, f"the set-up page scrolls sideways at 320 px ({scroll_width} px wide)"
    finally:
        committed(require_app, demo.slug, False)
        committed(committed_rows_remove, slug=demo.slug, emails=[email], references=[])


def app_for(email: str, hex_key: str) -> None:
    """The account's authenticator app, as if set up before (committed)."""
    from citizen.accounts.models import Account, AuthenticatorDevice

    device = AuthenticatorDevice(user=Account.objects.get(email=email), name="Authenticator app", confirmed=True)
    device.set_secret(hex_key)
    device.save()


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_security_key_added_beside_the_app_verifies_next_time(debug, committed, new_context, live_server_url, demo):
    """Chromium's virtual authenticator (DevTools) plays the security key."""
    base = live_server_url(demo.domain)
    email = f"{unique('keyholder')}@example.org"
    hex_key = "3132333435363738393031323334353637383930"
    typed_key = base64.b32encode(bytes.fromhex(hex_key)).decode()
    committed(
        staff_member_create, slug=demo.slug, email=email, role=StaffRole.CASEWORKER, first_name="Kit", last_name="Lane"
    )
    committed(app_for, email, hex_key)
    try:
        page = new_context().new_page()
        devtools = page.context.new_cdp_session(page)
        devtools.send("WebAuthn.enable", {"enableUI": False})
        devtools.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "usb",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        sign_in(page, base, email)
        assert "/two-step/app/" in page.url, page.url
        assert page.get_by_role("button", name="Use your security key").count() == 0  # none yet
        page.fill("#id_code", app_code(typed_key))
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith("/staff/"), page.url

        page.goto(f"{base}two-step/security-keys/")
        assert_accessible(page)
        page.fill("#key-name", "Blue USB key")
        page.get_by_role("button", name="Add a security key").click()
        page.wait_for_selector("dt.govuk-summary-list__key:has-text('Blue USB key')")
        assert "/two-step/security-keys/" in page.url
        assert_accessible(page)

        page.context.clear_cookies()
        sign_in(page, base, email)
        assert "/two-step/app/" in page.url, page.url
        assert_accessible(page)
        page.get_by_role("button", name="Use your security key").click()
        page.wait_for_url(re.compile(r".*/staff/$"))
        assert page.get_by_role("heading", level=1).is_visible()
    finally:
        committed(committed_rows_remove, slug=demo.slug, emails=[email], references=[])
