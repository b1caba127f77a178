"""The case's thread: posting, the alerts each side gets (never the message or a name),
and unread counts (one query however many cases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.models import AuditEvent, CaseKind, Message, Relationship, StaffMembership, StaffRole
from casework.selectors.messages import author_label, thread_for_case, unread_count, with_unread
from casework.services.messages import message_post, thread_mark_read
from tenants.models import ServiceArea

from .conftest import CHILD_DATE_OF_BIRTH, CHILD_FIRST_NAME, CHILD_LAST_NAME, make_account

BODY = "Zephyrine's autism assessment from Dr Okonkwo is attached; the diagnosis is confirmed."


def _assert_nothing_personal(email, *people) -> None:
    text = email.subject + "\n" + email.body
    for secret in (
        BODY,
        "autism",
        "diagnosis",
        "Okonkwo",
        CHILD_FIRST_NAME,
        CHILD_LAST_NAME,
        "Zeph",
        CHILD_DATE_OF_BIRTH.isoformat(),
        "14 September 2016",
        *[p.first_name for p in people],
        *[p.last_name for p in people],
    ):
        assert secret not in text, secret


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        (CaseKind.ASSESSMENT, "EHC needs assessment"),
        (CaseKind.ANNUAL_REVIEW, "EHC plan's annual review"),
        (CaseKind.REASSESSMENT, "EHC needs re-assessment"),
        (CaseKind.PHASE_TRANSFER, "move to a new school or college (phase transfer)"),
    ],
)
def test_a_message_from_the_team_alerts_each_family_member_without_content(
    kind, phrase, cumbria, in_council, make_case, make_access, outbox
):
    staff = make_account(first_name="Samira", last_name="Castellanos")
    parent, young_person, revoked = make_account(), make_account(), make_account()
    with in_council(cumbria):
        StaffMembership.objects.create(account=staff, role=StaffRole.CASEWORKER)
        case = make_case(kind=kind)
        make_access(child=case.child, account=parent)
        make_access(child=case.child, account=young_person, relationship=Relationship.YOUNG_PERSON)
        gone = make_access(child=case.child, account=revoked)
        gone.revoked_at = timezone.now()
        gone.save()

        message = message_post(case=case, author=staff, from_send_team=True, body=f"  {BODY}\n")

        assert message.body == BODY
        event = AuditEvent.objects.get(subject="message", subject_id=message.pk)
        assert (event.action, event.actor, event.actor_role, event.case) == ("sent", staff, "caseworker", case)
        assert BODY not in event.summary
        assert unread_count(case, staff) == 0  # the author has read their own message

    emails = {tuple(e.to): e for e in outbox(cumbria)}
    assert set(emails) == {(parent.email,), (young_person.email,)}
    assert emails[(parent.email,)].subject == f"You have a new message about your child's {phrase}"
    assert emails[(young_person.email,)].subject == f"You have a new message about your {phrase}"
    for email in emails.values():
        _assert_nothing_personal(email, staff, parent, young_person)
        assert case.reference not in email.body
        assert "/send/" in email.body


def test_a_message_from_the_family_alerts_the_caseworker(cumbria, in_council, make_case, make_access, outbox):
    caseworker = make_account(first_name="Samira", last_name="Castellanos")
    parent = make_account(first_name="Bartholomew", last_name="Fairweather")
    with in_council(cumbria):
        StaffMembership.objects.create(account=caseworker, role=StaffRole.CASEWORKER)
        case = make_case(caseworker=caseworker)
        make_access(child=case.child, account=parent)

        message_post(case=case, author=parent, from_send_team=False, body=BODY)

        event = AuditEvent.objects.get(subject="message")
        assert (event.actor, event.actor_role) == (parent, "family")

    [email] = outbox(cumbria)
    assert email.to == [caseworker.email]
    assert email.subject == f"New message from a family on case {case.reference}"
    assert f"/staff/cases/{case.pk}/" in email.body
    _assert_nothing_personal(email, caseworker, parent)


def test_without_an_active_caseworker_the_service_area_is_alerted_then_the_council(
    cumbria, in_council, make_case, outbox
):
    former = make_account()
    parent = make_account()
    area = ServiceArea.objects.filter(council=cumbria).first()
    with in_council(cumbria):
        StaffMembership.objects.create(account=former, role=StaffRole.CASEWORKER, is_active=False)
        case = make_case(caseworker=former)
        case.child.service_area = area
        case.child.save()
        message_post(case=case, author=parent, from_send_team=False, body=BODY)

        case.child.service_area = None
        case.child.save()
        case.refresh_from_db()
        message_post(case=case, author=parent, from_send_team=False, body=BODY)

    assert [e.to for e in outbox(cumbria)] == [[area.contact_email], [cumbria.contact_email]] or (
        not cumbria.contact_email and [e.to for e in outbox(cumbria)] == [[area.contact_email]]
    )


def test_an_empty_message_is_refused(cumbria, in_council, make_case, outbox):
    with in_council(cumbria):
        case = make_case()
        with pytest.raises(ValidationError) as invalid:
            message_post(case=case, author=make_account(), from_send_team=True, body="  \n ")
        assert invalid.value.message_dict == {"body": ["Enter your message"]}
        assert not Message.objects.exists()
    assert outbox(cumbria) == []


def test_the_thread_is_oldest_first_with_who_wrote_each(cumbria, in_council, make_case):
    staff = make_account(first_name="Samira", last_name="Castellanos")
    nameless_staff = make_account(first_name="", last_name="")
    parent = make_account(first_name="Bartholomew", last_name="Fairweather")
    with in_council(cumbria):
        case = make_case()
        message_post(case=case, author=parent, from_send_team=False, body="First")
        message_post(case=case, author=staff, from_send_team=True, body="Second")
        message_post(case=case, author=nameless_staff, from_send_team=True, body="Third")
        thread = list(thread_for_case(case=case))

    assert [(m.body, author_label(m)) for m in thread] == [
        ("First", "Bartholomew Fairweather"),
        ("Second", "SEND team \N{EN DASH} Samira Castellanos"),
        ("Third", "SEND team"),
    ]


def test_unread_counts_follow_the_read_marker(cumbria, in_council, make_case):
    staff, parent, other_parent = make_account(), make_account(), make_account()
    with in_council(cumbria):
        case = make_case()
        message_post(case=case, author=staff, from_send_team=True, body="One")
        message_post(case=case, author=staff, from_send_team=True, body="Two")
        message_post(case=case, author=parent, from_send_team=False, body="Mine")

        assert unread_count(case, parent) == 2  # not their own
        assert unread_count(case, other_parent) == 3  # another parent's message is news to them
        assert unread_count(case, staff) == 1

        thread_mark_read(case=case, account=parent)
        assert unread_count(case, parent) == 0
        thread_mark_read(case=case, account=parent, up_to=timezone.now() - timedelta(days=1))  # never backwards
        assert unread_count(case, parent) == 0

        message_post(case=case, author=staff, from_send_team=True, body="Three")
        assert unread_count(case=case, account=parent) == 1


def test_unread_counts_come_with_the_cases_in_one_query(cumbria, in_council, make_case, real_queries):
    from casework.models import Case

    staff, parent = make_account(), make_account()

    def counts_for(number_of_cases: int):
        with in_council(cumbria):
            cases = [make_case() for _ in range(number_of_cases)]
            for index, case in enumerate(cases):
                for _ in range(index % 3):
                    message_post(case=case, author=staff, from_send_team=True, body="Hello")
            message_post(case=cases[0], author=parent, from_send_team=False, body="Mine")  # never unread to me
            thread_mark_read(case=cases[-1], account=parent)
            ids = [c.pk for c in cases]
            with real_queries() as queries:
                counts = {c.pk: c.unread for c in with_unread(Case.objects.filter(pk__in=ids), parent)}
        expected = {case.pk: index % 3 for index, case in enumerate(cases)} | {cases[-1].pk: 0}
        assert counts == expected
        return queries.count

    assert counts_for(5) == counts_for(40) == 1


def test_unread_counts_of_no_cases_take_no_query(cumbria, in_council, real_queries):
    from casework.models import Case

    account = make_account()
    with in_council(cumbria), real_queries() as queries:
        assert list(with_unread(Case.objects.none(), account)) == []
    assert queries.count == 0
