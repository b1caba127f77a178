"""Annual reviews run by the school or setting (issue 14, item 5; reg 20).

The SEND team gives a child's annual review to the setting's organisation. Its people
book the meeting, give the family notice (at least 2 weeks before, reg 20(3): the family
is emailed the date), record that the reports were shared, and send the meeting's report
with its file (within 2 weeks of the meeting); each is a step on the case's timeline,
measured on time or late by casework.clock as the SEND team's own are. The decision to
keep, amend or end the plan stays the council's (4 weeks after the meeting).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from casework import clock
from casework.models import AuditEvent, Case, CaseKind, Document, Milestone, Organisation, OrganisationMembership
from casework.selectors.messages import family_accesses_for_case
from casework.services.audit import audit_record
from casework.services.cases import milestone_record
from casework.services.documents import document_upload
from casework.services.messages import (
    case_kind_phrase,
    case_page_path,
    council_link,
    family_alert,
    family_case_path,
    staff_alert_recipients,
)
from casework.services.organisations import PROFESSIONAL
from citizen.accounts.models import Account
from tenants.current import current_council
from tenants.outbox.services import email_queue

# What the setting records; the decision and any amendments stay the SEND team's.
SETTING_STEPS = ("meeting", "notice_sent", "advice_circulated", "report_sent")


@transaction.atomic
def review_setting_set(
    *,
    case: Case,
    organisation: Organisation | None,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
) -> Case:
    """Give the annual review to the organisation to run (None: the SEND team runs it
    again). The organisation is emailed the case reference, never the child's name."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.kind != CaseKind.ANNUAL_REVIEW:
        raise ValidationError("Only an annual review can be run by a school or setting.")
    if organisation is not None and not organisation.is_active:
        raise ValidationError({"organisation": f"{organisation.name} is no longer registered"})
    locked.review_organisation = organisation
    locked.save(update_fields=["review_organisation", "updated_at"])
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.CASE,
        subject_id=locked.pk,
        case=locked,
        summary="Gave the annual review to a school or setting to run" if organisation else "Took the review back",
        request=request,
        organisation=organisation,
    )
    if organisation is not None:
        council = current_council()
        link = council_link(reverse("professionals:review", args=[locked.pk]))
        email_queue(
            to=[organisation.contact_email],
            subject=f"Annual review to run for case {locked.reference}",
            body="\n\n".join(
                [
                    f"{council.name}'s SEND team has asked {organisation.name} to run the annual review of an "
                    f"EHC plan, case {locked.reference}.",
                    "Book the review meeting, give the family at least 2 weeks' notice, share the reports 2 weeks "
                    "before the meeting, and send the meeting's report within 2 weeks of it (regulation 20 of the "
                    "SEND Regulations 2014).",
                    *([f"Sign in to see the review:\n{link}"] if link else []),
                    "This email does not include the child's name or details: sign in to see them.",
                ]
            ),
        )
    return locked


@transaction.atomic
def review_step_record(
    *,
    case: Case,
    membership: OrganisationMembership,
    key: str,
    occurred_on: date,
    report=None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Milestone:
    """The setting records one of its steps (SETTING_STEPS), checked against the law's
    order like the SEND team's. Giving notice emails the family the meeting's date; the
    report is sent with its file, kept as the review's document for the SEND team to
    share. Raises ValidationError."""
    today = today or timezone.localdate()
    if key not in SETTING_STEPS:
        raise ValidationError({"key": "Choose what has happened"})
    if case.review_organisation_id != membership.organisation_id or not membership.is_active:
        raise ValidationError("This review is not your organisation's.")
    if key == "report_sent" and report is None:
        raise ValidationError({"report": "Attach the report of the review meeting"})
    milestone = milestone_record(
        case=case,
        key=key,
        occurred_on=occurred_on,
        actor=membership.account,
        actor_role=PROFESSIONAL,
        request=request,
        today=today,
    )
    organisation = membership.organisation
    if key == "report_sent":
        document_upload(
            case=case,
            kind=Document.Kind.ANNUAL_REVIEW,
            title=f"Annual review report from {organisation.name}",
            upload=report,
            actor=membership.account,
            actor_role=PROFESSIONAL,
            request=request,
        )
        _tell_send_team(case, f"{organisation.name} has sent the annual review report for case {case.reference}.")
    if key == "notice_sent":
        meeting = Milestone.objects.filter(case=case, key="meeting").values_list("occurred_on", flat=True).first()
        assert meeting is not None  # notice needs the meeting (casework.selectors.cases.StepKind.needs)
        for access in family_accesses_for_case(case=case):
            phrase = case_kind_phrase(case, relationship=access.relationship)
            family_alert(
                access=access,
                subject=f"The meeting for {phrase} is on {clock.long_date(meeting)}",
                lines=[
                    f"The school or setting has booked the meeting for {phrase} on {clock.long_date(meeting)}, and "
                    "invites you to it. You can send your views before the meeting through the portal.",
                ],
                path=family_case_path(case.pk),
            )
    return milestone


def _tell_send_team(case: Case, line: str) -> None:
    link = council_link(case_page_path(case.pk))
    for address in staff_alert_recipients(case):
        email_queue(
            to=[address],
            subject=f"Annual review report received for case {case.reference}",
            body="\n\n".join(
                [
                    line,
                    "The council's decision is due 4 weeks after the meeting.",
                    *([f"See the case:\n{link}"] if link else []),
                ]
            ),
        )
