"""Issue 18, item 1, in a real browser: a stolen password is not enough to take an account
over by changing its email address (after which every security code would go to the
attacker), and a genuine change tells the old address, whose link undoes it.

The attacker signs in with the password alone and opens /account/email/: the browser is
sent to two-step verification, whose code goes to the owner's inbox, so the email
address cannot be changed. The owner, verified, still has to type a fresh code sent to
the current address before the change page opens; then the new inbox confirms, the old
inbox is told and changes the address back, and every session ends. Each new page
passes axe-core (WCAG 2.2 A/AA), at 320 px too.

The account is committed on a thread of its own (the live server sees only committed
rows) and removed at the end."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from casework.demo import CUMBRIA
from citizen.accounts.models import Account, EmailCodeDevice

from .axe import assert_accessible
from .test_sign_in_journey import PASSWORD, latest_email_to
from .test_staff_journey import committed_rows_remove

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


def family_account_create(*, email: str) -> None:
    """An active family account whose two-step verification is already set up."""
    account = Account.objects.create_user(
        email, PASSWORD, first_name="Sam", last_name="Rivers", is_active=True, email_verified_at=timezone.now()
    )
    EmailCodeDevice.objects.create(user=account, name="Email", confirmed=True)


def email_of(account_email: str) -> str | None:
    """The account's address now (None once it has moved), read outside the test's transaction."""
    return Account.objects.filter(email__iexact=account_email).values_list("email", flat=True).first()


def emails_to(page, base: str, address: str) -> list[dict]:
    try:
        return [latest_email_to(page, base, address)]
    except AssertionError:
        return []


def code_in(email: dict) -> str:
    return re.search(r"^(\d{6})$", email["body"], re.MULTILINE).group(1)


def link_in(email: dict, path: str) -> str:
    return re.search(rf"https?://\S+{re.escape(path)}\S+/", email["body"]).group(0)


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}sign-in/")
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()


def test_a_stolen_password_cannot_move_the_email_and_a_genuine_change_can_be_undone(
    debug, committed, new_context, live_server_url
):
    base = live_server_url(CUMBRIA.domain)
    owner_email = f"owner-{uuid.uuid4().hex[:8]}@example.org"
    attacker_email = f"attacker-{uuid.uuid4().hex[:8]}@example.net"
    new_email = f"owner-new-{uuid.uuid4().hex[:8]}@example.org"
    committed(family_account_create, email=owner_email)
    try:
        # --- The attacker: the password, nothing else.
        attacker = new_context().new_page()
        sign_in(attacker, base, owner_email)
        attacker.goto(f"{base}account/email/")
        assert urlsplit(attacker.url).path == "/two-step/"  # the code went to the owner's inbox
        assert_accessible(attacker)
        assert "Change your email address" not in attacker.content()
        attacker.fill("#id_code", "123456")  # a guess
        attacker.get_by_role("button", name="Continue").click()
        assert "The code is not right" in attacker.content()
        attacker.goto(f"{base}account/")
        assert urlsplit(attacker.url).path == "/two-step/"  # no personal details either
        assert "Rivers" not in attacker.get_by_role("main").inner_text()
        assert committed(email_of, owner_email) == owner_email
        assert emails_to(attacker, base, attacker_email) == []
        attacker.context.close()

        # --- The owner: two-step at sign-in, then a fresh code for the change itself.
        owner = new_context().new_page()
        sign_in(owner, base, owner_email)
        owner.goto(f"{base}account/")
        owner.fill("#id_code", code_in(latest_email_to(owner, base, owner_email)))
        owner.get_by_role("button", name="Continue").click()
        assert urlsplit(owner.url).path == "/account/"
        owner.get_by_role("link", name="Change email address").click()

        assert urlsplit(owner.url).path == "/account/confirm-it-is-you/"
        assert_accessible(owner)
        fresh = latest_email_to(owner, base, owner_email)
        assert "asked to change its email address, password or two-step verification" in fresh["body"]
        owner.fill("#id_code", "000000")
        owner.get_by_role("button", name="Continue").click()
        assert_accessible(owner)  # the error summary
        owner.fill("#id_code", code_in(fresh))
        owner.get_by_role("button", name="Continue").click()

        assert urlsplit(owner.url).path == "/account/email/"
        assert_accessible(owner)
        owner.fill("#id_email", new_email)
        owner.fill("#id_email_confirm", new_email)
        owner.fill("#id_current_password", PASSWORD)
        owner.get_by_role("button", name="Send confirmation link").click()
        assert f"we have sent a link to {new_email}" in owner.content()

        # --- The new inbox confirms, in a browser that is not signed in.
        new_inbox = new_context().new_page()
        confirm_link = link_in(latest_email_to(owner, base, new_email), "/account/email/confirm/")
        assert confirm_link.startswith(base)  # the council's stored domain and the configured port
        new_inbox.goto(confirm_link)
        assert_accessible(new_inbox)
        new_inbox.get_by_role("button", name="Confirm new email address").click()
        assert_accessible(new_inbox)
        assert committed(email_of, new_email) == new_email
        new_inbox.context.close()

        # --- The old inbox is told at once, and undoes it.
        told = latest_email_to(owner, base, owner_email)
        assert told["subject"] == "Your email address was changed"
        old_inbox = new_context(viewport={"width": 320, "height": 640}).new_page()
        undo_link = link_in(told, "/account/email/undo/")
        assert undo_link.startswith(base)
        old_inbox.goto(undo_link)
        assert_accessible(old_inbox)
        assert owner_email in old_inbox.get_by_role("main").inner_text()
        old_inbox.get_by_role("button", name="Change my email address back").click()
        assert_accessible(old_inbox)
        assert "Your email address has been changed back" in old_inbox.get_by_role("heading", level=1).inner_text()
        assert committed(email_of, owner_email) == owner_email
        assert old_inbox.get_by_role("link", name="Reset your password").is_visible()
        old_inbox.context.close()

        owner.goto(f"{base}account/")
        assert urlsplit(owner.url).path == "/sign-in/"  # every session ended
    finally:
        committed(
            committed_rows_remove, slug=CUMBRIA.slug, emails=[owner_email, new_email, attacker_email], references=[]
        )
