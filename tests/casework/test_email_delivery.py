"""How emails leave the platform: Amazon SES (through moto's server), a council's own
GOV.UK Notify service (through a local stand-in), the platform default otherwise; and
what happens when the provider or the broker is down (backoff, the retry sweep, the
operators' last resort)."""

from __future__ import annotations

import itertools
import logging
import os
import runpy
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.ses.models import ses_backends

from citizen.accounts.models import Account, AddressRequest
from citizen.accounts.tasks import sweep_address_requests
from tenants.encryption import unseal
from tenants.outbox.backends import NotifyEmailBackend, SesEmailBackend
from tenants.outbox.delivery import email_connection, email_deliver, retry_delay
from tenants.outbox.models import OutboundEmail
from tenants.outbox.services import email_queue
from tenants.outbox.tasks import deliver_email, emails_retry_due, retry_unsent_emails
from tests.casework.email_fakes import (
    NOTIFY_API_KEY,
    NOTIFY_TEMPLATE_ID,
    clock,
    free_port,
    publishing_to,
)
from tests.operators import operator_sign_in

pytestmark = pytest.mark.django_db

SES_REGION = "eu-west-2"


class ProviderDown(BaseEmailBackend):
    """A provider that refuses everything (EMAIL_BACKEND in the backoff tests)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("provider unreachable")


def use_notify(council) -> None:
    council.email_provider = council.EmailProvider.NOTIFY
    council.set_notify_api_key(NOTIFY_API_KEY)
    council.notify_template_id = NOTIFY_TEMPLATE_ID
    council.full_clean()
    council.save()


# --- Amazon SES ------------------------------------------------------------------------


@pytest.fixture
def moto_ses(settings, monkeypatch):
    """moto's server on a free loopback port, with SES pointed at it."""
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings.EMAIL_BACKEND = "tenants.outbox.backends.SesEmailBackend"
    settings.AWS_SES_REGION = SES_REGION
    settings.AWS_SES_ENDPOINT_URL = f"http://{host}:{port}"
    try:
        yield boto3.client("sesv2", region_name=SES_REGION, endpoint_url=settings.AWS_SES_ENDPOINT_URL)
    finally:
        server.stop()


def ses_messages_from(sender: str) -> list:
    sent = ses_backends[DEFAULT_ACCOUNT_ID][SES_REGION].sent_messages
    return [message for message in sent if sender in (message.source or "")]


def test_the_platform_sends_through_ses_from_a_verified_sender(moto_ses, cumbria, in_council, mailoutbox):
    moto_ses.create_email_identity(EmailIdentity=cumbria.sender_email)
    with in_council(cumbria):
        email = email_queue(to=["parent@example.org"], subject="Through SES", body="Hello from Cumbria.")
        assert isinstance(email_connection(cumbria), SesEmailBackend)
        email = email_deliver(email_id=email.id)

    assert (email.status, email.attempts, email.last_error) == (OutboundEmail.Status.SENT, 1, "")
    [message] = ses_messages_from(cumbria.sender_email)
    assert set(message.destinations) == {"parent@example.org"}  # moto lists the To header as well
    assert "Subject: Through SES" in message.raw_data
    assert f"X-Outbox-Reference: cumbria-{email.id}" in message.raw_data
    assert "Hello from Cumbria." in message.raw_data
    assert mailoutbox == []


def test_ses_refusing_an_unverified_sender_is_recorded_for_a_retry(moto_ses, somerset, in_council):
    with in_council(somerset):
        email = email_queue(to=["parent@example.org"], subject="Not verified", body="…")
        email = email_deliver(email_id=email.id)

    assert email.status == OutboundEmail.Status.FAILED
    assert "MessageRejected" in email.last_error
    assert email.next_attempt_at is not None
    assert ses_messages_from(somerset.sender_email) == []


# --- GOV.UK Notify, per council -----------------------------------------------------------


def test_a_council_with_its_own_notify_service_sends_through_it_and_another_through_the_platform(
    cumbria, somerset, in_council, fake_notify, mailoutbox, django_capture_on_commit_callbacks
):
    use_notify(cumbria)
    with django_capture_on_commit_callbacks(execute=True):
        with in_council(cumbria):
            from_cumbria = email_queue(to=["a@example.org", "b@example.org"], subject="Your code", body="123456")
        with in_council(somerset):
            from_somerset = email_queue(to=["c@example.org"], subject="Welcome", body="Hello.")

    assert fake_notify.refused == []
    assert fake_notify.received == [
        {
            "email_address": address,
            "template_id": NOTIFY_TEMPLATE_ID,
            "personalisation": {"subject": "Your code", "body": "123456"},
            "reference": f"cumbria-{from_cumbria.id}",
        }
        for address in ("a@example.org", "b@example.org")
    ]
    assert [(m.subject, m.to) for m in mailoutbox] == [("Welcome", ["c@example.org"])]
    with in_council(cumbria):
        assert OutboundEmail.objects.get(id=from_cumbria.id).status == OutboundEmail.Status.SENT
    with in_council(somerset):
        assert OutboundEmail.objects.get(id=from_somerset.id).status == OutboundEmail.Status.SENT


def test_notify_failing_is_recorded_and_retried_later(cumbria, in_council, fake_notify, mailoutbox):
    use_notify(cumbria)
    fake_notify.fail_with_status = 500
    with in_council(cumbria):
        email = email_queue(to=["a@example.org"], subject="Later", body="…")
        email = email_deliver(email_id=email.id)

    assert email.status == OutboundEmail.Status.FAILED
    assert "500" in email.last_error and "Internal server error" in email.last_error
    assert mailoutbox == []  # never quietly sent some other way


def test_the_platform_can_send_everything_through_its_own_notify_service(settings, cumbria, in_council, fake_notify):
    """EMAIL_BACKEND_KIND=notify: a council with no Notify service of its own sends
    through the platform's."""
    settings.EMAIL_BACKEND = "tenants.outbox.backends.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = NOTIFY_API_KEY
    settings.NOTIFY_TEMPLATE_ID = NOTIFY_TEMPLATE_ID
    with in_council(cumbria):
        assert not cumbria.sends_with_notify
        email = email_deliver(email_id=email_queue(to=["a@example.org"], subject="Your code", body="654321").id)

    assert email.status == OutboundEmail.Status.SENT
    assert fake_notify.refused == []
    assert [(n["email_address"], n["personalisation"]["subject"]) for n in fake_notify.received] == [
        ("a@example.org", "Your code")
    ]


def _base_settings_with(monkeypatch, **environment):
    for name in ("EMAIL_BACKEND_KIND", "NOTIFY_API_KEY", "NOTIFY_TEMPLATE_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py"))


def test_a_platform_notify_without_its_key_or_template_stops_the_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID"):
        _base_settings_with(monkeypatch, EMAIL_BACKEND_KIND="notify", NOTIFY_API_KEY=NOTIFY_API_KEY)
    configured = _base_settings_with(
        monkeypatch, EMAIL_BACKEND_KIND="notify", NOTIFY_API_KEY=NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID=NOTIFY_TEMPLATE_ID
    )
    assert configured["EMAIL_BACKEND"] == "tenants.outbox.backends.NotifyEmailBackend"


# --- SMTP (EMAIL_URL=smtp://…), against a real SMTP server on 127.0.0.1 ---------------------


@pytest.fixture
def smtp_server(settings):
    """aiosmtpd on a free loopback port; what it received is in `.received`."""
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.received = []
            self.refuse = False

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if self.refuse:
                return "550 5.1.1 Mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.received.append(envelope)
            return "250 Message accepted for delivery"

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()


def test_smtp_delivers_from_the_council_sender_with_the_outbox_reference(smtp_server, somerset, in_council):
    with in_council(somerset):
        email = email_deliver(
            email_id=email_queue(to=["carer@example.org"], subject="Through SMTP", body="Hello from Somerset.").id
        )

    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 1)
    [envelope] = smtp_server.received
    assert envelope.mail_from == somerset.sender_email
    assert envelope.rcpt_tos == ["carer@example.org"]
    message = envelope.content.decode()
    assert "Subject: Through SMTP" in message and "Hello from Somerset." in message
    assert f"X-Outbox-Reference: somerset-{email.id}" in message


def test_an_smtp_server_refusing_the_recipient_is_recorded_for_a_retry(smtp_server, cumbria, in_council):
    smtp_server.refuse = True
    with in_council(cumbria):
        email = email_deliver(email_id=email_queue(to=["gone@example.org"], subject="Refused", body="…").id)

    assert email.status == OutboundEmail.Status.FAILED
    assert "550" in email.last_error and email.next_attempt_at is not None
    assert smtp_server.received == []


def test_a_council_half_set_up_for_notify_is_refused(cumbria):
    cumbria.email_provider = cumbria.EmailProvider.NOTIFY
    with pytest.raises(ValidationError, match="enter the council's Notify API key and template ID"):
        cumbria.full_clean()
    assert not cumbria.sends_with_notify


def test_the_notify_key_is_stored_encrypted(cumbria):
    use_notify(cumbria)
    cumbria.refresh_from_db()
    assert NOTIFY_API_KEY not in cumbria.notify_api_key_encrypted
    assert unseal(cumbria.notify_api_key_encrypted) == NOTIFY_API_KEY == cumbria.notify_api_key()
    assert cumbria.notify_api_key_last4 == NOTIFY_API_KEY[-4:]
    backend = email_connection(cumbria)
    assert isinstance(backend, NotifyEmailBackend)


@pytest.mark.parametrize("key", ["not-a-key", NOTIFY_API_KEY[:-1], NOTIFY_API_KEY.replace("-", "_")])
def test_a_malformed_notify_key_is_refused(cumbria, key):
    with pytest.raises(ValidationError, match=r"whole GOV\.UK Notify API key"):
        cumbria.set_notify_api_key(key)


def test_operators_set_the_notify_key_but_never_see_it_again(platform_client, cumbria):
    operator_sign_in(platform_client)
    url = f"/admin/tenants/council/{cumbria.pk}/change/"
    data = _form_data(platform_client.get(url).context)
    with_notify = data | {"email_provider": "notify", "notify_template_id": NOTIFY_TEMPLATE_ID}
    assert platform_client.post(url, with_notify | {"notify_api_key": NOTIFY_API_KEY}).status_code == 302
    cumbria.refresh_from_db()
    assert cumbria.sends_with_notify and cumbria.notify_api_key() == NOTIFY_API_KEY

    page = platform_client.get(url).content.decode()
    assert NOTIFY_API_KEY not in page and NOTIFY_API_KEY[-36:] not in page
    assert cumbria.notify_api_key_encrypted not in page
    assert f"A key is stored (ending {NOTIFY_API_KEY[-4:]})" in page

    # Saving the page again with the key field empty (as the browser sends it) keeps the key.
    assert platform_client.post(url, with_notify).status_code == 302
    cumbria.refresh_from_db()
    assert cumbria.notify_api_key() == NOTIFY_API_KEY

    refused = platform_client.post(url, with_notify | {"notify_api_key": "short"})
    assert "whole GOV.UK Notify API key" in refused.content.decode()
    removed = platform_client.post(url, data | {"email_provider": "platform", "remove_notify_api_key": "on"})
    assert removed.status_code == 302
    cumbria.refresh_from_db()
    assert (cumbria.notify_api_key_encrypted, cumbria.notify_api_key_last4) == ("", "")


def _form_data(context) -> dict:
    """What a browser would post back from the admin change page, unchanged."""
    forms = [context["adminform"].form]
    data = {}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {bound.html_name: bound.value() for bound in formset.management_form}
        forms += formset.forms
    for form in forms:
        for bound in form:
            value = bound.value()
            if not (value is None or value is False or getattr(bound.field.widget, "input_type", "") == "file"):
                data[bound.html_name] = value
    return data


# --- Backoff, the sweep, the operators' retry ---------------------------------------------


def test_a_failing_email_is_retried_with_growing_delays_then_left_for_the_operators(
    settings, cumbria, in_council, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.casework.test_email_delivery.ProviderDown"
    start = timezone.now()
    with in_council(cumbria), clock(start), django_capture_on_commit_callbacks(execute=True):
        email = email_queue(to=["parent@example.org"], subject="Keeps failing", body="…")

    now = start
    attempts_at = [start]
    with in_council(cumbria):
        while True:
            email.refresh_from_db()
            if email.next_attempt_at is None:
                break
            delay = email.next_attempt_at - now
            assert delay == retry_delay(email.attempts)
            with clock(now + delay - timedelta(seconds=1)), django_capture_on_commit_callbacks(execute=True):
                assert emails_retry_due() == []  # not before its time
            now += delay
            with clock(now), django_capture_on_commit_callbacks(execute=True):
                assert emails_retry_due() == [email.id]
            attempts_at.append(now)

        assert email.status == OutboundEmail.Status.FAILED
        assert email.attempts == settings.EMAIL_MAX_ATTEMPTS == len(attempts_at)
        gaps = [(b - a).total_seconds() / 60 for a, b in itertools.pairwise(attempts_at)]
        assert gaps == [1, 2, 4, 8, 16, 32, 60]
        assert "ConnectionRefusedError: provider unreachable" in email.last_error

        # Given up: no sweep picks it again, and a stray task does not spend an attempt.
        with clock(now + timedelta(days=2)), django_capture_on_commit_callbacks(execute=True):
            assert emails_retry_due() == []
            deliver_email.delay(email.id)
        email.refresh_from_db()
        assert email.attempts == settings.EMAIL_MAX_ATTEMPTS


def test_a_stray_task_does_not_retry_a_failed_email_before_its_time(settings, cumbria, in_council):
    settings.EMAIL_BACKEND = "tests.casework.test_email_delivery.ProviderDown"
    with in_council(cumbria):
        email = email_queue(to=["parent@example.org"], subject="Once", body="…")
        email_deliver(email_id=email.id)
        email_deliver(email_id=email.id)  # the same task delivered twice by the broker
        email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.FAILED, 1)


def test_the_sweep_sends_what_was_never_published_once_and_only_in_its_council(
    cumbria, somerset, in_council, mailoutbox, django_capture_on_commit_callbacks
):
    # Rows as a broker outage leaves them: committed, never published.
    long_ago = timezone.now() - timedelta(minutes=5)
    with in_council(cumbria):
        stuck = OutboundEmail.objects.create(to=["a@example.org"], from_address="x@example.org", subject="S1", body="…")
        fresh = OutboundEmail.objects.create(to=["b@example.org"], from_address="x@example.org", subject="S2", body="…")
        OutboundEmail.objects.filter(id=stuck.id).update(created_at=long_ago)
    with in_council(somerset):
        other = OutboundEmail.objects.create(to=["c@example.org"], from_address="y@example.org", subject="S3", body="…")
        OutboundEmail.objects.filter(id=other.id).update(created_at=long_ago)

    with in_council(cumbria), django_capture_on_commit_callbacks(execute=True):
        assert retry_unsent_emails.delay().get() == 1
    with in_council(cumbria), django_capture_on_commit_callbacks(execute=True):
        assert retry_unsent_emails.delay().get() == 0  # a second sweep finds nothing more
        deliver_email.delay(stuck.id)  # nor does a duplicate task send it again

    assert [m.subject for m in mailoutbox] == ["S1"]
    with in_council(cumbria):
        assert OutboundEmail.objects.get(id=fresh.id).status == OutboundEmail.Status.QUEUED  # its own task is due
    with in_council(somerset):
        assert OutboundEmail.objects.get(id=other.id).status == OutboundEmail.Status.QUEUED


def test_the_sweep_refuses_to_run_in_the_public_schema(caplog):
    with caplog.at_level(logging.ERROR, logger="casework.tasks"):
        assert retry_unsent_emails.delay().get() == 0
    assert "ran in the public schema" in caplog.text


# --- The broker down ------------------------------------------------------------------------


def test_a_broker_outage_leaves_the_email_queued_and_the_page_working(
    cumbria_client, cumbria, in_council, django_capture_on_commit_callbacks, caplog, mailoutbox
):
    """A forgotten-password request is written to PostgreSQL before its task is queued:
    with the broker down the page still answers, and the council's minute sweep turns
    the request into a queued email, which the outbox's own sweep then sends."""
    Account.objects.create_user("parent@example.org", "a long family password", is_active=True)
    nobody_listening = f"redis://127.0.0.1:{free_port()}/0"

    with publishing_to(nobody_listening), caplog.at_level(logging.WARNING, logger="tenants.enqueue"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            answer = cumbria_client.post("/password/forgotten/", {"email": "parent@example.org"})
        assert answer.status_code == 302
        assert cumbria_client.get(answer["Location"]).status_code == 200

    assert len(callbacks) == 1
    assert "could not publish citizen.accounts.tasks.handle_address_request in cumbria" in caplog.text
    assert AddressRequest.objects.filter(schema_name=cumbria.schema_name).count() == 1
    with in_council(cumbria):
        assert not OutboundEmail.objects.filter(to=["parent@example.org"]).exists()
        # Not yet a minute old: the task may still be on its way.
        with django_capture_on_commit_callbacks(execute=True):
            assert sweep_address_requests.delay().get() == 0

    a_minute_later = timezone.now() + timedelta(minutes=1, seconds=1)
    with (
        publishing_to(nobody_listening),  # still down
        caplog.at_level(logging.WARNING, logger="tenants.enqueue"),
        in_council(cumbria),
        clock(a_minute_later),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sweep_address_requests() == 1  # as the worker runs it, in the council

    assert "could not publish casework.tasks.deliver_email in cumbria" in caplog.text
    assert not AddressRequest.objects.exists()  # answered, and the address forgotten
    with in_council(cumbria):
        email = OutboundEmail.objects.get(to=["parent@example.org"])
    assert (email.status, email.attempts) == (OutboundEmail.Status.QUEUED, 0)
    assert "Reset your" in email.subject
    assert mailoutbox == []


def test_the_address_request_sweep_answers_only_its_own_councils_requests(
    cumbria, somerset, in_council, django_capture_on_commit_callbacks
):
    Account.objects.create_user("parent@example.org", "a long family password", is_active=True)
    long_ago = timezone.now() - timedelta(minutes=5)
    AddressRequest.objects.create(
        schema_name=cumbria.schema_name,
        kind=AddressRequest.Kind.PASSWORD_RESET,
        email="parent@example.org",
        created_at=long_ago,
    )
    AddressRequest.objects.create(
        schema_name=cumbria.schema_name,
        kind=AddressRequest.Kind.PASSWORD_RESET,
        email="nobody@example.org",
        created_at=long_ago,
    )

    with in_council(somerset), django_capture_on_commit_callbacks(execute=True):
        assert sweep_address_requests.delay().get() == 0
        assert not OutboundEmail.objects.filter(to=["parent@example.org"]).exists()
    assert AddressRequest.objects.count() == 2

    with in_council(cumbria), django_capture_on_commit_callbacks(execute=True):
        assert sweep_address_requests.delay().get() == 2  # the unknown address is answered with silence
        assert OutboundEmail.objects.filter(to=["parent@example.org"]).count() == 1
        assert not OutboundEmail.objects.filter(to=["nobody@example.org"]).exists()
    assert not AddressRequest.objects.exists()


def test_the_address_request_sweep_refuses_to_run_in_the_public_schema(caplog):
    with caplog.at_level(logging.ERROR, logger="citizen.accounts.tasks"):
        assert sweep_address_requests.delay().get() == 0
    assert "ran in the public schema" in caplog.text
