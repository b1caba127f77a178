"""The platform operators' list of undelivered emails across every council
(/admin/outbox/ on the platform's own site)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from citizen.accounts.models import Account
from tenants.outbox.models import OutboundEmail
from tests.operators import operator_sign_in

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/outbox/"
SECRET_BODY = "Your code is 481516"


def outbox_email(council, in_council, *, subject: str, status: str, age=timedelta(0), **fields) -> OutboundEmail:
    with in_council(council):
        email = OutboundEmail.objects.create(
            to=["jane.doe@example.org"],
            from_address=council.from_address,
            subject=subject,
            body=SECRET_BODY,
            status=status,
            **fields,
        )
        OutboundEmail.objects.filter(id=email.id).update(created_at=timezone.now() - age)
    return email


@pytest.fixture
def operator_client(platform_client):
    operator_sign_in(platform_client)
    return platform_client


@pytest.fixture
def stuck_emails(cumbria, somerset, in_council):
    failed = OutboundEmail.Status.FAILED
    return {
        "cumbria failed": outbox_email(
            cumbria, in_council, subject="Cumbria code", status=failed, attempts=8, last_error="SMTPException: 421"
        ),
        "somerset failed": outbox_email(
            somerset,
            in_council,
            subject="Somerset welcome",
            status=failed,
            attempts=2,
            last_error="HTTPError: 500",
            next_attempt_at=timezone.now() + timedelta(minutes=2),
        ),
        "somerset stuck": outbox_email(
            somerset, in_council, subject="Somerset stuck", status="queued", age=timedelta(minutes=20)
        ),
        "cumbria recent": outbox_email(cumbria, in_council, subject="Cumbria just queued", status="queued"),
        "cumbria sent": outbox_email(cumbria, in_council, subject="Cumbria delivered", status="sent"),
    }


def test_operators_see_every_councils_failed_and_stuck_emails_without_bodies(operator_client, stuck_emails):
    answer = operator_client.get(OUTBOX)

    assert answer.status_code == 200
    page = answer.content.decode()
    for shown in ["Cumbria County Council", "Somerset Council", "Cumbria code", "Somerset welcome", "Somerset stuck"]:
        assert shown in page
    for hidden in ["Cumbria just queued", "Cumbria delivered", SECRET_BODY, "481516", "jane.doe@example.org"]:
        assert hidden not in page
    assert "j***@example.org" in page
    assert "SMTPException: 421" in page and "HTTPError: 500" in page
    assert "none: attempts used up" in page  # Cumbria's, after its 8 attempts


def test_the_list_costs_the_same_queries_however_many_emails(
    operator_client, cumbria, somerset, in_council, stuck_emails, real_queries
):
    operator_client.get(OUTBOX)  # the host's council is looked up once, then cached
    with real_queries() as few:
        operator_client.get(OUTBOX)
    for n in range(10):
        outbox_email(cumbria, in_council, subject=f"More {n}", status="failed", attempts=1)
        outbox_email(somerset, in_council, subject=f"More {n}", status="failed", attempts=1)
    with real_queries() as many:
        page = operator_client.get(OUTBOX).content.decode()
    assert "More 9" in page
    assert many.count == few.count


@pytest.mark.parametrize(
    ("who", "expected"),
    [("operator", 200), ("family account", "login"), ("nobody", "login")],
)
def test_only_operators_may_see_the_outbox(platform_client, who, expected):
    if who == "operator":
        operator_sign_in(platform_client)
    elif who == "family account":
        platform_client.force_login(Account.objects.create_user("parent@example.org", "a long family password"))
    for path, method in [(OUTBOX, "get"), (f"{OUTBOX}cumbria/1/retry/", "post")]:
        answer = getattr(platform_client, method)(path)
        if expected == "login":
            assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")
        elif method == "get":
            assert answer.status_code == expected


@pytest.mark.parametrize("client_fixture", ["cumbria_client", "somerset_client"])
def test_a_council_host_never_serves_the_outbox(request, client_fixture):
    assert request.getfixturevalue(client_fixture).get(OUTBOX).status_code == 404


def test_retry_now_sends_a_given_up_email_in_its_own_council(
    operator_client, cumbria, somerset, in_council, stuck_emails, mailoutbox, django_capture_on_commit_callbacks
):
    email = stuck_emails["cumbria failed"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = operator_client.post(f"{OUTBOX}cumbria/{email.id}/retry/")

    assert answer.status_code == 302 and answer["Location"] == OUTBOX
    assert [(m.subject, m.from_email) for m in mailoutbox] == [("Cumbria code", cumbria.from_address)]
    with in_council(cumbria):
        email.refresh_from_db()
        assert (email.status, email.attempts, email.last_error) == ("sent", 9, "")
    with in_council(somerset):
        assert not OutboundEmail.objects.filter(status="sent", subject="Cumbria code").exists()
    assert "Cumbria code" not in operator_client.get(OUTBOX).content.decode()


def test_retry_now_answers_only_to_a_post_and_a_real_council(operator_client, stuck_emails):
    email = stuck_emails["cumbria failed"]
    assert operator_client.get(f"{OUTBOX}cumbria/{email.id}/retry/").status_code == 405
    assert operator_client.post(f"{OUTBOX}public/{email.id}/retry/").status_code == 404
    assert operator_client.post(f"{OUTBOX}nowhere/{email.id}/retry/").status_code == 404
