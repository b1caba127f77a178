"""Deadline reminders (casework.services.reminders): the SEND team is emailed 7 calendar
days before a case's next deadline and on the day after it, the first day it is overdue;
each once, to the caseworker or else the child's service area, never naming the child."""

from __future__ import annotations

import itertools
import logging
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from casework.models import Case, CaseKind, Child, DeadlineReminder, StaffMembership
from casework.selectors.cases import FINISHED
from casework.services.cases import case_open, cases_refresh_stale, milestone_record
from casework.services.reminders import deadline_reminders_send
from casework.tasks import send_deadline_reminders
from tenants.models import ServiceArea
from tenants.outbox.models import OutboundEmail
from tenants.services import council_base_url

DEADLINE = date(2026, 6, 22)  # a Monday
DAY = timedelta(days=1)
COMING_UP = "A statutory deadline is coming up"
PASSED = "A statutory deadline has passed"

_numbers = itertools.count(1)


def open_case(*, deadline: date | None = DEADLINE, caseworker=None, service_area=None, stage="decision_to_assess"):
    """An assessment whose cached next step and deadline are as given (current council)."""
    number = next(_numbers)
    child = Child.objects.create(
        legal_first_name="Zephyrine",
        legal_last_name="Quillfeather",
        known_as="Zeph",
        date_of_birth=date(2016, 9, 14),
        council_reference=f"REMIND{number:05d}",
        service_area=service_area,
    )
    return Case.objects.create(
        child=child,
        kind=CaseKind.ASSESSMENT,
        reference=f"EHC-2026-R{number:04d}",
        started_on=date(2026, 5, 11),
        stage=stage,
        next_deadline=deadline,
        caseworker=caseworker,
    )


def reminders() -> list[OutboundEmail]:
    """The reminder emails the current council queued (its demo invitations left out)."""
    return list(OutboundEmail.objects.filter(subject__in=[COMING_UP, PASSED]).order_by("id"))


@pytest.fixture
def caseworker(cumbria, staff_account):
    return staff_account(cumbria, email="casey.worker@example.org")


@pytest.fixture
def council(cumbria, in_council):
    with in_council(cumbria):
        yield cumbria


def test_a_reminder_goes_seven_days_before_the_deadline(site, in_council, staff_account):
    worker = staff_account(site.council)
    with in_council(site.other):
        open_case()  # the other council's case, due the same day, is its own business
    with in_council(site.council):
        case = open_case(caseworker=worker)

        assert deadline_reminders_send(today=DEADLINE - 8 * DAY) == 0
        assert deadline_reminders_send(today=DEADLINE - 7 * DAY) == 1

        (email,) = reminders()
        assert email.to == [worker.email]
        assert email.from_address == site.council.from_address
        assert email.subject == COMING_UP
        assert f"The deadline for the next step on case {case.reference} is 22 June 2026." in email.body
        assert "Step: Decision whether to assess" in email.body
        assert "Deadline: 22 June 2026" in email.body
        assert f"{council_base_url(domain=site.domain)}/staff/cases/{case.pk}/" in email.body
    with in_council(site.other):
        assert reminders() == []
        assert not DeadlineReminder.objects.exists()


def test_a_reminder_goes_on_the_day_the_deadline_passes(council, caseworker):
    case = open_case(caseworker=caseworker)
    deadline_reminders_send(today=DEADLINE - 7 * DAY)

    assert deadline_reminders_send(today=DEADLINE) == 0  # done on the deadline is on time
    assert deadline_reminders_send(today=DEADLINE + DAY) == 1

    email = reminders()[-1]
    assert email.subject == PASSED
    assert f"The deadline for the next step on case {case.reference} passed on 22 June 2026" in email.body
    assert "Deadline: 22 June 2026" in email.body
    assert f"/staff/cases/{case.pk}/" in email.body


def test_each_reminder_is_sent_once(council, caseworker):
    case = open_case(caseworker=caseworker)

    day = DEADLINE - 10 * DAY
    while day <= DEADLINE + 10 * DAY:
        deadline_reminders_send(today=day)
        deadline_reminders_send(today=day)  # a second run the same day (a retried task)
        day += DAY

    assert [e.subject for e in reminders()] == [COMING_UP, PASSED]
    assert set(DeadlineReminder.objects.values_list("case", "deadline", "kind")) == {
        (case.pk, DEADLINE, "coming_up"),
        (case.pk, DEADLINE, "passed"),
    }

    # The next step's deadline is reminded of in its turn.
    Case.objects.filter(pk=case.pk).update(stage="advice", next_deadline=DEADLINE + 30 * DAY)
    assert deadline_reminders_send(today=DEADLINE + 23 * DAY) == 1
    assert "Step: Advice from professionals" in reminders()[-1].body


def test_days_without_a_run_are_caught_up_within_a_week(council, caseworker):
    """The first run after days without one (beat or the workers down)."""
    today = DEADLINE - 3 * DAY
    due_in_3_days = open_case(caseworker=caseworker)
    passed_2_days_ago = open_case(caseworker=caseworker, deadline=today - 2 * DAY)
    open_case(caseworker=caseworker, deadline=today + 8 * DAY)  # not yet
    open_case(caseworker=caseworker, deadline=today - 8 * DAY)  # old news: the caseload shows it overdue

    assert deadline_reminders_send(today=today) == 2

    assert set(DeadlineReminder.objects.values_list("case", "kind")) == {
        (due_in_3_days.pk, "coming_up"),
        (passed_2_days_ago.pk, "passed"),
    }


def test_no_reminders_for_finished_cases_or_cases_without_a_deadline(council, caseworker):
    # A finished case whose cached date was not cleared yet still counts as finished.
    open_case(caseworker=caseworker, stage=FINISHED)
    open_case(caseworker=caseworker, stage=FINISHED, deadline=None)
    open_case(caseworker=caseworker, stage="", deadline=None)

    for today in (DEADLINE - 7 * DAY, DEADLINE + DAY):
        assert deadline_reminders_send(today=today) == 0
    assert reminders() == []


def test_the_email_never_names_the_child_or_gives_their_date_of_birth(council, caseworker):
    open_case(caseworker=caseworker)
    deadline_reminders_send(today=DEADLINE - 7 * DAY)
    deadline_reminders_send(today=DEADLINE + DAY)

    emails = reminders()
    assert len(emails) == 2
    for email in emails:
        words = f"{email.subject}\n{email.body}"
        for secret in ("Zephyrine", "Quillfeather", "Zeph", "14 September 2016", "2016-09-14", "14/09/2016"):
            assert secret not in words


@pytest.mark.parametrize(
    ("who", "goes_to"),
    [
        ("an active caseworker", "caseworker"),
        ("a caseworker who has left the team", "service area"),
        ("a caseworker whose account is closed", "service area"),
        ("no caseworker", "service area"),
        ("no caseworker and no service area", "council"),  # its general SEND address
    ],
)
def test_a_reminder_goes_to_the_caseworker_or_else_the_service_area(council, caseworker, who, goes_to):
    area = ServiceArea.objects.filter(council=council).first()
    open_case(
        caseworker=None if who.startswith("no caseworker") else caseworker,
        service_area=None if who.endswith("no service area") else area,
    )
    if who == "a caseworker who has left the team":
        StaffMembership.objects.filter(account=caseworker).update(is_active=False)
    if who == "a caseworker whose account is closed":
        caseworker.is_active = False
        caseworker.save(update_fields=["is_active"])

    assert deadline_reminders_send(today=DEADLINE - 7 * DAY) == 1

    expected = {"caseworker": caseworker.email, "service area": area.contact_email, "council": council.contact_email}
    assert [e.to for e in reminders()] == [[expected[goes_to]]]


def test_with_nobody_to_tell_the_reminder_waits_for_someone(council, caseworker):
    council.contact_email = ""
    council.save(update_fields=["contact_email"])
    case = open_case()

    assert deadline_reminders_send(today=DEADLINE - 7 * DAY) == 0
    assert not DeadlineReminder.objects.exists()

    case.caseworker = caseworker
    case.save(update_fields=["caseworker"])
    assert deadline_reminders_send(today=DEADLINE - 6 * DAY) == 1
    assert [e.to for e in reminders()] == [[caseworker.email]]


def test_a_family_window_that_closed_is_not_reported_as_passed(council, caseworker):
    """The nightly refresh (before the reminders) moves a case on from a family's comment
    window once it closes: the window's end is "coming up", never "passed"."""
    received = DEADLINE - 70 * DAY
    child = Child.objects.create(
        legal_first_name="Zephyrine",
        legal_last_name="Quillfeather",
        date_of_birth=date(2016, 9, 14),
        council_reference="REMIND-WINDOW",
    )
    case = case_open(
        child=child,
        kind=CaseKind.ASSESSMENT,
        started_on=received,
        caseworker=caseworker,
        actor=caseworker,
        today=received,
    )
    for key, on, outcome in (
        ("decided_whether_to_assess", received + 30 * DAY, "yes"),
        ("draft_served", DEADLINE - 14 * DAY, ""),
    ):
        milestone_record(case=case, key=key, occurred_on=on, outcome=outcome, actor=caseworker, today=on)
    case.refresh_from_db()
    assert (case.stage, case.next_deadline) == ("draft_comments", DEADLINE)

    assert deadline_reminders_send(today=DEADLINE - 7 * DAY) == 1
    assert cases_refresh_stale(today=DEADLINE + DAY) == 1
    assert deadline_reminders_send(today=DEADLINE + DAY) == 0
    assert [e.subject for e in reminders()] == [COMING_UP]


def test_the_task_runs_in_a_council_on_todays_date(council, caseworker, monkeypatch):
    open_case(caseworker=caseworker)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DEADLINE - 7 * DAY)

    assert send_deadline_reminders() == 1
    assert [e.subject for e in reminders()] == [COMING_UP]


def test_the_task_refuses_to_run_in_the_public_schema(db, caplog):
    connection.set_schema_to_public()
    with caplog.at_level(logging.ERROR, logger="casework.tasks"):
        assert send_deadline_reminders() == 0
    assert "must run in a council" in caplog.text
