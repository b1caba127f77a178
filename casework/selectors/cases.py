"""Reads about cases: the one place that maps stored rows to casework.clock arguments,
the caseload and the timeliness figures.

Every case kind's recordable steps are described once here (`STEPS`): the Milestone
`key` is the name of the clock argument it fills, so the timeline is always computed
from what was recorded, never typed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import IContains
from django.http import Http404
from django.utils import timezone
from django_tenants.utils import schema_context

from casework import clock
from casework.models import (
    AdviceRequest,
    AuditEvent,
    Case,
    CaseException,
    CaseKind,
    Child,
    ChildAccess,
    DraftPlanReply,
    Milestone,
    MilestoneCorrection,
    StaffMembership,
    StaffRole,
    child_names,
    live_access,
)
from casework.steps import FINISHED, STAGE_LABELS
from tenants.current import current_council, current_schema

if TYPE_CHECKING:
    from citizen.accounts.models import Account


@dataclass(frozen=True)
class StepKind:
    """A step staff record on a case: `key` is the clock argument its date fills.

    `outcomes` are the answers the step needs (stored in Milestone.outcome); `after`
    lists steps whose dates it cannot be earlier than; `may_be_future` allows a date
    still to come (a review meeting is booked ahead).

    The law's order: `needs` lists the steps that must be recorded before this one can
    be (a final plan needs a draft; a review decision needs the meeting's report), and
    `after_comments` names the step that opened the family's 15 days to comment
    (reg 13(1), reg 22(2)(c)): this one is recorded only once those days are over, or
    once the family has replied (`step_out_of_order`).
    """

    key: str
    label: str
    outcome_label: str = ""
    outcome_error: str = ""
    outcomes: tuple[tuple[str, str], ...] = ()
    after: tuple[str, ...] = ()
    may_be_future: bool = False
    hint: str = ""
    needs: tuple[str, ...] = ()
    after_comments: str = ""


WILL_ASSESS = (("yes", "Yes, the council will assess"), ("no", "No, the council will not assess"))
REVIEW_OUTCOMES = (
    (clock.ReviewOutcome.KEEP.value, "Keep the plan as it is"),
    (clock.ReviewOutcome.AMEND.value, "Change (amend) the plan"),
    (clock.ReviewOutcome.CEASE.value, "Stop maintaining the plan"),
)

STEPS: dict[str, tuple[StepKind, ...]] = {
    CaseKind.ASSESSMENT: (
        StepKind(
            "decided_whether_to_assess",
            "Decision whether to assess",
            outcome_label="What did the council decide?",
            outcome_error="Choose whether the council will assess",
            outcomes=WILL_ASSESS,
            hint="The date the decision letter was sent to the family.",
        ),
        StepKind(
            "decided_not_to_issue",
            "Decision not to issue a plan",
            after=("decided_whether_to_assess",),
            needs=("decided_whether_to_assess",),
            hint="The date the family was told the council will not issue a plan.",
        ),
        StepKind(
            "draft_served",
            "Draft plan sent to the family",
            after=("decided_whether_to_assess",),
            needs=("decided_whether_to_assess",),
        ),
        StepKind(
            "final_issued",
            "Final EHC plan issued",
            after=("decided_whether_to_assess", "draft_served"),
            needs=("decided_whether_to_assess", "draft_served"),
            after_comments="draft_served",
        ),
    ),
    CaseKind.ANNUAL_REVIEW: (
        StepKind(
            "last_reviewed",
            "Previous review meeting",
            hint="Only if the plan has been reviewed before: the date of the last review meeting.",
        ),
        StepKind(
            "meeting",
            "Review meeting booked or held",
            after=("last_reviewed",),
            may_be_future=True,
            hint="The date of the meeting. A meeting still to come can be booked now and changed until it is held.",
        ),
        StepKind("notice_sent", "Notice of the meeting sent", needs=("meeting",)),
        StepKind("advice_circulated", "Reports shared before the meeting", needs=("meeting",)),
        StepKind("report_sent", "Review meeting report sent", after=("meeting",), needs=("meeting",)),
        StepKind(
            "decision_notified",
            "Decision sent: keep, change or end the plan",
            outcome_label="What did the council decide?",
            outcome_error="Choose what the council decided",
            outcomes=REVIEW_OUTCOMES,
            after=("meeting", "report_sent"),
            needs=("meeting", "report_sent"),
        ),
        StepKind(
            "amendments_sent",
            "Proposed changes sent to the family",
            after=("meeting", "decision_notified"),
            needs=("decision_notified",),
        ),
        StepKind(
            "amended_plan_issued",
            "Final amended plan issued",
            after=("meeting", "amendments_sent"),
            needs=("amendments_sent",),
            after_comments="amendments_sent",
        ),
    ),
    CaseKind.REASSESSMENT: (
        StepKind("draft_served", "Draft plan sent to the family"),
        StepKind(
            "final_issued",
            "Final plan issued",
            after=("draft_served",),
            needs=("draft_served",),
            after_comments="draft_served",
        ),
    ),
    CaseKind.PHASE_TRANSFER: (StepKind("amended_on", "Plan amended to name the new school or college"),),
}

# What the case's clock counts from, in the words of each kind (case_open's form).
STARTED_ON_LABELS: dict[str, str] = {
    CaseKind.ASSESSMENT: "Date the request was received",
    CaseKind.ANNUAL_REVIEW: "Date the plan was issued",
    CaseKind.REASSESSMENT: "Date of the decision to re-assess",
    CaseKind.PHASE_TRANSFER: "Date of the move",
}

# Exceptions to the time limits exist for assessments (reg 10(4), 13(3)) and
# re-assessments (reg 27(3)) only.
KINDS_WITH_EXCEPTIONS = (CaseKind.ASSESSMENT, CaseKind.REASSESSMENT)

TRANSFER_KINDS = (
    (clock.TransferKind.EARLY_YEARS_TO_SCHOOL.value, "Early years to school"),
    (clock.TransferKind.INFANT_TO_JUNIOR.value, "Infant to junior school"),
    (clock.TransferKind.PRIMARY_TO_MIDDLE.value, "Primary to middle school"),
    (clock.TransferKind.PRIMARY_TO_SECONDARY.value, "Primary to secondary school"),
    (clock.TransferKind.MIDDLE_TO_SECONDARY.value, "Middle to secondary school"),
    (clock.TransferKind.SECONDARY_TO_POST16.value, "Secondary school to post-16"),
    (clock.TransferKind.POST16_TO_POST16.value, "One post-16 institution to another"),
)

EXCEPTION_REASONS = (
    (clock.ExceptionReason.SETTING_CLOSED.value, "The school or early years setting was closed for 4 weeks or more"),
    (clock.ExceptionReason.PERSONAL_CIRCUMSTANCES.value, "Exceptional personal circumstances of the child or family"),
    (clock.ExceptionReason.AWAY_FROM_AREA.value, "The family was away from the area for 4 weeks or more"),
)

# The stage a case is at (the clock key of its next step), as the caseload shows it.

ROLE_LABELS = {**dict(StaffRole.choices), "family": "Family", "api": "Council system"}


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize() if stage else "Not started")


def step_kinds(kind: str) -> tuple[StepKind, ...]:
    return STEPS.get(kind, ())


def step_kind(kind: str, key: str) -> StepKind | None:
    return next((s for s in step_kinds(kind) if s.key == key), None)


# --- Rows → clock --------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """A milestone as the clock needs it: a date and, for decisions, an outcome."""

    occurred_on: date
    outcome: str = ""


@dataclass
class CaseRecords:
    """Everything stored on a case that its timeline is computed from."""

    milestones: dict[str, Milestone | Recorded] = field(default_factory=dict)
    advice: list[AdviceRequest] = field(default_factory=list)
    exceptions: list[CaseException] = field(default_factory=list)


def case_records(case: Case) -> CaseRecords:
    """The case's milestones, advice requests and exceptions (three queries)."""
    return CaseRecords(
        milestones={m.key: m for m in Milestone.objects.filter(case=case).select_related("recorded_by")},
        advice=list(AdviceRequest.objects.filter(case=case)),
        exceptions=list(CaseException.objects.filter(case=case).select_related("recorded_by")),
    )


def exception_period(row: CaseException) -> clock.ExceptionPeriod:
    return clock.ExceptionPeriod(
        reason=clock.ExceptionReason(row.reason), start=row.start, end=row.end, details=row.details, setting=row.setting
    )


def timeline_build(
    *,
    case: Case,
    milestones: Mapping[str, Milestone | Recorded],
    advice: Iterable[AdviceRequest] = (),
    exceptions: Iterable[CaseException | clock.ExceptionPeriod] = (),
    today: date,
) -> clock.Timeline:
    """The case's Timeline from its rows: the only mapping of stored rows to clock
    arguments. Raises the clock's ValueError when the rows do not fit together."""

    def on(key: str) -> date | None:
        m = milestones.get(key)
        return m.occurred_on if m else None

    def outcome(key: str) -> str | None:
        m = milestones.get(key)
        return m.outcome if m else None

    periods = [e if isinstance(e, clock.ExceptionPeriod) else exception_period(e) for e in exceptions]
    if case.kind == CaseKind.ASSESSMENT:
        decision = outcome("decided_whether_to_assess")
        return clock.assessment_timeline(
            received=case.started_on,
            today=today,
            decided_whether_to_assess=on("decided_whether_to_assess"),
            will_assess=None if decision is None else decision == "yes",
            advice=[
                clock.AdviceRequest(adviser=a.adviser, requested=a.requested_on, received=a.received_on)
                for a in advice
                if a.status != AdviceRequest.Status.DECLINED  # no advice is coming: no step to keep
            ],
            decided_not_to_issue=on("decided_not_to_issue"),
            draft_served=on("draft_served"),
            final_issued=on("final_issued"),
            exceptions=periods,
        )
    if case.kind == CaseKind.ANNUAL_REVIEW:
        decision = outcome("decision_notified")
        child = case.child
        return clock.annual_review_timeline(
            plan_issued=case.started_on,
            today=today,
            last_reviewed=on("last_reviewed"),
            date_of_birth=child.date_of_birth,
            at_school_or_college=bool(child.setting),
            meeting=on("meeting"),
            notice_sent=on("notice_sent"),
            advice_circulated=on("advice_circulated"),
            report_sent=on("report_sent"),
            decision_notified=on("decision_notified"),
            outcome=clock.ReviewOutcome(decision) if decision else None,
            amendments_sent=on("amendments_sent"),
            amended_plan_issued=on("amended_plan_issued"),
        )
    if case.kind == CaseKind.REASSESSMENT:
        return clock.reassessment_timeline(
            decided_to_reassess=case.started_on,
            today=today,
            draft_served=on("draft_served"),
            final_issued=on("final_issued"),
            exceptions=periods,
        )
    if case.kind == CaseKind.PHASE_TRANSFER:
        return clock.phase_transfer_timeline(
            kind=clock.TransferKind(case.transfer_kind),
            moving=case.started_on,
            today=today,
            amended_on=on("amended_on"),
        )
    raise ValueError(f"Unknown kind of case: {case.kind}")


def case_timeline(case: Case, today: date, records: CaseRecords | None = None) -> clock.Timeline:
    """The case's statutory timeline, computed now from what was recorded."""
    records = records or case_records(case)
    return timeline_build(
        case=case, milestones=records.milestones, advice=records.advice, exceptions=records.exceptions, today=today
    )


def case_stage(timeline: clock.Timeline) -> str:
    """What a case is waiting for: its next step's key, or "finished"."""
    if timeline.finished:
        return FINISHED
    step = timeline.next_step or next(s for s in timeline.steps if s.status == clock.Status.WAITING)
    return step.key


# The step that opens the family's 15 days to comment, and the clock step their reply answers.
COMMENT_WINDOWS = {"draft_served": "draft_comments", "amendments_sent": "amendment_comments"}


def family_replies(case: Case, replies: Iterable[DraftPlanReply] | None = None) -> dict[str, date]:
    """The day the family first replied in each window to comment (DraftPlanReply.step_key),
    from `replies` where they were prefetched, else with one query."""
    if replies is None:
        replies = DraftPlanReply.objects.filter(case=case).only("step_key", "created_at")
    replied: dict[str, date] = {}
    for reply in sorted(replies, key=lambda r: r.created_at):
        replied.setdefault(reply.step_key, timezone.localdate(reply.created_at))
    return replied


@dataclass(frozen=True)
class OutOfOrder:
    """Why a step cannot be recorded yet, in the law's order of steps: `missing` is a
    step that must be recorded first; else `comments_close` is the last day of the
    family's window to comment, which must be over (or answered) first."""

    step: StepKind
    missing: StepKind | None = None
    comments_close: date | None = None

    def staff_words(self) -> str:
        if self.missing is not None:
            return f"Record “{self.missing.label}” first: “{self.step.label}” comes after it."
        assert self.comments_close is not None
        return (
            f"The family can comment until {clock.long_date(self.comments_close)} (at least 15 days from the day "
            f"it was sent). Record “{self.step.label}” after that day, or once they have replied."
        )


def step_out_of_order(
    *,
    case: Case,
    step: StepKind,
    milestones: Mapping[str, Milestone | Recorded],
    replies: Mapping[str, date],
    occurred_on: date,
) -> OutOfOrder | None:
    """Whether the law's order of steps forbids recording `step` on `occurred_on` now."""
    for key in step.needs:
        if key not in milestones:
            return OutOfOrder(step, missing=step_kind(case.kind, key))
    if step.after_comments and step.after_comments in milestones:
        closes = clock.comments_close(milestones[step.after_comments].occurred_on)
        replied = replies.get(COMMENT_WINDOWS[step.after_comments])
        if occurred_on <= closes and (replied is None or replied > occurred_on):
            return OutOfOrder(step, comments_close=closes)
    return None


def steps_accepted(
    case: Case, records: CaseRecords, today: date, replies: Mapping[str, date] | None = None
) -> list[StepKind]:
    """The steps that can be recorded next on this case: not yet recorded (a review
    meeting still to come may be re-booked), next in the law's order, and consistent
    with what is recorded."""
    latest = max([case.started_on, *(m.occurred_on for m in records.milestones.values())])
    replies = family_replies(case) if replies is None else replies
    accepted = []
    for step in step_kinds(case.kind):
        existing = records.milestones.get(step.key)
        if existing is not None and not (step.key == "meeting" and existing.occurred_on > today):
            continue
        if step_out_of_order(case=case, step=step, milestones=records.milestones, replies=replies, occurred_on=today):
            continue
        trial_date = max(latest, existing.occurred_on) if existing else latest
        for outcome in [value for value, _ in step.outcomes] or [""]:
            trial = {**records.milestones, step.key: Recorded(trial_date, outcome)}
            try:
                timeline_build(case=case, milestones=trial, advice=records.advice, today=today)
            except ValueError:
                continue
            accepted.append(step)
            break
    return accepted


def steps_waiting(
    case: Case, records: CaseRecords, today: date, replies: Mapping[str, date] | None = None
) -> list[OutOfOrder]:
    """Steps next in order but for the family's 15 days to comment: "from 16 May, or once
    they have replied", so the case page says why the final plan is not offered yet."""
    replies = family_replies(case) if replies is None else replies
    waiting = []
    for step in step_kinds(case.kind):
        if step.key in records.milestones:
            continue
        out = step_out_of_order(case=case, step=step, milestones=records.milestones, replies=replies, occurred_on=today)
        if out is not None and out.comments_close is not None:
            waiting.append(out)
    return waiting


def case_corrections(case: Case) -> list[dict]:
    """The steps corrected or withdrawn on the case, newest first, with their labels."""
    rows = MilestoneCorrection.objects.filter(case=case).select_related("corrected_by").order_by("-created_at", "-id")
    items = []
    for row in rows:
        step = step_kind(case.kind, row.key)
        outcomes = dict(step.outcomes) if step else {}
        items.append(
            {
                "row": row,
                "label": step.label if step else row.key,
                "was_outcome": outcomes.get(row.was_outcome, ""),
                "now_outcome": outcomes.get(row.now_outcome, ""),
            }
        )
    return items


def milestone_for_case(*, case: Case, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.filter(case=case, pk=milestone_id).first()
    if milestone is None:
        raise Http404
    return milestone


# --- The case page ---------------------------------------------------------------------


def case_for_staff_page(*, membership: StaffMembership | None, case_id: int) -> Case:
    """Any case of this council for an active member of its SEND team, with the child,
    service area and caseworker in the same query; 404 otherwise (as case_for_staff)."""
    if membership is None or not membership.is_active:
        raise Http404
    case = Case.objects.select_related("child", "child__service_area", "caseworker").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def advice_request_for_case(*, case: Case, advice_id: int) -> AdviceRequest:
    advice = AdviceRequest.objects.filter(case=case, pk=advice_id).first()
    if advice is None:
        raise Http404
    return advice


def recorded_steps(case: Case, records: CaseRecords) -> list[dict]:
    """The milestones recorded on the case, in date order, with their labels."""
    items = []
    stored = cast(list[Milestone], list(records.milestones.values()))  # read from the database: rows
    for milestone in sorted(stored, key=lambda m: (m.occurred_on, m.pk)):
        step = step_kind(case.kind, milestone.key)
        items.append(
            {
                "milestone": milestone,
                "label": step.label if step else milestone.key,
                "outcome": dict(step.outcomes).get(milestone.outcome, "") if step else milestone.outcome,
            }
        )
    return items


def case_family_members(case: Case) -> QuerySet[ChildAccess]:
    """The accounts verified for the case's child now, with their relationship."""
    return (
        ChildAccess.objects.filter(live_access(), child_id=case.child_id)
        .select_related("account")
        .order_by("granted_at", "id")
    )


def case_audit_trail(case: Case, limit: int = 50) -> list[AuditEvent]:
    """The latest audit events about this case, newest first."""
    events = list(AuditEvent.objects.filter(case=case).select_related("actor").order_by("-created_at", "-id")[:limit])
    for event in events:
        event.role_label = ROLE_LABELS.get(event.actor_role, event.actor_role)  # type: ignore[attr-defined]  # for the template
    return events


# --- The caseload ------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[/.\- ](?P<m>\d{1,2})[/.\- ](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)


def search_date(text: str) -> date | None:
    """A date of birth typed as d/m/yyyy (or with dashes, dots, spaces) or yyyy-mm-dd."""
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text.strip())
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


@dataclass(frozen=True)
class CaseloadFilters:
    search: str = ""
    stage: str = ""  # "" = every open case; a stage key; or "finished"
    service_area_id: int | None = None
    caseworker: str = ""  # "" any, "mine", "none" (not assigned), or an account id
    deadline: str = ""  # "" any, "overdue", "this_week"


# What a caseload row reads (caseload_rows, casework/views/caseload_table.py), as one
# tuple a case: reading fifty cases, children and caseworkers as model instances cost
# 1.5 ms of the page (issue 13).
CASELOAD_VALUES = (
    *("pk", "reference", "kind", "stage", "next_deadline"),
    *("child__legal_first_name", "child__legal_last_name", "child__known_as", "child__date_of_birth"),
    *("caseworker__first_name", "caseworker__last_name", "caseworker__email"),
)


def caseload(*, account: Account, filters: CaseloadFilters, today: date) -> QuerySet[Case]:
    """This council's cases, soonest next deadline first (finished cases last), filtered:
    counted as they are, and a page of them read through caseload_values (issue 13)."""
    cases = Case.objects.order_by(F("next_deadline").asc(nulls_last=True), "id")
    if filters.stage == FINISHED:
        cases = cases.filter(stage=FINISHED)
    elif filters.stage:
        cases = cases.filter(stage=filters.stage)
    else:
        cases = cases.exclude(stage=FINISHED)
    if filters.service_area_id:
        cases = cases.filter(child__service_area_id=filters.service_area_id)
    if filters.caseworker == "mine":
        cases = cases.filter(caseworker_id=account.pk)
    elif filters.caseworker == "none":
        cases = cases.filter(caseworker__isnull=True)
    elif filters.caseworker.isdigit():
        cases = cases.filter(caseworker_id=int(filters.caseworker))
    if filters.deadline == "overdue":
        cases = cases.filter(next_deadline__lt=today)
    elif filters.deadline == "this_week":
        monday = today - timedelta(days=today.weekday())
        cases = cases.filter(next_deadline__range=(monday, monday + timedelta(days=6)))
    if filters.search:
        cases = cases.filter(_search_q(filters.search))
    return cases


def caseload_values(cases: QuerySet[Case]) -> QuerySet:
    """The caseload's cases as the tuples its rows are drawn from (CASELOAD_VALUES):
    the child and caseworker in the same query, so a page costs the same whatever its
    length, and only the columns a row shows."""
    return cases.values_list(*CASELOAD_VALUES)


_KIND_LABELS = dict(CaseKind.choices)


@dataclass(frozen=True)
class CaseloadRow:
    """A case as the caseload draws it, its words worked out here once rather than looked
    up by the template (fifty rows a page: issue 13)."""

    case_id: int
    reference: str
    child_name: str
    known_as: str
    born: date
    next_deadline: date | None
    stage: str
    days_left: int | None  # negative when overdue
    kind: str = ""
    caseworker: str = ""

    @property
    def deadline_text(self) -> str:
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return f"Overdue by {_days(-self.days_left)}"
        if self.days_left == 0:
            return "Due today"
        return f"{_days(self.days_left)} left"

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def _account_name(first: str | None, last: str | None, email: str | None) -> str:
    """Account.get_full_name(), else the email, from columns read as values (None for a
    case with no caseworker)."""
    return f"{first or ''} {last or ''}".strip() or email or ""


def caseload_rows(values: Iterable[tuple], *, today: date) -> list[CaseloadRow]:
    """A page of the caseload (tuples in CASELOAD_VALUES' order) as rows: the kind and
    stage in words, the days to the next deadline, the caseworker's name."""
    rows = []
    for pk, reference, kind, stage, deadline, first, last, known_as, born, worker_first, worker_last, email in values:
        rows.append(
            CaseloadRow(
                case_id=pk,
                reference=reference,
                child_name=f"{first} {last}",
                known_as=known_as,
                born=born,
                next_deadline=deadline,
                stage=stage_label(stage),
                days_left=None if deadline is None else (deadline - today).days,
                kind=_KIND_LABELS.get(kind, kind),
                caseworker=_account_name(worker_first, worker_last, email),
            )
        )
    return rows


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def child_search_q(text: str) -> Q:
    """Children matching what a caseworker typed: a date of birth (search_date), else
    every word in one of the names, or the council reference exactly. The one reading of
    a search box, for the caseload, the Children list and the access request's search.
    Each word is read through the trigram index on the names as one text (child_names)."""
    text = text.strip()
    born = search_date(text)
    if born is not None:
        return Q(date_of_birth=born)
    by_name = Q()
    for word in text.split():
        by_name &= Q(IContains(child_names(), word))
    by_reference = Q(council_reference__iexact=text)
    return by_reference | by_name if text.split() else by_reference


SEARCH_IDS_AT_MOST = 500


def _search_q(text: str) -> Q:
    """Cases whose reference is `text`, or whose child matches it. Each side is a query of
    its own and the case ids their union, so that each reads its own index (the case's
    reference; the children's trigram, date of birth and reference: casework 0012 and
    later) rather than every case being tested against both (issue 13: a 20,000-case
    caseload: its count and its page 25-30 -> 4-5.5 ms each)."""
    text = text.strip()
    children = Child.objects.filter(child_search_q(text)).values("pk")
    if search_date(text) is not None:
        return Q(child_id__in=children)
    # Unordered: a case's default order would sort each side of the union for nothing.
    of_children = Case.objects.filter(child_id__in=children).order_by()
    by_reference = Case.objects.filter(reference__iexact=text).order_by()
    union = by_reference.values_list("pk", flat=True).union(of_children.values_list("pk", flat=True))
    # Read once, the ids the count and the page then both look up by key, rather than
    # each building and planning the union again (2 ms a search page: issue 13). A
    # search that finds more (a single letter) keeps the union as a subquery.
    found = list(union[: SEARCH_IDS_AT_MOST + 1])
    return Q(pk__in=found) if len(found) <= SEARCH_IDS_AT_MOST else Q(pk__in=union)


def staff_caseworkers() -> QuerySet[StaffMembership]:
    """The council's active SEND team, by name (for assigning and filtering)."""
    return (
        StaffMembership.objects.filter(is_active=True)
        .select_related("account")
        # The names only: a list of 200 caseworkers is drawn on every caseload page, and
        # each account's other columns (many of them dates) cost time to read (issue 13).
        .only("account_id", "role", "account__first_name", "account__last_name", "account__email")
        .order_by("account__first_name", "account__last_name", "account__email")
    )


# The team's names are drawn on every caseload page (its caseworker filter), so they are
# kept in the cache (per council: its keys carry the schema) and forgotten whenever a
# membership or an account is saved or deleted (casework.signals); the timeout bounds how
# long a name changed on another council's site can show here.
CASEWORKER_NAMES_KEY = "casework:caseworker-names"
CASEWORKER_NAMES_SECONDS = 300


def caseworker_names() -> tuple[tuple[int, str], ...]:
    """The active SEND team as (account id, name), by name: read from the database once
    in a while, not on every caseload page (1.5 ms for 200 caseworkers: issue 13)."""
    found = cache.get(CASEWORKER_NAMES_KEY)
    if found is None:
        rows = staff_caseworkers().values_list(
            "account_id", "account__first_name", "account__last_name", "account__email"
        )
        found = tuple((pk, _account_name(first, last, email)) for pk, first, last, email in rows)
        cache.set(CASEWORKER_NAMES_KEY, found, CASEWORKER_NAMES_SECONDS)
    return found


def forget_caseworker_names() -> None:
    """This council's cached team names, now and again once the change is committed (so
    that no page read in between keeps the names from before it)."""
    cache.delete(CASEWORKER_NAMES_KEY)
    schema = current_schema()  # a cache key carries the schema the connection is on

    def once_committed() -> None:
        with schema_context(schema):
            cache.delete(CASEWORKER_NAMES_KEY)

    transaction.on_commit(once_committed)


def council_service_areas():
    """The council's service areas, from the configuration each web process keeps
    (tenants.configuration): no query on the caseload page once read."""
    from tenants.configuration import council_configuration

    return council_configuration(council=current_council()).service_areas


# --- The timeliness dashboard --------------------------------------------------------------


@dataclass(frozen=True)
class Percentage:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return None if self.denominator == 0 else 100 * self.numerator / self.denominator

    @property
    def whole(self) -> int | None:
        """The value as a whole percentage (a chart's bar), or None with no plans."""
        return None if self.value is None else round(self.value)

    def __str__(self) -> str:
        value = self.value
        if value is None:
            return "No plans"
        return f"{value:.1f}".removesuffix(".0") + "%"


@dataclass(frozen=True)
class TimelinessSummary:
    period_start: date
    period_end: date
    plans_issued: int
    within_20_weeks: Percentage  # every plan (including exceptions)
    within_20_weeks_excluding_exceptions: Percentage  # plans with an exception left out
    within_extended_deadline: Percentage  # the stopped-clock verdict
    plans_with_exceptions: int
    open_by_stage: list[tuple[str, int]]
    overdue_by_kind: list[tuple[str, int]]


def timeliness_summary(*, today: date) -> TimelinessSummary:
    """New EHC plans issued in the 12 months to `today` (by final-plan issue date), and
    how many were issued within 20 weeks, with and without exceptions as the national
    tables count them (casework.clock.timeliness); open assessments by stage; overdue
    cases by kind. Four queries whatever the caseload."""
    start = clock.add_months(today, -12) + timedelta(days=1)
    verdicts = [verdict for _, verdict in _plans_issued(start, today)]
    excluding = [
        v.within_20_weeks_excluding_exceptions for v in verdicts if v.within_20_weeks_excluding_exceptions is not None
    ]

    open_counts = dict(
        Case.objects.filter(kind=CaseKind.ASSESSMENT)
        .exclude(stage=FINISHED)
        .order_by()
        .values("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    overdue_counts = dict(
        Case.objects.exclude(stage=FINISHED)
        .filter(next_deadline__lt=today)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return TimelinessSummary(
        period_start=start,
        period_end=today,
        plans_issued=len(verdicts),
        within_20_weeks=Percentage(sum(bool(v.within_20_weeks) for v in verdicts), len(verdicts)),
        within_20_weeks_excluding_exceptions=Percentage(sum(excluding), len(excluding)),
        within_extended_deadline=Percentage(sum(bool(v.within_extended_deadline) for v in verdicts), len(verdicts)),
        plans_with_exceptions=sum(v.exceptions_apply for v in verdicts),
        open_by_stage=[(stage_label(stage), open_counts[stage]) for stage in _stage_order(open_counts)],
        overdue_by_kind=[(label, overdue_counts.get(kind, 0)) for kind, label in CaseKind.choices],
    )


def _plans_issued(start: date, end: date) -> list[tuple[date, clock.Timeliness]]:
    """New plans issued from `start` to `end`: each one's issue date and its verdict (two
    queries). A final plan counts only after a draft plan sent (reg 13(1)): one recorded
    without one, before the order of steps was enforced, was never issued as the law means."""
    drafted = Milestone.objects.filter(
        case=OuterRef("case"), key="draft_served", occurred_on__lte=OuterRef("occurred_on")
    )
    finals = list(
        Milestone.objects.filter(key="final_issued", case__kind=CaseKind.ASSESSMENT, occurred_on__range=(start, end))
        .filter(Exists(drafted))
        .select_related("case")
    )
    periods: dict[int, list[clock.ExceptionPeriod]] = {}
    for row in CaseException.objects.filter(case_id__in=[m.case_id for m in finals]):
        periods.setdefault(row.case_id, []).append(exception_period(row))
    return [
        (
            m.occurred_on,
            clock.timeliness(
                received=m.case.started_on, final_issued=m.occurred_on, exceptions=periods.get(m.case_id, ())
            ),
        )
        for m in finals
    ]


@dataclass(frozen=True)
class MonthOfPlans:
    month: date  # its first day
    plans_issued: int
    within_20_weeks: Percentage
    within_20_weeks_excluding_exceptions: Percentage


def timeliness_by_month(*, today: date) -> list[MonthOfPlans]:
    """The dashboard's 12 months, month by month (the first and the current month are part
    months): new plans issued, and the share within 20 weeks with and without exceptions,
    counted as timeliness_summary counts them. Two queries."""
    start = clock.add_months(today, -12) + timedelta(days=1)
    by_month: dict[date, list[clock.Timeliness]] = {}
    for issued, verdict in _plans_issued(start, today):
        by_month.setdefault(issued.replace(day=1), []).append(verdict)
    months = []
    month = start.replace(day=1)
    while month <= today:
        verdicts = by_month.get(month, [])
        excluding = [
            v.within_20_weeks_excluding_exceptions
            for v in verdicts
            if v.within_20_weeks_excluding_exceptions is not None
        ]
        months.append(
            MonthOfPlans(
                month=month,
                plans_issued=len(verdicts),
                within_20_weeks=Percentage(sum(bool(v.within_20_weeks) for v in verdicts), len(verdicts)),
                within_20_weeks_excluding_exceptions=Percentage(sum(excluding), len(excluding)),
            )
        )
        month = clock.add_months(month, 1)
    return months


def _stage_order(stages: Sequence[str] | Mapping[str, int]) -> list[str]:
    order = list(STAGE_LABELS)
    return sorted(stages, key=lambda s: (order.index(s) if s in order else len(order), s))
