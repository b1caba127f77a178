"""Reads for the family's SEND area (citizen/): a family member's children and requests,
a case's progress in plain English, the window to reply to a draft plan, and who on the
council's side has looked at a child's records.

The access checks are casework.selectors.access's (`child_for_family`,
`case_for_family`) and the `..._for_family` ones here: each answers "not found" the same
way whether a record is missing or not the caller's. Every page that lists things costs
the same number of queries however many rows it shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case as Case_
from django.db.models import CharField, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from casework import clock
from casework.models import (
    AccessRequest,
    AdviceRequest,
    AuditEvent,
    Case,
    CaseKind,
    Child,
    ChildAccess,
    Document,
    DraftPlanReply,
    Milestone,
    PrintedCopyRequest,
    Relationship,
    StaffRole,
    live_access,
)
from casework.selectors.access import documents_family_member_sees, documents_for_family
from casework.selectors.cases import FINISHED, CaseRecords, case_records, case_timeline
from casework.selectors.children import PENDING
from casework.selectors.documents import draft_replies_for_case
from casework.selectors.messages import with_unread
from casework.services.organisations import PROFESSIONAL
from casework.steps import STAGE_TEXTS
from citizen.accounts.models import Account
from tenants.configuration import council_configuration
from tenants.models import Council
from themes.wording import in_sentence

FAMILY = "family"
TRUSTED = "trusted"  # someone the family trusts (ChildAccess.actor_role)
API = "api"

# What the family sees of their requests: the SEND team's decision is still to come, or
# was no (with the reason). An approved request shows as the child itself.
REQUESTS_SHOWN = (AccessRequest.Status.WAITING, AccessRequest.Status.MORE_EVIDENCE, AccessRequest.Status.DECLINED)


def stage_text(stage: str) -> str:
    return STAGE_TEXTS.get(stage, "Starting" if not stage else stage.replace("_", " ").capitalize())


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def whose(relationship: str) -> str:
    """ "your child's", or "your" to the young person themself."""
    return "your" if relationship == Relationship.YOUNG_PERSON else "your child's"


# --- A family member's children and requests ---------------------------------------------


@dataclass(frozen=True)
class CaseSummary:
    """A case as a line on the family's home page or a child's page (from the case's
    cached stage and next deadline, so a list of cases costs no timeline each)."""

    case: Case
    stage: str
    next_deadline: date | None
    overdue: bool
    unread: int

    @property
    def finished(self) -> bool:
        return self.case.stage == FINISHED


@dataclass(frozen=True)
class FamilyChild:
    access: ChildAccess
    cases: list[CaseSummary]

    @property
    def child(self) -> Child:
        return self.access.child

    @property
    def unread(self) -> int:
        return sum(c.unread for c in self.cases)

    @property
    def is_young_person(self) -> bool:
        return self.access.relationship == Relationship.YOUNG_PERSON


@dataclass(frozen=True)
class FamilyHome:
    children: list[FamilyChild]
    requests: list[AccessRequest]
    # Young people: how many parents or carers, per child, they have not yet decided about.
    undecided: dict[int, int] = field(default_factory=dict)

    @property
    def unread(self) -> int:
        return sum(c.unread for c in self.children)

    @property
    def waiting_for_you(self) -> list[AccessRequest]:
        return [r for r in self.requests if r.status == AccessRequest.Status.MORE_EVIDENCE]


def family_accesses(*, account: Account) -> QuerySet[ChildAccess]:
    """The account's live accesses, with their children, by the child's name: the same
    children as casework.selectors.access.children_for_family, and as what."""
    return (
        ChildAccess.objects.filter(live_access(), account=account)
        .select_related("child")
        .order_by("child__legal_first_name", "child__legal_last_name", "child_id")
    )


def case_summaries(cases: QuerySet[Case], *, account: Account, today: date) -> list[CaseSummary]:
    """Cases as lines, with unread message counts (read with the cases: one query)."""
    return [
        CaseSummary(
            case=case,
            stage=stage_text(case.stage),
            next_deadline=case.next_deadline,
            overdue=case.next_deadline is not None and case.next_deadline < today and case.stage != FINISHED,
            unread=case.unread,  # type: ignore[attr-defined]  # with_unread's annotation
        )
        for case in with_unread(cases, account)
    ]


def family_home(*, account: Account, today: date) -> FamilyHome:
    """What the SEND area's home page shows: the children the account is verified for,
    their cases with unread messages, and the account's requests still waiting or
    declined. Four queries at most, however many children, cases and requests."""
    accesses = list(family_accesses(account=account))
    by_child: dict[int, list[CaseSummary]] = {a.child_id: [] for a in accesses}
    if by_child:
        cases = Case.objects.filter(child_id__in=list(by_child)).order_by("-started_on", "-id")
        for summary in case_summaries(cases, account=account, today=today):
            by_child[summary.case.child_id].append(summary)
    children = [FamilyChild(a, by_child[a.child_id]) for a in accesses]
    requests = list(
        AccessRequest.objects.filter(account=account, status__in=REQUESTS_SHOWN).order_by("-created_at", "-id")
    )
    undecided: dict[int, int] = {}
    young = [a.child_id for a in accesses if a.relationship == Relationship.YOUNG_PERSON]
    if young:
        for access in (
            ChildAccess.objects.filter(live_access(), child_id__in=young, kept_by_young_person_at__isnull=True)
            .exclude(relationship=Relationship.TRUSTED)
            .exclude(account=account)
        ):
            undecided[access.child_id] = undecided.get(access.child_id, 0) + 1
    return FamilyHome(children=children, requests=requests, undecided=undecided)


def child_access_for_family(*, account: Account, child_id: int) -> ChildAccess:
    """The account's live access to this child, with the child: 404 when it has none
    (the same as a child that does not exist)."""
    if account is None or not account.is_authenticated:
        raise Http404
    access = (
        ChildAccess.objects.select_related("child").filter(live_access(), account=account, child_id=child_id).first()
    )
    if access is None:
        raise Http404
    return access


def family_member_access(*, account: Account, child_id: int) -> ChildAccess:
    """child_access_for_family for the pages only the family has (who has seen the records,
    the whole record, the people they trust): someone the family trusts is answered 404."""
    access = child_access_for_family(account=account, child_id=child_id)
    if access.is_trusted:
        raise Http404
    return access


def child_cases_for_family(*, access: ChildAccess, today: date) -> list[CaseSummary]:
    cases = Case.objects.filter(child_id=access.child_id).order_by("-started_on", "-id")
    return case_summaries(cases, account=access.account, today=today)


def access_request_for_family(*, account: Account, access_request_id: int) -> AccessRequest:
    """One of the account's own requests (any status): 404 for anyone else's."""
    if account is None or not account.is_authenticated:
        raise Http404
    access_request = AccessRequest.objects.filter(pk=access_request_id, account=account).first()
    if access_request is None:
        raise Http404
    return access_request


def access_requests_waiting(*, account: Account) -> list[AccessRequest]:
    """The account's requests the SEND team has not decided yet, oldest first."""
    return list(AccessRequest.objects.filter(account=account, status__in=PENDING).order_by("created_at", "id"))


# --- Young people and who else can see their records -----------------------------------


def young_person_access_for_family(*, account: Account, child_id: int) -> ChildAccess:
    """The account's live access to this child AS the young person themself: 404 for a
    parent or carer, as for anyone else (only the young person decides who sees)."""
    access = child_access_for_family(account=account, child_id=child_id)
    if access.relationship != Relationship.YOUNG_PERSON:
        raise Http404
    return access


def young_person_sharing(*, young_person: ChildAccess) -> tuple[list[ChildAccess], list[ChildAccess]]:
    """The other people who can see the young person's records now (oldest first), and
    those the young person has removed (most recent first), with their accounts. One query."""
    accesses = list(
        ChildAccess.objects.filter(child_id=young_person.child_id)
        .exclude(account_id=young_person.account_id)
        .exclude(relationship=Relationship.TRUSTED)  # on the page of people the family trusts
        .select_related("account")
        .order_by("granted_at", "id")
    )
    live = [a for a in accesses if a.revoked_at is None]
    removed = sorted(
        (a for a in accesses if a.revoked_at is not None and a.removed_by_young_person),
        key=lambda a: a.revoked_at,  # type: ignore[arg-type,return-value]  # revoked: set
        reverse=True,
    )
    return live, removed


def shared_access_for_young_person(*, young_person: ChildAccess, access_id: int) -> ChildAccess:
    """Another person's live access to the young person's records: 404 otherwise."""
    access = (
        ChildAccess.objects.select_related("account", "child")
        .filter(live_access(), pk=access_id, child_id=young_person.child_id)
        .exclude(account_id=young_person.account_id)
        .exclude(relationship=Relationship.TRUSTED)
        .first()
    )
    if access is None:
        raise Http404
    return access


# --- A case's progress, in plain English ---------------------------------------------------

# The window a family has to reply to a draft plan (or proposed changes), per kind of case:
# which recorded step opens it and which closes it for good.


@dataclass(frozen=True)
class ReplyWindowKind:
    step_key: str  # the clock's step
    served: str  # the milestone that opens it
    closed_by: str  # the milestone after which replying is pointless (the final plan)
    what: str  # "the draft plan"


REPLY_WINDOWS: dict[str, ReplyWindowKind] = {
    CaseKind.ASSESSMENT: ReplyWindowKind("draft_comments", "draft_served", "final_issued", "the draft plan"),
    CaseKind.REASSESSMENT: ReplyWindowKind("draft_comments", "draft_served", "final_issued", "the draft plan"),
    CaseKind.ANNUAL_REVIEW: ReplyWindowKind(
        "amendment_comments", "amendments_sent", "amended_plan_issued", "the proposed changes to the plan"
    ),
}
FINAL_PLAN_STEPS: dict[str, str] = {
    CaseKind.ASSESSMENT: "final_issued",
    CaseKind.REASSESSMENT: "final_issued",
    CaseKind.ANNUAL_REVIEW: "amended_plan_issued",
}


@dataclass(frozen=True)
class ReplyWindow:
    """The family's time to reply: served on `served_on`, open to `last_day` inclusive
    (casework.clock.comments_close, reg 13(1)). After the final plan nobody can reply."""

    kind: ReplyWindowKind
    served_on: date
    last_day: date
    today: date
    final_issued: bool

    @property
    def what(self) -> str:
        return self.kind.what

    @property
    def is_open(self) -> bool:
        return self.today <= self.last_day

    @property
    def days_left(self) -> int:
        return max((self.last_day - self.today).days, 0)

    @property
    def accepts_replies(self) -> bool:
        return not self.final_issued


def reply_window(*, case: Case, milestones, today: date) -> ReplyWindow | None:
    """The case's reply window once the draft (or proposed changes) has been sent; None
    before that, and for kinds of case without one."""
    kind = REPLY_WINDOWS.get(case.kind)
    if kind is None:
        return None
    served = milestones.get(kind.served)
    if served is None:
        return None
    return ReplyWindow(
        kind=kind,
        served_on=served.occurred_on,
        last_day=clock.comments_close(served.occurred_on),
        today=today,
        final_issued=kind.closed_by in milestones,
    )


def final_plan_issued(*, case: Case, milestones) -> Milestone | None:
    key = FINAL_PLAN_STEPS.get(case.kind)
    return milestones.get(key) if key else None


_SECTION = re.compile(r"\bs\.(\d+\S*) (.*Act \d{4})")
_REGULATION = re.compile(r"\breg (\d+)")


def law_text(regulation: str) -> str:
    """Where a deadline comes from, in words: "reg 5(1)" → "regulation 5(1) of the SEND
    Regulations 2014"; "s.44(1) Children and Families Act 2014" → "section 44(1) of the
    Children and Families Act 2014"."""
    text = _SECTION.sub(r"section \1 of the \2", regulation)
    if _REGULATION.search(text):
        parts = [p.strip() for p in text.split(";")]
        parts[0] = _REGULATION.sub(r"regulation \1", parts[0]) + " of the SEND Regulations 2014"
        text = "; ".join([parts[0], *(_REGULATION.sub(r"regulation \1", p) for p in parts[1:])])
    return text


@dataclass(frozen=True)
class TrackerStep:
    """One step of a case's timeline as the family reads it. `step` is the clock's (its
    `explanations` say why a deadline moved; a caseworker's private note on an exception
    is never in them)."""

    step: clock.Step
    tag: str  # a short label: "Done", "Late", "Due", "Overdue", "Your turn", …
    tag_colour: str  # a GOV.UK tag modifier
    summary: str  # the whole status in a sentence
    deadline: str  # "The legal deadline is …", or ""
    law: str
    council_text: str
    is_next: bool = False
    replies: tuple[DraftPlanReply, ...] = ()

    @property
    def explanations(self) -> tuple[str, ...]:
        return self.step.explanations


def _describe(step: clock.Step) -> tuple[str, str, str]:
    """(tag, colour, sentence) for a step, in the second person."""
    s = clock.Status
    if step.status == s.DONE:
        assert step.done_on is not None
        done = f"Done on {clock.long_date(step.done_on)}"
        if step.on_time is True:
            return "Done on time", "green", f"{done}. This was on time."
        if step.on_time is False:
            late = _days(step.days_late or 0)
            return f"Done {late} late", "orange", f"{done}. This was {late} late."
        return "Done", "green", f"{done}."
    if step.status == s.OVERDUE:
        late = _days(step.days_late or 0)
        due = clock.long_date(step.due_by) if step.due_by else ""
        return (
            f"Late by {late}",
            "red",
            f"Not done yet. It was due by {due}, so the council is {late} late.",
        )
    if step.status == s.DUE:
        due = clock.long_date(step.due_by) if step.due_by else ""
        left = "That is today." if step.days_left == 0 else f"That is {_days(step.days_left or 0)} from now."
        return "On time so far", "blue", f"Due by {due}. {left}"
    if step.status == s.OPEN:
        last = clock.long_date(step.due_by) if step.due_by else ""
        left = "Today is the last day." if step.days_left == 0 else f"You have {_days(step.days_left or 0)} left."
        return "Your turn", "yellow", f"You can reply until {last}. {left}"
    if step.status == s.CLOSED:
        last = clock.long_date(step.due_by) if step.due_by else ""
        return "Time to reply ended", "grey", f"The time to reply ended on {last}."
    if step.status == s.NOT_RECORDED:
        return "Not recorded", "grey", "This was not recorded, and a later step has already happened."
    return "Not started", "grey", "This has not started yet. It starts when an earlier step is done."


def _deadline_text(step: clock.Step) -> str:
    if step.deadline is None:
        return ""
    if step.status in (clock.Status.OPEN, clock.Status.CLOSED):
        return f"The last day to reply is {clock.long_date(step.deadline)}."
    if step.extended_to:
        return (
            f"The legal deadline was {clock.long_date(step.deadline)}. "
            f"It has been extended to {clock.long_date(step.extended_to)}."
        )
    return f"The legal deadline is {clock.long_date(step.deadline)}."


@dataclass(frozen=True)
class Tracker:
    """A case's progress for the family: every step, what comes next, and whether the
    council is on time."""

    case: Case
    steps: list[TrackerStep]
    next_step: TrackerStep | None
    headline: str
    late: bool
    finished: bool
    recommendations: tuple[clock.Recommendation, ...]
    window: ReplyWindow | None
    final_plan: Milestone | None
    advice: tuple[AdviceAsked, ...] = ()


@dataclass(frozen=True)
class AdviceAsked:
    """Who the SEND team asked for advice, as the family reads it (Somerset's guidance:
    families see who was asked and whether it has arrived)."""

    adviser: str
    asked_on: date
    due_on: date
    status: str  # a sentence: arrived (on time or late), declined, or still due


def advice_asked(advice: Iterable[AdviceRequest]) -> tuple[AdviceAsked, ...]:
    rows = []
    for a in advice:
        due = a.due_on
        if a.received_on is not None:
            verdict = "on time" if a.on_time else "late"
            status = f"Arrived on {clock.long_date(a.received_on)}, {verdict}"
        elif a.status == AdviceRequest.Status.DECLINED and a.declined_on is not None:
            status = f"They could not give this advice (told the SEND team on {clock.long_date(a.declined_on)})"
        else:
            status = f"Not arrived yet: due by {clock.long_date(due)}"
        rows.append(AdviceAsked(adviser=a.adviser, asked_on=a.requested_on, due_on=due, status=status))
    return tuple(rows)


def case_tracker(
    *, case: Case, council: Council, today: date, records: CaseRecords | None = None, viewer: Account | None = None
) -> Tracker:
    """The case's statutory timeline (casework.selectors.cases.case_timeline) in plain
    English, with the council's own explanation beside each step (its StageExplanation)
    and the family's replies beside their reply window. Once someone in the family has
    replied, the headline says who sent what and when (`viewer` reads "You"), not "it is
    your turn". Six queries."""
    records = records or case_records(case)
    timeline = case_timeline(case, today, records)
    explained = council_configuration(council=council).stage_explanations
    window = reply_window(case=case, milestones=records.milestones, today=today)
    replies = tuple(draft_replies_for_case(case=case)) if window else ()
    # The clock keeps a reply window open to its last day even when the final plan came
    # first; for the family it has ended: nothing can change the plan by replying.
    overtaken = window.kind.step_key if window and window.final_issued else None
    next_clock_step, finished = _next_and_finished(timeline, overtaken=overtaken)
    replied = [r for r in replies if window and r.served_on == window.served_on]
    steps = [
        _tracker_step(
            step,
            overtaken=step.key == overtaken,
            council_text=explained.get((case.kind, step.key), ""),
            is_next=step is next_clock_step,
            replies=replies if window and step.key == window.kind.step_key else (),
            replied=bool(replied) and window is not None and step.key == window.kind.step_key,
        )
        for step in timeline.steps
    ]
    next_step = next((s for s in steps if s.is_next), None)
    overdue = [s for s in steps if s.step.status == clock.Status.OVERDUE]
    if replied and next_step is not None and next_step.step.status == clock.Status.OPEN and window is not None:
        headline = _replied_headline(replied[-1], window=window, viewer=viewer)
    else:
        headline = _headline(steps, next_step=next_step, overdue=overdue, window=window, finished=finished)
    return Tracker(
        case=case,
        steps=steps,
        next_step=next_step,
        headline=headline,
        late=bool(overdue),
        finished=finished,
        recommendations=timeline.recommendations,
        window=window,
        final_plan=final_plan_issued(case=case, milestones=records.milestones),
        advice=advice_asked(records.advice),
    )


def _due(step: clock.Step) -> str:
    return clock.long_date(step.due_by) if step.due_by else ""


def _next_and_finished(timeline: clock.Timeline, *, overtaken: str | None) -> tuple[clock.Step | None, bool]:
    """The pending step due soonest (what the family waits on), and whether nothing is
    left to happen. A reply window the final plan overtook is not pending."""
    pending = [
        s
        for s in timeline.steps
        if s.is_pending and s.due_by and not (s.key == overtaken and s.status == clock.Status.OPEN)
    ]
    next_step = min(pending, key=lambda s: s.due_by) if pending else None  # type: ignore[arg-type,return-value]  # pending: due_by set
    finished = not any(s in pending or s.status == clock.Status.WAITING for s in timeline.steps)
    return next_step, finished


def _tracker_step(
    step: clock.Step,
    *,
    overtaken: bool,
    council_text: str,
    is_next: bool,
    replies: tuple[DraftPlanReply, ...],
    replied: bool = False,
) -> TrackerStep:
    """One step in the family's words: its tag, sentence, deadline and law."""
    tag, colour, summary = _describe(step)
    if overtaken and step.status == clock.Status.OPEN:
        tag, colour = "Time to reply ended", "grey"
        summary = "The final plan has been issued, so the time to reply has ended."
    elif replied and step.status == clock.Status.OPEN:
        last = clock.long_date(step.due_by) if step.due_by else ""
        tag, colour = "Replied", "green"
        summary = f"Your family's reply has been sent. You can add to it until {last}."
    return TrackerStep(
        step=step,
        tag=tag,
        tag_colour=colour,
        summary=summary,
        deadline=_deadline_text(step),
        law=law_text(step.regulation),
        council_text=council_text,
        is_next=is_next,
        replies=replies,
    )


def _replied_headline(reply: DraftPlanReply, *, window: ReplyWindow, viewer: Account | None) -> str:
    """The family has replied in the open window: who sent what, when, and until when
    they can add to it."""
    if viewer is not None and reply.account_id == viewer.pk:
        who = "You"
    else:
        who = (reply.account.get_full_name() if reply.account else "") or "Someone in your family"
    what = in_sentence(reply.get_response_display())
    return (
        f"{who} replied to {window.what} on {clock.long_date(timezone.localdate(reply.created_at))}: {what}. "
        f"You can add to the reply until {clock.long_date(window.last_day)}."
    )


def _headline(
    steps: list[TrackerStep],
    *,
    next_step: TrackerStep | None,
    overdue: list[TrackerStep],
    window: ReplyWindow | None,
    finished: bool,
) -> str:
    """The one sentence at the top: late, the family's turn, on time, done or waiting."""
    if overdue:
        worst = max(overdue, key=lambda s: s.step.days_late or 0)
        return (
            f"The council is late. {worst.step.title} was due by {_due(worst.step)}: "
            f"that was {_days(worst.step.days_late or 0)} ago."
        )
    if next_step is not None and next_step.step.status == clock.Status.OPEN:
        return f"It is your turn: you can reply to {window.what if window else 'the draft'} until " + (
            f"{_due(next_step.step)}."
        )
    if next_step is not None:
        return f"The council is on time. Next: {in_sentence(next_step.step.title)}, due by {_due(next_step.step)}."
    if finished:
        return "Every step is done."
    waiting = next((s for s in steps if s.step.status == clock.Status.WAITING), None)
    return f"Waiting for the next step: {in_sentence(waiting.step.title)}." if waiting else "Nothing is due."


# --- Documents and printed copies -----------------------------------------------------------

PLAN_KINDS = (Document.Kind.FINAL_PLAN, Document.Kind.DRAFT_PLAN)


def plan_for_family(*, case: Case) -> Document | None:
    """The plan a printed copy is of: the latest final plan shared with the family, else
    the latest draft."""
    final_first = Case_(When(kind=Document.Kind.FINAL_PLAN, then=Value(0)), default=Value(1))
    return (
        documents_for_family(case=case).filter(kind__in=PLAN_KINDS).order_by(final_first, "-created_at", "-id").first()
    )


@dataclass(frozen=True)
class FamilyDocuments:
    """A case's documents as its family's page lists them: what the SEND team shared and
    what the family sent, each newest first (a query for each page of each list), and
    how many of each there are (one query for both counts)."""

    shared: QuerySet[Document]
    sent: QuerySet[Document]
    shared_count: int
    sent_count: int


def case_documents_for_family(*, case: Case, account: Account) -> FamilyDocuments:
    """What `account` sent itself is listed while it is being checked for viruses, and
    after a virus was found in it (the page says so); nobody else sees either."""
    documents = documents_family_member_sees(case=case, account=account)
    from_family = Q(kind=Document.Kind.FAMILY_UPLOAD)
    counts = documents.aggregate(shared=Count("pk", filter=~from_family), sent=Count("pk", filter=from_family))
    listed = documents.select_related("uploaded_by").order_by("-created_at", "-id")
    return FamilyDocuments(
        shared=listed.exclude(from_family),
        sent=listed.filter(from_family),
        shared_count=counts["shared"],
        sent_count=counts["sent"],
    )


def printed_copy_latest(*, case: Case, account: Account) -> PrintedCopyRequest | None:
    return PrintedCopyRequest.objects.filter(case=case, account=account).order_by("-requested_at", "-id").first()


# --- Who has seen a child's records -------------------------------------------------------


@dataclass(frozen=True)
class RecordView:
    """Looks at a child's records by someone on the council's side: one person's looks at
    one thing in a day, or a council system's reads in a day, as one line; `times` says
    how many looks the line stands for (each is in the audit log, for staff)."""

    when: datetime
    who: str
    role: str
    what: str
    times: int = 1
    is_system: bool = False


def child_record_views(*, child: Child) -> QuerySet:
    """Who on the council's side (staff, or a council system through the API) viewed or
    downloaded the child's data, newest first, grouped so that reloads and polling do not
    flood the list: a person's looks at the same thing on the same day are one row, a
    council system's reads on one day are one row (one query per page; the family's own
    views and downloads are not listed). Rows are dicts for `record_views_described`."""
    looks = AuditEvent.objects.filter(
        child=child, action__in=(AuditEvent.Action.VIEWED, AuditEvent.Action.DOWNLOADED)
    ).exclude(actor_role=FAMILY)
    day = TruncDate("created_at")
    people = (
        looks.exclude(actor_role=API)
        .values(
            on_day=day,
            who_id=F("actor_id"),
            role=F("actor_role"),
            did=F("action"),
            about=F("subject"),
            case_ref_id=F("case_id"),
            said=F("summary"),
            organisation_name=F("organisation__name"),
        )
        .annotate(times=Count("id"), last=Max("created_at"))
    )
    systems = (
        looks.filter(actor_role=API)
        .values(
            on_day=day,
            who_id=Value(None, output_field=IntegerField()),
            role=F("actor_role"),
            did=Value("", output_field=CharField()),
            about=Value("", output_field=CharField()),
            case_ref_id=Value(None, output_field=IntegerField()),
            said=Value("", output_field=CharField()),
            organisation_name=Value("", output_field=CharField()),
        )
        .annotate(times=Count("id"), last=Max("created_at"))
    )
    return people.union(systems, all=True).order_by("-last", "role")


ROLE_NAMES = dict(StaffRole.choices)


def _what(row: dict, *, possessive: str, reference: str) -> str:
    case = f" (case {reference})" if reference else ""
    downloaded = row["did"] == AuditEvent.Action.DOWNLOADED
    if row["about"] == "document":
        kind = row["said"].split(": ", 1)[1] if ": " in row["said"] else "a document"
        return f"Downloaded a document: {kind}{case}" if downloaded else f"Looked at a document: {kind}{case}"
    if row["about"] == "access_evidence":
        return "Downloaded a document sent with a request to see these records"
    return {
        "child": f"Looked at {possessive} details",
        "case": f"Looked at {possessive} case{case}",
        "messages": f"Read the messages{case}",
        "access_request": "Looked at a request to see these records",
        "record_bundle": f"Downloaded every document on {possessive} cases, as a bundle",
    }.get(row["about"], f"{AuditEvent.Action(row['did']).label if row['did'] else 'Looked'}{case}")


def record_views_described(
    rows: Iterable[dict], *, council: Council, relationship: str = Relationship.PARENT
) -> list[RecordView]:
    """Each row of child_record_views as the family reads it: the team and role, or the
    person's name when the council shows staff names to families; a council system's
    reads as one line a day. Two queries for the page's people and cases."""
    rows = list(rows)
    possessive = whose(relationship)
    names: dict[int, str] = {}
    # People the family trusts are always named (the family invited them); staff only
    # when the council shows staff names to families.
    ids = {
        row["who_id"]
        for row in rows
        if row["who_id"] and (row["role"] == TRUSTED or council.show_staff_names_to_families)
    }
    names = {a.pk: a.get_full_name() or a.email for a in Account.objects.filter(pk__in=ids)} if ids else {}
    case_ids = {row["case_ref_id"] for row in rows if row["case_ref_id"]}
    references = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference")) if case_ids else {}
    views = []
    for row in rows:
        if row["role"] == API:
            views.append(
                RecordView(
                    when=row["last"],
                    who="A council system",
                    role="Connected to the portal by the council",
                    what="The council's case-management system copied these records",
                    times=row["times"],
                    is_system=True,
                )
            )
            continue
        what = _what(row, possessive=possessive, reference=references.get(row["case_ref_id"], ""))
        if row["organisation_name"] and row["role"] == PROFESSIONAL:  # asked for advice by the council
            views.append(
                RecordView(
                    when=row["last"],
                    who=row["organisation_name"],
                    role="Asked for advice by the SEND team",
                    what=what,
                    times=row["times"],
                )
            )
            continue
        if row["role"] == TRUSTED:
            views.append(
                RecordView(
                    when=row["last"],
                    who=names.get(row["who_id"], "Someone the family trusts"),
                    role="Someone the family invited",
                    what=what,
                    times=row["times"],
                )
            )
            continue
        role = ROLE_NAMES.get(row["role"], "Member of staff")
        name = names.get(row["who_id"], "")
        views.append(
            RecordView(
                when=row["last"],
                who=name or "SEND team",
                role=f"{role}, SEND team" if name else role,
                what=what,
                times=row["times"],
            )
        )
    return views
