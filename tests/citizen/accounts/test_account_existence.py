"""Nobody learns whether an email address has an account (issue 18, item 9): not from how
much work a wrong sign-in or a reset request costs, and not from rate limits, which
answer with the same page and send nothing past the limit. The timings themselves are
measured by bench/sign_in_timing.py, not asserted here."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA
from citizen.accounts.models import Account
from tenants.models import Council
from tenants.outbox.models import OutboundEmail
from tests.factories import AccountFactory

PASSWORD = "Kestrel-Harbour-42!"  # meets both councils' policies
FORGOTTEN = "/password/forgotten/"
RESEND = "/activate/resend/"
REGISTER = "/register/"
PER_EMAIL = int(settings.EMAIL_REQUEST_RATE_PER_EMAIL.split("/")[0])
PER_ADDRESS = int(settings.EMAIL_REQUEST_RATE_PER_ADDRESS.split("/")[0])


def make_account(email: str, **fields) -> Account:
    return AccountFactory(email=email, password=PASSWORD, **({"first_name": "Sam", "last_name": ""} | fields))


def emails_in(council: Council, *to: str) -> list[OutboundEmail]:
    with tenant_context(council):
        return list(OutboundEmail.objects.filter(to__overlap=list(to)).order_by("id"))


def text_of(response) -> str:
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group()
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def registration(email: str) -> dict:
    return {
        "email": email,
        "email_confirm": email,
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


# --- The same work whatever the address.


@pytest.fixture
def password_hashes(monkeypatch):
    """How many times a password is hashed (the test settings' hasher)."""
    calls = []
    encode = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(1)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


@pytest.mark.parametrize(
    "email", ["nobody@example.org", "active@example.org", "not-activated@example.org", "deactivated@example.org"]
)
def test_a_wrong_password_costs_one_password_hash_whatever_the_address(cumbria_client, password_hashes, email):
    make_account("active@example.org")
    make_account("not-activated@example.org", is_active=False, email_verified_at=None)
    make_account("deactivated@example.org", is_active=False)
    password_hashes.clear()

    response = cumbria_client.post("/sign-in/", {"email": email, "password": "Wrong-Password-1"})

    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert len(password_hashes) == 1


def test_the_right_password_for_an_account_not_activated_says_so_with_one_hash(cumbria_client, password_hashes):
    make_account("not-activated@example.org", is_active=False, email_verified_at=None)
    password_hashes.clear()

    response = cumbria_client.post("/sign-in/", {"email": "not-activated@example.org", "password": PASSWORD})

    assert "Activate your account first" in response.content.decode()
    assert len(password_hashes) == 1


@pytest.mark.parametrize("path", [FORGOTTEN, RESEND])
def test_a_request_about_an_address_does_the_same_work_whether_or_not_it_has_an_account(
    path, cumbria_client, real_queries, django_capture_on_commit_callbacks
):
    make_account("known@example.org", is_active=path == FORGOTTEN, email_verified_at=None)
    cumbria_client.post(path, {"email": "warming-up@example.org"})  # the council's host, looked up once
    work = {}
    for email in ("known@example.org", "nobody@example.org"):
        with real_queries() as queries, django_capture_on_commit_callbacks() as queued:
            cumbria_client.post(path, {"email": email})
        work[email] = (queries.count, len(queued))

    # Looked up and emailed after the request, in a task queued either way.
    assert work["known@example.org"] == work["nobody@example.org"]
    assert work["nobody@example.org"][1] == 1
    assert emails_in(Council.objects.get(slug=CUMBRIA.slug), "known@example.org") == []


# --- Silent rate limits.


def test_past_the_limit_a_reset_request_looks_the_same_and_sends_nothing(cumbria, cumbria_client, post):
    make_account("parent@example.org")
    answers = [post(cumbria_client, FORGOTTEN, {"email": "parent@example.org"}) for _ in range(PER_EMAIL + 1)]

    assert len(emails_in(cumbria, "parent@example.org")) == PER_EMAIL
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/password/forgotten/check-your-email/")}
    assert "parent@example.org" in text_of(cumbria_client.get(answers[-1]["Location"]))


def test_the_limit_per_email_counts_every_councils_site(cumbria, somerset, cumbria_client, somerset_client, post):
    make_account("parent@example.org")
    for n in range(PER_EMAIL):
        post([cumbria_client, somerset_client][n % 2], FORGOTTEN, {"email": "parent@example.org"})

    answer = post(somerset_client, FORGOTTEN, {"email": "Parent@Example.org"})

    assert answer.status_code == 302
    assert len(emails_in(cumbria, "parent@example.org")) + len(emails_in(somerset, "parent@example.org")) == PER_EMAIL


def test_past_the_limit_per_address_a_reset_sends_nothing_but_another_address_is_served(cumbria, post):
    make_account("parent@example.org")
    client = Client(HTTP_HOST=CUMBRIA.domain, REMOTE_ADDR="81.2.69.50")
    for n in range(PER_ADDRESS):
        post(client, FORGOTTEN, {"email": f"someone-{n}@example.org"})

    limited = post(client, FORGOTTEN, {"email": "parent@example.org"})
    assert limited.status_code == 302
    assert emails_in(cumbria, "parent@example.org") == []

    post(Client(HTTP_HOST=CUMBRIA.domain, REMOTE_ADDR="81.2.69.51"), FORGOTTEN, {"email": "parent@example.org"})
    assert len(emails_in(cumbria, "parent@example.org")) == 1


def test_past_the_limit_an_activation_resend_looks_the_same_and_sends_nothing(cumbria, cumbria_client, post):
    make_account("waiting@example.org", is_active=False, email_verified_at=None)
    pages = [text_of(post(cumbria_client, RESEND, {"email": "waiting@example.org"})) for _ in range(PER_EMAIL + 1)]

    assert len(set(pages)) == 1 and "Check your email" in pages[0]
    assert len(emails_in(cumbria, "waiting@example.org")) == PER_EMAIL


def test_past_the_limit_a_registration_looks_the_same_and_creates_and_sends_nothing(cumbria, post):
    client = Client(HTTP_HOST=CUMBRIA.domain, REMOTE_ADDR="81.2.69.60")
    answers = [post(client, REGISTER, registration(f"parent-{n}@example.org")) for n in range(PER_ADDRESS + 1)]

    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/register/check-your-email/")}
    assert f"parent-{PER_ADDRESS}@example.org" in text_of(client.get("/register/check-your-email/"))
    assert Account.objects.filter(email__startswith="parent-").count() == PER_ADDRESS
    assert not Account.objects.filter(email=f"parent-{PER_ADDRESS}@example.org").exists()
    assert emails_in(cumbria, f"parent-{PER_ADDRESS}@example.org") == []


def test_past_the_limit_registering_a_taken_address_again_tells_its_owner_nothing_more(cumbria, cumbria_client, post):
    make_account("taken@example.org")
    answers = [post(cumbria_client, REGISTER, registration("taken@example.org")) for _ in range(PER_EMAIL + 1)]

    assert {a["Location"] for a in answers} == {"/register/check-your-email/"}
    assert len(emails_in(cumbria, "taken@example.org")) == PER_EMAIL
