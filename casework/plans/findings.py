"""What a plan's reader would flag, found as the plan is written (issue 15, item 3).

Tribunals find for families most often on a plan's content: provision that is not
"specified and quantified" (what, who, how often, for how long), vague words that commit
nobody ("access to", "as required", "regular", "opportunities for"), a need with nothing
to meet it, provision aimed at no outcome, an outcome with no timeframe, and advice the
plan never used. Each finding names where it is and says, plainly, what would fix it.
Findings never stop a plan being issued; the case page counts those still open then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .template import NATIONAL, PlanTemplate, items

# Words that promise nothing anyone can check. Matched as whole words, in any case.
VAGUE = (
    "access to",
    "as required",
    "as needed",
    "as appropriate",
    "when appropriate",
    "where appropriate",
    "where possible",
    "if possible",
    "when needed",
    "if needed",
    "regular",
    "regularly",
    "opportunities for",
    "opportunity to",
    "opportunities to",
    "may benefit",
    "would benefit",
    "should have",
    "up to",
    "support as",
    "ongoing",
    "periodic",
    "periodically",
)
_VAGUE = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(VAGUE, key=len, reverse=True)) + r")\b", re.I)
QUANTIFIED = (("who", "who will provide it"), ("how_often", "how often"), ("how_long", "for how long"))


@dataclass(frozen=True)
class Finding:
    rule: str  # unquantified, vague, need_unmet, no_outcome, no_timeframe, advice_unused
    section: str  # "F"
    item: str  # the item's id ("f1"), or "" for the section
    message: str


def vague_words(text: str) -> list[str]:
    """The vague words in a piece of text, as written, in order, each once."""
    found: list[str] = []
    for match in _VAGUE.finditer(text or ""):
        if match.group(0).lower() not in (w.lower() for w in found):
            found.append(match.group(0))
    return found


def plan_findings(content: dict, template: PlanTemplate = NATIONAL) -> list[Finding]:
    """Every finding in the plan, section by section in the template's order. The content
    is assumed to fit the template (template.plan_problems is empty)."""
    findings: list[Finding] = []
    provisions = [(s, item) for s, part, _, item in items(content, template) if part.kind == "provision"]
    for section, item in provisions:
        missing = [words for field, words in QUANTIFIED if not (item.get(field) or "").strip()]
        if missing:
            findings.append(
                Finding(
                    "unquantified",
                    section.key,
                    item["id"],
                    f"Provision {item['id']} does not say {_joined(missing, 'or')}. Say exactly who provides it, "
                    "how often and for how long, so that everyone knows what must happen.",
                )
            )
        said = " ".join(item.get(field, "") for field in ("what", "who", "how_often", "how_long"))
        vague = vague_words(said)
        if vague:
            quoted = _joined([f"“{w}”" for w in vague], "and")
            findings.append(
                Finding(
                    "vague",
                    section.key,
                    item["id"],
                    f"Provision {item['id']} says {quoted}, which commits nobody to anything. Say what will be "
                    "provided, in hours, sessions or staff, and when.",
                )
            )
        if not item.get("outcomes"):
            findings.append(
                Finding(
                    "no_outcome",
                    section.key,
                    item["id"],
                    f"Provision {item['id']} is not linked to any outcome in section E. Say which outcome it helps "
                    "the child or young person reach.",
                )
            )
    for need_section, meeting in template.provision_for().items():
        met = {ref for s, item in provisions if s.key in meeting for ref in item.get("needs", [])}
        for need in _list(content, need_section, "needs"):
            if need["id"] not in met:
                where = " or ".join(meeting)
                findings.append(
                    Finding(
                        "need_unmet",
                        need_section,
                        need["id"],
                        f"Need {need['id']} in section {need_section} has no provision in section {where} to meet it. "
                        "Every need must have provision that meets it.",
                    )
                )
    for outcome in _list(content, "E", "outcomes"):
        if not (outcome.get("timeframe") or "").strip():
            findings.append(
                Finding(
                    "no_timeframe",
                    "E",
                    outcome["id"],
                    f"Outcome {outcome['id']} has no timeframe. Say by when it should be reached, for example "
                    "“by the end of Year 7”.",
                )
            )
    quoted = {quote["advice"] for *_, item in items(content, template) for quote in item.get("quotes", [])}
    for advice in _list(content, "K", "advice"):
        if advice["id"] not in quoted:
            findings.append(
                Finding(
                    "advice_unused",
                    "K",
                    advice["id"],
                    f"The advice “{advice.get('title', advice['id'])}” is listed but the plan never refers to it. "
                    "Use what it says where it applies, or record why not.",
                )
            )
    order = {s.key: n for n, s in enumerate(template.sections)}
    return sorted(findings, key=lambda f: order.get(f.section, 99))


def _list(content: dict, section: str, part: str) -> list[dict]:
    return list((content or {}).get(section, {}).get(part, []))


def _joined(words: list[str], last: str) -> str:
    """ "a", "a or b", "a, b or c" ("and" where every word is there: "says “x” and “y”")."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]
