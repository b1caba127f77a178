"""What the casework says goes into the council's SEN2 return (casework.sen2.spec), and
every rule it would fail.

A person is in the return when one of their requests for an assessment was open at
some time in the collection's period (the calendar year before the census), or when
they have a plan in force on the census date. Each assessment case is a request
(module 2), with its assessment (3) and the plan it led to (4a, 4b); a plan made before
the council used this platform (the child has annual reviews but no assessment here)
is one historical request ("H"). A plan in force on the census date adds module 5:
where the child is educated then, their needs, and that year's annual review.
Steps dated after the census date have not happened yet, as far as the return goes.

Read in a handful of queries for the whole council, whatever its size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from casework.models import Case, CaseException, CaseKind, Child, Milestone, Placement
from casework.sen2 import spec
from casework.sen2.spec import Collection, Rule


@dataclass
class NamedPlan:
    start_date: date
    placements: list[Placement]  # named in the plan (4b)
    cease_date: date | None = None
    cease_reason: str = ""


@dataclass
class Assessment:
    outcome: str  # spec.ASSESSMENT_OUTCOME
    outcome_date: date | None
    week20: bool  # an exception to the 20 weeks applied (reg 10(4))
    plan: NamedPlan | None = None


@dataclass
class ActivePlan:
    placements: list[Placement]  # on the census date (5b)
    needs: list[tuple[str, int]]  # (SENtype, rank) (5c)
    review_meeting: date | None = None
    review_outcome: str = ""  # spec.REVIEW_OUTCOME
    last_review: date | None = None


@dataclass
class Request:
    case: Case | None  # None: a plan made before the council used this platform
    received: date | None
    outcome: str  # spec.REQUEST_OUTCOME
    outcome_date: date | None
    assessment: Assessment | None = None
    active: ActivePlan | None = None


@dataclass
class Person:
    child: Child
    requests: list[Request] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)  # every one recorded


@dataclass(frozen=True)
class Problem:
    rule: Rule
    child: Child
    case: Case | None
    detail: str = ""

    @property
    def message(self) -> str:
        return self.rule.message.format(detail=self.detail)


def _in_force(placement: Placement, on: date) -> bool:
    return placement.entry_date <= on and (placement.leaving_date is None or placement.leaving_date >= on)


class _Records:
    """Every row the return needs, read once: cases, their steps and exceptions, and the
    children's placements."""

    def __init__(self, children: Iterable[Child], census: date) -> None:
        self.children = {child.pk: child for child in children}
        ids = list(self.children)
        self.cases: dict[int, list[Case]] = defaultdict(list)
        for case in Case.objects.filter(child_id__in=ids, started_on__lte=census).order_by("started_on", "id"):
            case.child = self.children[case.child_id]
            self.cases[case.child_id].append(case)
        case_ids = [case.pk for cases in self.cases.values() for case in cases]
        self.steps: dict[int, dict[str, Milestone]] = defaultdict(dict)
        for milestone in Milestone.objects.filter(case_id__in=case_ids, occurred_on__lte=census):
            self.steps[milestone.case_id][milestone.key] = milestone
        self.with_exceptions = set(
            CaseException.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True).distinct()
        )
        self.placements: dict[int, list[Placement]] = defaultdict(list)
        for placement in Placement.objects.filter(child_id__in=ids):
            self.placements[placement.child_id].append(placement)


def people_to_return(collection: Collection) -> list[Child]:
    """The children who may be in the return: any with a case begun by the census date
    (who is in is settled per request by sen2_people)."""
    return list(Child.objects.filter(cases__started_on__lte=collection.census_date).distinct().order_by("pk"))


def sen2_people(children: list[Child], collection: Collection) -> list[Person]:
    """The return's people (those with something to report), in the order given."""
    records = _Records(children, collection.census_date)
    people = []
    for child in children:
        person = _person(child, records, collection)
        if person.requests:
            people.append(person)
    return people


def _date(records: _Records, case: Case, key: str) -> date | None:
    step = records.steps[case.pk].get(key)
    return step.occurred_on if step else None


def _person(child: Child, records: _Records, collection: Collection) -> Person:
    cases = records.cases[child.pk]
    reviews = [case for case in cases if case.kind == CaseKind.ANNUAL_REVIEW]
    ceased = _ceased(reviews, records)
    person = Person(child=child, placements=records.placements[child.pk])
    for case in cases:
        if case.kind == CaseKind.ASSESSMENT:
            request = _request(case, records, collection, ceased)
            if request is not None:
                person.requests.append(request)
    has_plan = any(r.assessment and r.assessment.plan for r in person.requests)
    if reviews and not has_plan:  # a plan from before the platform: one historical request
        plan = NamedPlan(start_date=reviews[0].started_on, placements=[])
        request = Request(
            case=None, received=None, outcome="H", outcome_date=None, assessment=Assessment("H", None, False, plan)
        )
        person.requests.append(request)
    for request in person.requests:
        assessment = request.assessment
        if assessment and assessment.plan:
            _plan_fill(assessment.plan, child, records, collection, ceased)
            if assessment.plan.cease_date is None or assessment.plan.cease_date > collection.census_date:
                request.active = _active(child, reviews, records, collection)
    return person


def _ceased(reviews: list[Case], records: _Records) -> date | None:
    """The date an annual review decided to cease the plan (the latest such decision)."""
    dates = [
        step.occurred_on
        for case in reviews
        if (step := records.steps[case.pk].get("decision_notified")) and step.outcome == "cease"
    ]
    return max(dates) if dates else None


def _request(case: Case, records: _Records, collection: Collection, ceased: date | None) -> Request | None:
    if case.started_on > collection.period_end:
        return None  # received after the period: next year's return
    steps = records.steps[case.pk]
    decision = steps.get("decided_whether_to_assess")
    ended = case.closed_on if case.closed_on and case.closed_on <= collection.census_date else None
    if decision is None:
        outcome, outcome_date = ("W", None) if ended else ("A", None)
    else:
        outcome = "Y" if decision.outcome == "yes" else "N"
        outcome_date = decision.occurred_on
    request = Request(case=case, received=case.started_on, outcome=outcome, outcome_date=outcome_date)
    if outcome == "Y":
        final = _date(records, case, "final_issued")
        not_to_issue = _date(records, case, "decided_not_to_issue")
        if final:
            assessment = Assessment("Y", final, case.pk in records.with_exceptions, NamedPlan(final, []))
        elif not_to_issue:
            assessment = Assessment("N", not_to_issue, case.pk in records.with_exceptions)
        else:
            assessment = Assessment("W" if ended else "A", None, case.pk in records.with_exceptions)
        request.assessment = assessment
    if _ended_before(request, collection):
        if not (
            request.assessment and request.assessment.plan and (ceased is None or ceased >= collection.period_start)
        ):
            return None  # finished before the period, and no plan to report
        request.outcome = "H"  # the plan it led to is still reported, as history
        if request.assessment:
            request.assessment.outcome = "H"
    return request


def _ended_before(request: Request, collection: Collection) -> bool:
    """Whether the request's story was over before the period began."""
    start = collection.period_start
    case = request.case
    if case is not None and case.closed_on and case.closed_on < start:
        return True
    if request.outcome == "N" and request.outcome_date and request.outcome_date < start:
        return True
    assessment = request.assessment
    return bool(
        assessment and assessment.outcome in ("Y", "N") and assessment.outcome_date and assessment.outcome_date < start
    )


def _plan_fill(plan: NamedPlan, child: Child, records: _Records, collection: Collection, ceased: date | None) -> None:
    placements = records.placements[child.pk]
    on = min(collection.census_date, ceased) if ceased else collection.census_date
    named = [p for p in placements if _in_force(p, on)] or [p for p in placements if _in_force(p, plan.start_date)]
    plan.placements = named
    if ceased and ceased >= plan.start_date:
        plan.cease_date = ceased
        plan.cease_reason = child.plan_cease_reason


def _active(child: Child, reviews: list[Case], records: _Records, collection: Collection) -> ActivePlan:
    needs = [(code, rank) for rank, code in ((1, child.primary_need), (2, child.secondary_need)) if code]
    active = ActivePlan(
        placements=[p for p in records.placements[child.pk] if _in_force(p, collection.census_date)], needs=needs
    )
    for case in reviews:  # the latest review in the period
        meeting = _date(records, case, "meeting")
        decision = records.steps[case.pk].get("decision_notified")
        if meeting and collection.period_start <= meeting <= collection.period_end:
            active.review_meeting = meeting
            active.review_outcome = spec.REVIEW_OUTCOME_FROM_CASEWORK.get(decision.outcome, "") if decision else ""
            active.last_review = decision.occurred_on if decision else None
    return active


# --- The rules (casework.sen2.spec.RULES), each a check of one person.


def sen2_problems(people: list[Person], collection: Collection) -> list[Problem]:
    """Every rule each person's record fails, in the people's order."""
    problems: list[Problem] = []
    for person in people:
        problems.extend(_person_problems(person, collection))
    return problems


def _problem(code: str, child: Child, case: Case | None = None, detail: str = "") -> Problem:
    return Problem(rule=spec.RULES[code], child=child, case=case, detail=detail)


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _person_problems(person: Person, collection: Collection) -> Iterable[Problem]:
    child = person.child
    if not (child.upn or child.uln or child.upn_unknown):
        yield _problem("person_identifier", child)
    if child.upn and not re.match(spec.UPN_PATTERN, child.upn):
        yield _problem("upn_format", child, detail=child.upn)
    if child.uln and not re.match(spec.ULN_PATTERN, child.uln):
        yield _problem("uln_format", child, detail=child.uln)
    if not child.sex:
        yield _problem("sex_missing", child)
    if not child.ethnicity:
        yield _problem("ethnicity_missing", child)
    if not re.match(spec.POSTCODE_PATTERN, child.postcode.upper().strip()):
        yield _problem("postcode", child, detail=child.postcode or "none")
    if _age_on(child.date_of_birth, collection.census_date) > spec.MAX_AGE:
        yield _problem("age", child, detail=str(spec.MAX_AGE))
    for placement in person.placements:
        if placement.leaving_date and placement.leaving_date < placement.entry_date:
            yield _problem("placement_dates", child, None, placement.name)
    for request in person.requests:
        yield from _request_problems(child, request)


def _request_problems(child: Child, request: Request) -> Iterable[Problem]:
    case = request.case
    received = request.received
    if received and request.outcome_date and request.outcome_date < received:
        yield _problem("request_outcome_date_order", child, case, f"{request.outcome_date:%-d %B %Y}")
    assessment = request.assessment
    if assessment and received and assessment.outcome_date and assessment.outcome_date < received:
        yield _problem("assessment_outcome_date_order", child, case, f"{assessment.outcome_date:%-d %B %Y}")
    plan = assessment.plan if assessment else None
    if plan and not plan.placements:
        yield _problem("plan_setting_missing", child, case, f"{plan.start_date:%-d %B %Y}")
    if plan and plan.cease_date and not plan.cease_reason:
        yield _problem("cease_reason", child, case, f"{plan.cease_date:%-d %B %Y}")
    if request.active is not None:
        yield from _active_problems(child, case, request.active)


def _active_problems(child: Child, case: Case | None, active: ActivePlan) -> Iterable[Problem]:
    if not active.placements:
        yield _problem("placement_missing", child, case)
    for placement in active.placements:
        if not (placement.urn or placement.ukprn or placement.sen_setting):
            yield _problem("placement_identifier", child, case, placement.name)
        if placement.urn and not re.match(spec.URN_PATTERN, placement.urn):
            yield _problem("urn_format", child, case, placement.urn)
        if placement.ukprn and not re.match(spec.UKPRN_PATTERN, placement.ukprn):
            yield _problem("ukprn_format", child, case, placement.ukprn)
    ranks = [placement.rank for placement in active.placements]
    if ranks.count(1) > 1 or ranks.count(2) > 1:
        yield _problem("placement_rank", child, case, f"{len(ranks)} placements")
    if not any(rank == 1 for _, rank in active.needs):
        yield _problem("primary_need", child, case)
