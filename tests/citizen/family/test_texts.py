"""Texts as well as emails (issue 16, item 3): a family member chooses email, text or
both; a text says what changed and where to sign in, never a name or what anyone wrote;
it goes through GOV.UK Notify (here a local stand-in that checks the key's signature); a
council can turn texts off; its admins see each text's length and cost.

Each test runs on both demo councils (the `family` fixture) unless it says otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, StaffRole
from casework.services.messages import message_post
from citizen.accounts.mobiles import mobile_shown, uk_mobile
from tenants.outbox.delivery import text_deliver
from tenants.outbox.models import OutboundText
from tenants.outbox.services import text_queue
from tenants.outbox.tasks import texts_retry_due
from tenants.outbox.texts import text_body, text_size
from tests.casework.email_fakes import NOTIFY_API_KEY, NOTIFY_SMS_TEMPLATE_ID, fake_notify  # noqa: F401 (a fixture)

from .conftest import CHILD_FIRST, CHILD_LAST, signed_in_client

pytestmark = pytest.mark.django_db

ALERTS = "/send/emails/"
EVERY_KIND = {"messages": "on", "documents": "on", "deadlines": "on"}


@pytest.fixture
def platform_texts(settings, fake_notify):  # noqa: F811 (the fixture imported above)
    """The platform's own Notify service sends texts (a key and a text template)."""
    settings.NOTIFY_API_KEY = NOTIFY_API_KEY
    settings.NOTIFY_SMS_TEMPLATE_ID = NOTIFY_SMS_TEMPLATE_ID
    return fake_notify


def _staff_message(family, body="The panel meets on Thursday; Marigold's report is attached."):
    with tenant_context(family.council):
        message_post(
            case=family.case, author=family.caseworker, from_send_team=True, body=body, actor_role="caseworker"
        )


def _emails_to(outbox, family, address):
    return [e for e in outbox(family.council) if address in e.to]


def test_a_parent_chooses_texts_and_a_message_from_the_send_team_arrives_as_a_text_only(
    family, post, outbox, platform_texts, django_capture_on_commit_callbacks
):
    client = signed_in_client(family.council, family.parent)
    page = client.get(ALERTS).content.decode()
    assert "Emails and texts we send you" in page and "By text message" in page

    saved = post(client, ALERTS, {**EVERY_KIND, "alerts_by": "text", "mobile": "07700 900 982"})
    assert saved.status_code == 302
    family.parent.refresh_from_db()
    assert (family.parent.alerts_by, family.parent.mobile) == ("text", "+447700900982")
    with django_capture_on_commit_callbacks(execute=True):
        _staff_message(family)

    assert platform_texts.refused == []
    (text,) = [t for t in platform_texts.texts if t["phone_number"] == "+447700900982"]
    body = text["personalisation"]["body"]
    assert text["template_id"] == NOTIFY_SMS_TEMPLATE_ID
    assert body.startswith(f"{family.council.name}: You have a new message about")
    assert "Sign in to see more: http" in body and "/send/cases/" in body
    for private in (CHILD_FIRST, CHILD_LAST, "panel", "Thursday"):
        assert private not in body
    assert not _emails_to(outbox, family, family.parent.email)  # texts only, as chosen
    assert client.get(ALERTS).content.decode().count('value="07700 900 982"') == 1
    with tenant_context(family.council):
        assert OutboundText.objects.get().status == OutboundText.Status.SENT
        assert AuditEvent.objects.filter(subject="alert_preferences", summary__contains="text").exists()


def test_both_sends_the_email_and_the_text(family, post, outbox, platform_texts, django_capture_on_commit_callbacks):
    post(
        signed_in_client(family.council, family.parent),
        ALERTS,
        {**EVERY_KIND, "alerts_by": "both", "mobile": "+44 7700 900982"},
    )

    with django_capture_on_commit_callbacks(execute=True):
        _staff_message(family)

    assert [t["phone_number"] for t in platform_texts.texts] == ["+447700900982"]
    assert len(_emails_to(outbox, family, family.parent.email)) == 1


def test_a_council_that_turns_texts_off_emails_everyone_and_stops_offering_them(
    family, post, outbox, platform_texts, django_capture_on_commit_callbacks
):
    client = signed_in_client(family.council, family.parent)
    post(client, ALERTS, {**EVERY_KIND, "alerts_by": "text", "mobile": "07700900982"})
    admin = signed_in_client(family.council, _admin(family))

    assert "Send families text messages when they ask for them" in admin.get("/staff/settings/texts/").content.decode()
    post(admin, "/staff/settings/texts/", {})  # the box left unticked

    family.council.refresh_from_db()  # as the next request reads it
    assert family.council.texts_enabled is False
    page = client.get(ALERTS).content.decode()
    assert "Emails we send you" in page and "By text message" not in page
    with django_capture_on_commit_callbacks(execute=True):
        _staff_message(family)
    assert platform_texts.texts == []
    assert len(_emails_to(outbox, family, family.parent.email)) == 1  # told by email instead
    with tenant_context(family.council):
        assert AuditEvent.objects.filter(subject="council_settings", summary__contains="Text messages").exists()


def test_without_a_notify_text_service_families_are_not_offered_texts(family):
    page = signed_in_client(family.council, family.parent).get(ALERTS).content.decode()

    assert "Emails we send you" in page and 'name="alerts_by"' not in page


def test_a_wrong_or_missing_mobile_number_is_named_and_the_choices_stay(family, post, platform_texts):
    client = signed_in_client(family.council, family.parent)

    missing = post(client, ALERTS, {"messages": "on", "alerts_by": "text", "mobile": ""}).content.decode()
    wrong = post(client, ALERTS, {"messages": "on", "alerts_by": "both", "mobile": "01228 606060"}).content.decode()

    assert "Enter a UK mobile number to get texts" in missing
    assert "Enter a UK mobile number, like 07700 900 982" in wrong and 'value="01228 606060"' in wrong
    assert 'value="both" checked' in wrong
    family.parent.refresh_from_db()
    assert (family.parent.alerts_by, family.parent.mobile) == ("email", "")


def test_the_reply_reminder_text_says_by_when_and_people_the_family_trusts_get_none(
    family, platform_texts, django_capture_on_commit_callbacks
):
    from citizen.services_family import draft_reply_reminders_send

    from .test_trusted_people import _live_grant

    family.parent.alerts_by, family.parent.mobile = "text", "+447700900982"
    family.parent.save(update_fields=["alerts_by", "mobile"])
    _grant, advocate = _live_grant(family, scope="forms")
    advocate.alerts_by, advocate.mobile = "both", "+447700900111"
    advocate.save(update_fields=["alerts_by", "mobile"])
    with tenant_context(family.council), django_capture_on_commit_callbacks(execute=True):
        draft_reply_reminders_send(today=family.case.started_on.replace(month=6, day=21))

    bodies = [t["personalisation"]["body"] for t in platform_texts.texts if t["phone_number"] == "+447700900982"]
    assert any("Your time to reply to the draft plan ends on 24 June 2026" in body for body in bodies), bodies
    assert not [t for t in platform_texts.texts if t["phone_number"] == "+447700900111"]  # cannot reply: not told


def _admin(family):
    from tests.casework.conftest import make_account

    admin = make_account(first_name="Ada", last_name="Admin")
    with tenant_context(family.council):
        from casework.models import StaffMembership

        StaffMembership.objects.create(account=admin, role=StaffRole.COUNCIL_ADMIN)
    return admin


def test_council_admins_see_what_each_text_says_its_length_and_cost(family, platform_texts, settings):
    settings.NOTIFY_SMS_PENCE_PER_FRAGMENT = 2.5
    with tenant_context(family.council):
        text_queue(to="+447700900982", body="x" * 200).__class__.objects.update(status="sent")

    page = signed_in_client(family.council, _admin(family)).get("/staff/settings/texts/").content.decode()

    assert f"{family.council.name}: You have a new message about your child" in page
    assert "through the platform's GOV.UK Notify service" in page
    assert "Notify charges 2.5p for each fragment" in page
    assert "1 text sent, 2 fragments: 5.00p" in page
    assert signed_in_client(family.council, family.caseworker).get("/staff/settings/texts/").status_code == 403


# --- Delivery --------------------------------------------------------------------------------


def test_a_text_notify_refuses_is_recorded_and_tried_again_later(family, platform_texts):
    platform_texts.fail_with_status = 500
    with tenant_context(family.council):
        text = text_deliver(text_id=text_queue(to="+447700900982", body="Cumbria: test").id)
        assert text.status == OutboundText.Status.FAILED and "Internal server error" in text.last_error
        assert texts_retry_due(now=timezone.now()) == []  # its backoff has not passed
        assert texts_retry_due(now=timezone.now() + timedelta(minutes=2)) == [text.id]
        platform_texts.fail_with_status = None
        assert text_deliver(text_id=text.id).status == OutboundText.Status.FAILED  # not due yet: untouched
        OutboundText.objects.filter(pk=text.pk).update(next_attempt_at=timezone.now())
        assert text_deliver(text_id=text.id).status == OutboundText.Status.SENT
    assert len(platform_texts.texts) == 1


def test_a_council_with_its_own_notify_service_texts_through_it(cumbria, in_council, platform_texts, settings):
    settings.NOTIFY_API_KEY = ""  # the platform's service gone: only the council's own
    cumbria.set_notify_api_key(NOTIFY_API_KEY)
    cumbria.notify_sms_template_id = "6c0a5d5e-1111-4222-8333-444455556666"
    cumbria.save()
    with in_council(cumbria):
        text_deliver(text_id=text_queue(to="+447700900982", body="Cumbria: hello").id)

    assert [t["template_id"] for t in platform_texts.texts] == ["6c0a5d5e-1111-4222-8333-444455556666"]


# --- How long a text is ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "characters", "fragments", "is_unicode"),
    [
        ("a" * 160, 160, 1, False),
        ("a" * 161, 161, 2, False),
        ("a" * 306, 306, 2, False),
        ("a" * 307, 307, 3, False),
        ("[" * 80, 160, 1, False),  # each counts twice
        ("a" * 69 + "\u2019", 70, 1, True),  # a curly apostrophe makes it Unicode
        ("a" * 70 + "\u2019", 71, 2, True),
    ],
)
def test_a_texts_size_is_counted_as_the_network_charges_it(body, characters, fragments, is_unicode):
    size = text_size(body)
    assert (size.characters, size.fragments, size.unicode) == (characters, fragments, is_unicode)


def test_texts_keep_to_gsm_so_a_curly_apostrophe_does_not_double_the_cost():
    body = text_body(council_name="Somerset Council", what="Your child\u2019s case is open", link="https://x.example/")
    assert "child's" in body and not text_size(body).unicode


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("07700 900982", "+447700900982"),
        ("+44 (0)7700-900-982", "+447700900982"),
        ("0044 7700 900982", "+447700900982"),
    ],
)
def test_uk_mobile_numbers_are_kept_one_way(typed, kept):
    assert uk_mobile(typed) == kept
    assert mobile_shown(kept) == "07700 900 982"


@pytest.mark.parametrize("typed", ["01228 606060", "0770090098", "+1 415 555 0100", "seven"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValidationError):
        uk_mobile(typed)
