"""The national EHC plan template as data (issue 15, item 1), and a plan's content checked
against it.

A template is sections A to K, each with its parts. A part is free text, or a list of
structured items of one kind: needs (B, C, D), outcomes (E), provisions (F, G, H1, H2),
the placement (I) and the advice and information the plan rests on (K). A plan's content
is JSON in the template's shape, so it reads and writes through the API as it is and a
receiving council can import it:

    {"A": {"views": "…"}, "B": {"needs": [{"id": "b1", "text": "…"}]},
     "E": {"outcomes": [{"id": "e1", "text": "…", "timeframe": "…", "needs": ["b1"]}]},
     "F": {"provisions": [{"id": "f1", "what": "…", "who": "…", "how_often": "…",
                            "how_long": "…", "needs": ["b1"], "outcomes": ["e1"]}]},
     "K": {"advice": [{"id": "k1", "title": "…", "from": "…", "document": 12}]}}

Any item may quote advice: `"quotes": [{"advice": "k1", "page": 3, "text": "…"}]`, each
quotation keeping its source. `plan_problems` names everything wrong, by JSON path, in
two steps like a form definition: the JSON Schema made from the template, then the
references a schema cannot check (an id used twice, a need or advice that is not there).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from tenants.form_definitions import Problem

ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
TEXT = {"type": "string", "maxLength": 20000}
SHORT = {"type": "string", "maxLength": 500}
QUOTES = {
    "type": "array",
    "maxItems": 50,
    "items": {
        "type": "object",
        "properties": {"advice": ID, "page": {"type": "integer", "minimum": 1}, "text": TEXT},
        "required": ["advice"],
        "additionalProperties": False,
    },
}
IDS = {"type": "array", "items": ID, "uniqueItems": True, "maxItems": 100}

KINDS: dict[str, dict] = {
    "need": {"id": ID, "area": SHORT, "text": TEXT, "quotes": QUOTES},
    "outcome": {"id": ID, "text": TEXT, "timeframe": SHORT, "needs": IDS, "quotes": QUOTES},
    "provision": {
        "id": ID,
        "what": TEXT,
        "who": SHORT,
        "how_often": SHORT,
        "how_long": SHORT,
        "needs": IDS,
        "outcomes": IDS,
        "quotes": QUOTES,
    },
    "advice": {
        "id": ID,
        "title": SHORT,
        "from": SHORT,
        "document": {"type": ["integer", "null"]},
        "received_on": SHORT,
    },
}
REQUIRED = {"need": ["id", "text"], "outcome": ["id", "text"], "provision": ["id", "what"], "advice": ["id", "title"]}


# What each kind of item asks for on the drafting screen, in order: (field, label, hint).
# `id`, the links (needs, outcomes), quotations and an advice's document and date are not typed.
ITEM_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "need": (
        ("area", "Area of need", "For example, communication and interaction"),
        ("text", "The need", "What the child or young person finds hard, as the advice describes it"),
    ),
    "outcome": (
        ("text", "The outcome", "What they will be able to do, that they cannot now"),
        ("timeframe", "By when", "For example, by the end of Year 7"),
    ),
    "provision": (
        ("what", "What will be provided", "Specific: the programme, the support, the equipment"),
        ("who", "Who will provide it", "For example, a teaching assistant trained in Lego therapy"),
        ("how_often", "How often", "For example, 3 sessions of 30 minutes a week"),
        ("how_long", "For how long", "For example, until the annual review in July 2027"),
    ),
    "advice": (
        ("title", "The advice", "For example, educational psychology advice"),
        ("from", "From", "Who gave it"),
    ),
}
LONG_FIELDS = {"text", "what"}  # typed in a textarea; the rest are a line

# Where a new plan's section A starts: the family's own words from the council's form
# (Cumbria's Section A, Somerset's Appendix A), by the form's question ids. Questions a
# council's form does not have are skipped; each answer keeps its question as a heading.
SECTION_A_FROM: dict[str, tuple[str, ...]] = {
    "views": (
        "important_to_me",
        "take_part",
        "going_well",
        "not_going_well",
        "might_help",
        "child_views",
        "parent_views",
    ),
    "interests": ("like_and_admire",),
    "aspirations": ("hopes",),
    "history": ("communication", "my_story"),
}


@dataclass(frozen=True)
class Part:
    key: str  # "views", "needs", "provisions"…
    label: str
    kind: str = "text"  # "text", or the kind of item in a list: need, outcome, provision, advice
    serves: tuple[str, ...] = ()  # provisions: the sections whose needs they meet


@dataclass(frozen=True)
class Section:
    key: str  # "A" … "K"
    title: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class PlanTemplate:
    slug: str
    version: int
    title: str
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def provision_for(self) -> dict[str, tuple[str, ...]]:
        """Each section of needs, and the sections whose provision meets them (Part.serves):
        {"B": ("F",), "C": ("G",), "D": ("H1", "H2")} in the national template."""
        meeting: dict[str, tuple[str, ...]] = {}
        for section in self.sections:
            for part in section.parts:
                for needs in part.serves:
                    meeting[needs] = (*meeting.get(needs, ()), section.key)
        return meeting


NATIONAL = PlanTemplate(
    slug="national",
    version=1,
    title="EHC plan (the national template)",
    sections=(
        Section(
            "A",
            "The views, interests and aspirations of the child or young person and their parents",
            (
                Part("views", "Their views"),
                Part("interests", "Their interests"),
                Part("aspirations", "Their aspirations for the future"),
                Part("history", "A summary of how they communicate and their history"),
            ),
        ),
        Section("B", "Special educational needs", (Part("needs", "Needs", "need"),)),
        Section("C", "Health needs related to their SEN or disability", (Part("needs", "Needs", "need"),)),
        Section("D", "Social care needs related to their SEN or disability", (Part("needs", "Needs", "need"),)),
        Section("E", "Outcomes", (Part("outcomes", "Outcomes", "outcome"),)),
        Section("F", "Special educational provision", (Part("provisions", "Provision", "provision", ("B",)),)),
        Section("G", "Health provision", (Part("provisions", "Provision", "provision", ("C",)),)),
        Section(
            "H1",
            "Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970",
            (Part("provisions", "Provision", "provision", ("D",)),),
        ),
        Section("H2", "Any other social care provision", (Part("provisions", "Provision", "provision", ("D",)),)),
        Section(
            "I",
            "Placement",
            (Part("setting", "The school, college or other setting"), Part("setting_type", "The type of setting")),
        ),
        Section("J", "Personal budget", (Part("personal_budget", "The personal budget and how it is used"),)),
        Section("K", "Advice and information", (Part("advice", "Advice and information", "advice"),)),
    ),
)


@cache
def content_schema(template: PlanTemplate = NATIONAL) -> dict:
    """The JSON Schema of a plan's content in this template's shape."""
    sections = {}
    for section in template.sections:
        parts: dict[str, Any] = {}
        for part in section.parts:
            if part.kind == "text":
                parts[part.key] = TEXT
            else:
                parts[part.key] = {
                    "type": "array",
                    "maxItems": 200,
                    "items": {
                        "type": "object",
                        "properties": KINDS[part.kind],
                        "required": REQUIRED[part.kind],
                        "additionalProperties": False,
                    },
                }
        sections[section.key] = {"type": "object", "properties": parts, "additionalProperties": False}
    schema = {"type": "object", "properties": sections, "additionalProperties": False}
    Draft202012Validator.check_schema(schema)
    return schema


def plan_problems(content: Any, template: PlanTemplate = NATIONAL) -> list[Problem]:
    """Everything wrong with a plan's content, by JSON path (empty: it fits the template).
    Not the findings (findings.py): this is whether it is a plan at all."""
    validator = Draft202012Validator(content_schema(template))
    errors = sorted(validator.iter_errors(content), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        return [Problem(e.json_path, e.message) for e in errors]
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for _section, part, path, item in items(content, template):
        if item["id"] in seen:
            problems.append(Problem(f"{path}.id", f"{item['id']!r} is used twice (also at {seen[item['id']]})"))
        seen.setdefault(item["id"], path)
        kinds.setdefault(item["id"], part.kind)
    for _section, _part, path, item in items(content, template):
        for field, wanted in (("needs", "a need"), ("outcomes", "an outcome")):
            for ref in item.get(field, []):
                if kinds.get(ref) != wanted.split()[-1]:
                    problems.append(Problem(f"{path}.{field}", f"{ref!r} is not {wanted} in this plan"))
        for n, quote in enumerate(item.get("quotes", [])):
            if kinds.get(quote["advice"]) != "advice":
                problems.append(Problem(f"{path}.quotes[{n}].advice", f"{quote['advice']!r} is not advice in K"))
    return problems


def items(content: dict, template: PlanTemplate = NATIONAL) -> Iterator[tuple[Section, Part, str, dict]]:
    """Every structured item in the plan (needs, outcomes, provisions, advice) in the
    template's order, with its section, its part and its JSON path ("$.F.provisions[0]")."""
    for section in template.sections:
        for part in section.parts:
            if part.kind == "text":
                continue
            for n, item in enumerate((content or {}).get(section.key, {}).get(part.key, [])):
                yield section, part, f"$.{section.key}.{part.key}[{n}]", item


def id_prefix(section_key: str) -> str:
    """New items' ids in a section: f1, f2… in F; h1_1, h1_2… in H1."""
    key = section_key.lower()
    return f"{key}_" if key[-1].isdigit() else key


def next_id(content: dict, section_key: str, taken: set[str] | None = None, template: PlanTemplate = NATIONAL) -> str:
    """The first id not yet used in the plan for a new item in this section."""
    used = {item["id"] for *_, item in items(content, template)} | (taken or set())
    prefix, n = id_prefix(section_key), 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def without_dangling(content: dict, template: PlanTemplate = NATIONAL) -> dict:
    """The content with every link to an item no longer in the plan removed: deleting a
    need unlinks the provision that met it, rather than making the plan unsaveable."""
    kinds = {item["id"]: part.kind for _s, part, _p, item in items(content, template)}
    for _s, _part, _p, item in items(content, template):
        for field, kind in (("needs", "need"), ("outcomes", "outcome")):
            if field in item:
                item[field] = [ref for ref in item[field] if kinds.get(ref) == kind]
        if "quotes" in item:
            item["quotes"] = [q for q in item["quotes"] if kinds.get(q.get("advice")) == "advice"]
    return content


# --- A council's own variant (tenants.PlanTemplateVersion) --------------------------------

TEMPLATE_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "sections": {
            "type": "array",
            "minItems": 1,
            "maxItems": 30,
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "pattern": "^[A-Z][A-Z0-9]{0,3}$"},
                    "title": {"type": "string", "minLength": 1, "maxLength": 300},
                    "parts": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 20,
                        "items": {
                            "type": "object",
                            "properties": {
                                "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
                                "label": {"type": "string", "minLength": 1, "maxLength": 200},
                                "kind": {"enum": ["text", *KINDS]},
                                "serves": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                            },
                            "required": ["key", "label"],
                            "additionalProperties": False,
                        },
                    },
                },
                "required": ["key", "title", "parts"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["title", "sections"],
    "additionalProperties": False,
}


def template_definition(template: PlanTemplate = NATIONAL) -> dict:
    """A template as the JSON a council edits to make its own variant."""
    return {
        "title": template.title,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "parts": [
                    {
                        "key": part.key,
                        "label": part.label,
                        **({"kind": part.kind} if part.kind != "text" else {}),
                        **({"serves": list(part.serves)} if part.serves else {}),
                    }
                    for part in section.parts
                ],
            }
            for section in template.sections
        ],
    }


def template_problems(definition: Any) -> list[Problem]:
    """Everything wrong with a council's variant, by JSON path: its shape first, then what
    a schema cannot say. A variant may retitle and relabel, add sections and text parts,
    and reorder; it keeps every structured part of the national template (its needs,
    outcomes, provision and advice, with what the provision meets), so findings, the
    family's comments and the API mean the same on every council."""
    errors = sorted(
        Draft202012Validator(TEMPLATE_SCHEMA).iter_errors(definition),
        key=lambda e: (list(map(str, e.absolute_path)), e.message),
    )
    if errors:
        return [Problem(e.json_path, e.message) for e in errors]
    problems: list[Problem] = []
    sections: dict[str, dict] = {}
    for n, section in enumerate(definition["sections"]):
        if section["key"] in sections:
            problems.append(Problem(f"$.sections[{n}].key", f"Section {section['key']} is there twice"))
        sections.setdefault(section["key"], section)
        keys = [part["key"] for part in section["parts"]]
        for m, key in enumerate(keys):
            if key in keys[:m]:
                problems.append(
                    Problem(f"$.sections[{n}].parts[{m}].key", f"{key!r} is there twice in {section['key']}")
                )
    for section in NATIONAL.sections:
        for part in section.parts:
            if part.kind == "text":
                continue
            theirs = next((p for p in sections.get(section.key, {}).get("parts", []) if p["key"] == part.key), None)
            if theirs is None or theirs.get("kind", "text") != part.kind:
                problems.append(
                    Problem(
                        "$.sections",
                        f"Section {section.key} must keep its {part.label.lower()} ({part.key}, a list of "
                        f"{part.kind}s): findings, comments and the API rely on it",
                    )
                )
            elif sorted(theirs.get("serves", [])) != sorted(part.serves):
                problems.append(
                    Problem(
                        "$.sections",
                        f"Section {section.key}'s provision must meet the needs in {', '.join(part.serves)}",
                    )
                )
    return problems


def template_from(definition: dict, *, slug: str, version: int) -> PlanTemplate:
    """A stored variant (checked by template_problems when saved) as a PlanTemplate."""
    return PlanTemplate(
        slug=slug,
        version=version,
        title=definition["title"],
        sections=tuple(
            Section(
                section["key"],
                section["title"],
                tuple(
                    Part(part["key"], part["label"], part.get("kind", "text"), tuple(part.get("serves", ())))
                    for part in section["parts"]
                ),
            )
            for section in definition["sections"]
        ),
    )
