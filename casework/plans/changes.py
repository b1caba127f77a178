"""What changed between two versions of a plan, section by section, in words a person can
read (issue 15, item 5): "Added provision f2: …", "Provision f1: how often was “weekly”,
now “one 45-minute session a week”.", and, for the sections written as prose, the
sentences taken out and put in, rather than a character diff nobody can follow."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .template import ITEM_FIELDS, NATIONAL, PlanTemplate, Section

LINKS = (("needs", "the needs it is linked to"), ("outcomes", "the outcomes it is linked to"))
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class SectionChanges:
    section: Section
    lines: tuple[str, ...]


def plan_changes(before: dict, after: dict, template: PlanTemplate = NATIONAL) -> list[SectionChanges]:
    """Each section that changed, with what changed in it (nothing: the same plan)."""
    changed = []
    for section in template.sections:
        was, now = (before or {}).get(section.key, {}), (after or {}).get(section.key, {})
        lines: list[str] = []
        for part in section.parts:
            if part.kind == "text":
                lines += _text_changes(part.label, was.get(part.key, ""), now.get(part.key, ""))
            else:
                lines += _item_changes(part.kind, was.get(part.key, []), now.get(part.key, []))
        if lines:
            changed.append(SectionChanges(section, tuple(lines)))
    return changed


def _text_changes(label: str, was: str, now: str) -> list[str]:
    if was == now:
        return []
    if not was:
        return [f"{label}: added. “{_short(now)}”"]
    if not now:
        return [f"{label}: taken out. It said “{_short(was)}”"]
    old, new = _sentences(was), _sentences(now)
    taken = [s for s in old if s not in new]
    put = [s for s in new if s not in old]
    lines = [f"{label}: taken out “{s}”" for s in taken] + [f"{label}: added “{s}”" for s in put]
    return lines or [f"{label}: the same words, set out differently"]


def _item_changes(kind: str, was: list[dict], now: list[dict]) -> list[str]:
    old = {item["id"]: item for item in was}
    new = {item["id"]: item for item in now}
    lines = [f"Added {kind} {i}: “{_short(_main(new[i], kind))}”" for i in new if i not in old]
    lines += [f"Taken out: {kind} {i}, which said “{_short(_main(old[i], kind))}”" for i in old if i not in new]
    for item_id in (i for i in new if i in old and new[i] != old[i]):
        a, b = old[item_id], new[item_id]
        for field, label, _hint in ITEM_FIELDS[kind]:
            if (a.get(field) or "") != (b.get(field) or ""):
                lines.append(
                    f"{kind.capitalize()} {item_id}: {label.lower()} was {_said(a.get(field))}, "
                    f"now {_said(b.get(field))}"
                )
        for field, words in LINKS:
            if sorted(a.get(field, [])) != sorted(b.get(field, [])):
                lines.append(
                    f"{kind.capitalize()} {item_id}: {words} were {_ids(a.get(field))}, now {_ids(b.get(field))}"
                )
        if a.get("quotes", []) != b.get("quotes", []):
            lines.append(f"{kind.capitalize()} {item_id}: the advice it quotes changed")
    return lines


def _main(item: dict, kind: str) -> str:
    return item.get(ITEM_FIELDS[kind][0][0] if kind != "need" else "text", "") or ""


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text or "") if s.strip()]


def _said(value: str | None) -> str:
    return f"“{_short(value)}”" if (value or "").strip() else "not said"


def _ids(refs: list[str] | None) -> str:
    return ", ".join(refs) if refs else "none"


def _short(text: str | None, length: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
