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
from casework.models import (
    AuditEvent,
    Case,
    CaseKind,
    Child,
    Document,
    Milestone,
    Organisation,
    OrganisationKind,
    OrganisationMembership,
)
from casework.selectors.cases import case_timeline
from casework.selectors.messages import family_accesses_for_case
from casework.selectors.professionals import reviews_to_open
from casework.services.audit import audit_record
from casework.services.cases import case_open, milestone_record
from casework.services.documents import documents_upload_each
from casework.services.messages import (
    case_kind_phrase,
    case_page_path,
    council_link,
    family_alert,
    family_case_path,
    staff_alert_recipients,
)
from casework.services.organisations import PROFESSIONAL
from casework.submissions.models import FormDraft
from casework.submissions.services import professional_submission_record, sending, unsent_draft
from citizen.accounts.models import Account
from tenants.configuration import council_configuration
from tenants.current import current_council
from tenants.models import FormVariant, FormVersion
from tenants.outbox.services import email_queue

# What the setting records; the decision and any amendments stay the SEND team's.
SETTING_STEPS = ("meeting", "notice_sent", "advice_circulated", "report_sent")
# The organisations a child attends: giving one of them the child's review names it the
# child's setting (Child.setting_organisation), which may then open the next review itself.
SETTING_KINDS = (OrganisationKind.SCHOOL, OrganisationKind.COLLEGE)


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
    if organisation is not None and organisation.kind in SETTING_KINDS:
        Child.objects.filter(pk=locked.child_id).update(setting_organisation=organisation)
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


def _review_locked(case: Case, membership: OrganisationMembership) -> Case:
    """The review's case, locked, when it is the member's organisation's to run."""
    locked = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if locked.review_organisation_id != membership.organisation_id or not membership.is_active:
        raise ValidationError("This review is not your organisation's.")
    return locked


class NotYoursToOpen(Exception):
    """The child's review is not one the person's organisations may open now."""


@transaction.atomic
def review_open_by_setting(
    *,
    child_id: int,
    memberships: list[OrganisationMembership],
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Case:
    """The child's setting opens its next annual review itself (where the council lets
    settings do so): a new review case counting from the plan's issue date and its last
    review meeting, run by the setting, and the SEND team told. Raises NotYoursToOpen
    when none of the person's organisations may open it (now)."""
    today = today or timezone.localdate()
    Child.objects.select_for_update().filter(pk=child_id).first()  # one opening at a time
    found = next(
        (
            r
            for r in reviews_to_open(memberships=memberships, council=current_council(), today=today)
            if r.child.pk == child_id
        ),
        None,
    )
    if found is None:
        raise NotYoursToOpen
    membership = next(m for m in memberships if m.organisation_id == found.organisation.pk)
    organisation = membership.organisation
    case = case_open(
        child=found.child,
        kind=CaseKind.ANNUAL_REVIEW,
        started_on=found.plan_issued,
        actor=membership.account,
        actor_role=PROFESSIONAL,
        request=request,
        today=today,
    )
    if found.last_reviewed is not None:
        milestone_record(
            case=case,
            key="last_reviewed",
            occurred_on=found.last_reviewed,
            actor=membership.account,
            actor_role=PROFESSIONAL,
            request=request,
            today=today,
        )
    case.review_organisation = organisation
    case.save(update_fields=["review_organisation", "updated_at"])
    audit_record(
        actor=membership.account,
        actor_role=PROFESSIONAL,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.CASE,
        subject_id=case.pk,
        case=case,
        summary="Opened the annual review, to run it",
        request=request,
        organisation=organisation,
    )
    _tell_send_team(
        case,
        f"{organisation.name} has opened the annual review of an EHC plan, case {case.reference}, and will run it. "
        f"The review is due by {clock.long_date(found.due_on)}.",
        subject=f"Annual review opened by {organisation.name}: case {case.reference}",
    )
    return case


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
    report is sent with its file (or through the council's review report form,
    review_report_form_send), kept as the review's document for the SEND team to share.
    Raises ValidationError."""
    today = today or timezone.localdate()
    if key not in SETTING_STEPS:
        raise ValidationError({"key": "Choose what has happened"})
    case = _review_locked(case, membership)
    if key == "report_sent" and review_report_form() is not None:
        raise ValidationError("The council asks for the review report through its form: fill it in instead.")
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
        _report_documents(case, membership, [(report, f"Annual review report from {organisation.name}")], request)
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


def _report_documents(case: Case, membership: OrganisationMembership, titled: list, request) -> None:
    """Each (file, title) kept on the case as an annual review document: checked and
    virus-scanned like any upload, for the SEND team to share with the family. Raises
    ValidationError naming the file."""
    documents_upload_each(
        case=case,
        kind=Document.Kind.ANNUAL_REVIEW,
        titled=titled,
        actor=membership.account,
        actor_role=PROFESSIONAL,
        field="report",
        request=request,
    )


# --- The review report through the council's form (forms as data) ----------------------------------


def review_report_form() -> tuple[FormVariant, FormVersion] | None:
    """The council's published review report form, or None: the setting then attaches
    the report as a file."""
    return council_configuration(council=current_council()).review_report_form


def review_report_draft(case: Case) -> FormDraft | None:
    """The review's report being filled in: one per review, shared by the organisation's
    people, so a colleague carries on where it was left."""
    return unsent_draft(review_case=case)


def _report_sent(case: Case) -> bool:
    return Milestone.objects.filter(case=case, key="report_sent").exists()


@transaction.atomic
def review_report_draft_open(
    *, case: Case, membership: OrganisationMembership, request: HttpRequest | None = None
) -> FormDraft:
    """The review's report form, started now if it is not yet. Raises ValidationError."""
    locked = _review_locked(case, membership)
    draft = review_report_draft(locked)
    if draft is not None:
        return draft
    if _report_sent(locked):
        raise ValidationError("The review's report has already been sent.")
    held = Milestone.objects.filter(case=locked, key="meeting", occurred_on__lte=timezone.localdate()).exists()
    if not held:
        raise ValidationError("The report follows the review meeting: record the meeting once it has been held.")
    found = review_report_form()
    if found is None:
        raise ValidationError("The council has no form for the review report: attach the report instead.")
    variant, version = found
    draft = FormDraft.objects.create(
        child=locked.child, review_case=locked, variant=variant, version=version, account=membership.account
    )
    audit_record(
        actor=membership.account,
        actor_role=PROFESSIONAL,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.CASE,
        subject_id=locked.pk,
        case=locked,
        summary=f"Started the annual review report ({variant.title}, version {version.number})",
        request=request,
        organisation=membership.organisation,
    )
    return draft


def review_report_form_send(
    *,
    case: Case,
    membership: OrganisationMembership,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Milestone:
    """Send the review report form: a submission on the case (answers, files, PDF), the
    PDF and each file kept as the review's documents, "report sent" recorded today (on
    time or late: 2 weeks after the meeting) and the SEND team told. Raises
    ValidationError, saying what is missing or out of order (nothing is sent then)."""
    today = today or timezone.localdate()
    with sending() as stored:
        locked = _review_locked(case, membership)
        draft = unsent_draft(review_case=locked, lock=True)
        if draft is None:
            raise ValidationError("Start the review report first.")
        organisation = membership.organisation
        submission = professional_submission_record(
            draft=draft,
            case=locked,
            account=membership.account,
            organisation=organisation,
            actor_role=PROFESSIONAL,
            today=today,
            stored=stored,
            request=request,
            file_as=lambda sent: _report_documents(locked, membership, sent, request),
        )
        milestone = milestone_record(
            case=locked,
            key="report_sent",
            occurred_on=today,
            actor=membership.account,
            actor_role=PROFESSIONAL,
            request=request,
            today=today,
        )
        step = next(s for s in case_timeline(locked, today).steps if s.key == "review_report")
        due = step.due_by
        verdict = "on time" if step.on_time or due is None else f"late (it was due by {clock.long_date(due)})"
        _tell_send_team(
            locked,
            f"{organisation.name} has sent the annual review report for case {locked.reference} "
            f"({submission.reference}), {verdict}.",
        )
        return milestone


def _tell_send_team(case: Case, line: str, *, subject: str = "") -> None:
    """Email the case's SEND team addresses `line` (the case reference, never a name)
    with the decision's deadline and a link to the case."""
    link = council_link(case_page_path(case.pk))
    for address in staff_alert_recipients(case):
        email_queue(
            to=[address],
            subject=subject or f"Annual review report received for case {case.reference}",
            body="\n\n".join(
                [
                    line,
                    "The council decides what happens to the plan within 4 weeks of the meeting.",
                    *([f"See the case:\n{link}"] if link else []),
                ]
            ),
        )
