"""Resetting a forgotten password, on both demo councils (Somerset's history and
"simple change" rules, Cumbria's defaults), through real HTTP requests."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA
from citizen.accounts.models import Account, PasswordHistory
from citizen.accounts.passwords import policy_rules
from citizen.accounts.services import account_set_password
from citizen.accounts.tokens import account_uid, activation_tokens, password_reset_tokens
from citizen.models import FamilyMembership
from tenants.links import public_base_url
from tenants.models import Council, SignInPolicy
from tenants.outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db

EMAIL = "parent@example.org"
PASSWORD = "Password32!"  # meets both councils' policies
NEW_PASSWORD = "Kettle-Harbour-Violet7"
FORGOTTEN = "/password/forgotten/"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def parent() -> Account:
    return account_with_passwords(PASSWORD)


def account_with_passwords(*passwords: str, email: str = EMAIL, **fields) -> Account:
    """An account whose history holds `passwords`, the last one its current password."""
    fields.setdefault("is_active", True)
    account = Account.objects.create_user(email, None, first_name="Sam", **fields)
    for password in passwords:
        account_set_password(account=account, password=password)
    return account


def emails_in(council: Council, *to: str) -> list[OutboundEmail]:
    with tenant_context(council):
        return list(OutboundEmail.objects.filter(to__overlap=list(to)).order_by("id"))


def link_in(email: OutboundEmail, path: str) -> str:
    match = re.search(rf"https?://\S+{path}\S*", email.body)
    assert match, email.body
    return match.group()


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def text_of(response) -> str:
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group()
    return re.sub(r" ([.,])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", main).split()))


def reset_link(client: Client, council: Council, post, email: str = EMAIL) -> str:
    post(client, FORGOTTEN, {"email": email})
    [message] = [e for e in emails_in(council, email) if "/password/reset/" in e.body]
    return path_of(link_in(message, "/password/reset/"))


def open_link(client: Client, link: str):
    """Open a reset link: it hides its token (in the session) and shows the form."""
    response = client.get(link)
    assert response.status_code == 302, text_of(response)
    assert response["Location"].endswith("/set-password/")
    return response["Location"]


def choose(client: Client, form_url: str, password: str, post):
    return post(client, form_url, {"password": password, "password_confirm": password})


def signed_in(client: Client) -> bool:
    """The registration page sends someone signed in home (request.user.is_authenticated)."""
    response = client.get(reverse("accounts:register"))
    assert response.status_code in (200, 302)
    return response.status_code == 302


def sign_in(client: Client, council: Council, account: Account) -> Client:
    """Sessions live in the council's schema, so the test session is saved there."""
    with tenant_context(council):
        client.force_login(account, backend=MODEL_BACKEND)
    return client


# --- Asking for a link


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(site, post, parent, mailoutbox):
    known_client, unknown_client = site.client, Client(HTTP_HOST=site.domain)

    known = post(known_client, FORGOTTEN, {"email": "Parent@Example.org"})
    unknown = post(unknown_client, FORGOTTEN, {"email": "nobody@example.org"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == reverse("accounts:password-reset-sent")
    known_page, unknown_page = known_client.get(known["Location"]), unknown_client.get(unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    assert text_of(known_page).replace("parent@example.org", "ADDRESS") == text_of(unknown_page).replace(
        "nobody@example.org", "ADDRESS"
    )
    assert "If parent@example.org has an account, we have sent it a link" in text_of(known_page)
    assert "1 hour" in text_of(known_page)

    assert emails_in(site.council, "nobody@example.org") == []
    [message] = emails_in(site.council, EMAIL)
    assert message.from_address == site.council.from_address
    assert message.subject == f"Reset your {site.council.service_name} password"
    assert "1 hour" in message.body
    assert link_in(message, "/password/reset/").startswith(f"{public_base_url(domain=site.domain)}/password/reset/")
    assert emails_in(site.other, EMAIL) == []
    assert [(m.from_email, m.to) for m in mailoutbox] == [(site.council.from_address, [EMAIL])]


def test_the_request_page_asks_for_an_email_address(cumbria_client):
    assert "Reset your password" in text_of(cumbria_client.get(FORGOTTEN))

    response = cumbria_client.post(FORGOTTEN, {"email": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Reset your password \N{EN DASH} " in page
    assert '<a href="#id_email">Enter your email address</a>' in page


def test_an_account_a_council_deactivated_gets_no_link(cumbria, cumbria_client, post):
    account_with_passwords(PASSWORD, is_active=False, email_verified_at=timezone.now())

    response = post(cumbria_client, FORGOTTEN, {"email": EMAIL})

    assert response["Location"] == reverse("accounts:password-reset-sent")
    assert emails_in(cumbria, EMAIL) == []


# --- Choosing a new password


def test_a_new_password_is_set_and_the_link_then_stops_working(site, post, parent):
    link = reset_link(site.client, site.council, post)
    assert "/set-password/" not in link
    form_url = open_link(site.client, link)
    form_page = site.client.get(form_url)
    assert form_page.status_code == 200
    page = form_page.content.decode()
    policy = SignInPolicy.objects.get(council=site.council)
    assert "Your password must:" in page
    for rule in policy_rules(policy):
        assert f"<li>{escape(rule)}</li>" in page

    response = choose(site.client, form_url, NEW_PASSWORD, post)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    done = site.client.get(response["Location"])
    assert "Your password has been changed" in text_of(done)
    assert f'href="{reverse("accounts:sign-in")}"' in done.content.decode()
    parent.refresh_from_db()
    assert parent.check_password(NEW_PASSWORD)
    assert PasswordHistory.objects.filter(account=parent).count() == 2
    [changed] = [e for e in emails_in(site.council, EMAIL) if "has been changed" in e.subject]
    assert changed.from_address == site.council.from_address

    used = site.client.get(link)
    assert used.status_code == 200
    assert "This password reset link has expired or has already been used" in text_of(used)
    assert EMAIL not in used.content.decode()
    assert "has expired or has already been used" in text_of(site.client.get(form_url))


def test_a_link_opened_in_another_browser_after_use_does_not_work(cumbria, cumbria_client, post, parent):
    link = reset_link(cumbria_client, cumbria, post)
    form_url = open_link(cumbria_client, link)
    other_tab = Client(HTTP_HOST=CUMBRIA.domain)
    other_form_url = open_link(other_tab, link)
    choose(cumbria_client, form_url, NEW_PASSWORD, post)

    response = choose(other_tab, other_form_url, "Another-Password-99!", post)

    assert "has expired or has already been used" in text_of(response)
    parent.refresh_from_db()
    assert parent.check_password(NEW_PASSWORD)


def test_the_form_without_its_link_shows_the_expired_page(cumbria_client, parent):
    form_url = reverse(
        "accounts:password-reset-confirm", kwargs={"uidb64": account_uid(parent), "token": "set-password"}
    )

    response = cumbria_client.post(form_url, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    assert "has expired or has already been used" in text_of(response)
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)


def token_made_seconds_ago(generator, account: Account, seconds: int) -> str:
    now = generator._num_seconds(generator._now())
    return generator._make_token_with_timestamp(account, now - seconds, generator.secret)


def confirm_path(account: Account, token: str) -> str:
    return reverse("accounts:password-reset-confirm", kwargs={"uidb64": account_uid(account), "token": token})


def test_a_link_works_for_one_hour_and_no_longer(cumbria_client, parent):
    expired = token_made_seconds_ago(password_reset_tokens, parent, 3600 + 1)
    fresh = token_made_seconds_ago(password_reset_tokens, parent, 3600 - 60)

    assert "has expired or has already been used" in text_of(cumbria_client.get(confirm_path(parent, expired)))
    assert cumbria_client.get(confirm_path(parent, fresh)).status_code == 302


def test_the_lifetime_is_its_own_not_the_global_setting(settings, parent):
    settings.PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600

    assert not password_reset_tokens.check_token(parent, token_made_seconds_ago(password_reset_tokens, parent, 7200))
    settings.PASSWORD_RESET_TIMEOUT = 60
    assert password_reset_tokens.check_token(parent, token_made_seconds_ago(password_reset_tokens, parent, 3000))


@pytest.mark.parametrize(
    "token",
    [
        lambda account: password_reset_tokens.make_token(account)[:-1] + "x",
        lambda account: "1-" + password_reset_tokens.make_token(account).split("-")[1],
        lambda account: activation_tokens.make_token(account),
        lambda account: "not-a-token",
    ],
    ids=["changed-hash", "changed-timestamp", "activation-token", "garbage"],
)
def test_a_tampered_link_is_refused(cumbria_client, parent, token):
    response = cumbria_client.get(confirm_path(parent, token(parent)))

    assert response.status_code == 200
    assert "has expired or has already been used" in text_of(response)
    assert f'href="{reverse("accounts:password-reset")}"' in response.content.decode()


def test_a_link_for_one_account_does_not_open_another(cumbria_client, parent):
    other = account_with_passwords(PASSWORD, email="other@example.org")
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={"uidb64": account_uid(other), "token": password_reset_tokens.make_token(parent)},
    )

    assert "has expired or has already been used" in text_of(cumbria_client.get(path))


# --- The council's policy on the new password


PREVIOUS_TEN = [f"Earlier-Pass-{n}-Word!" for n in range(1, 10)] + [PASSWORD]


def test_somerset_refuses_any_of_the_last_ten_passwords(somerset, somerset_client, post):
    account_with_passwords(*PREVIOUS_TEN)
    form_url = open_link(somerset_client, reset_link(somerset_client, somerset, post))

    for old in (PREVIOUS_TEN[0], PASSWORD):
        response = choose(somerset_client, form_url, old, post)
        assert response.status_code == 200
        assert "You have used this password before" in response.content.decode()

    assert choose(somerset_client, form_url, NEW_PASSWORD, post).status_code == 302


def test_somerset_refuses_a_simple_change_of_the_previous_password(somerset, somerset_client, post, parent):
    form_url = open_link(somerset_client, reset_link(somerset_client, somerset, post))

    response = choose(somerset_client, form_url, "Password33!", post)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_password">Your password is too similar to your previous one' in page
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)
    assert choose(somerset_client, form_url, NEW_PASSWORD, post).status_code == 302


def test_cumbria_has_no_history_or_simple_change_rule_but_keeps_its_own(cumbria, cumbria_client, post):
    account = account_with_passwords("Password32-long!")
    form_url = open_link(cumbria_client, reset_link(cumbria_client, cumbria, post))

    too_short = choose(cumbria_client, form_url, "Password33!", post)
    assert "Your password must be at least 12 characters long" in too_short.content.decode()

    assert choose(cumbria_client, form_url, "Password33-long!", post).status_code == 302
    account.refresh_from_db()
    assert account.check_password("Password33-long!")


def test_new_passwords_that_differ_are_refused(cumbria, cumbria_client, post, parent):
    form_url = open_link(cumbria_client, reset_link(cumbria_client, cumbria, post))

    response = post(cumbria_client, form_url, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD + "x"})

    page = response.content.decode()
    assert "<title>Error: Create a new password \N{EN DASH} " in page
    assert '<a href="#id_password_confirm">The passwords do not match' in page
    assert NEW_PASSWORD not in page


# --- Every other session ends


def test_resetting_signs_the_account_out_everywhere_on_every_council(site, post, parent):
    same_council = sign_in(Client(HTTP_HOST=site.domain), site.council, parent)
    other_council = sign_in(Client(HTTP_HOST=site.other_domain), site.other, parent)
    assert signed_in(same_council) and signed_in(other_council)

    form_url = open_link(site.client, reset_link(site.client, site.council, post))
    assert signed_in(same_council) and signed_in(other_council)  # asking for a link changes nothing
    choose(site.client, form_url, NEW_PASSWORD, post)

    assert not signed_in(same_council)
    assert not signed_in(other_council)
    assert not signed_in(site.client)
    fresh = sign_in(Client(HTTP_HOST=site.domain), site.council, Account.objects.get(pk=parent.pk))
    assert signed_in(fresh)


# --- An account never activated


def test_resetting_the_password_of_an_account_never_activated_activates_it(site, post):
    account = account_with_passwords(PASSWORD, is_active=False)

    form_url = open_link(site.client, reset_link(site.client, site.council, post))
    assert choose(site.client, form_url, NEW_PASSWORD, post).status_code == 302

    account.refresh_from_db()
    assert account.is_active is True
    assert account.email_verified_at is not None
    assert account.check_password(NEW_PASSWORD)
    with tenant_context(site.council):
        assert FamilyMembership.objects.filter(account=account).exists()
    with tenant_context(site.other):
        assert not FamilyMembership.objects.filter(account=account).exists()
