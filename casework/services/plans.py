"""Saving a case's EHC plan as data (issue 15): the whole content in the template's shape,
checked first, with the revision it started from so that a save made meanwhile by
someone else is never overwritten silently. Every save is kept (PlanRevision) and is an
audit event.

Two ways in: `plan_save` replaces the whole content (the API); `plan_section_save` saves
one section from the drafting screen, merged into what is there when nobody else changed
that section since the revision the screen showed."""

from __future__ import annotations

import copy
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from casework import clock
from casework.models import (
    PLAN_VERSION_CALLED,
    PLAN_VERSION_CLOSED_BY,
    AdviceRequest,
    AuditEvent,
    Case,
    Plan,
    PlanComment,
    PlanRevision,
    PlanVersion,
)
from casework.plans.findings import plan_findings
from casework.plans.pdf import plan_pdf
from casework.plans.prefill import advice_from, section_a_from
from casework.plans.template import items, plan_problems, without_dangling
from casework.selectors.cases import case_family_members, case_records
from casework.selectors.plans import (
    AMENDING_KINDS,
    PlanRound,
    council_plan_template,
    plan_for_case,
    plan_round,
    plan_template,
    plan_versions,
)
from casework.selectors.professionals import advice_files_by_request
from casework.services.audit import audit_record
from casework.services.cases import milestone_record
from casework.services.messages import account_alert, family_alert, family_case_path, staff_alert_recipients
from casework.submissions.models import FormSubmission
from tenants.current import current_council
from tenants.form_definitions import form_definition
from tenants.outbox.services import email_queue

if TYPE_CHECKING:
    from citizen.accounts.models import Account


class PlanChangedMeanwhile(ValidationError):
    """The plan was saved by someone else after the revision this save started from."""


@transaction.atomic
def plan_save(
    *,
    case: Case,
    content: Any,
    revision: int | None,
    actor: Account | None,
    actor_role: str,
    request: HttpRequest | None = None,
    summary: str = "",
) -> Plan:
    """Replace the plan's content. `revision`: the revision the caller read (0 for a new
    plan); None only to replace whatever is there, knowingly. On an annual review, the
    child's plan in force is the one changed (plan_for_case)."""
    plan = _plan_locked(case, create=True)
    problems = plan_problems(content, plan_template(plan))
    if problems:
        raise ValidationError({"content": [str(problem) for problem in problems]})
    if revision is not None and revision != plan.revision:
        raise PlanChangedMeanwhile(
            f"This plan has been saved since revision {revision}: it is at revision {plan.revision} now. "
            "Read it again and make your change to that."
        )
    plan.content = content
    plan.revision += 1
    plan.save(update_fields=["content", "revision", "updated_at"])
    PlanRevision.objects.create(plan=plan, revision=plan.revision, content=content, saved_by=actor)
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.PLAN,
        subject_id=plan.pk,
        case=case,
        summary=summary or f"Saved the EHC plan (revision {plan.revision})",
        request=request,
    )
    return plan


def _plan_locked(case: Case, *, create: bool = False) -> Plan:
    """The case's plan (plan_for_case), locked for this transaction; a case that writes
    its own plan gets one started on the council's template when `create`."""
    plan = plan_for_case(case)
    if plan is None and case.kind in AMENDING_KINDS:
        raise ValidationError(
            "This child has no EHC plan written in the portal with a final plan issued, so there is nothing for "
            "this annual review to amend here. A plan issued as a document is changed as a document."
        )
    if plan is None:
        if not create:
            raise ValidationError("Start the plan first.")
        starting = council_plan_template()
        Plan.objects.get_or_create(
            case=case, defaults={"template": starting.slug, "template_version": starting.version}
        )
        return Plan.objects.select_for_update().get(case=case)
    return Plan.objects.select_for_update().get(pk=plan.pk)


def plan_starting_content(case: Case) -> dict:
    """A new plan for the case: section A from the family's latest Section A (or their
    request for the assessment, where that is the council's form), and section K from the
    advice received, each with the document it came in."""
    content: dict[str, Any] = {}
    family_form = (
        FormSubmission.objects.filter(Q(case=case) | Q(child=case.child))
        .filter(feeds__in=(FormSubmission.Feeds.CONTRIBUTION, FormSubmission.Feeds.NEW_REQUEST))
        .select_related("version")
        .order_by("feeds", "-submitted_at", "-id")  # "contribution" sorts before "new_request"
        .first()
    )
    if family_form is not None:
        section_a = section_a_from(form_definition(family_form.version.definition), family_form.answers)
        if section_a:
            content["A"] = section_a
    received = list(
        AdviceRequest.objects.filter(case=case, received_on__isnull=False)
        .select_related("organisation")
        .order_by("received_on", "id")
    )
    if received:
        files = advice_files_by_request(case=case)
        content["K"] = {
            "advice": advice_from(
                (
                    advice.get_kind_display() if advice.kind else f"Advice from {advice.adviser}",
                    advice.organisation.name if advice.organisation else advice.adviser,
                    advice.received_on,
                    files[advice.pk][0].pk if files.get(advice.pk) else None,
                )
                for advice in received
            )
        }
    return content


def plan_start(*, case: Case, actor: Account, actor_role: str, request: HttpRequest | None = None) -> Plan:
    """Start the case's plan from what the case holds. Starting one already started
    changes nothing (two caseworkers pressing the button at once get the same plan)."""
    existing = plan_for_case(case)
    if existing is not None and existing.revision:
        return existing
    if case.kind in AMENDING_KINDS:
        _plan_locked(case)  # says why there is nothing to start
    try:
        return plan_save(
            case=case,
            content=plan_starting_content(case),
            revision=0,
            actor=actor,
            actor_role=actor_role,
            request=request,
            summary="Started the EHC plan from the case's Section A and advice",
        )
    except PlanChangedMeanwhile:
        return Plan.objects.get(case=case)


def _still_open(plan: Plan, case: Case) -> PlanRound:
    """The case's round of issuing; refused once this case has issued its last version."""
    issuing = plan_round(plan, case, plan_versions(plan))
    if issuing.next_kind is None and issuing.amending:
        raise ValidationError(
            "The amended plan has been issued, so this annual review's changes are done. "
            "Further changes wait for the next annual review."
        )
    if issuing.next_kind is None:
        raise ValidationError(
            "The final plan has been issued. Changes to it are made after an annual review that decides to amend "
            "it: the plan is on that review's page."
        )
    return issuing


@transaction.atomic
def plan_section_save(
    *,
    case: Case,
    section: str,
    parts: dict,
    revision: int | None,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
) -> Plan:
    """Save one section as the drafting screen sent it, started from `revision`. Saved
    meanwhile by someone else: kept when they changed other sections only (their change
    and this one both stand); refused, naming them, when they changed this section too
    (None: they were told, and this replaces it). Links to items this save removed are
    removed with them. Once the case has issued its last version (the final plan, or a
    review's amended plan) the section is not changed here."""
    plan = _plan_locked(case)
    _still_open(plan, case)
    current = plan.content or {}
    if revision is not None and revision != plan.revision:
        base = PlanRevision.objects.filter(plan=plan, revision=revision).first()
        # Revision 0 is the empty plan; any other revision is kept, unless it never was.
        lost = bool(revision) and base is None
        if lost or (base.content if base else {}).get(section, {}) != current.get(section, {}):
            raise PlanChangedMeanwhile(_changed_by(plan, section, since=revision))
    content = copy.deepcopy(current)
    content[section] = parts
    if not any(parts.values()):
        del content[section]
    return plan_save(
        case=case,
        content=without_dangling(content, plan_template(plan)),
        revision=plan.revision,
        actor=actor,
        actor_role=actor_role,
        request=request,
        summary=f"Saved section {section} of the EHC plan (revision {plan.revision + 1})",
    )


def _changed_by(plan: Plan, section: str, *, since: int) -> str:
    last = plan.revisions.filter(revision__gt=since).select_related("saved_by").order_by("-revision").first()
    who = (last.saved_by.get_full_name() or last.saved_by.email) if last and last.saved_by else "A council system"
    when = timezone.localtime(last.saved_at).strftime("%-I:%M%p").lower() if last else ""
    return (
        f"{who} saved section {section} at {when}, while you were changing it. Your changes are below and "
        "have not been saved: compare them with the section as it is now, then save again to replace theirs."
    )


# --- Issuing, and the family's comments --------------------------------------------------

# The clock's step each kind of version records (casework.clock): the draft's 15 days to
# comment run from the day it is served; the final plan stops the 20-week clock. After an
# annual review, the proposed amendments open 15 days again and the amended plan is due
# within 8 weeks of them (reg 22).
ISSUE_STEPS = {
    PlanVersion.Kind.DRAFT: "draft_served",
    PlanVersion.Kind.FINAL: "final_issued",
    PlanVersion.Kind.PROPOSED: "amendments_sent",
    PlanVersion.Kind.AMENDMENT: "amended_plan_issued",
}
COMMENT_MAX_LENGTH = 5000


@transaction.atomic
def plan_issue(
    *,
    case: Case,
    kind: str,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> PlanVersion:
    """Issue the plan as it stands: the draft to the family (15 days to comment), or the
    final plan; on an annual review that decided to amend, the proposed amendments (15
    days) and then the amended plan. The step goes on the case's timeline (unless already
    recorded there, as when the draft was a document), where the clock's rules hold;
    findings never stop it, and how many were open is kept. Each family member is told,
    without detail."""
    today = today or timezone.localdate()
    plan = _plan_locked(case)
    if not plan.content:
        raise ValidationError("Write the plan before issuing it.")
    issuing = _still_open(plan, case)
    if kind not in (issuing.opening_kind, issuing.closing_kind):
        raise ValidationError(
            f"This case issues {PLAN_VERSION_CALLED[issuing.opening_kind]} and "
            f"{PLAN_VERSION_CALLED[issuing.closing_kind]}."
        )
    if kind == issuing.opening_kind and issuing.opening is not None:
        raise ValidationError(
            f"{_upper_first(issuing.opening.called)} {'have' if issuing.amending else 'has'} been issued already. "
            f"Answer the family's comments, then issue {PLAN_VERSION_CALLED[issuing.closing_kind]}."
        )
    if kind == issuing.closing_kind and issuing.opening is None:
        raise ValidationError(
            "Send the proposed amendments first: the family has 15 days to comment on them before the amended plan."
            if issuing.amending
            else "Issue the draft first: the family has 15 days to comment on it before the final plan."
        )
    if kind == PlanVersion.Kind.PROPOSED and issuing.before and issuing.before.content == plan.content:
        raise ValidationError(
            "The plan is as it was issued: make the changes the review decided on, then send them to the family."
        )
    issued = plan.versions.values_list("number", flat=True)
    step = ISSUE_STEPS[PlanVersion.Kind(kind)]
    if step not in case_records(case).milestones:
        milestone_record(
            case=case, key=step, occurred_on=today, actor=actor, actor_role=actor_role, request=request, today=today
        )
    version = PlanVersion.objects.create(
        plan=plan,
        case=case,
        number=max(issued, default=0) + 1,
        kind=kind,
        content=plan.content,
        revision=plan.revision,
        findings_open=len(plan_findings(plan.content, plan_template(plan))),
        issued_on=today,
        issued_by=actor,
    )
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.PLAN,
        subject_id=plan.pk,
        case=case,
        summary=f"Issued the {version.get_kind_display().lower()} ({version.findings_open} findings open)",
        request=request,
    )
    subject, text, lines = _issued_alert(version, case)
    for access in case_family_members(case):
        family_alert(access=access, subject=subject, lines=lines, path=family_case_path(case.pk, "plan"), text=text)
    return version


def _issued_alert(version: PlanVersion, case: Case) -> tuple[str, str, list[str]]:
    """What each family member is told: subject, text message, email lines (no detail)."""
    last_day = clock.long_date(clock.comments_close(version.issued_on))
    reply = "comment on any part of it, name the school or college you want, and ask for a meeting."
    if version.kind == PlanVersion.Kind.DRAFT:
        return (
            "The draft EHC plan is ready to read",
            f"The draft EHC plan is ready: reply by {last_day}",
            [
                f"The SEND team has written the draft EHC plan (case {case.reference}). You can read it section by "
                f"section, {reply}",
                f"You have until {last_day} to reply.",
            ],
        )
    if version.kind == PlanVersion.Kind.PROPOSED:
        return (
            "Proposed changes to the EHC plan",
            f"Proposed changes to the EHC plan: reply by {last_day}",
            [
                f"After the annual review, the SEND team proposes changes to the EHC plan (case {case.reference}). "
                f"You can read each change, {reply}",
                f"You have until {last_day} to reply.",
            ],
        )
    called = version.called.replace(" plan", " EHC plan")  # "the final EHC plan"
    subject = f"{_upper_first(called)} has been issued"
    return (
        subject,
        subject,
        [
            f"The SEND team has issued {called} (case {case.reference}). You can read it, see what changed, "
            "and download it."
        ],
    )


def plan_comment_add(
    *,
    version: PlanVersion,
    account: Account,
    section: str,
    item: str,
    text: str,
    request: HttpRequest | None = None,
) -> PlanComment:
    """A family member's comment on a section of the draft (or of proposed amendments), or
    one item in it. Taken until the final (or amended) plan is issued; the SEND team is told."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter your comment"})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError({"text": f"Your comment must be {COMMENT_MAX_LENGTH:,} characters or fewer"})
    closed_by = PLAN_VERSION_CLOSED_BY.get(PlanVersion.Kind(version.kind))
    if closed_by is None or version.plan.versions.filter(kind=closed_by, number__gt=version.number).exists():
        raise ValidationError(
            f"{_upper_first(PLAN_VERSION_CALLED[closed_by or version.kind])} has been issued, so comments on "
            f"{version.called} are closed."
        )
    template = plan_template(version.plan)
    if template.section(section) is None:
        raise ValidationError("That section is not in the plan.")
    if item and item not in {i["id"] for s, _p, _path, i in items(version.content, template) if s.key == section}:
        raise ValidationError(f"That part of the plan is not in {version.called}.")
    comment = PlanComment.objects.create(version=version, account=account, section=section, item=item, text=text)
    case = version.case or version.plan.case
    audit_record(
        actor=account,
        actor_role="family",
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.PLAN_COMMENT,
        subject_id=comment.pk,
        case=case,
        summary=f"Commented on {comment.on} of {version.called}",
        request=request,
    )
    email_queue(
        to=staff_alert_recipients(case),
        subject=f"A family has commented on {_named(version)} on case {case.reference}",
        body=f"A family member has commented on {comment.on} of {_named(version)} on case {case.reference}.\n\n"
        "Sign in to the portal to read and answer it.",
    )
    return comment


def plan_comment_answer(
    *,
    comment: PlanComment,
    answer: str,
    answer_text: str,
    actor: Account,
    actor_role: str,
    request: HttpRequest | None = None,
) -> PlanComment:
    """The SEND team's answer: changed, or not changed and why. The family reads it."""
    answer_text = (answer_text or "").strip()
    if answer not in PlanComment.Answer.values:
        raise ValidationError({"answer": "Select whether you changed the plan"})
    if answer == PlanComment.Answer.NOT_CHANGED and not answer_text:
        raise ValidationError({"answer_text": "Enter why the plan was not changed: the family will read this"})
    comment.answer, comment.answer_text = answer, answer_text
    comment.answered_by, comment.answered_at = actor, timezone.now()
    comment.save(update_fields=["answer", "answer_text", "answered_by", "answered_at"])
    case = comment.version.case or comment.version.plan.case
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.PLAN_COMMENT,
        subject_id=comment.pk,
        case=case,
        summary=f"Answered the family's comment on {comment.on} ({comment.get_answer_display().lower()})",
        request=request,
    )
    if comment.account is not None:
        account_alert(
            account=comment.account,
            subject=f"The SEND team has answered your comment on {_named(comment.version)}",
            lines=[f"The SEND team has answered your comment on {_named(comment.version)} (case {case.reference})."],
            path=family_case_path(case.pk, "plan"),
        )
    return comment


def _upper_first(words: str) -> str:
    return words[:1].upper() + words[1:]


def _named(version: PlanVersion) -> str:
    """ "the draft plan", "the proposed amendments": how an email names what was commented on."""
    return "the draft plan" if version.kind == PlanVersion.Kind.DRAFT else version.called


def plan_version_pdf(*, version: PlanVersion, web_address: str = "") -> bytes:
    """An issued version as a PDF with the council's branding, made from its data."""
    council = current_council()
    case = version.plan.case
    return plan_pdf(
        council_name=council.name,
        council_colour=council.primary_colour,
        child=case.child.full_name,
        case_reference=case.reference,
        kind=version.get_kind_display(),
        issued_on=version.issued_on,
        content=version.content,
        web_address=web_address,
        template=plan_template(version.plan),
    )
