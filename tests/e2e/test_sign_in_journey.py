"""A family's front door in a real browser, on each demo council: register, activate from
the emailed link (read through /dev/outbox.json, the docs/architecture.md contract), sign in, turn on
two-step verification with the emailed code, reach the SEND area, sign out. Every page on
the way passes axe-core (WCAG 2.2 A/AA)."""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest

from casework.demo import CUMBRIA, SOMERSET

from .axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

# Meets both councils' rules (Somerset's: upper, lower, digit, special, 10+ characters).
PASSWORD = "Kestrel-Meadow-42!"


def latest_email_to(page, base_url: str, address: str) -> dict:
    # Over loopback with the council's Host header: only Chromium maps *.localhost itself.
    parts = urlsplit(base_url)
    request = Request(f"http://127.0.0.1:{parts.port}/dev/outbox.json", headers={"Host": parts.netloc})
    with urlopen(request, timeout=10) as response:  # noqa: S310 - loopback test server
        emails = json.load(response)
    mine = [email for email in emails if address in email["to"]]
    assert mine, f"no email to {address} in the outbox"
    return mine[0]


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_register_activate_sign_in_two_step_send_tile_sign_out(debug, committed, page, live_server_url, demo):
    from .test_staff_journey import committed_rows_remove  # it imports PASSWORD from here

    email = f"journey-{uuid.uuid4().hex[:8]}@example.org"
    try:
        _journey(page, live_server_url(demo.domain), demo, email)
    finally:  # the account the live server committed (and its Somerset membership) goes
        committed(committed_rows_remove, slug=demo.slug, emails=[email], references=[])


def _journey(page, base: str, demo, email: str) -> None:
    page.goto(base)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button", name="Create an account").click()

    assert_accessible(page)
    assert "Your password must" in page.content()
    for field, value in {
        "email": email,
        "email_confirm": email,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "first_name": "Sam",
        "last_name": "Rivers",
        "address_line_1": "1 Castle Street",
        "town": "Carlisle",
        "postcode": "ca3 8qg",
    }.items():
        page.fill(f"#id_{field}", value)
    page.get_by_role("button", name="Create account").click()

    assert_accessible(page)
    assert email in page.content()
    activation = latest_email_to(page, base, email)
    assert demo.sender_email in activation["from"]
    link = re.search(r"https?://\S+/activate/\S+/", activation["body"]).group(0)
    assert link.startswith(base)

    page.goto(link)
    assert_accessible(page)
    assert "active" in page.get_by_role("heading", level=1).inner_text().lower()

    page.goto(f"{base}sign-in/")
    assert_accessible(page)
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Special educational needs")).click()

    assert_accessible(page)  # turning on two-step verification
    page.get_by_role("button", name="Send a code").click()
    assert_accessible(page)
    message = latest_email_to(page, base, email)
    assert "junk" in message["body"].lower()
    code = re.search(r"\b(\d{6})\b", message["body"]).group(1)
    page.fill("#id_code", code)
    page.get_by_role("button", name="Continue").click()

    assert_accessible(page)
    assert page.url.rstrip("/").endswith("/send")
    assert "SEND area" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("button", name="Sign out").first.click()
    assert_accessible(page)
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    assert page.goto(f"{base}send/").url.split("?")[0].endswith("/sign-in/")
