"""My account: details, password, email address and signing out everywhere, on both
demo councils (Somerset's strict password policy, Cumbria's defaults)."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth.hashers import check_password
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from citizen.accounts.decorators import PASSWORD_CHANGE_REQUIRED, REVERIFIED_AT
from citizen.accounts.models import Account, EmailCodeDevice
from citizen.accounts.services import account_set_password
from citizen.accounts.services_account import masked_email
from tenants.links import council_url
from tenants.models import Council, Domain
from tenants.outbox.models import OutboundEmail

PASSWORD = "Password32!"
GOOD_NEW_PASSWORD = "Kettle-Harbour-Violet7"

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent() -> Account:
    account = Account.objects.create_user(
        "parent@example.org",
        PASSWORD,
        is_active=True,
        first_name="Sam",
        last_name="Jones",
        address_line_1="1 High Street",
        town="Taunton",
        postcode="TA1 1AA",
        phone_numbers=["07700 900 982"],
    )
    account_set_password(account=account, password=PASSWORD)  # so the history has it
    return account


def sign_in(client: Client, council: Council, account: Account, *, two_step: bool = True) -> Client:
    """Sessions live in the council's schema, so the test session is saved there. Every
    My account page needs two-step, so the session is verified unless `two_step=False`."""
    device, _ = EmailCodeDevice.objects.get_or_create(user=account, defaults={"name": "Email", "confirmed": True})
    with tenant_context(council):
        client.force_login(account)
        if two_step:
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
    return client


def reverify(client: Client) -> Client:
    """As if a fresh code sent to the current address had just been typed ("Confirm it is
    you", tested in test_reverification.py): changing the email address or the password
    needs it, and each change uses it up."""
    council = Domain.objects.select_related("tenant").get(domain=client.defaults["HTTP_HOST"]).tenant
    with tenant_context(council):
        session = client.session
        session[REVERIFIED_AT] = timezone.now().timestamp()
        session.save()
    return client


def is_signed_in(client: Client) -> bool:
    response = client.get(reverse("accounts:my-account"))
    assert response.status_code in (200, 302)
    return response.status_code == 200


def emails_in(council: Council, to: str) -> list[OutboundEmail]:
    with tenant_context(council):
        return list(OutboundEmail.objects.filter(to=[to]).order_by("id"))


def link_in(email: OutboundEmail) -> str:
    match = re.search(r"https?://\S+/account/email/confirm/\S+/", email.body)
    assert match, email.body
    return match.group()


def banner(response) -> str:
    match = re.search(r'<div class="govuk-notification-banner.*?</div>\s*</div>', response.content.decode(), re.S)
    assert match, "no notification banner"
    return match.group()


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


# Anonymous people are sent to sign in -------------------------------------------------

PROTECTED = [
    ("GET", "accounts:my-account"),
    ("GET", "accounts:change-password"),
    ("POST", "accounts:change-password"),
    ("GET", "accounts:change-email"),
    ("POST", "accounts:change-email"),
    ("GET", "accounts:change-details"),
    ("POST", "accounts:change-details"),
    ("GET", "accounts:sign-out-everywhere"),
    ("POST", "accounts:sign-out-everywhere"),
    ("GET", "accounts:reverify"),
    ("POST", "accounts:reverify"),
    ("POST", "accounts:reverify-new-code"),
]


@pytest.mark.parametrize(("method", "name"), PROTECTED)
@pytest.mark.parametrize("client_fixture", ["cumbria_client", "somerset_client"])
def test_anonymous_people_are_sent_to_sign_in_and_back(request, client_fixture, method, name):
    client = request.getfixturevalue(client_fixture)
    url = reverse(name)
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next={url}"


def test_being_signed_in_to_one_council_does_not_open_my_account_on_the_other(
    cumbria, cumbria_client, somerset_client, parent
):
    sign_in(cumbria_client, cumbria, parent)
    assert is_signed_in(cumbria_client)
    assert not is_signed_in(somerset_client)


@pytest.mark.parametrize("name", ["accounts:my-account", "accounts:change-email", "accounts:change-details"])
def test_a_password_change_required_at_sign_in_comes_first(cumbria, cumbria_client, parent, name):
    sign_in(cumbria_client, cumbria, parent)
    with tenant_context(cumbria):
        session = cumbria_client.session
        session[PASSWORD_CHANGE_REQUIRED] = "expired"
        session.save()

    response = cumbria_client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password-change-required"))


# The summary page -----------------------------------------------------------------------


def test_my_account_lists_the_details_each_with_a_change_link(cumbria, cumbria_client, parent):
    sign_in(cumbria_client, cumbria, parent)
    response = cumbria_client.get(reverse("accounts:my-account"))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")  # never_cache: personal data
    page = response.content.decode()
    for shown in ("Sam Jones", "parent@example.org", "1 High Street", "Taunton", "TA1 1AA", "07700 900 982"):
        assert shown in page
    assert f"Last changed on {parent.password_changed_at:%-d %B %Y}" in page
    for name, hidden in [
        ("accounts:change-details", " name"),
        ("accounts:change-email", " email address"),
        ("accounts:change-details", " home address"),
        ("accounts:change-details", " phone numbers"),
        ("accounts:change-password", " password"),
    ]:
        assert re.search(
            rf'href="{reverse(name)}[^"]*">Change<span class="govuk-visually-hidden">{hidden}</span>', page
        ), hidden
    assert f'action="{reverse("accounts:sign-out-everywhere")}"' in page
    assert f'formaction="{reverse("accounts:sign-out")}"' in page
    assert ">Sign out everywhere</button>" in page


# Changing the password ---------------------------------------------------------------


def change_password(client: Client, current: str, new: str, confirm: str | None = None):
    reverify(client)
    return client.post(
        reverse("accounts:change-password"),
        {"current_password": current, "password": new, "password_confirm": confirm if confirm is not None else new},
    )


def test_change_password_page_lists_the_councils_rules(somerset, somerset_client, parent):
    reverify(sign_in(somerset_client, somerset, parent))
    page = somerset_client.get(reverse("accounts:change-password")).content.decode()
    assert "not be any of your previous 10 passwords" in page
    assert "not be a simple change to your previous password" in page
    assert 'autocomplete="current-password"' in page


def test_a_wrong_current_password_is_refused(somerset, somerset_client, parent):
    sign_in(somerset_client, somerset, parent)
    response = change_password(somerset_client, "Not-my-password1!", GOOD_NEW_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors["current_password"] == [
        "The password is not right; enter the password you use to sign in"
    ]
    assert "There is a problem" in response.content.decode()
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)
    assert is_signed_in(somerset_client)


def test_somerset_refuses_a_simple_change_of_the_current_password(somerset, somerset_client, parent):
    sign_in(somerset_client, somerset, parent)
    response = change_password(somerset_client, PASSWORD, "Password33!")

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "Your password is too similar to your previous one; change more than a number or a letter"
    ]
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)


def test_somerset_refuses_a_password_used_before(somerset, somerset_client, parent):
    account_set_password(account=parent, password=GOOD_NEW_PASSWORD)  # PASSWORD is now the previous one
    sign_in(somerset_client, somerset, parent)

    response = change_password(somerset_client, GOOD_NEW_PASSWORD, PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors["password"][0].startswith("You have used this password before")


@pytest.mark.parametrize(("council_fixture", "allowed"), [("cumbria", True), ("somerset", False)])
def test_each_council_applies_its_own_simple_change_rule(request, council_fixture, allowed, parent):
    council = request.getfixturevalue(council_fixture)
    account_set_password(account=parent, password="Lantern-Meadow-32!")
    client = sign_in(Client(HTTP_HOST=council.get_primary_domain().domain), council, parent)

    response = change_password(client, "Lantern-Meadow-32!", "Lantern-Meadow-33!")

    assert (response.status_code == 302) is allowed


def test_new_password_must_be_typed_twice_the_same(cumbria, cumbria_client, parent):
    sign_in(cumbria_client, cumbria, parent)
    response = change_password(cumbria_client, PASSWORD, GOOD_NEW_PASSWORD, confirm=GOOD_NEW_PASSWORD + "x")
    assert response.context["form"].errors["password_confirm"] == [
        "The passwords do not match; type the same password twice"
    ]


def test_changing_the_password_keeps_this_session_and_ends_every_other_one(
    somerset, cumbria, somerset_client, parent, django_capture_on_commit_callbacks
):
    elsewhere_same_council = sign_in(Client(HTTP_HOST=SOMERSET.domain), somerset, parent)
    elsewhere_other_council = sign_in(Client(HTTP_HOST=CUMBRIA.domain), cumbria, parent)
    sign_in(somerset_client, somerset, parent)
    assert is_signed_in(elsewhere_same_council) and is_signed_in(elsewhere_other_council)

    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(somerset_client, PASSWORD, GOOD_NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my-account")
    parent.refresh_from_db()
    assert parent.check_password(GOOD_NEW_PASSWORD)
    assert parent.password_history.count() == 2
    page = somerset_client.get(reverse("accounts:my-account"))
    assert page.status_code == 200
    assert "Your password has been changed" in page.content.decode()
    assert "govuk-notification-banner--success" in page.content.decode()
    assert not is_signed_in(elsewhere_same_council)
    assert not is_signed_in(elsewhere_other_council)


def test_the_account_is_told_its_password_changed_without_the_password(
    somerset, somerset_client, parent, django_capture_on_commit_callbacks, mailoutbox
):
    sign_in(somerset_client, somerset, parent)
    with django_capture_on_commit_callbacks(execute=True):
        change_password(somerset_client, PASSWORD, GOOD_NEW_PASSWORD)

    [email] = emails_in(somerset, "parent@example.org")
    assert email.subject == "Your password was changed"
    assert email.status == OutboundEmail.Status.SENT
    assert email.from_address == somerset.from_address
    assert GOOD_NEW_PASSWORD not in email.body and PASSWORD not in email.body
    assert council_url(council=somerset, path="/password/forgotten/") in email.body
    assert [m.subject for m in mailoutbox] == ["Your password was changed"]


def test_too_many_wrong_current_passwords_end_the_session(somerset, somerset_client, parent):
    sign_in(somerset_client, somerset, parent)
    limit = somerset.sign_in_policy.lockout_failure_limit
    for _ in range(limit - 1):
        assert change_password(somerset_client, "Wrong-guess-1!", GOOD_NEW_PASSWORD).status_code == 200
    response = change_password(somerset_client, "Wrong-guess-1!", GOOD_NEW_PASSWORD)

    assert "You have been signed out" in response.content.decode()
    assert not is_signed_in(somerset_client)
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)


# Changing the email address ------------------------------------------------------------


def request_email_change(client: Client, new: str, confirm: str | None = None, password: str = PASSWORD):
    reverify(client)
    return client.post(
        reverse("accounts:change-email"),
        {"email": new, "email_confirm": confirm if confirm is not None else new, "current_password": password},
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "new@example.org", "email_confirm": "new@example.org", "current_password": "wrong"},
            "current_password",
            "The password is not right; enter the password you use to sign in",
        ),
        (
            {"email": "new@example.org", "email_confirm": "other@example.org", "current_password": PASSWORD},
            "email_confirm",
            "The email addresses do not match; type the same address twice",
        ),
        (
            {"email": "PARENT@example.org", "email_confirm": "parent@example.org", "current_password": PASSWORD},
            "email",
            "This is already your email address; enter a different one",
        ),
        (
            {"email": "not-an-email", "email_confirm": "not-an-email", "current_password": PASSWORD},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
    ],
)
def test_an_email_change_needs_the_password_and_the_address_twice(
    cumbria, cumbria_client, parent, data, field, message, django_capture_on_commit_callbacks
):
    reverify(sign_in(cumbria_client, cumbria, parent))
    with django_capture_on_commit_callbacks(execute=True):
        response = cumbria_client.post(reverse("accounts:change-email"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert response.context["form"]["email"].value() == data["email"]  # typed values kept
    assert not emails_in(cumbria, "parent@example.org")
    assert not emails_in(cumbria, data["email"].lower())


def test_an_email_change_sends_a_link_to_the_new_address_and_a_notice_to_the_old(
    cumbria, cumbria_client, parent, django_capture_on_commit_callbacks
):
    sign_in(cumbria_client, cumbria, parent)
    with django_capture_on_commit_callbacks(execute=True):
        response = request_email_change(cumbria_client, "New.Address@Example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my-account")
    banner = cumbria_client.get(reverse("accounts:my-account")).content.decode()
    assert "Check your email: we have sent a link to new.address@example.org" in banner
    parent.refresh_from_db()
    assert parent.email == "parent@example.org"  # nothing changes until the link is opened

    [confirm] = emails_in(cumbria, "new.address@example.org")
    assert confirm.subject == "Confirm your new email address"
    assert link_in(confirm).startswith(council_url(council=cumbria, path="/account/email/confirm/"))
    [notice] = emails_in(cumbria, "parent@example.org")
    assert notice.subject == "Someone asked to change your email address"
    assert "new.address@example.org" not in notice.body
    assert masked_email("new.address@example.org") in notice.body
    assert "/account/password/" in notice.body


def test_the_link_confirms_the_new_address_once(cumbria, cumbria_client, parent, django_capture_on_commit_callbacks):
    sign_in(cumbria_client, cumbria, parent)
    with django_capture_on_commit_callbacks(execute=True):
        request_email_change(cumbria_client, "new@example.org")
    link = path_of(link_in(emails_in(cumbria, "new@example.org")[0]))
    somewhere_else = Client(HTTP_HOST=CUMBRIA.domain)  # the new inbox, maybe another browser, not signed in

    shown = somewhere_else.get(link)
    assert shown.status_code == 200
    assert "new@example.org" in shown.content.decode()
    parent.refresh_from_db()
    assert parent.email == "parent@example.org"  # a GET (or an email scanner) changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = somewhere_else.post(link)
    assert done.status_code == 200
    assert "Your email address has been changed" in done.content.decode()
    parent.refresh_from_db()
    assert parent.email == "new@example.org"
    assert parent.email_verified_at is not None
    [changed] = [e for e in emails_in(cumbria, "parent@example.org") if e.subject == "Your email address was changed"]
    assert "new@example.org" not in changed.body
    assert is_signed_in(cumbria_client)  # changing the email does not sign anyone out

    again = somewhere_else.post(link)
    assert again.status_code == 400
    assert "This link has already been used or is not valid" in again.content.decode()
    assert somewhere_else.get(link).status_code == 400


def test_the_link_expires_after_24_hours(
    cumbria, cumbria_client, parent, django_capture_on_commit_callbacks, monkeypatch
):
    sign_in(cumbria_client, cumbria, parent)
    with django_capture_on_commit_callbacks(execute=True):
        request_email_change(cumbria_client, "new@example.org")
    link = path_of(link_in(emails_in(cumbria, "new@example.org")[0]))

    now = time.time()
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: now + 23 * 3600))
    assert cumbria_client.get(link).status_code == 200
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: now + 24 * 3600 + 5))
    response = cumbria_client.post(link)

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    parent.refresh_from_db()
    assert parent.email == "parent@example.org"


def test_a_password_change_cancels_a_pending_email_change(
    cumbria, cumbria_client, parent, django_capture_on_commit_callbacks
):
    sign_in(cumbria_client, cumbria, parent)
    with django_capture_on_commit_callbacks(execute=True):
        request_email_change(cumbria_client, "new@example.org")
        change_password(cumbria_client, PASSWORD, GOOD_NEW_PASSWORD)
    link = path_of(link_in(emails_in(cumbria, "new@example.org")[0]))

    assert cumbria_client.post(link).status_code == 400
    parent.refresh_from_db()
    assert parent.email == "parent@example.org"


def test_a_link_works_only_on_the_council_site_that_sent_it(
    cumbria, cumbria_client, somerset_client, parent, django_capture_on_commit_callbacks
):
    sign_in(cumbria_client, cumbria, parent)
    with django_capture_on_commit_callbacks(execute=True):
        request_email_change(cumbria_client, "new@example.org")
    link = path_of(link_in(emails_in(cumbria, "new@example.org")[0]))

    assert somerset_client.post(link).status_code == 400
    assert cumbria_client.get(link[:-6] + "xxxxx/").status_code == 400  # altered
    parent.refresh_from_db()
    assert parent.email == "parent@example.org"


def test_asking_for_an_address_another_account_has_looks_the_same_and_sends_no_link(
    cumbria, cumbria_client, parent, django_capture_on_commit_callbacks
):
    Account.objects.create_user("taken@example.org", "another long password", is_active=True)
    sign_in(cumbria_client, cumbria, parent)

    with django_capture_on_commit_callbacks(execute=True):
        taken = request_email_change(cumbria_client, "taken@example.org")
    taken_banner = banner(cumbria_client.get(reverse("accounts:my-account")))
    with django_capture_on_commit_callbacks(execute=True):
        free = request_email_change(cumbria_client, "free@example.org")
    free_banner = banner(cumbria_client.get(reverse("accounts:my-account")))

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert taken_banner.replace("taken@", "free@") == free_banner
    [note] = emails_in(cumbria, "taken@example.org")
    assert note.subject == "Someone tried to use this email address"
    assert "/account/email/confirm/" not in note.body
    assert council_url(council=cumbria, path="/sign-in/") in note.body
    notices = emails_in(cumbria, "parent@example.org")
    assert [n.subject for n in notices] == ["Someone asked to change your email address"] * 2


def test_an_address_taken_after_the_link_was_sent_is_refused_neutrally(
    cumbria, cumbria_client, parent, django_capture_on_commit_callbacks
):
    sign_in(cumbria_client, cumbria, parent)
    with django_capture_on_commit_callbacks(execute=True):
        request_email_change(cumbria_client, "new@example.org")
    link = path_of(link_in(emails_in(cumbria, "new@example.org")[0]))
    Account.objects.create_user("new@example.org", "another long password", is_active=True)

    for response in (cumbria_client.get(link), cumbria_client.post(link)):
        assert response.status_code == 400
        page = response.content.decode()
        assert "This email address cannot be used" in page
        assert "already" not in page.split("<main", 1)[1].split("</main>")[0]
    parent.refresh_from_db()
    assert parent.email == "parent@example.org"


# Changing name, address and phone numbers ------------------------------------------------

DETAILS = {
    "first_name": "Alex",
    "last_name": "Smith",
    "address_line_1": "2 Fore Street",
    "address_line_2": "Flat 3",
    "town": "Kendal",
    "postcode": " la9  4dl ",
    "phone_1": "01632 960 001",
    "phone_2": "+44 808 157 0192",
}


def test_the_details_form_is_prefilled(cumbria, cumbria_client, parent):
    sign_in(cumbria_client, cumbria, parent)
    form = cumbria_client.get(reverse("accounts:change-details")).context["form"]
    assert form["first_name"].value() == "Sam"
    assert form["postcode"].value() == "TA1 1AA"
    assert form["phone_1"].value() == "07700 900 982"
    assert form["phone_2"].value() == ""


def test_details_are_saved_with_the_postcode_tidied(cumbria, cumbria_client, parent):
    sign_in(cumbria_client, cumbria, parent)
    response = cumbria_client.post(reverse("accounts:change-details"), DETAILS)

    assert response.status_code == 302
    parent.refresh_from_db()
    assert (parent.first_name, parent.last_name) == ("Alex", "Smith")
    assert (parent.address_line_1, parent.address_line_2, parent.town) == ("2 Fore Street", "Flat 3", "Kendal")
    assert parent.postcode == "LA9 4DL"
    assert parent.phone_numbers == ["01632 960 001", "+44 808 157 0192"]
    assert "Your details have been updated" in cumbria_client.get(reverse("accounts:my-account")).content.decode()


def test_a_confirmation_shows_once_in_a_success_banner_above_the_page_then_goes(cumbria, cumbria_client, parent):
    sign_in(cumbria_client, cumbria, parent)
    response = cumbria_client.post(reverse("accounts:change-details"), DETAILS, follow=True)

    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group()
    assert main.count("Your details have been updated") == 1
    assert len(re.findall(r'class="govuk-notification-banner[ "]', main)) == 1
    assert 'govuk-notification-banner--success" role="alert"' in banner(response)
    assert main.index("Your details have been updated") < main.index("<h1")
    again = cumbria_client.get(reverse("accounts:my-account")).content.decode()
    assert "Your details have been updated" not in again
    assert "govuk-notification-banner" not in again


def test_the_confirmation_shows_on_whichever_page_comes_next(cumbria, cumbria_client, parent):
    sign_in(cumbria_client, cumbria, parent)
    cumbria_client.post(reverse("accounts:change-details"), DETAILS)

    home = cumbria_client.get(reverse("home"))

    assert home.status_code == 200
    assert home.content.decode().count("Your details have been updated") == 1
    assert 'role="alert"' in banner(home)


def test_phone_numbers_are_optional(cumbria, cumbria_client, parent):
    sign_in(cumbria_client, cumbria, parent)
    cumbria_client.post(reverse("accounts:change-details"), DETAILS | {"phone_1": "", "phone_2": ""})
    parent.refresh_from_db()
    assert parent.phone_numbers == []


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("postcode", "ABC 123", "Enter a real postcode, like SW1A 1AA"),
        ("postcode", "", "Enter postcode"),
        ("first_name", "", "Enter your first name"),
        ("address_line_1", "", "Enter address line 1, typically the building and street"),
        ("phone_1", "call me", "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
        ("phone_2", "0123", "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
    ],
)
def test_wrong_details_are_refused_keeping_what_was_typed(cumbria, cumbria_client, parent, field, typed, message):
    sign_in(cumbria_client, cumbria, parent)
    response = cumbria_client.post(reverse("accounts:change-details"), DETAILS | {field: typed})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {field: [message]}
    assert form["last_name"].value() == "Smith"
    assert form[field].value() == typed
    assert f'href="#id_{field}">{message}</a>' in response.content.decode()
    parent.refresh_from_db()
    assert parent.first_name == "Sam"


# Signing out everywhere ----------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_on_every_council(cumbria, somerset, parent):
    here = sign_in(Client(HTTP_HOST=CUMBRIA.domain), cumbria, parent)
    phone = sign_in(Client(HTTP_HOST=CUMBRIA.domain), cumbria, parent)
    other_council = sign_in(Client(HTTP_HOST=SOMERSET.domain), somerset, parent)
    version = parent.session_version

    assert here.get(reverse("accounts:sign-out-everywhere")).status_code == 200  # asks first
    response = here.post(reverse("accounts:sign-out-everywhere"))

    assert response.status_code == 200
    assert "You have been signed out everywhere" in response.content.decode()
    assert response.context["user"].is_anonymous
    parent.refresh_from_db()
    assert parent.session_version == version + 1
    assert not is_signed_in(here)
    assert not is_signed_in(phone)
    assert not is_signed_in(other_council)
    assert check_password(PASSWORD, parent.password)  # the password still works for signing in again
