"""Reads for the council settings screens, and the council's stage explanations that
family pages show beside each step of a timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casework import clock
from casework.models import CaseKind
from tenants.links import council_url
from tenants.models import Council, CouncilLink, ServiceArea, SignInPolicy, StageExplanation, Tile
from tenants.outbox.texts import TextSize, text_body, text_size


@dataclass(frozen=True)
class StageStep:
    """A step of a case kind's timeline as casework.clock names and explains it."""

    case_kind: str
    key: str
    title: str
    meaning: str
    regulation: str


def _every_step(kind: str) -> tuple[clock.Step, ...]:
    """Each kind's timeline with every optional branch taken, so that every step the
    clock can produce for it appears once (the keys come from the clock, not a copy)."""
    day = date(2027, 1, 4)
    if kind == CaseKind.ASSESSMENT:
        timeline = clock.assessment_timeline(
            received=day,
            today=day,
            decided_whether_to_assess=day,
            will_assess=True,
            advice=[clock.AdviceRequest(adviser="each adviser", requested=day)],
            draft_served=day,
        )
    elif kind == CaseKind.ANNUAL_REVIEW:
        timeline = clock.annual_review_timeline(
            plan_issued=day, today=day, meeting=day, decision_notified=day, outcome=clock.ReviewOutcome.AMEND
        )
    elif kind == CaseKind.REASSESSMENT:
        timeline = clock.reassessment_timeline(decided_to_reassess=day, today=day)
    elif kind == CaseKind.PHASE_TRANSFER:
        timeline = clock.phase_transfer_timeline(
            kind=clock.TransferKind.PRIMARY_TO_SECONDARY, moving=date(2028, 9, 1), today=day
        )
    else:
        raise ValueError(f"Unknown case kind {kind!r}")
    return timeline.steps


def stage_steps(*, case_kind: str) -> list[StageStep]:
    """The steps families see for `case_kind`, in timeline order, each key once."""
    steps: dict[str, StageStep] = {}
    for step in _every_step(case_kind):
        if step.key not in steps:
            title = "Advice from each professional" if step.key == "advice" else step.title
            steps[step.key] = StageStep(case_kind, step.key, title, step.meaning, step.regulation)
    return list(steps.values())


def stage_step(*, case_kind: str, key: str) -> StageStep | None:
    if case_kind not in CaseKind.values:
        return None
    return next((s for s in stage_steps(case_kind=case_kind) if s.key == key), None)


def stage_explanations(*, council: Council, case_kind: str | None = None) -> dict[tuple[str, str], str]:
    """The council's own explanations, by (case kind, step key): for family pages to show
    beside `Step.meaning` (one query)."""
    rows = StageExplanation.objects.filter(council=council)
    if case_kind is not None:
        rows = rows.filter(case_kind=case_kind)
    return {(r.case_kind, r.stage_key): r.text for r in rows}


def council_fresh(*, council: Council) -> Council:
    """The council's row as stored now. `request.tenant` may be a copy cached for a few
    seconds by tenants.hosts; settings pages read and write the row itself."""
    return Council.objects.get(pk=council.pk)


def council_service_areas(*, council: Council) -> list[ServiceArea]:
    return list(ServiceArea.objects.filter(council=council))


def council_help_links(*, council: Council) -> list[CouncilLink]:
    return list(CouncilLink.objects.filter(council=council))


def council_tiles_all(*, council: Council) -> list[Tile]:
    """Every tile, on or off (the home page shows only the enabled ones)."""
    return list(Tile.objects.filter(council=council))


def council_sign_in_policy(*, council: Council) -> SignInPolicy:
    policy = SignInPolicy.objects.filter(council=council).first()
    return policy or SignInPolicy(council=council)


# What families are texted about, in the words the texts use (casework.services and
# citizen.services_family pass these as the alert's subject or `text`).
TEXTED = (
    ("A message", "You have a new message about your child's EHC needs assessment"),
    ("A document shared", "A new document has been shared about your child's EHC needs assessment"),
    ("A case opened", "Your child's EHC needs assessment is open"),
    (
        "The reply to a draft plan",
        "Your time to reply to the draft plan ends on 24 June 2027. You can reply in your SEND area",
    ),
    ("A download ready", "The download you asked for is ready"),
)


@dataclass(frozen=True)
class TextExample:
    what: str
    body: str
    size: TextSize


def texts_examples(*, council: Council) -> list[TextExample]:
    """Each kind of text as this council's families get it (its name and its site's
    address in it), with its length, fragments and cost."""
    link = council_url(council=council, path="/send/")
    examples = []
    for what, line in TEXTED:
        body = text_body(council_name=council.name, what=line, link=link)
        examples.append(TextExample(what=what, body=body, size=text_size(body)))
    return examples
