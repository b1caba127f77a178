"""Registering and activating an account, on both demo councils (Somerset's strict
password policy, Cumbria's defaults), through real HTTP requests."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from citizen.accounts.forms_registration import RegistrationForm
from citizen.accounts.models import Account, PasswordHistory
from citizen.accounts.passwords import policy_rules
from citizen.accounts.personal_details import PHONE_ERROR
from citizen.accounts.services import account_set_password
from citizen.accounts.tokens import account_uid, activation_tokens, password_reset_tokens
from citizen.models import FamilyMembership
from tenants.links import public_base_url
from tenants.models import Council, SignInPolicy
from tenants.outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db

PASSWORD = "Kestrel-Harbour-42!"  # meets both councils' policies
EMAIL = "sam.jones@example.org"
DETAILS = {
    "email": EMAIL,
    "email_confirm": EMAIL,
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "first_name": "Sam",
    "last_name": "Jones",
    "address_line_1": "1 Castle Street",
    "address_line_2": "",
    "town": "Carlisle",
    "postcode": "CA3 8QG",
    "phone_1": "",
    "phone_2": "",
}
REGISTER = "/register/"


def emails_in(council: Council, *to: str) -> list[OutboundEmail]:
    """The emails the council queued to any of these addresses, oldest first."""
    with tenant_context(council):
        return list(OutboundEmail.objects.filter(to__overlap=list(to)).order_by("id"))


def link_in(email: OutboundEmail, path: str) -> str:
    match = re.search(rf"https?://\S+{path}\S*", email.body)
    assert match, email.body
    return match.group()


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def text_of(response) -> str:
    """The page's main content, without the markup."""
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group()
    return re.sub(r" ([.,])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", main).split()))


def member_of(council: Council, account: Account) -> bool:
    with tenant_context(council):
        return FamilyMembership.objects.filter(account=account).exists()


def existing_account(email: str = "already@example.org", *, is_active: bool = True, **fields) -> Account:
    account = Account.objects.create_user(
        email, "Original-Password-77!", is_active=is_active, first_name="Alex", **fields
    )
    account_set_password(account=account, password="Original-Password-77!")
    return account


# --- The registration page


def test_the_page_lists_the_councils_password_rules_above_the_password(site):
    response = site.client.get(REGISTER)

    assert response.status_code == 200
    page = response.content.decode()
    policy = SignInPolicy.objects.get(council=site.council)
    hint = page[page.index('id="id_password_helptext"') : page.index('id="id_password"')]
    assert "Your password must:" in hint
    for rule in policy_rules(policy):
        assert f"<li>{escape(rule)}</li>" in hint
    assert 'aria-describedby="id_password_helptext"' in page
    for label in ("Address line 2 (optional)", "Phone number (optional)", "Another phone number (optional)"):
        assert label in page
    assert "<title>Create an account \N{EN DASH} " in page


def test_somerset_lists_its_composition_and_history_rules_and_cumbria_does_not(cumbria_client, somerset_client):
    somerset_page = somerset_client.get(REGISTER).content.decode()
    cumbria_page = cumbria_client.get(REGISTER).content.decode()

    assert "be between 10 and 128 characters long" in somerset_page
    assert "include at least one capital letter" in somerset_page
    assert "not be any of your previous 10 passwords" in somerset_page
    assert "be between 12 and 128 characters long" in cumbria_page
    assert "not be a commonly used password" in cumbria_page
    assert "capital letter" not in cumbria_page


def test_someone_signed_in_is_sent_home(cumbria, cumbria_client):
    account = existing_account()
    with tenant_context(cumbria):
        cumbria_client.force_login(account, backend="django.contrib.auth.backends.ModelBackend")

    response = cumbria_client.get(REGISTER)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- Registering


def test_registering_creates_an_inactive_account_in_this_council_and_emails_an_activation_link(site, post, mailoutbox):
    details = DETAILS | {
        "email": "Sam.Jones@Example.org",
        "email_confirm": "sam.jones@EXAMPLE.org",  # compared without regard to case
        "postcode": " ca3  8qg ",
        "phone_1": "01632  960 001",
        "phone_2": "+44 7700 900982",
        "address_line_2": "Flat 2",
    }

    response = post(site.client, REGISTER, details)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register-sent")
    account = Account.objects.get(email=EMAIL)
    assert account.is_active is False
    assert account.email_verified_at is None
    assert (account.first_name, account.last_name) == ("Sam", "Jones")
    assert (account.address_line_1, account.address_line_2, account.town) == ("1 Castle Street", "Flat 2", "Carlisle")
    assert account.postcode == "CA3 8QG"
    assert account.phone_numbers == ["01632 960 001", "+44 7700 900982"]
    assert account.check_password(PASSWORD)
    assert [check_password(PASSWORD, h.password) for h in PasswordHistory.objects.filter(account=account)] == [True]
    assert member_of(site.council, account)
    assert not member_of(site.other, account)

    [email] = emails_in(site.council, EMAIL)
    assert email.to == [EMAIL]
    assert email.from_address == site.council.from_address
    assert email.subject == f"Activate your {site.council.service_name} account"
    assert "72 hours" in email.body
    assert emails_in(site.other, EMAIL) == []
    [sent] = mailoutbox
    assert (sent.from_email, sent.to) == (site.council.from_address, [EMAIL])

    link = link_in(email, "/activate/")
    assert link.startswith(f"{public_base_url(domain=site.domain)}/activate/")
    activated = site.client.get(path_of(link))

    assert activated.status_code == 200
    assert "Your account is active" in text_of(activated)
    assert f'href="{reverse("accounts:sign-in")}"' in activated.content.decode()
    account.refresh_from_db()
    assert account.is_active is True
    assert account.email_verified_at is not None
    assert member_of(site.council, account)
    assert not member_of(site.other, account)


def test_the_check_your_email_page_names_the_address_and_offers_a_new_link(site, post):
    response = post(site.client, REGISTER, DETAILS, follow=True)

    assert response.status_code == 200
    text = text_of(response)
    assert "Check your email" in text
    assert f"We have sent an email to {EMAIL}." in text
    assert "The link works for 72 hours." in text
    assert "check your junk or spam folder" in text
    assert f'href="{reverse("accounts:activation-resend")}"' in response.content.decode()


def test_errors_are_listed_linked_to_their_fields_and_what_was_typed_is_kept(site, post):
    details = DETAILS | {
        "email_confirm": "sam.jones@example.com",
        "last_name": "",
        "address_line_1": "",
        "town": "",
        "postcode": "CA3 8Q",
        "phone_1": "0800 SEND HELP",
        "phone_2": "0163",
        "address_line_2": "Flat <2>",
    }

    response = post(site.client, REGISTER, details)

    assert response.status_code == 200
    assert Account.objects.filter(email=EMAIL).count() == 0
    assert emails_in(site.council, EMAIL) == []
    page = response.content.decode()
    assert "<title>Error: Create an account \N{EN DASH} " in page
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    expected = [
        ("id_email_confirm", "The email addresses do not match"),
        ("id_last_name", "Enter your last name"),
        ("id_address_line_1", "Enter address line 1, typically the building and street"),
        ("id_town", "Enter town or city"),
        ("id_postcode", "Enter a real postcode, like SW1A 1AA"),
        ("id_phone_1", PHONE_ERROR),
        ("id_phone_2", PHONE_ERROR),
    ]
    assert re.findall(r'<a href="#(\w+)">([^<]+)</a>', summary) == expected
    for field_id, message in expected:
        assert f'id="{field_id}_error"' in page
        assert message in page[page.index(f'id="{field_id}_error"') :]
    for kept in (EMAIL, "sam.jones@example.com", "Sam", "Flat &lt;2&gt;", "CA3 8Q"):
        assert f'value="{kept}"' in page
    assert 'value="0800 SEND HELP"' in page
    assert 'value="0163"' in page
    assert PASSWORD not in page  # passwords are never filled in again


def test_an_empty_form_asks_for_each_required_answer(site):
    response = site.client.post(REGISTER, {})

    page = response.content.decode()
    for message in (
        "Enter your email address",
        "Enter your email address again",
        "Enter a password",
        "Enter your password again",
        "Enter your first name",
        "Enter your last name",
        "Enter address line 1, typically the building and street",
        "Enter town or city",
        "Enter postcode",
    ):
        assert f'">{message}</a></li>' in page
    assert "(optional)" in page
    assert PHONE_ERROR not in page


@pytest.mark.parametrize(
    ("slug", "password", "message"),
    [
        (SOMERSET.slug, "Sh0rt!", "Your password must be at least 10 characters long"),
        (SOMERSET.slug, "x" * 120 + "Aa1!-long", "Your password must be no more than 128 characters long"),
        (SOMERSET.slug, "lowercase-only-42!", "Your password must include a capital letter"),
        (SOMERSET.slug, "UPPERCASE-ONLY-42!", "Your password must include a small letter"),
        (SOMERSET.slug, "No-Digits-Here!", "Your password must include a number"),
        (SOMERSET.slug, "NoSpecialChars42", "Your password must include a special character such as"),
        (SOMERSET.slug, EMAIL, "Your password must be different from your email address"),
        (CUMBRIA.slug, "short-pass", "Your password must be at least 12 characters long"),
        (CUMBRIA.slug, "password1234", "Your password is too easy to guess because many people use it"),
        (CUMBRIA.slug, EMAIL, "Your password must be different from your email address"),
    ],
)
def test_each_broken_password_rule_is_shown(request, slug, password, message):
    client = request.getfixturevalue(f"{slug}_client")

    response = client.post(REGISTER, DETAILS | {"password": password, "password_confirm": password})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="#id_password">{escape(message)}' in page
    assert escape(message) in page[page.index('id="id_password_error"') :]
    assert not Account.objects.filter(email=EMAIL).exists()


def test_cumbria_takes_a_password_somerset_refuses(cumbria_client, somerset_client, post):
    simple = "correct horse battery"  # long, not common; no capitals, numbers or symbols

    assert post(cumbria_client, REGISTER, DETAILS | {"password": simple, "password_confirm": simple}).status_code == 302
    refused = somerset_client.post(
        REGISTER, DETAILS | {"email": "b@example.org", "email_confirm": "b@example.org", "password": simple}
    )
    assert refused.status_code == 200
    assert "Your password must include a capital letter" in refused.content.decode()


def test_passwords_that_differ_are_refused(site):
    response = site.client.post(REGISTER, DETAILS | {"password_confirm": PASSWORD + "x"})

    assert '<a href="#id_password_confirm">The passwords do not match' in response.content.decode()


def test_a_number_abroad_is_accepted_and_stored(site, post):
    # Registration took UK numbers only until it shared My account's rule: families may live abroad.
    response = post(site.client, REGISTER, DETAILS | {"phone_1": "+1 212 555 0100", "phone_2": "+353 1 234 5678"})

    assert response.status_code == 302
    assert Account.objects.get(email=EMAIL).phone_numbers == ["+1 212 555 0100", "+353 1 234 5678"]


def test_the_fields_are_in_the_pages_order_email_password_then_details(cumbria):
    form = RegistrationForm(policy=SignInPolicy.objects.get(council=cumbria))

    assert list(form.fields) == [
        "email",
        "email_confirm",
        "password",
        "password_confirm",
        "first_name",
        "last_name",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "phone_1",
        "phone_2",
    ]


# --- Registering with an address that already has an account


def test_an_existing_address_gets_the_same_answer_and_its_owner_an_email(site, post, mailoutbox):
    owner = existing_account(last_name="Original")
    with tenant_context(site.other):
        FamilyMembership.objects.create(account=owner)
    accounts_before = Account.objects.count()

    new = post(site.client, REGISTER, DETAILS)
    new_page = site.client.get(new["Location"])
    someone_else = Client(HTTP_HOST=site.domain)
    taken = post(
        someone_else, REGISTER, DETAILS | {"email": "Already@example.org", "email_confirm": "already@example.org"}
    )
    taken_page = someone_else.get(taken["Location"])

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert taken_page.status_code == new_page.status_code == 200
    assert text_of(taken_page).replace("already@example.org", "ADDRESS") == text_of(new_page).replace(EMAIL, "ADDRESS")
    assert Account.objects.count() == accounts_before + 1  # only the new address's account
    owner.refresh_from_db()
    assert owner.check_password("Original-Password-77!")
    assert (owner.first_name, owner.last_name, owner.is_active) == ("Alex", "Original", True)
    assert not member_of(site.council, owner)

    [warning] = emails_in(site.council, "already@example.org")
    assert warning.subject == "Someone tried to create an account with your email address"
    assert warning.from_address == site.council.from_address
    assert "Hello Alex," in warning.body  # the owner's name, not the one typed
    site_url = public_base_url(domain=site.domain)
    assert link_in(warning, "/sign-in/") == f"{site_url}{reverse('accounts:sign-in')}"
    assert link_in(warning, "/password/forgotten/") == f"{site_url}{reverse('accounts:password-reset')}"
    assert "/activate/" not in warning.body
    assert sorted(m.to[0] for m in mailoutbox) == ["already@example.org", EMAIL]


def test_an_address_registered_but_never_activated_is_told_to_set_a_new_password(cumbria, cumbria_client, post):
    existing_account(is_active=False)

    post(cumbria_client, REGISTER, DETAILS | {"email": "already@example.org", "email_confirm": "already@example.org"})

    [warning] = emails_in(cumbria, "already@example.org")
    assert "did not activate it" in warning.body
    assert link_in(warning, "/password/forgotten/")
    # Not an activation link: activating would keep a password someone else may have chosen.
    assert "/activate/" not in warning.body


# --- Activating


def register_and_get_link(client: Client, council: Council, post, email: str = EMAIL) -> str:
    post(client, REGISTER, DETAILS | {"email": email, "email_confirm": email})
    [activation] = [e for e in emails_in(council, email) if "/activate/" in e.body]
    return path_of(link_in(activation, "/activate/"))


def test_an_activation_link_works_once(site, post):
    link = register_and_get_link(site.client, site.council, post)
    assert "Your account is active" in text_of(site.client.get(link))

    again = site.client.get(link)

    assert again.status_code == 200
    text = text_of(again)
    assert "This activation link has expired or has already been used" in text
    assert "Your account is active" not in text
    assert f'href="{reverse("accounts:activation-resend")}"' in again.content.decode()
    assert Account.objects.get(email=EMAIL).is_active


def activation_path(account: Account, token: str) -> str:
    return reverse("accounts:activate", kwargs={"uidb64": account_uid(account), "token": token})


def token_made_seconds_ago(generator, account: Account, seconds: int) -> str:
    now = generator._num_seconds(generator._now())
    return generator._make_token_with_timestamp(account, now - seconds, generator.secret)


def test_an_activation_link_works_for_72_hours_and_no_longer(cumbria_client):
    account = existing_account(is_active=False)
    expired = token_made_seconds_ago(activation_tokens, account, 72 * 3600 + 1)
    fresh = token_made_seconds_ago(activation_tokens, account, 72 * 3600 - 60)

    refused = cumbria_client.get(activation_path(account, expired))
    assert "has expired or has already been used" in text_of(refused)
    account.refresh_from_db()
    assert account.is_active is False

    assert "Your account is active" in text_of(cumbria_client.get(activation_path(account, fresh)))
    account.refresh_from_db()
    assert account.is_active is True


def test_the_activation_lifetime_is_its_own_not_the_password_reset_setting(settings):
    settings.PASSWORD_RESET_TIMEOUT = 60
    account = existing_account(is_active=False)

    assert activation_tokens.check_token(account, token_made_seconds_ago(activation_tokens, account, 3600))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token, account, other: (account_uid(account), token[:-1] + ("0" if token[-1] != "0" else "1")),
        lambda token, account, other: (account_uid(account), "zzzzzz-" + token.split("-")[1]),
        lambda token, account, other: (account_uid(other), token),
        lambda token, account, other: ("not-an-id", token),
        lambda token, account, other: (account_uid(account), "no-dash-here-at-all"),
        lambda token, account, other: (account_uid(account), password_reset_tokens.make_token(account)),
    ],
    ids=["changed-hash", "changed-timestamp", "other-account", "bad-id", "garbage", "reset-token"],
)
def test_a_tampered_activation_link_is_refused(cumbria_client, tamper):
    account = existing_account("one@example.org", is_active=False)
    other = existing_account("two@example.org", is_active=False)
    uidb64, token = tamper(activation_tokens.make_token(account), account, other)

    response = cumbria_client.get(reverse("accounts:activate", kwargs={"uidb64": uidb64, "token": token}))

    assert response.status_code == 200
    text = text_of(response)
    assert "has expired or has already been used" in text
    assert "one@example.org" not in text and "two@example.org" not in text
    assert not Account.objects.filter(is_active=True, email__in=["one@example.org", "two@example.org"]).exists()


def test_an_account_a_council_deactivated_cannot_activate_itself(cumbria_client):
    account = existing_account(is_active=False, email_verified_at=timezone.now())

    response = cumbria_client.get(activation_path(account, activation_tokens.make_token(account)))

    assert "has expired or has already been used" in text_of(response)
    account.refresh_from_db()
    assert account.is_active is False


def test_activating_on_one_council_does_not_make_a_membership_in_the_other(cumbria, somerset, somerset_client, post):
    link = register_and_get_link(somerset_client, somerset, post)
    somerset_client.get(link)

    account = Account.objects.get(email=EMAIL)
    assert member_of(somerset, account)
    assert not member_of(cumbria, account)
    assert Client(HTTP_HOST=CUMBRIA.domain).get(link).status_code == 200  # used: the invalid page


# --- Asking for a new activation link

RESEND = "/activate/resend/"


def test_a_new_activation_link_is_sent_only_to_an_account_waiting_for_activation(site, post):
    waiting = existing_account("waiting@example.org", is_active=False)
    existing_account("active@example.org")
    existing_account("deactivated@example.org", is_active=False, email_verified_at=timezone.now())

    pages = {}
    addresses = ("waiting@example.org", "active@example.org", "deactivated@example.org", "nobody@example.org")
    for email in addresses:
        response = post(site.client, RESEND, {"email": email.upper()})
        assert response.status_code == 200
        pages[email] = text_of(response).replace(email, "ADDRESS")

    assert len(set(pages.values())) == 1
    assert "Check your email" in pages["nobody@example.org"]
    [email] = emails_in(site.council, *addresses)
    assert email.to == ["waiting@example.org"]
    assert email.from_address == site.council.from_address
    assert "Your account is active" in text_of(site.client.get(path_of(link_in(email, "/activate/"))))
    waiting.refresh_from_db()
    assert waiting.is_active
    assert member_of(site.council, waiting)


def test_the_new_link_page_asks_for_an_email_address(cumbria_client):
    assert cumbria_client.get(RESEND).status_code == 200

    response = cumbria_client.post(RESEND, {"email": "not an address"})

    page = response.content.decode()
    assert "<title>Error: Get a new activation link \N{EN DASH} " in page
    assert '<a href="#id_email">Enter an email address in the correct format, like name@example.com</a>' in page
    assert 'value="not an address"' in page
