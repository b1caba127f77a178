"""My account behind two-step, and a fresh code to the CURRENT address before changing the
email address or the password (issue 18, item 1): a stolen password alone must not be
enough to move the account's email, and with it every later security code, to someone
else. The old address is told at once, with a link that undoes an email change.

Everything here goes through the pages as a person would: sign in with the password,
two-step with the code from the outbox, "Confirm it is you" with a fresh code."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from citizen.accounts.decorators import REVERIFIED_AT
from citizen.accounts.models import Account, EmailCodeDevice
from tenants.outbox.models import OutboundEmail

from .test_sign_in import PASSWORD, make_account, sign_in

pytestmark = pytest.mark.django_db

EMAIL = "parent@example.org"
NEW_PASSWORD = "Kettle-Harbour-Violet-77!"


def emails_to(council, address: str) -> list[OutboundEmail]:
    with tenant_context(council):
        return list(OutboundEmail.objects.filter(to=[address]).order_by("id"))


def latest_code(council, address: str = EMAIL) -> str:
    codes = [e for e in emails_to(council, address) if "security code" in e.subject]
    assert codes, f"no code sent to {address}"
    return re.search(r"^(\d{6})$", codes[-1].body, re.MULTILINE).group(1)


def link_in(email: OutboundEmail, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+/)", email.body)
    assert match, email.body
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def password_only(client: Client) -> Client:
    """Signed in with the password, no code: what a stolen password gives."""
    assert sign_in(client).status_code == 302
    return client


def two_step(client: Client, council) -> Client:
    """Signed in, then two-step done with the emailed code, as at any sign-in."""
    password_only(client)
    client.get("/two-step/")  # sends the code
    assert client.post("/two-step/", {"code": latest_code(council)}).status_code == 302
    assert client.get(reverse("accounts:my-account")).status_code == 200
    return client


def confirm_it_is_you(client: Client, council, next_url: str, address: str = EMAIL) -> None:
    page = client.get(reverse("accounts:reverify"), {"next": next_url})
    assert page.status_code == 200
    done = client.post(reverse("accounts:reverify"), {"code": latest_code(council, address), "next": next_url})
    assert done.status_code == 302
    assert done["Location"] == next_url


@pytest.fixture
def council(request, cumbria, somerset):
    return {"cumbria": cumbria, "somerset": somerset}[request.param]


@pytest.fixture
def client_for(cumbria_client, somerset_client):
    return lambda council: cumbria_client if council.slug == "cumbria" else somerset_client


@pytest.fixture
def parent() -> Account:
    account = make_account(first_name="Sam", last_name="Jones", address_line_1="1 High Street", postcode="TA1 1AA")
    EmailCodeDevice.objects.create(user=account, name="Email", confirmed=True)  # two-step set up before
    return account


COUNCILS = pytest.mark.parametrize("council", ["cumbria", "somerset"], indirect=True)


# Each account page, in each state ---------------------------------------------------------

PAGES = {
    "accounts:my-account": "two-step",
    "accounts:change-details": "two-step",
    "accounts:sign-out-everywhere": "two-step",
    "accounts:reverify": "two-step",
    "accounts:change-email": "reverified",
    "accounts:change-password": "reverified",
}


@COUNCILS
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("state", ["signed out", "password only", "two-step", "reverified"])
def test_each_account_page_in_each_state(council, client_for, parent, name, state):
    client = client_for(council)
    url = reverse(name)
    if state == "password only":
        password_only(client)
    elif state in ("two-step", "reverified"):
        two_step(client, council)
    if state == "reverified":
        confirm_it_is_you(client, council, reverse("accounts:my-account"))

    response = client.get(url)

    needs = PAGES[name]
    if state == "signed out":
        assert response["Location"] == f"/sign-in/?next={url}"
    elif state == "password only":
        assert response["Location"] == f"/two-step/?next={url.replace('/', '%2F')}"
    elif state == "two-step" and needs == "reverified":
        assert response["Location"] == f"/account/confirm-it-is-you/?next={url.replace('/', '%2F')}"
    else:
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0")


@COUNCILS
def test_a_password_alone_shows_no_personal_details(council, client_for, parent):
    client = password_only(client_for(council))

    response = client.get(reverse("accounts:my-account"), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/two-step/")
    for detail in ("Sam Jones", "1 High Street", "TA1 1AA"):
        assert detail not in page
    two_step(client, council)
    assert "1 High Street" in client.get(reverse("accounts:my-account")).content.decode()


# The attack: a stolen password, then POST /account/email/ ----------------------------------


@COUNCILS
def test_a_stolen_password_cannot_change_the_email_address(council, client_for, parent):
    client = password_only(client_for(council))
    data = {"email": "attacker@example.net", "email_confirm": "attacker@example.net", "current_password": PASSWORD}

    response = client.post(reverse("accounts:change-email"), data)

    assert response["Location"].startswith("/two-step/")
    assert emails_to(council, "attacker@example.net") == []
    parent.refresh_from_db()
    assert parent.email == EMAIL


@COUNCILS
def test_a_two_step_session_still_needs_a_fresh_code_from_the_current_inbox(council, client_for, parent):
    """A session left open (or stolen) is verified already: the change still needs a
    code sent to the address the account has now."""
    client = two_step(client_for(council), council)
    data = {"email": "attacker@example.net", "email_confirm": "attacker@example.net", "current_password": PASSWORD}

    response = client.post(reverse("accounts:change-email"), data)
    assert response["Location"] == "/account/confirm-it-is-you/?next=%2Faccount%2Femail%2F"
    page = client.get(response["Location"])
    assert f'We have sent a security code to <strong class="govuk-!-text-break-word">{EMAIL}</strong>' in (
        page.content.decode()
    )
    [*_, sent] = [e for e in emails_to(council, EMAIL) if "security code" in e.subject]
    assert "asked to change its email address, password or two-step verification" in sent.body
    assert "/password/forgotten/" in sent.body

    guessed = client.post(reverse("accounts:reverify"), {"code": "000000", "next": "/account/email/"})
    assert guessed.status_code == 200
    assert "The code is not right" in guessed.content.decode()
    assert client.post(reverse("accounts:change-email"), data)["Location"].startswith("/account/confirm-it-is-you/")
    assert emails_to(council, "attacker@example.net") == []
    parent.refresh_from_db()
    assert parent.email == EMAIL


@COUNCILS
def test_wrong_codes_count_towards_the_devices_limit_and_lock_sign_in_too(council, client_for, parent):
    client = two_step(client_for(council), council)
    client.get(reverse("accounts:reverify"))
    code = latest_code(council)
    limit = council.sign_in_policy.otp_max_attempts

    for _ in range(limit):
        client.post(reverse("accounts:reverify"), {"code": wrong(code)})
    locked = client.post(reverse("accounts:reverify"), {"code": code})

    assert "You have entered a wrong code too many times" in locked.content.decode()
    assert client.get(reverse("accounts:change-email"))["Location"].startswith("/account/confirm-it-is-you/")
    assert EmailCodeDevice.objects.get(user=parent).failed_attempts == limit
    elsewhere = password_only(Client(HTTP_HOST=council.get_primary_domain().domain))
    elsewhere.get("/two-step/")
    refused = elsewhere.post("/two-step/", {"code": latest_code(council)})
    assert "You have entered a wrong code too many times" in refused.content.decode()


@COUNCILS
def test_the_re_verification_lasts_ten_minutes(council, client_for, parent):
    client = two_step(client_for(council), council)
    confirm_it_is_you(client, council, "/account/password/")
    assert client.get("/account/password/").status_code == 200

    with tenant_context(council):
        session = client.session
        session[REVERIFIED_AT] = (timezone.now() - timedelta(minutes=10, seconds=1)).timestamp()
        session.save()

    assert client.get("/account/password/")["Location"] == "/account/confirm-it-is-you/?next=%2Faccount%2Fpassword%2F"


def test_confirm_it_is_you_only_goes_back_to_this_site(cumbria, cumbria_client, parent):
    two_step(cumbria_client, cumbria)
    cumbria_client.get(reverse("accounts:reverify"))

    done = cumbria_client.post(
        reverse("accounts:reverify"), {"code": latest_code(cumbria), "next": "https://evil.example/account/"}
    )

    assert done["Location"] == reverse("accounts:my-account")


# The genuine change, and telling the old address --------------------------------------------


@COUNCILS
def test_a_genuine_email_change_uses_the_code_up_and_the_old_address_can_undo_it(council, client_for, parent):
    client = two_step(client_for(council), council)
    other_device = two_step(Client(HTTP_HOST=council.get_primary_domain().domain), council)
    confirm_it_is_you(client, council, "/account/email/")
    data = {"email": "new@example.org", "email_confirm": "new@example.org", "current_password": PASSWORD}

    assert client.post("/account/email/", data)["Location"] == reverse("accounts:my-account")
    # Used up: another change needs another code.
    assert client.get("/account/email/")["Location"].startswith("/account/confirm-it-is-you/")

    [confirm] = emails_to(council, "new@example.org")
    new_inbox = Client(HTTP_HOST=council.get_primary_domain().domain)  # not signed in
    assert new_inbox.post(link_in(confirm, "/account/email/confirm/")).status_code == 200
    parent.refresh_from_db()
    assert parent.email == "new@example.org"

    [told] = [e for e in emails_to(council, EMAIL) if e.subject == "Your email address was changed"]
    assert "new@example.org" not in told.body  # masked
    assert "put this email address back and sign everyone out" in told.body
    undo = link_in(told, "/account/email/undo/")

    old_inbox = Client(HTTP_HOST=council.get_primary_domain().domain)
    shown = old_inbox.get(undo)
    assert shown.status_code == 200
    assert "Change my email address back" in shown.content.decode()
    parent.refresh_from_db()
    assert parent.email == "new@example.org"  # a GET (or an email scanner) changes nothing

    done = old_inbox.post(undo)
    assert done.status_code == 200
    page = done.content.decode()
    assert "Your email address has been changed back" in page
    assert reverse("accounts:password-reset") in page
    parent.refresh_from_db()
    assert parent.email == EMAIL
    assert client.get(reverse("accounts:my-account")).status_code == 302  # every session ended
    assert other_device.get(reverse("accounts:my-account")).status_code == 302
    [back] = [e for e in emails_to(council, EMAIL) if e.subject == "Your email address has been changed back"]
    assert "Reset your password now" in back.body
    assert [e.subject for e in emails_to(council, "new@example.org")][-1] == (
        "This email address has been removed from an account"
    )

    again = old_inbox.post(undo)
    assert again.status_code == 400
    assert "This link has already been used or is not valid" in again.content.decode()


def _changed_to(council, client: Client, new: str) -> str:
    """Make a genuine change to `new`; the undo link sent to the old address."""
    confirm_it_is_you(client, council, "/account/email/")
    client.post("/account/email/", {"email": new, "email_confirm": new, "current_password": PASSWORD})
    [confirm] = emails_to(council, new)
    Client(HTTP_HOST=council.get_primary_domain().domain).post(link_in(confirm, "/account/email/confirm/"))
    [told] = [e for e in emails_to(council, EMAIL) if e.subject == "Your email address was changed"]
    return link_in(told, "/account/email/undo/")


def test_whoever_changed_the_address_cannot_cancel_the_undo_by_changing_the_password(cumbria, cumbria_client, parent):
    undo = _changed_to(cumbria, two_step(cumbria_client, cumbria), "new@example.org")
    confirm_it_is_you(cumbria_client, cumbria, "/account/password/", address="new@example.org")
    changed = cumbria_client.post(
        "/account/password/", {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 302

    assert Client(HTTP_HOST=CUMBRIA.domain).post(undo).status_code == 200
    parent.refresh_from_db()
    assert parent.email == EMAIL


def test_the_undo_link_works_for_7_days_on_its_own_councils_site_only(cumbria, cumbria_client, parent, monkeypatch):
    undo = _changed_to(cumbria, two_step(cumbria_client, cumbria), "new@example.org")

    assert Client(HTTP_HOST=SOMERSET.domain).post(undo).status_code == 400
    assert Client(HTTP_HOST=CUMBRIA.domain).post(undo[:-6] + "xxxxx/").status_code == 400
    now = time.time()
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: now + 7 * 24 * 3600 + 5))
    expired = Client(HTTP_HOST=CUMBRIA.domain).post(undo)
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()
    parent.refresh_from_db()
    assert parent.email == "new@example.org"


def test_a_reset_from_the_request_notice_cancels_the_change_and_signs_everyone_out(
    cumbria, cumbria_client, parent, django_capture_on_commit_callbacks
):
    client = two_step(cumbria_client, cumbria)
    confirm_it_is_you(client, cumbria, "/account/email/")
    client.post(
        "/account/email/",
        {"email": "new@example.org", "email_confirm": "new@example.org", "current_password": PASSWORD},
    )
    [notice] = [e for e in emails_to(cumbria, EMAIL) if e.subject == "Someone asked to change your email address"]
    assert link_in(notice, "/password/") == "/password/forgotten/"

    owner = Client(HTTP_HOST=CUMBRIA.domain)  # not signed in: reset from the notice
    with django_capture_on_commit_callbacks(execute=True):
        owner.post("/password/forgotten/", {"email": EMAIL})
    [reset] = [e for e in emails_to(cumbria, EMAIL) if "/password/reset/" in e.body]
    form = owner.get(link_in(reset, "/password/reset/"), follow=True).redirect_chain[-1][0]
    owner.post(form, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    assert client.get(reverse("accounts:my-account")).status_code == 302  # signed out
    [confirm] = emails_to(cumbria, "new@example.org")
    assert owner.post(link_in(confirm, "/account/email/confirm/")).status_code == 400
    parent.refresh_from_db()
    assert parent.email == EMAIL


@COUNCILS
def test_a_password_change_tells_the_address_with_a_way_to_sign_everyone_out(council, client_for, parent):
    client = two_step(client_for(council), council)
    assert client.get("/account/password/")["Location"].startswith("/account/confirm-it-is-you/")
    confirm_it_is_you(client, council, "/account/password/")

    changed = client.post(
        "/account/password/", {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )

    assert changed["Location"] == reverse("accounts:my-account")
    [told] = [e for e in emails_to(council, EMAIL) if e.subject == "Your password was changed"]
    assert "Reset your password now: resetting it signs everyone out of your account" in told.body
    assert "/password/forgotten/" in told.body
    assert client.get("/account/password/")["Location"].startswith("/account/confirm-it-is-you/")  # used up
