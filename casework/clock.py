"""The statutory clock: every EHC deadline, computed from the dates the council recorded.

This is the one module that owns the deadline rules. Deadlines are never typed in: the
caller passes the dates things happened (stored on its models) and gets back a
`Timeline` of `Step`s with each legal deadline, the regulation it comes from, and a
status in plain English. Pure Python on `datetime.date`: no models, no database, no
clock of its own (the caller passes `today`).

Regulation numbers are the Special Educational Needs and Disability Regulations 2014
(SI 2014/1530) unless another source is named.

How time is counted (the same everywhere below)
-----------------------------------------------
- Calendar days. The regulations count calendar days, not working days, so a deadline
  that falls on a Saturday, a Sunday or a bank holiday stays there: nothing rolls
  forward to the Monday.
- "Within N weeks of X": X is day 0 and the deadline is X + 7N days. Done on the
  deadline is on time; the day after is 1 day late.
- "At least 15 days, beginning with the day on which it was served": the serve day is
  day 1, so the last day is served + 14 (reg 13(1), reg 22(2)(c)).
- "Within 12 months of X": the same day of the month 12 months on; where that month has
  no such day (29 February in a common year) the last day of that month, so 12 months
  from 29 February 2028 is 28 February 2029. This is the corresponding-date rule the
  courts apply to calendar months (Dodds v Walker [1981] 1 WLR 1027, HL). "5 months
  before" counts back the same way (31 July -> 28 or 29 February).
- "Late by N days" / "overdue by N days": calendar days after the deadline.

Exceptions: the stopped clock (reg 5(4), 10(4), 13(3), 27(3))
-------------------------------------------------------------
The regulations say the council "need not comply with the time limit" when an
exception makes it impractical: a school or early-years setting closed for 4 weeks or
more, exceptional personal circumstances, or the family away from the area for 4 weeks
or more. They do not say by how much. We stop the clock: each calendar day covered by an
exception moves that step's deadline one day later (`Step.extended_to`); overlapping
exceptions count each day once; days before the clock started do not count. An
exception counts only if it overlaps the statutory period ("during that time period",
reg 10(4)(c) and (d)) and began before the step was done. Why this rule: it is
explainable to a family in one sentence ("extended by 44 days because the school was
closed from ... to ..."), it is the same for every case, and it excuses as many days as
the exception lasted rather than any delay at all, so a two-week absence cannot excuse
a plan that is six months late. The legal date itself (`Step.deadline`) never moves.

Timeliness statistics (`timeliness`)
------------------------------------
The Department for Education publishes the share of new plans issued within 20 weeks
both including and excluding exceptions. "Excluding exceptions" leaves every plan where
an exception applied out of that measure entirely (out of the count of plans and of the
count issued in time); it does not turn a late plan into a timely one. `Timeliness`
follows that definition so a council's own figures match the national tables, and
gives the stopped-clock verdict (`within_extended_deadline`) separately.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from casework.steps import step_words
from themes.wording import long_date

# --- The rules ---------------------------------------------------------------------
# Each time limit beside the provision that sets it.

DECISION_TO_ASSESS = timedelta(weeks=6)  # reg 5(1): from the day the request is received
ADVICE = timedelta(weeks=6)  # reg 8(1): from the day the council asks the adviser
DECISION_NOT_TO_ISSUE = timedelta(weeks=16)  # reg 10(1): from the day the request is received
FINAL_PLAN = timedelta(weeks=20)  # reg 13(2): from the day the request is received
COMMENT_DAYS = 15  # reg 13(1), reg 22(2)(c): at least 15 days, counting the day served
REVIEW_MONTHS = 12  # s.44(1) Children and Families Act 2014
UNDER_FIVES_REVIEW_MONTHS = (3, 6)  # SEND Code of Practice 9.178: advice, not law
REVIEW_NOTICE = timedelta(weeks=2)  # reg 20(3), reg 21(3): at least 2 weeks' notice
REVIEW_ADVICE = timedelta(weeks=2)  # reg 20(4), reg 21(4): circulated 2 weeks before
REVIEW_REPORT = timedelta(weeks=2)  # reg 20, reg 21(7): report within 2 weeks of the meeting
REVIEW_DECISION = timedelta(weeks=4)  # reg 20, reg 21: keep, amend or cease within 4 weeks
AMENDED_PLAN = timedelta(weeks=8)  # reg 22(3): from sending the proposed amendments
AMENDED_PLAN_FROM_MEETING = timedelta(weeks=12)  # R (L) v Devon CC [2022] EWHC 493 (Admin)
REASSESSMENT_PLAN = timedelta(weeks=14)  # reg 27(2)
POST16_NOTICE_MONTHS = 5  # reg 18(2)
EXCEPTION_MIN_DAYS = 28  # reg 10(4)(a), (b), (d): "a continuous period of not less than 4 weeks"


class Status(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    OPEN = "open"  # a family's window to respond is running
    CLOSED = "closed"  # a family's window to respond has ended
    WAITING = "waiting"  # cannot start yet: the date it counts from has not happened
    NOT_RECORDED = "not_recorded"  # never recorded, and a later step has made it moot


class ExceptionReason(StrEnum):
    SETTING_CLOSED = "setting_closed"  # reg 10(4)(a) and (b)
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"  # reg 10(4)(c)
    AWAY_FROM_AREA = "away_from_area"  # reg 10(4)(d)


class ReviewOutcome(StrEnum):
    KEEP = "keep"
    AMEND = "amend"
    CEASE = "cease"


class TransferKind(StrEnum):
    """A move between phases of education (reg 2(1)) or between post-16 institutions."""

    EARLY_YEARS_TO_SCHOOL = "early_years_to_school"
    INFANT_TO_JUNIOR = "infant_to_junior"
    PRIMARY_TO_MIDDLE = "primary_to_middle"
    PRIMARY_TO_SECONDARY = "primary_to_secondary"
    MIDDLE_TO_SECONDARY = "middle_to_secondary"
    SECONDARY_TO_POST16 = "secondary_to_post16"
    POST16_TO_POST16 = "post16_to_post16"


class RefusalCode(StrEnum):
    """Why the clock refused what it was given (the law allows no such dates)."""

    EXCEPTION_ENDS_BEFORE_START = "exception_ends_before_start"
    EXCEPTION_TOO_SHORT = "exception_too_short"
    MOVE_DATE_NEEDED = "move_date_needed"
    DATE_BEFORE_START = "date_before_start"  # params: step, value, start_name, start
    DECISION_TO_ASSESS_INCOMPLETE = "decision_to_assess_incomplete"
    NEEDS_DECISION_TO_ASSESS = "needs_decision_to_assess"
    NOT_TO_ISSUE_WITH_PLAN = "not_to_issue_with_plan"
    REVIEW_DECISION_INCOMPLETE = "review_decision_incomplete"
    NEEDS_MEETING = "needs_meeting"
    AMENDMENTS_NEED_AMEND = "amendments_need_amend"


_REFUSED = {
    RefusalCode.EXCEPTION_ENDS_BEFORE_START: "An exception cannot end before it starts.",
    RefusalCode.EXCEPTION_TOO_SHORT: (
        "A closure or an absence from the area must last at least 4 weeks to be an exception."
    ),
    RefusalCode.MOVE_DATE_NEEDED: "A move between post-16 institutions needs the date of the move.",
    RefusalCode.DATE_BEFORE_START: "{step} ({value}) is before {start_name} ({start}).",
    RefusalCode.DECISION_TO_ASSESS_INCOMPLETE: (
        "Record the decision whether to assess with both its date and its outcome."
    ),
    RefusalCode.NEEDS_DECISION_TO_ASSESS: "Later steps need a decision to assess.",
    RefusalCode.NOT_TO_ISSUE_WITH_PLAN: "A decision not to issue a plan cannot have a draft or a final plan.",
    RefusalCode.REVIEW_DECISION_INCOMPLETE: "Record the review decision with both its date and its outcome.",
    RefusalCode.NEEDS_MEETING: "Record the date of the review meeting first.",
    RefusalCode.AMENDMENTS_NEED_AMEND: "Amendments need a decision to amend the plan.",
}


class Refusal(ValueError):
    """The clock's refusal: a `code` and its `params`, which each front door words for
    its own reader (the staff screens, the API). Its text is the clock's plain default."""

    def __init__(self, code: RefusalCode, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(_REFUSED[code].format(**params))


@dataclass(frozen=True, slots=True)
class ExceptionPeriod:
    """A recorded exception to a time limit: what, and from `start` to `end` inclusive.

    `details` is the caseworker's note and is never shown to the family (personal
    circumstances are private); `setting` names the closed school or setting, if known.
    """

    reason: ExceptionReason
    start: date
    end: date
    details: str = ""
    setting: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise Refusal(RefusalCode.EXCEPTION_ENDS_BEFORE_START)
        if self.reason != ExceptionReason.PERSONAL_CIRCUMSTANCES and self.days < EXCEPTION_MIN_DAYS:
            # reg 10(4)(a), (b), (d): a closure or absence counts only if it lasts 4 weeks or more.
            raise Refusal(RefusalCode.EXCEPTION_TOO_SHORT)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def explanation(self) -> str:
        """Why the deadline moved, for the family."""
        period = f"from {long_date(self.start)} to {long_date(self.end)}"
        if self.reason == ExceptionReason.SETTING_CLOSED:
            because = f"{self.setting or 'the school, college or nursery'} was closed {period}"
        elif self.reason == ExceptionReason.AWAY_FROM_AREA:
            because = f"the family was away from the area {period}"
        else:
            because = f"of exceptional personal circumstances {period}"
        return f"The deadline was extended because {because}."


@dataclass(frozen=True, slots=True)
class AdviceRequest:
    """The council's request for advice from one adviser (reg 6), and when it arrived."""

    adviser: str  # as the family should read it: "the educational psychologist"
    requested: date
    received: date | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One statutory step in a family's timeline.

    `deadline` is the date the law sets and never moves; `extended_to` is the deadline
    after the stopped clock (see the module docstring), set only when an exception
    applied; `due_by` is whichever of the two the step is measured against. `key` is
    stable per kind of step (councils attach their own explanations to it); several
    advice steps share the key "advice".
    """

    key: str
    title: str
    meaning: str
    regulation: str
    deadline: date | None
    done_on: date | None
    status: Status
    on_time: bool | None = None
    days_late: int | None = None
    days_left: int | None = None
    extended_to: date | None = None
    exceptions: tuple[ExceptionPeriod, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def due_by(self) -> date | None:
        return self.extended_to or self.deadline

    @property
    def is_pending(self) -> bool:
        return self.status in (Status.DUE, Status.OVERDUE, Status.OPEN)

    @property
    def status_text(self) -> str:
        """The status in words: "done on 3 March 2027 (on time)", "overdue by 3 days"."""
        if self.status == Status.DONE:
            assert self.done_on is not None
            text = f"done on {long_date(self.done_on)}"
            if self.on_time is True:
                return f"{text} (on time)"
            if self.on_time is False:
                return f"{text} ({_days(self.days_late or 0)} late)"
            return text
        if self.status == Status.WAITING:
            return "not started yet"
        if self.status == Status.NOT_RECORDED:
            return "not recorded"
        assert self.due_by is not None
        if self.status == Status.OVERDUE:
            return f"overdue by {_days(self.days_late or 0)}"
        if self.status == Status.CLOSED:
            return f"ended on {long_date(self.due_by)}"
        verb = "open until" if self.status == Status.OPEN else "due by"
        left = "today" if self.days_left == 0 else f"{_days(self.days_left or 0)} left"
        return f"{verb} {long_date(self.due_by)} ({left})"

    @property
    def explanations(self) -> tuple[str, ...]:
        """Every exception explained, then how far the deadline moved, then other notes."""
        if not self.exceptions or self.extended_to is None or self.deadline is None:
            return self.notes
        moved = (
            f"The new deadline is {long_date(self.extended_to)}, "
            f"{_days((self.extended_to - self.deadline).days)} after {long_date(self.deadline)}."
        )
        return (*(e.explanation for e in self.exceptions), moved, *self.notes)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Good practice with dates, shown beside the timeline but never a legal deadline."""

    title: str
    text: str
    source: str
    from_date: date
    by_date: date


@dataclass(frozen=True, slots=True)
class Timeline:
    steps: tuple[Step, ...]
    recommendations: tuple[Recommendation, ...] = ()

    @property
    def next_step(self) -> Step | None:
        """The pending step due soonest (overdue steps first); None when nothing is pending.

        Family windows count: "send your comments by ..." is what comes next for them.
        """
        soonest: Step | None = None
        for step in self.steps:
            if step.is_pending and step.due_by and (soonest is None or step.due_by < (soonest.due_by or date.max)):
                soonest = step
        return soonest

    @property
    def next_deadline(self) -> date | None:
        """What a caseload sorts by (`t.next_deadline or date.max` puts finished cases last)."""
        step = self.next_step
        return step.due_by if step else None

    @property
    def finished(self) -> bool:
        return not any(s.is_pending or s.status == Status.WAITING for s in self.steps)


@dataclass(frozen=True, slots=True)
class Timeliness:
    """Whether a new plan was issued within 20 weeks (reg 13(2)), as the DfE counts it.

    - `within_20_weeks`: every plan ("including exceptions" in the national tables).
    - `within_20_weeks_excluding_exceptions`: None when an exception applied, because
      the national "excluding exceptions" measure leaves those plans out altogether;
      otherwise the same as `within_20_weeks`. Rate = True / (True + False).
    - `within_extended_deadline`: the stopped-clock verdict families see.
    All three are None until the plan is issued.
    """

    deadline: date
    issued: date | None
    exceptions_apply: bool
    exception_days: int
    extended_deadline: date
    within_20_weeks: bool | None
    within_20_weeks_excluding_exceptions: bool | None
    within_extended_deadline: bool | None


# --- Dates -------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` later (or earlier if negative), clamped to the
    end of a shorter month: 29 February + 12 months is 28 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_this_week(deadline: date | None, *, today: date) -> bool:
    """Whether `deadline` falls in the Monday-to-Sunday (ISO) week containing `today`."""
    if deadline is None:
        return False
    monday = today - timedelta(days=today.weekday())
    return monday <= deadline <= monday + timedelta(days=6)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


# --- Rules that need more than a constant ------------------------------------------


def comments_close(served: date) -> date:
    """The last day a family can respond to a draft plan or proposed amendments."""
    return served + timedelta(days=COMMENT_DAYS - 1)  # reg 13(1), reg 22(2)(c): the serve day is day 1


def annual_review_due(*, plan_issued: date, last_reviewed: date | None = None) -> date:
    """Within 12 months of the plan being issued, then of the last review (s.44(1) CFA 2014).

    `last_reviewed` is the date of the last review meeting: the next 12 months count
    from the meeting, not from the decision that follows it, so the date is known the
    day the meeting is held and does not drift later with a late decision letter.
    """
    return add_months(last_reviewed or plan_issued, REVIEW_MONTHS)


def amended_plan_due(*, meeting: date, amendments_sent: date | None = None) -> date:
    """The final amended plan after a review: the EARLIER of 8 weeks from sending the
    proposed amendments (reg 22(3)) and 12 weeks from the review meeting.

    R (L) v Devon CC [2022] EWHC 493 (Admin) read reg 20 and reg 22 together: the
    proposed amendments go with the decision, within 4 weeks of the meeting, so the
    final plan is due within 12 weeks of it. Both limits bind, so the earlier one is the
    deadline; a late amendment notice cannot push the plan beyond 12 weeks, and before
    the notice is sent the 12-week date is the only one known.
    """
    from_meeting = meeting + AMENDED_PLAN_FROM_MEETING
    if amendments_sent is None:
        return from_meeting
    return min(amendments_sent + AMENDED_PLAN, from_meeting)


def reassessment_deadline(decided_to_reassess: date) -> date:
    """The final plan after a re-assessment: 14 weeks from the council notifying its
    decision to re-assess (reg 25(1)), or deciding to re-assess itself (s.44(3)), reg 27(2)."""
    return decided_to_reassess + REASSESSMENT_PLAN


def phase_transfer_deadline(kind: TransferKind, moving: date | int) -> date:
    """The last day to amend the plan to name the new school or college (reg 18).

    `moving` is the date of the move, or just its calendar year for a move between
    phases (only the year matters there). Reg 18(1) says "before" 15 February (31 March
    for secondary to post-16) in the calendar year of the transfer, so the last day is 14
    February (30 March): the Code of Practice's "by 15 February" is one day later, and
    a council that meets the earlier date satisfies both. A move between post-16
    institutions at any other time needs the amendment at least 5 months before the move
    (reg 18(2)).
    """
    if kind == TransferKind.POST16_TO_POST16:
        if not isinstance(moving, date):
            raise Refusal(RefusalCode.MOVE_DATE_NEEDED)
        return add_months(moving, -POST16_NOTICE_MONTHS)  # reg 18(2)
    year = moving.year if isinstance(moving, date) else moving
    if kind == TransferKind.SECONDARY_TO_POST16:
        return date(year, 3, 30)  # reg 18(1)(a): before 31 March
    return date(year, 2, 14)  # reg 18(1)(b): before 15 February


# --- Exceptions --------------------------------------------------------------------


def _stopped_clock(
    *, start: date, deadline: date, done_on: date | None, exceptions: Sequence[ExceptionPeriod]
) -> tuple[tuple[ExceptionPeriod, ...], date | None]:
    """The exceptions that applied to a clock running from `start` to `deadline`, and the
    deadline moved one day for each day they cover (None when none applied)."""
    applied = tuple(
        sorted(
            (
                e
                for e in exceptions
                if e.start <= deadline and e.end > start and (done_on is None or e.start <= done_on)
            ),
            key=lambda e: e.start,
        )
    )
    if not applied:
        return (), None
    stopped = 0
    counted_to = start  # day 0 never counts: the clock has not started running
    for e in applied:
        first = max(e.start, counted_to + timedelta(days=1))
        if e.end >= first:
            stopped += (e.end - first).days + 1
            counted_to = e.end
    return applied, deadline + timedelta(days=stopped)


def timeliness(*, received: date, final_issued: date | None, exceptions: Sequence[ExceptionPeriod] = ()) -> Timeliness:
    """Whether a new plan was issued within 20 weeks of the request, with and without
    exceptions (reg 13(2), 13(3)); see `Timeliness` for what each verdict means."""
    deadline = received + FINAL_PLAN
    applied, extended = _stopped_clock(start=received, deadline=deadline, done_on=final_issued, exceptions=exceptions)
    extended_deadline = extended or deadline
    within = None if final_issued is None else final_issued <= deadline
    return Timeliness(
        deadline=deadline,
        issued=final_issued,
        exceptions_apply=bool(applied),
        exception_days=(extended_deadline - deadline).days,
        extended_deadline=extended_deadline,
        within_20_weeks=within,
        within_20_weeks_excluding_exceptions=None if applied else within,
        within_extended_deadline=None if final_issued is None else final_issued <= extended_deadline,
    )


# --- Steps -------------------------------------------------------------------------


def _step(
    key: str,
    *,
    title: str | None = None,
    meaning: str | None = None,
    regulation: str | None = None,
    today: date,
    deadline: date | None,
    done_on: date | None = None,
    window: bool = False,
    verdict: bool = True,
    moot: bool = False,
    extended_to: date | None = None,
    exceptions: tuple[ExceptionPeriod, ...] = (),
    notes: tuple[str, ...] = (),
) -> Step:
    """A step with its status worked out. A `window` is time the family has to respond:
    it is open or has ended, never late. `verdict=False` records a date without judging it
    against the deadline (the deadline does not bind that outcome). A `moot` step was
    overtaken by a later one (the meeting it gave notice of has been held): if it was
    never recorded it is shown as such, not as overdue for ever. Its title, meaning and
    regulation are the registry's (casework.steps) unless this case's differ."""
    words = step_words(key)
    due_by = extended_to or deadline
    status: Status
    on_time: bool | None = None
    days_late: int | None = None
    days_left: int | None = None
    if window:
        if due_by is None:
            status = Status.WAITING
        elif today <= due_by:
            status, days_left = Status.OPEN, (due_by - today).days
        else:
            status = Status.CLOSED
    elif done_on is not None:
        status = Status.DONE
        if verdict and due_by is not None:
            late = (done_on - due_by).days
            on_time = late <= 0
            days_late = late if late > 0 else None
    elif moot:
        status = Status.NOT_RECORDED
    elif due_by is None:
        status = Status.WAITING
    elif today <= due_by:
        status, days_left = Status.DUE, (due_by - today).days
    else:
        status, days_late = Status.OVERDUE, (today - due_by).days
    return Step(
        key=key,
        title=title or words.title,
        meaning=meaning or words.meaning,
        regulation=regulation or words.regulation,
        deadline=deadline,
        done_on=done_on,
        status=status,
        on_time=on_time,
        days_late=days_late,
        days_left=days_left,
        extended_to=extended_to,
        exceptions=exceptions,
        notes=notes,
    )


def _excepted_step(
    key: str,
    *,
    today: date,
    start: date,
    deadline: date,
    done_on: date | None,
    exceptions: Sequence[ExceptionPeriod],
    verdict: bool = True,
    moot: bool = False,
) -> Step:
    applied, extended = _stopped_clock(start=start, deadline=deadline, done_on=done_on, exceptions=exceptions)
    return _step(
        key,
        today=today,
        deadline=deadline,
        done_on=done_on,
        verdict=verdict,
        moot=moot,
        extended_to=extended,
        exceptions=applied,
    )


def _comments_step(key: str, *, served: date | None, today: date, regulation: str | None = None) -> Step:
    return _step(
        key,
        regulation=regulation,
        today=today,
        deadline=comments_close(served) if served else None,
        window=True,
    )


def _check_not_before(start: date, start_name: str, **dates: date | None) -> None:
    for name, value in dates.items():
        if value is not None and value < start:
            raise Refusal(RefusalCode.DATE_BEFORE_START, step=name, value=value, start_name=start_name, start=start)


def assessment_timeline(
    *,
    received: date,
    today: date,
    decided_whether_to_assess: date | None = None,
    will_assess: bool | None = None,
    advice: Sequence[AdviceRequest] = (),
    decided_not_to_issue: date | None = None,
    draft_served: date | None = None,
    final_issued: date | None = None,
    exceptions: Sequence[ExceptionPeriod] = (),
) -> Timeline:
    """An EHC needs assessment, from the request (day 0) to the final plan.

    The timeline stops at a decision not to assess or not to issue a plan. Reg 10(1)'s
    16 weeks binds a decision NOT to issue; when the council issues a plan instead, the
    draft records that decision without a verdict, and the 20 weeks to the final plan
    (reg 13(2)) is the deadline that counts. Advice deadlines (reg 8) are not extended by
    exceptions: reg 8 has its own, which advisers apply.
    """
    if (decided_whether_to_assess is None) != (will_assess is None):
        raise Refusal(RefusalCode.DECISION_TO_ASSESS_INCOMPLETE)
    if will_assess is not True and (advice or decided_not_to_issue or draft_served or final_issued):
        raise Refusal(RefusalCode.NEEDS_DECISION_TO_ASSESS)
    if decided_not_to_issue and (draft_served or final_issued):
        raise Refusal(RefusalCode.NOT_TO_ISSUE_WITH_PLAN)
    _check_not_before(
        received,
        "the request",
        decided_whether_to_assess=decided_whether_to_assess,
        decided_not_to_issue=decided_not_to_issue,
        draft_served=draft_served,
        final_issued=final_issued,
    )

    steps = [
        _step(
            "request",
            today=today,
            deadline=None,
            done_on=received,
        ),
        _excepted_step(
            "decision_to_assess",
            today=today,
            start=received,
            deadline=received + DECISION_TO_ASSESS,
            done_on=decided_whether_to_assess,
            exceptions=exceptions,
        ),
    ]
    if will_assess is False:
        return Timeline(tuple(steps))

    steps += [
        _step(
            "advice",
            title=f"Advice from {a.adviser}",
            today=today,
            deadline=a.requested + ADVICE,
            done_on=a.received,
            moot=bool(decided_not_to_issue or draft_served or final_issued),
        )
        for a in advice
    ]
    steps.append(
        _excepted_step(
            "decision_to_issue",
            today=today,
            start=received,
            deadline=received + DECISION_NOT_TO_ISSUE,
            done_on=decided_not_to_issue or draft_served,
            exceptions=exceptions if draft_served is None else (),  # no verdict, so nothing to excuse
            verdict=draft_served is None,
            moot=final_issued is not None,
        )
    )
    if decided_not_to_issue:
        return Timeline(tuple(steps))

    if draft_served or not final_issued:
        steps.append(
            _comments_step(
                "draft_comments",
                served=draft_served,
                today=today,
            )
        )
    steps.append(
        _excepted_step(
            "final_plan",
            today=today,
            start=received,
            deadline=received + FINAL_PLAN,
            done_on=final_issued,
            exceptions=exceptions,
        )
    )
    return Timeline(tuple(steps))


def annual_review_timeline(
    *,
    plan_issued: date,
    today: date,
    last_reviewed: date | None = None,
    date_of_birth: date | None = None,
    at_school_or_college: bool = True,
    meeting: date | None = None,
    notice_sent: date | None = None,
    advice_circulated: date | None = None,
    report_sent: date | None = None,
    decision_notified: date | None = None,
    outcome: ReviewOutcome | None = None,
    amendments_sent: date | None = None,
    amended_plan_issued: date | None = None,
) -> Timeline:
    """One annual review, from the notice of the meeting to the final amended plan.

    `meeting` is the date of the review meeting, booked or held: it counts as held once
    `today` reaches it. Reg 20 applies to a child at a school or other institution,
    reg 21 otherwise; their time limits are the same. With `date_of_birth`, a child
    under 5 when this review period began also gets the Code of Practice's advice to
    review every 3 to 6 months, as a `Recommendation` (not a legal deadline).
    """
    if (decision_notified is None) != (outcome is None):
        raise Refusal(RefusalCode.REVIEW_DECISION_INCOMPLETE)
    if meeting is None and (notice_sent or advice_circulated or report_sent or decision_notified):
        raise Refusal(RefusalCode.NEEDS_MEETING)
    if outcome != ReviewOutcome.AMEND and (amendments_sent or amended_plan_issued):
        raise Refusal(RefusalCode.AMENDMENTS_NEED_AMEND)

    reg = "reg 20" if at_school_or_college else "reg 21"
    review_due = annual_review_due(plan_issued=plan_issued, last_reviewed=last_reviewed)
    held = meeting if meeting is not None and meeting <= today else None
    steps = _review_steps(
        reg=reg,
        at_school_or_college=at_school_or_college,
        today=today,
        review_due=review_due,
        meeting=meeting,
        held=held,
        notice_sent=notice_sent,
        advice_circulated=advice_circulated,
        report_sent=report_sent,
        decision_notified=decision_notified,
    )
    if outcome == ReviewOutcome.AMEND:
        assert meeting is not None
        steps += _amendment_steps(
            today=today, meeting=meeting, amendments_sent=amendments_sent, amended_plan_issued=amended_plan_issued
        )
    recommendations = _under_fives_recommendations(
        period_start=last_reviewed or plan_issued, date_of_birth=date_of_birth
    )
    return Timeline(tuple(steps), recommendations)


def _meeting_notes(*, meeting: date | None, held: date | None, review_due: date) -> tuple[str, ...]:
    """What a booked meeting's step says: when it is, and whether that is too late."""
    if meeting is None or held is not None:
        return ()
    notes: tuple[str, ...] = (f"The meeting is booked for {long_date(meeting)}.",)
    if meeting > review_due:
        notes += ("That is after the date the review is due.",)
    return notes


def _review_steps(
    *,
    reg: str,
    at_school_or_college: bool,
    today: date,
    review_due: date,
    meeting: date | None,
    held: date | None,
    notice_sent: date | None,
    advice_circulated: date | None,
    report_sent: date | None,
    decision_notified: date | None,
) -> list[Step]:
    """Every review's steps: notice, reports, the meeting, its report and the decision."""
    meeting_notes = _meeting_notes(meeting=meeting, held=held, review_due=review_due)
    return [
        _step(
            "meeting_notice",
            regulation=f"{reg}(3)",
            today=today,
            deadline=meeting - REVIEW_NOTICE if meeting else None,
            done_on=notice_sent,
            moot=held is not None,
        ),
        _step(
            "advice_circulated",
            regulation=f"{reg}(4)",
            today=today,
            deadline=meeting - REVIEW_ADVICE if meeting else None,
            done_on=advice_circulated,
            moot=held is not None,
        ),
        _step(
            "review_meeting",
            today=today,
            deadline=review_due,
            done_on=held,
            notes=meeting_notes,
        ),
        _step(
            "review_report",
            regulation=reg if at_school_or_college else "reg 21(7)",
            today=today,
            deadline=meeting + REVIEW_REPORT if meeting else None,
            done_on=report_sent,
        ),
        _step(
            "review_decision",
            regulation=reg,
            today=today,
            deadline=meeting + REVIEW_DECISION if meeting else None,
            done_on=decision_notified,
        ),
    ]


def _amendment_steps(
    *, today: date, meeting: date, amendments_sent: date | None, amended_plan_issued: date | None
) -> list[Step]:
    """After a decision to amend: the family's window on the changes, then the final plan."""
    plan_due = amended_plan_due(meeting=meeting, amendments_sent=amendments_sent)
    twelve_weeks = f"12 weeks after the review meeting ({long_date(meeting + AMENDED_PLAN_FROM_MEETING)})"
    amended_note = f"The final plan is due no later than {twelve_weeks}."
    if amendments_sent:
        eight_weeks = f"8 weeks after the proposed changes were sent ({long_date(amendments_sent + AMENDED_PLAN)})"
        amended_note = f"The final plan is due by the earlier of {eight_weeks} and {twelve_weeks}."
    return [
        _comments_step(
            "amendment_comments",
            served=amendments_sent,
            today=today,
        ),
        _step(
            "amended_plan",
            today=today,
            deadline=plan_due,
            done_on=amended_plan_issued,
            notes=(amended_note,),
        ),
    ]


def _under_fives_recommendations(*, period_start: date, date_of_birth: date | None) -> tuple[Recommendation, ...]:
    """The Code of Practice's advice to review a plan of a child under 5 every 3 to 6 months."""
    recommendations: tuple[Recommendation, ...] = ()
    if date_of_birth is not None and period_start < add_months(date_of_birth, 60):
        earliest, latest = (add_months(period_start, m) for m in UNDER_FIVES_REVIEW_MONTHS)
        recommendations = (
            Recommendation(
                title="Reviews for children under 5",
                text=(
                    "For children under 5 the Code of Practice recommends reviewing the plan every 3 to 6 months, "
                    f"so between {long_date(earliest)} and {long_date(latest)}. This is a recommendation, not a "
                    "legal deadline."
                ),
                source="SEND Code of Practice 9.178",
                from_date=earliest,
                by_date=latest,
            ),
        )
    return recommendations


def reassessment_timeline(
    *,
    decided_to_reassess: date,
    today: date,
    draft_served: date | None = None,
    final_issued: date | None = None,
    exceptions: Sequence[ExceptionPeriod] = (),
) -> Timeline:
    """A re-assessment of an existing plan: the final plan within 14 weeks of the
    decision to re-assess (reg 27(2)), with the same exceptions as an assessment (reg 27(3))."""
    _check_not_before(decided_to_reassess, "the decision", draft_served=draft_served, final_issued=final_issued)
    steps = [
        _step(
            "reassessment_agreed",
            today=today,
            deadline=None,
            done_on=decided_to_reassess,
        ),
    ]
    if draft_served or not final_issued:
        steps.append(
            _comments_step(
                "draft_comments",
                regulation="reg 27(1), reg 13(1)",
                served=draft_served,
                today=today,
            )
        )
    steps.append(
        _excepted_step(
            "reassessment_plan",
            today=today,
            start=decided_to_reassess,
            deadline=reassessment_deadline(decided_to_reassess),
            done_on=final_issued,
            exceptions=exceptions,
        )
    )
    return Timeline(tuple(steps))


def phase_transfer_timeline(
    *, kind: TransferKind, moving: date | int, today: date, amended_on: date | None = None
) -> Timeline:
    """The plan amended to name the school or college a child moves to (reg 18)."""
    post16 = kind == TransferKind.POST16_TO_POST16
    if post16:
        meaning = "The plan must be amended to name the new college at least 5 months before the move."
    elif kind == TransferKind.SECONDARY_TO_POST16:
        meaning = "The plan must be amended to name the college or sixth form before 31 March in the year of the move."
    else:
        meaning = "The plan must be amended to name the new school before 15 February in the year of the move."
    step = _step(
        "phase_transfer",
        meaning=meaning,
        regulation="reg 18(2)" if post16 else "reg 18(1)",
        today=today,
        deadline=phase_transfer_deadline(kind, moving),
        done_on=amended_on,
    )
    return Timeline((step,))
