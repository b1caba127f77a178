"""Messages with the SEND team (read and reply on a case's thread; opening it marks it
read; unread counts on the SEND area's home page), and the emails that tell a family
something changed: they say what kind of thing and link to it, never a child's name, a
date of birth or what anyone wrote, and a family chooses which ones it gets."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import AlertPreference, Document, FamilyReminder, Message, StaffRole
from casework.services.documents import document_share, document_upload
from casework.services.messages import message_post
from citizen.services_family import draft_reply_reminders_send, printed_copy_request, young_person_sharing_choose

from .conftest import CHILD_BORN, CHILD_FIRST, CHILD_LAST, pdf_bytes, signed_in_client, upload

pytestmark = pytest.mark.django_db

STAFF_TEXT = "Your annual review meeting is moved to Room 4 on Tuesday."
FAMILY_TEXT = "Thank you, Marigold's dad can come too."


def team_message(family, body: str = STAFF_TEXT) -> Message:
    with tenant_context(family.council):
        return message_post(
            case=family.case,
            author=family.caseworker,
            from_send_team=True,
            body=body,
            actor_role=StaffRole.CASEWORKER,
        )


def test_the_family_reads_the_thread_which_marks_it_read_and_replies(family, post, outbox):
    team_message(family)
    client = signed_in_client(family.council, family.parent)
    home_before = client.get(reverse("send-home")).content.decode()

    thread = client.get(reverse("family:case-messages", args=[family.case.pk])).content.decode()
    home_after = client.get(reverse("send-home")).content.decode()
    response = post(client, reverse("family:case-messages", args=[family.case.pk]), {"body": FAMILY_TEXT}, follow=True)

    assert "1 new</strong> message" in home_before
    assert "new</strong> message" not in home_after
    assert STAFF_TEXT in thread
    assert "SEND team \N{EN DASH} Casey Worker" in thread
    assert ">New</strong>" in thread
    assert "Your message has been sent to the SEND team." in response.content.decode()
    assert FAMILY_TEXT.replace("'", "&#x27;") in response.content.decode()
    with tenant_context(family.council):
        message = Message.objects.get(from_send_team=False)
        assert (message.author, message.body) == (family.parent, FAMILY_TEXT)
    (alert,) = [e for e in outbox(family.council) if "New message from a family" in e.subject]
    assert alert.to == [family.caseworker.email]
    assert FAMILY_TEXT not in alert.body


def test_a_long_thread_shows_the_newest_25_first_and_older_ones_a_page_on(family):
    """A family with a long thread reads the newest messages first, in order, and pages
    back to older ones (issue 13: the page drew all 500 messages)."""
    for number in range(1, 31):
        team_message(family, body=f"Message number {number:02d}.")
    client = signed_in_client(family.council, family.parent)
    path = reverse("family:case-messages", args=[family.case.pk])

    newest = client.get(path).content.decode()
    older = client.get(path + "?page=2").content.decode()

    shown = re.findall(r"Message number (\d+)\.", newest)
    assert shown == [f"{n:02d}" for n in range(6, 31)]  # the newest 25, oldest first
    assert "30 messages. The newest 25, oldest first." in newest and 'rel="next"' in newest
    assert re.findall(r"Message number (\d+)\.", older) == ["01", "02", "03", "04", "05"]
    assert "Page 2 of 2" in older and 'rel="prev"' in older
    home = client.get(reverse("send-home")).content.decode()
    assert "new</strong> message" not in home  # the newest page read: the thread is read


def test_a_message_from_the_family_counts_as_new_for_the_other_parent_only(family, post):
    post(
        signed_in_client(family.council, family.parent),
        reverse("family:case-messages", args=[family.case.pk]),
        {"body": FAMILY_TEXT},
    )

    own = signed_in_client(family.council, family.parent).get(reverse("send-home")).content.decode()
    other = signed_in_client(family.council, family.young_person).get(reverse("send-home")).content.decode()

    assert "new</strong> message" not in own
    assert "1 new</strong> message" in other


def test_an_empty_message_is_refused_with_the_gov_uk_error(family, post):
    client = signed_in_client(family.council, family.parent)

    response = post(client, reverse("family:case-messages", args=[family.case.pk]), {"body": "  "})

    assert "<title>Error:" in response.content.decode()
    assert "Enter your message" in response.content.decode()


def every_family_alert(family, post, outbox, django_capture_on_commit_callbacks) -> list:
    """Everything that emails a family member or the SEND team about this family, done once."""
    team_message(family)
    with tenant_context(family.council):
        final = document_upload(
            case=family.case,
            kind=Document.Kind.FINAL_PLAN,
            title=f"Final EHC plan for {CHILD_FIRST} {CHILD_LAST}",
            upload=upload("final.pdf", pdf_bytes()),
            actor=family.caseworker,
            actor_role=StaffRole.CASEWORKER,
        )
        document_share(document=final, actor=family.caseworker, actor_role=StaffRole.CASEWORKER)
        printed_copy_request(case=family.case, account=family.parent)
        young_person_sharing_choose(young_person=family.young_person_access, access=family.parent_access, keep=False)
        draft_reply_reminders_send(today=date(2026, 6, 22))
    client = signed_in_client(family.council, family.young_person)
    post(client, reverse("family:case-messages", args=[family.case.pk]), {"body": FAMILY_TEXT})
    post(client, reverse("family:case-reply", args=[family.case.pk]), {"response": "comments", "comments": FAMILY_TEXT})
    return outbox(family.council)


def test_no_email_carries_a_name_a_date_of_birth_or_what_was_written(
    family, post, outbox, django_capture_on_commit_callbacks
):
    emails = every_family_alert(family, post, outbox, django_capture_on_commit_callbacks)

    subjects = {e.subject for e in emails}
    assert "You have a new message about your EHC needs assessment" in subjects
    assert "You have a new message about your child's EHC needs assessment" in subjects
    assert "A new document has been shared about your child's EHC needs assessment" in subjects
    assert "Your access to a child's records has changed" in subjects
    assert "Your time to reply to the draft plan ends soon" in subjects
    assert f"Printed copy of an EHC plan requested: case {family.case.reference}" in subjects
    born = [CHILD_BORN.isoformat(), CHILD_BORN.strftime("%d/%m/%Y"), "23 April 2009", "23/4/2009"]
    for email in emails:
        text = f"{email.subject}\n{email.body}"
        for private in [CHILD_FIRST, CHILD_LAST, STAFF_TEXT, FAMILY_TEXT, "Final EHC plan for", *born]:
            assert private not in text, f"{private!r} in {email.subject!r}"


def test_alerts_link_to_what_changed(family, post, outbox):
    team_message(family)

    (alert,) = [e for e in outbox(family.council) if e.to == [family.parent.email]]
    link = re.search(r"https?://\S+", alert.body).group(0)

    assert link.endswith(reverse("family:case-messages", args=[family.case.pk]))
    assert family.council.get_primary_domain().domain in link


def test_a_family_member_chooses_which_emails_they_get(family, post, outbox):
    client = signed_in_client(family.council, family.parent)
    page = client.get(reverse("family:alerts")).content.decode()
    assert page.count("checked") == 3  # every alert is on until they choose

    post(client, reverse("family:alerts"), {"documents": "on"})
    team_message(family)

    with tenant_context(family.council):
        preference = AlertPreference.objects.get(account=family.parent)
        assert (preference.messages, preference.documents, preference.deadlines) == (False, True, False)
    recipients = [e.to for e in outbox(family.council) if "new message" in e.subject]
    assert recipients == [[family.young_person.email]]  # the parent turned message alerts off


def test_the_reminder_goes_once_a_few_days_before_the_last_day_unless_replied(family, post, outbox):
    # The draft was sent on 10 June: the last day is 24 June; reminders from 21 June.
    with tenant_context(family.council):
        assert draft_reply_reminders_send(today=date(2026, 6, 20)) == 0
        assert draft_reply_reminders_send(today=date(2026, 6, 21)) == 2
        assert draft_reply_reminders_send(today=date(2026, 6, 22)) == 0  # once per window
        FamilyReminder.objects.all().delete()
    from unittest import mock

    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 6, 22)):
        post(
            signed_in_client(family.council, family.parent),
            reverse("family:case-reply", args=[family.case.pk]),
            {"response": "agree"},
        )
    with tenant_context(family.council):
        assert draft_reply_reminders_send(today=date(2026, 6, 22)) == 1  # only the young person, who has not replied
        assert draft_reply_reminders_send(today=date(2026, 6, 25)) == 0  # the window has ended
    reminders = [e for e in outbox(family.council) if "ends soon" in e.subject]
    assert "ends on 24 June 2026" in reminders[0].body
    assert reverse("family:case-reply", args=[family.case.pk]) in reminders[0].body


def test_a_long_list_of_documents_comes_20_at_a_time_each_list_paged_on_its_own(family):
    """Issue 13: the documents page drew every document. Each list pages by itself."""
    from django.utils import timezone

    now = timezone.now()
    with tenant_context(family.council):
        Document.objects.bulk_create(
            Document(
                case=family.case,
                kind=Document.Kind.ADVICE,
                title=f"Advice report {n:02d}",
                file=f"tests/advice-{n}.pdf",
                content_type="application/pdf",
                size=1000,
                shared_with_family_at=now,
                scan_status=Document.ScanStatus.CLEAN,
                scanned_at=now,
            )
            for n in range(1, 25)
        )
    client = signed_in_client(family.council, family.parent)
    path = reverse("family:case-documents", args=[family.case.pk])

    first = client.get(path).content.decode()
    second = client.get(path + "?shared=2&sent=1").content.decode()

    on_first, on_second = re.findall(r"Advice report (\d+)", first), re.findall(r"Advice report (\d+)", second)
    assert len(on_first) == 20 and 'href="?sent=1&amp;shared=2"' in first
    assert set(on_first).isdisjoint(on_second) and len(on_first) + len(on_second) == 24
