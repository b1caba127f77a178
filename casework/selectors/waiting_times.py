"""How long the council's EHC needs assessments are taking, for families to see (issue
17, item 2): computed in the background from the casework, published only where the
council chooses, and never enough to identify a child.

Over the 12 months to the day they are computed (as the timeliness dashboard counts):

- for each stage (the decision whether to assess, the draft plan, the final plan), the
  median and 90th-percentile weeks from the request to that step, over the assessments
  that reached it in the period; the 90th percentile is the nearest-rank one (the
  smallest value at least 90% of the cases are at or under);
- the share of new plans issued within 20 weeks, with and without the exceptions the law
  allows, as the DfE's national tables count them (casework.clock.timeliness);
- how many assessments are open at each stage now.

Small numbers are suppressed: a count from 1 to 4 is published as None ("fewer than 5"),
and so is any median, percentile or share computed from fewer than 5 cases.
"""

from __future__ import annotations

import math
import statistics
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef

from casework import clock
from casework.models import CaseKind, Milestone
from casework.selectors.cases import timeliness_summary

SUPPRESS_BELOW = 5

# (step key, what families are told it measures, the law's limit in weeks from the request)
STAGES = (
    ("decided_whether_to_assess", "From asking for an assessment to the decision whether to assess", 6),
    ("draft_served", "From asking for an assessment to the draft EHC plan", None),
    ("final_issued", "From asking for an assessment to the final EHC plan", 20),
)


def published_count(n: int) -> int | None:
    """`n`, or None where it is from 1 to 4 (published as "fewer than 5")."""
    return n if n == 0 or n >= SUPPRESS_BELOW else None


def nearest_rank_90(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def weeks(days: float) -> float:
    return round(days / 7, 1)


def waiting_times_figures(*, today: date) -> dict[str, Any]:
    """The council's figures as they may be published (JSON-ready, already suppressed).
    Run in the council's schema; five queries whatever the caseload."""
    start = clock.add_months(today, -12) + timedelta(days=1)
    drafted = Milestone.objects.filter(
        case=OuterRef("case"), key="draft_served", occurred_on__lte=OuterRef("occurred_on")
    )
    days_by_step: dict[str, list[int]] = {key: [] for key, _, _ in STAGES}
    rows = (
        Milestone.objects.filter(
            key__in=list(days_by_step), case__kind=CaseKind.ASSESSMENT, occurred_on__range=(start, today)
        )
        .annotate(drafted=Exists(drafted))
        .values_list("key", "occurred_on", "case__started_on", "drafted")
    )
    for key, occurred_on, started_on, was_drafted in rows:
        if key == "final_issued" and not was_drafted:
            continue  # a final plan counts only after a draft (as the dashboard counts it)
        days_by_step[key].append((occurred_on - started_on).days)
    stages = []
    for key, label, limit in STAGES:
        days = days_by_step[key]
        shown = len(days) >= SUPPRESS_BELOW
        stages.append(
            {
                "key": key,
                "label": label,
                "limit_weeks": limit,
                "count": published_count(len(days)),
                "median_weeks": weeks(statistics.median(days)) if shown else None,
                "p90_weeks": weeks(nearest_rank_90(days)) if shown else None,
            }
        )
    summary = timeliness_summary(today=today)

    def share(percentage) -> float | None:
        value = percentage.value
        return None if value is None or percentage.denominator < SUPPRESS_BELOW else round(value, 1)

    return {
        "period_start": summary.period_start.isoformat(),
        "period_end": summary.period_end.isoformat(),
        "stages": stages,
        "plans": {
            "count": published_count(summary.plans_issued),
            "within_20_weeks": share(summary.within_20_weeks),
            "excluding_exceptions_count": published_count(summary.within_20_weeks_excluding_exceptions.denominator),
            "within_20_weeks_excluding_exceptions": share(summary.within_20_weeks_excluding_exceptions),
        },
        "open_by_stage": [{"label": label, "count": published_count(n)} for label, n in summary.open_by_stage],
        "open_total": published_count(sum(n for _, n in summary.open_by_stage)),
    }
