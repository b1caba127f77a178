"""Two-step codes by text message (issue 16, item 4; WCAG 2.2, 3.3.8): where the council
offers texts, a family member proves a mobile number by typing a code texted to it, and
from then on sign-in codes come by text; "Confirm it is you" before a change still goes
to the email address; going back to email is one button; a council that stops offering
texts sends codes by email again. Texts go through GOV.UK Notify's local stand-in."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from citizen.accounts.models import Account
from citizen.accounts.services_two_step import CodePurpose, two_step_code_send
from tenants.models import SignInPolicy
from tenants.outbox.models import OutboundEmail, OutboundText
from tests.casework.conftest import make_account, staff_account, staff_client  # noqa: F401 (fixtures)
from tests.casework.email_fakes import NOTIFY_API_KEY, NOTIFY_SMS_TEMPLATE_ID, fake_notify  # noqa: F401 (a fixture)

from .test_my_account import reverify, sign_in

pytestmark = pytest.mark.django_db

PAGE = "/two-step/text/"


@pytest.fixture
def parent() -> Account:
    return make_account("parent@example.org", first_name="Sam", last_name="Jones")


@pytest.fixture
def texts_offered(settings, fake_notify):  # noqa: F811 (the fixture imported above)
    settings.NOTIFY_API_KEY = NOTIFY_API_KEY
    settings.NOTIFY_SMS_TEMPLATE_ID = NOTIFY_SMS_TEMPLATE_ID
    return fake_notify


def _client(council, account) -> Client:
    return reverify(sign_in(Client(HTTP_HOST=council.get_primary_domain().domain), council, account))


def _texted_code(council, number: str = "+447700900982") -> str:
    with tenant_context(council):
        body = OutboundText.objects.filter(to=number).order_by("-id").first().body
    return re.match(r"(\d{6}) is your ", body).group(1)


def test_a_parent_proves_a_mobile_and_then_signs_in_with_a_texted_code(
    site, parent, texts_offered, post, django_capture_on_commit_callbacks
):
    client = _client(site.council, parent)
    assert "Get your codes by text message instead" in client.get("/account/").content.decode()

    sent = post(client, PAGE, {"action": "send", "mobile": "07700 900 982"})
    assert "We have sent a security code by text message to <strong>07700 900 982</strong>" in sent.content.decode()
    wrong = post(client, PAGE, {"action": "confirm", "code": "000000"})
    assert "The code is not right. Check the code in the text message" in wrong.content.decode()
    done = post(client, PAGE, {"action": "confirm", "code": _texted_code(site.council)}, follow=True)

    assert "We will send your security codes by text message to 07700 900 982" in done.content.decode()
    parent.refresh_from_db()
    assert (parent.codes_by, parent.mobile) == ("text", "+447700900982")
    with tenant_context(site.council):
        notice = OutboundEmail.objects.filter(subject="How you get your security codes has changed").get()
        assert "ending 982" in notice.body
    # Signing in next time: the code comes by text, and the page says where.
    fresh = sign_in(Client(HTTP_HOST=site.council.get_primary_domain().domain), site.council, parent, two_step=False)
    with django_capture_on_commit_callbacks(execute=True):
        page = fresh.get("/two-step/").content.decode()
    assert "Check your phone" in page and "07700 900 982" in page
    assert texts_offered.texts[-1]["phone_number"] == "+447700900982"
    assert re.match(
        r"\d{6} is your .+ security code\. It works for \d+ minutes", texts_offered.texts[-1]["personalisation"]["body"]
    )
    answer = post(fresh, "/two-step/", {"code": _texted_code(site.council)})
    assert answer.status_code == 302


def test_confirming_a_change_still_emails_the_code(site, parent, texts_offered):
    parent.codes_by, parent.mobile = "text", "+447700900982"
    parent.save(update_fields=["codes_by", "mobile"])
    with tenant_context(site.council):
        policy = SignInPolicy.objects.get(council=site.council)
        sending = two_step_code_send(
            account=parent, policy=policy, council=site.council, purpose=CodePurpose.CONFIRM_CHANGE
        )
        assert sending.sent and not sending.texted_to
        assert OutboundEmail.objects.filter(to=[parent.email]).exists()
        assert not OutboundText.objects.exists()


def test_back_to_email_is_one_button(site, parent, texts_offered, post):
    parent.codes_by, parent.mobile = "text", "+447700900982"
    parent.save(update_fields=["codes_by", "mobile"])

    post(_client(site.council, parent), PAGE, {"action": "email"})

    parent.refresh_from_db()
    assert parent.codes_by == "email"


def test_a_wrong_number_is_named_and_nothing_is_sent(site, parent, texts_offered, post):
    page = post(_client(site.council, parent), PAGE, {"action": "send", "mobile": "01823 355455"}).content.decode()

    assert "Enter a UK mobile number, like 07700 900 982" in page and 'value="01823 355455"' in page
    assert texts_offered.texts == []
    parent.refresh_from_db()
    assert parent.codes_by == "email"


def test_where_the_council_offers_no_texts_there_is_no_such_page_and_codes_go_by_email(site, parent, settings):
    parent.codes_by, parent.mobile = "text", "+447700900982"
    parent.save(update_fields=["codes_by", "mobile"])
    client = _client(site.council, parent)

    assert client.get(PAGE).status_code == 404
    assert "by text message" not in client.get("/account/").content.decode()
    with tenant_context(site.council):
        policy = SignInPolicy.objects.get(council=site.council)
        assert not two_step_code_send(account=parent, policy=policy, council=site.council).texted_to
        assert OutboundEmail.objects.filter(to=[parent.email]).exists()


def test_staff_keep_their_authenticator_app(site, staff_client, texts_offered):  # noqa: F811
    client = reverify(staff_client(site.council))
    assert client.get(PAGE).status_code == 404


def test_the_page_needs_a_fresh_confirmation_first(site, parent, texts_offered):
    client = sign_in(Client(HTTP_HOST=site.council.get_primary_domain().domain), site.council, parent)
    assert "/account/confirm-it-is-you/" in client.get(PAGE)["Location"]
    assert Account.objects.get(pk=parent.pk).codes_by == "email"
