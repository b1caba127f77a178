"""Deadline reminders: the SEND team is emailed as a case's next statutory deadline comes
up, and again when it passes.

The rule, in calendar days like casework.clock (the regulations do not count working days):

- "coming up": 7 days before the deadline (`REMIND_AHEAD`);
- "passed": the day after the deadline, the first day the step is overdue (a step done on
  its deadline is on time).

Each is sent once per case, deadline and kind (DeadlineReminder). A day the daily run
missed (beat or the workers down) is caught up by the next run: a "coming up" reminder
is still sent until the deadline itself, a "passed" one until a week after it
(`CATCH_UP`); older news is left to the caseload, which shows the case as overdue.

The deadline read is Case.next_deadline, kept fresh by refresh_stale_cases, which beat
runs earlier each night (config/settings/base.py): a family's comment window that has
closed has moved on to the council's next step by then, so it never reads as "passed".

Emails go to the case's caseworker while they are an active member of the team, or else
to the child's service area's address (or else the council's SEND contact address), as
a family's message does. They carry the case reference, the step and the date, never the
child's name or date of birth.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from casework.models import Case, DeadlineReminder
from casework.selectors.cases import FINISHED, stage_label
from casework.services.messages import case_page_path, staff_alert_recipients
from tenants.current import current_council, current_schema
from tenants.links import council_url
from tenants.outbox.services import email_queue
from themes.wording import long_date

logger = logging.getLogger(__name__)

REMIND_AHEAD = timedelta(days=7)
CATCH_UP = timedelta(days=7)

SUBJECTS: dict[str, str] = {
    DeadlineReminder.Kind.COMING_UP: "A statutory deadline is coming up",
    DeadlineReminder.Kind.PASSED: "A statutory deadline has passed",
}


def deadline_reminders_send(*, today: date) -> int:
    """Email the reminders due today in the current council, each once. Returns how many
    were queued."""
    windows = {
        DeadlineReminder.Kind.COMING_UP: Q(next_deadline__gte=today, next_deadline__lte=today + REMIND_AHEAD),
        DeadlineReminder.Kind.PASSED: Q(next_deadline__lt=today, next_deadline__gte=today - CATCH_UP),
    }
    base_url = council_url(council=current_council())
    queued = 0
    for kind, window in windows.items():
        reminded = DeadlineReminder.objects.filter(case=OuterRef("pk"), deadline=OuterRef("next_deadline"), kind=kind)
        cases = (
            Case.objects.exclude(stage=FINISHED)
            .filter(window)
            .exclude(Exists(reminded))
            .select_related("caseworker", "child__service_area")
            .order_by("next_deadline", "pk")
        )
        for case in cases:
            recipients = staff_alert_recipients(case)
            if not recipients:
                # Nobody to tell yet: not recorded, so it goes once someone is.
                logger.warning("no one to remind of case %s's deadline in %s", case.pk, current_schema())
                continue
            with transaction.atomic():
                _, created = DeadlineReminder.objects.get_or_create(case=case, deadline=case.next_deadline, kind=kind)
                if created:  # not sent by a run at the same moment
                    _email_deadline_reminder(case=case, kind=kind, to=recipients, base_url=base_url)
                    queued += 1
    return queued


def _email_deadline_reminder(*, case: Case, kind: str, to: list[str], base_url: str) -> None:
    deadline = long_date(case.next_deadline) if case.next_deadline else ""
    if kind == DeadlineReminder.Kind.PASSED:
        news = f"The deadline for the next step on case {case.reference} passed on {deadline}: it is now overdue."
    else:
        news = f"The deadline for the next step on case {case.reference} is {deadline}."
    link = base_url + case_page_path(case.pk) if base_url else ""
    email_queue(
        to=to,
        subject=SUBJECTS[kind],
        body="\n\n".join(
            [
                news,
                f"Case: {case.reference} ({case.get_kind_display()})\n"
                f"Step: {stage_label(case.stage)}\n"
                f"Deadline: {deadline}",
                *([f"See the case:\n{link}"] if link else []),
                "This email does not include the child's name or other details: sign in to see them.",
            ]
        ),
    )
