"""Deadlines kept: organisations are reminded once a week before their advice is due and
once when it is overdue (to their contact address and whoever took it, never a child's
name), by the daily reminders task; the dashboard counts overdue advice by organisation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import clock
from casework.models import AdviceRequest, StaffRole
from casework.services.advice import advice_ask, advice_reminders_send, advice_take
from casework.tasks import send_deadline_reminders

from .conftest import emails_to

pytestmark = pytest.mark.django_db


def asked(world, in_council, organisation, days_ago: int) -> AdviceRequest:
    with in_council(world.council):
        (advice,) = advice_ask(
            case=world.case,
            organisations=[organisation],
            kind="psychological",
            cover="Learning",
            family_consent=True,
            actor=world.accounts["worker"],
            actor_role="caseworker",
        )
        AdviceRequest.objects.filter(pk=advice.pk).update(requested_on=timezone.localdate() - timedelta(days=days_ago))
        advice.refresh_from_db()
    return advice


def reminders(world, in_council, organisation) -> list:
    return [
        e for e in emails_to(world.council, in_council, organisation.contact_email) if "advice for case" in e.subject
    ]


def test_a_week_before_the_due_date_the_organisation_is_reminded_once(
    world, in_council, django_capture_on_commit_callbacks
):
    asked(world, in_council, world.service, days_ago=42 - 7)

    with in_council(world.council), django_capture_on_commit_callbacks(execute=True):
        assert advice_reminders_send(today=timezone.localdate()) == 1
        assert advice_reminders_send(today=timezone.localdate()) == 0

    (email,) = reminders(world, in_council, world.service)
    due = clock.long_date(timezone.localdate() + timedelta(days=7))
    assert email.subject == f"Due soon: advice for case {world.case.reference}"
    assert f"Psychological advice for case {world.case.reference} is due by {due}" in email.body
    assert "Alex" not in email.body and "Smith" not in email.body


def test_overdue_advice_is_chased_once_to_the_organisation_and_whoever_took_it(
    world, in_council, django_capture_on_commit_callbacks
):
    advice = asked(world, in_council, world.school, days_ago=43)
    with in_council(world.council):
        advice_take(advice=advice, membership=world.school.memberships.get(account=world.accounts["kim"]))

    with in_council(world.council), django_capture_on_commit_callbacks(execute=True):
        send_deadline_reminders()  # the daily task sends them with the SEND team's own
        send_deadline_reminders()

    (email,) = reminders(world, in_council, world.school)
    assert email.subject == f"Overdue: advice for case {world.case.reference}"
    assert world.accounts["kim"].email in email.to
    assert "has not arrived" in email.body


def test_advice_that_arrived_or_is_long_overdue_is_not_reminded(world, in_council):
    asked(world, in_council, world.school, days_ago=42 + 30)  # past the week's catch-up
    with in_council(world.council):
        assert advice_reminders_send(today=timezone.localdate()) == 0


def test_the_dashboard_counts_overdue_advice_by_organisation(world, in_council, staff_client):
    asked(world, in_council, world.school, days_ago=50)
    asked(world, in_council, world.service, days_ago=10)

    page = staff_client(world.council, StaffRole.TEAM_MANAGER).get("/staff/dashboard/").content.decode()

    section = page[page.index("Overdue advice, by organisation") :]
    assert "Greenfield Primary School" in section and "Educational Psychology Service" not in section
