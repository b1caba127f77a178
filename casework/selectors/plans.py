"""Reading a case's EHC plan for the drafting screens (issue 15)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.db.models import Count, Q, Sum
from django.http import Http404

from casework.models import Case, CaseKind, Plan, PlanComment, PlanRevision, PlanVersion
from casework.plans.findings import Finding
from casework.plans.template import NATIONAL, Part, PlanTemplate, Section, template_from
from tenants.current import current_council
from tenants.models import PlanTemplateVersion

# Cases that amend the child's plan rather than write their own: an annual review that
# decides to amend sends the proposed changes and issues the amended plan on its own clock.
AMENDING_KINDS = frozenset({CaseKind.ANNUAL_REVIEW})


def plan_for_case(case: Case) -> Plan | None:
    """The plan a case's pages read and write: the case's own (an assessment writes one);
    for an annual review, the child's plan in force (the one whose final plan was issued
    last), which the review amends. None before there is one."""
    if case.kind not in AMENDING_KINDS:
        return Plan.objects.filter(case=case).first()
    in_force = (
        PlanVersion.objects.filter(plan__case__child_id=case.child_id, kind=PlanVersion.Kind.FINAL)
        .select_related("plan")
        .order_by("-issued_on", "-pk")
        .first()
    )
    return in_force.plan if in_force else None


@dataclass(frozen=True)
class PlanRound:
    """The pair of versions one case issues: on the plan's own case the draft (15 days to
    comment) and the final plan; on an annual review the proposed amendments (15 days
    again) and the amended plan. `in_force` is the plan as last finally issued, on any case."""

    opening_kind: str
    closing_kind: str
    opening: PlanVersion | None
    closing: PlanVersion | None
    in_force: PlanVersion | None
    before: PlanVersion | None  # what this round's changes are read against

    @property
    def amending(self) -> bool:
        return self.opening_kind == PlanVersion.Kind.PROPOSED

    @property
    def next_kind(self) -> str | None:
        """What this case issues next, or None when it has issued both."""
        if self.opening is None:
            return self.opening_kind
        return self.closing_kind if self.closing is None else None

    @property
    def open_for_comments(self) -> bool:
        return self.opening is not None and self.closing is None

    @property
    def opening_label(self) -> str:
        return PlanVersion.Kind(self.opening_kind).label.lower()

    @property
    def closing_label(self) -> str:
        return PlanVersion.Kind(self.closing_kind).label.lower()


CLOSING_KINDS = (PlanVersion.Kind.FINAL, PlanVersion.Kind.AMENDMENT)


def plan_round(plan: Plan, case: Case, versions: list[PlanVersion]) -> PlanRound:
    """Where `case` is in issuing `plan`, from its versions (plan_versions: no queries)."""
    amending = plan.case_id != case.pk
    opening_kind, closing_kind = (
        (PlanVersion.Kind.PROPOSED, PlanVersion.Kind.AMENDMENT)
        if amending
        else (PlanVersion.Kind.DRAFT, PlanVersion.Kind.FINAL)
    )
    mine = [v for v in versions if (v.case_id or plan.case_id) == case.pk]
    opening = next((v for v in reversed(mine) if v.kind == opening_kind), None)
    closing = next(
        (v for v in reversed(mine) if v.kind == closing_kind and opening and v.number > opening.number), None
    )
    in_force = next((v for v in reversed(versions) if v.kind in CLOSING_KINDS), None)
    if amending:
        upto = opening.number if opening else None
        before = next(
            (v for v in reversed(versions) if v.kind in CLOSING_KINDS and (upto is None or v.number < upto)), None
        )
    else:
        before = opening
    return PlanRound(opening_kind, closing_kind, opening, closing, in_force, before)


COUNCIL_TEMPLATE = "council"  # Plan.template for a plan on its council's own variant


def council_plan_template() -> PlanTemplate:
    """The template a new plan in this council starts on: the council's latest published
    variant, else the national template."""
    row = (
        PlanTemplateVersion.objects.filter(council=current_council(), published_at__isnull=False)
        .order_by("-number")
        .first()
    )
    return _variant(row.definition, row.number) if row else NATIONAL


def plan_template(plan: Plan) -> PlanTemplate:
    """The template a plan was written on (a published variant never changes)."""
    if plan.template != COUNCIL_TEMPLATE:
        return NATIONAL
    row = PlanTemplateVersion.objects.filter(council=current_council(), number=plan.template_version).first()
    return _variant(row.definition, row.number) if row else NATIONAL


def _variant(definition: dict, number: int) -> PlanTemplate:
    return _parsed(json.dumps(definition, sort_keys=True), number)


@lru_cache(maxsize=64)
def _parsed(text: str, number: int) -> PlanTemplate:
    # One object per definition, so the schema cached for it (content_schema) is reused.
    return template_from(json.loads(text), slug=COUNCIL_TEMPLATE, version=number)


def plan_content_at(plan: Plan, revision: int) -> dict:
    """The content as revision `revision` left it (the current content when that is the
    revision asked for, or when it was never kept); revision 0 is the empty plan."""
    if revision == plan.revision:
        return plan.content or {}
    if revision == 0:
        return {}
    kept = PlanRevision.objects.filter(plan=plan, revision=revision).values_list("content", flat=True).first()
    return plan.content if kept is None else kept


@dataclass
class SectionShown:
    section: Section
    texts: list[tuple[Part, str]]  # text parts, with what they say ("" when empty)
    listed: list[tuple[Part, list[dict]]]  # list parts, with their items
    findings: list[Finding]

    @property
    def empty(self) -> bool:
        return not any(text for _, text in self.texts) and not any(items for _, items in self.listed)


def plan_sections(content: dict, findings: list[Finding], template: PlanTemplate = NATIONAL) -> list[SectionShown]:
    """Every section of the template, with what the plan says in it and its findings."""
    shown = []
    for section in template.sections:
        held = (content or {}).get(section.key, {})
        shown.append(
            SectionShown(
                section=section,
                texts=[(part, held.get(part.key, "")) for part in section.parts if part.kind == "text"],
                listed=[(part, held.get(part.key, [])) for part in section.parts if part.kind != "text"],
                findings=[f for f in findings if f.section == section.key],
            )
        )
    return shown


def plan_versions(plan: Plan) -> list[PlanVersion]:
    """The plan's issued versions, oldest first, on whichever case each was issued (one
    query; none before a plan is issued)."""
    return list(PlanVersion.objects.filter(plan=plan).select_related("issued_by", "plan", "case").order_by("number"))


def plan_comments(version: PlanVersion) -> list[PlanComment]:
    return list(version.comments.select_related("account", "answered_by"))


def plan_comment_for_staff(*, plan: Plan | None, comment_id: int) -> PlanComment:
    comment = (
        PlanComment.objects.filter(pk=comment_id, version__plan=plan).select_related("version__plan", "account").first()
    )
    if comment is None:
        raise Http404
    return comment


def plan_version(*, plan: Plan | None, number: int) -> PlanVersion:
    """An issued version of the plan (plan_for_case), or 404."""
    version = PlanVersion.objects.filter(plan=plan, number=number).select_related("plan__case__child").first()
    if version is None:
        raise Http404
    return version


@dataclass(frozen=True)
class PlanQualityRow:
    kind: str  # "Draft plan", "Final plan"
    issued: int
    nothing_flagged: int  # issued with no finding open
    findings_open: int  # in all of them together

    @property
    def average(self) -> str:
        return f"{self.findings_open / self.issued:.1f}" if self.issued else "None issued"


def plan_quality_summary(*, today: date) -> list[PlanQualityRow]:
    """Plans written in the portal and issued in the last 12 months, by kind: how many,
    how many with nothing a reader would flag, and the findings open when issued (one
    query). Every kind is listed, with noughts where none were issued."""
    since = today - timedelta(days=365)
    counted = {
        row["kind"]: row
        for row in PlanVersion.objects.filter(issued_on__gt=since, issued_on__lte=today)
        .values("kind")
        .annotate(
            issued=Count("id"), nothing_flagged=Count("id", filter=Q(findings_open=0)), findings=Sum("findings_open")
        )
    }
    return [
        PlanQualityRow(
            kind=label,
            issued=counted.get(kind, {}).get("issued", 0),
            nothing_flagged=counted.get(kind, {}).get("nothing_flagged", 0),
            findings_open=counted.get(kind, {}).get("findings", 0) or 0,
        )
        for kind, label in PlanVersion.Kind.choices
    ]
