"""Form definitions: a council's forms are data (docs/architecture.md, "Forms").

A definition is JSON: sections of pages of questions, conditions on earlier answers,
repeating groups ("add another"), file questions, a declaration, and which case the form
feeds. It is checked in two steps, each problem named by the JSON path where it is
(`$.sections[0].pages[2].questions[1].type`):

1. the JSON Schema that ships with the code (tenants/form_schema.json): shapes, types,
   the known question types, required keys;
2. cross-references a JSON Schema cannot express: an id used twice, a condition naming a
   question that does not exist, is on the same or a later page, or an option the
   question does not have; a minimum above its maximum; a repeating group not alone on
   its page, or inside another group.

`form_definition(data)` returns the parsed, read-only `FormDefinition` the runner walks.
The platform's built-in definitions (Section A, Appendix A) are JSON files in
tenants/builtin_forms/, checked by the same rules (and by the tests).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("form_schema.json")
BUILTIN_DIR = Path(__file__).with_name("builtin_forms")
MAX_PROBLEMS = 50
# Largest definition accepted from an upload or the editor.
MAX_DEFINITION_BYTES = 512 * 1024

FEEDS_NEW_REQUEST = "new_request"
FEEDS_CONTRIBUTION = "contribution"
FEEDS_ANNUAL_REVIEW = "annual_review"
FEEDS_ADVICE = "advice"  # filled in by the organisation the SEND team asked, never by a family
# Filled in by the school or setting the SEND team gave an annual review to run, never by a family.
FEEDS_REVIEW_REPORT = "review_report"
# The forms professionals fill in: never offered to families.
PROFESSIONAL_FEEDS = (FEEDS_ADVICE, FEEDS_REVIEW_REPORT)
FEEDS_LABELS = {
    FEEDS_NEW_REQUEST: "A new request for an EHC needs assessment",
    FEEDS_CONTRIBUTION: "A contribution to the child's EHC needs assessment",
    FEEDS_ANNUAL_REVIEW: "A contribution to the child's annual review",
    FEEDS_ADVICE: "A professional's advice for an EHC needs assessment",
    FEEDS_REVIEW_REPORT: "The report of an annual review meeting, from the school or setting that ran it",
}
EVERYONE = ("parent", "carer", "young_person")
YES_NO_OPTIONS = (("yes", "Yes"), ("no", "No"))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition, and where (a JSON path)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DefinitionInvalid(ValidationError):
    """A definition refused, with every problem found (`problems`)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


# --- Checking ---------------------------------------------------------------------------


@cache
def form_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    schema = form_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _schema_message(error) -> str:
    """jsonschema's message, said more plainly where it is vague."""
    if error.validator == "enum" and error.path and error.path[-1] == "type":
        kinds = ", ".join(error.validator_value)
        return f"{error.instance!r} is not a question type; use one of: {kinds}"
    if error.validator == "enum" and error.path and error.path[-1] == "feeds":
        return f"{error.instance!r} is not something a form can feed; use one of: {', '.join(error.validator_value)}"
    if error.validator in ("minProperties", "maxProperties") and "show_if" in error.path:
        return "a condition names one question and one test: equals, one_of, includes or answered"
    if error.validator == "pattern" and error.path and error.path[-1] in ("id", "question"):
        return (
            f"{error.instance!r} is not an id: use lower-case letters, digits and underscores, starting with a letter"
        )
    return error.message


def definition_problems(data: Any) -> list[Problem]:
    """Everything wrong with a definition (an empty list when it is good)."""
    schema_errors = sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    # A question of an unknown type: its other keys are not "unexpected", the type is wrong.
    unknown_types = {
        tuple(e.absolute_path)[:-1] for e in schema_errors if e.validator == "enum" and e.path and e.path[-1] == "type"
    }
    schema_errors = [
        e
        for e in schema_errors
        if not (e.validator == "unevaluatedProperties" and tuple(e.absolute_path) in unknown_types)
    ]
    problems = [Problem(e.json_path, _schema_message(e)) for e in schema_errors]
    if problems:
        return problems[:MAX_PROBLEMS]
    return _cross_reference_problems(data)[:MAX_PROBLEMS]


def definition_from_text(text: str) -> tuple[Any, list[Problem]]:
    """Parse JSON text (an upload, the editor) and check it: (data, problems)."""
    if len(text.encode("utf-8")) > MAX_DEFINITION_BYTES:
        return None, [Problem("$", f"The definition must be {MAX_DEFINITION_BYTES // 1024} KB or smaller.")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [Problem("$", f"This is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}).")]
    return data, definition_problems(data)


def definition_check(data: Any) -> FormDefinition:
    """The parsed definition, or DefinitionInvalid naming every problem."""
    problems = definition_problems(data)
    if problems:
        raise DefinitionInvalid(problems)
    return _parse(data)


def _cross_reference_problems(data: dict) -> list[Problem]:
    problems: list[Problem] = []
    if (data.get("feeds") == FEEDS_ADVICE) != bool(data.get("advice_kind")):
        problems.append(
            Problem(
                "$.advice_kind",
                "a form that feeds advice names the kind of advice it is for ('advice_kind'); no other form does",
            )
        )
    section_ids: dict[str, str] = {}
    page_ids: dict[str, str] = {}
    question_ids: dict[str, str] = {}
    # question id → (page number in document order, its definition, path); filled as
    # pages are walked, so a condition can only see what came before its page.
    earlier: dict[str, tuple[int, dict, str]] = {}
    everywhere = {
        q["id"]: (p_index, q) for p_index, (_, page, _) in enumerate(_pages_with_paths(data)) for q in page["questions"]
    }
    in_groups = {
        sub["id"]
        for _, page, _ in _pages_with_paths(data)
        for q in page["questions"]
        if q["type"] == "group"
        for sub in q["questions"]
    }

    def once(seen: dict[str, str], kind: str, value: str, path: str) -> None:
        if value in seen:
            problems.append(Problem(path, f"the {kind} id {value!r} is used twice (also at {seen[value]})"))
        else:
            seen[value] = path

    def condition(show_if: dict | None, path: str, page_number: int) -> None:
        if show_if is None:
            return
        name = show_if["question"]
        where = f"{path}.question"
        if name not in everywhere:
            if name in in_groups:
                problems.append(
                    Problem(
                        where,
                        f"{name!r} is inside a repeating group: a condition can only use a question outside groups",
                    )
                )
            else:
                problems.append(Problem(where, f"no question has the id {name!r}"))
            return
        if name not in earlier or earlier[name][0] >= page_number:
            places = "this same page" if everywhere[name][0] == page_number else "a later page"
            problems.append(
                Problem(where, f"{name!r} is on {places}: a condition can only use an answer given on an earlier page")
            )
            return
        target = earlier[name][1]
        values = _option_values(target)
        if "includes" in show_if:
            if target["type"] != "checkboxes":
                problems.append(
                    Problem(f"{path}.includes", f"'includes' works only with checkboxes; {name!r} is {target['type']}")
                )
            elif show_if["includes"] not in values:
                problems.append(Problem(f"{path}.includes", f"{show_if['includes']!r} is not an option of {name!r}"))
        for test in ("equals", "one_of"):
            if test not in show_if:
                continue
            if target["type"] == "checkboxes":
                problems.append(Problem(f"{path}.{test}", f"{name!r} is checkboxes: use 'includes' to test one option"))
                continue
            if values is None:
                continue
            wanted = show_if[test] if test == "one_of" else [show_if[test]]
            for value in wanted:
                if value not in values:
                    problems.append(Problem(f"{path}.{test}", f"{value!r} is not an option of {name!r}"))

    def question(q: dict, path: str, page_number: int, *, in_group: bool, seen: dict[str, str]) -> None:
        once(seen, "question", q["id"], f"{path}.id")
        values = [o["value"] for o in q.get("options", [])]
        for index, value in enumerate(values):
            if value in values[:index]:
                problems.append(Problem(f"{path}.options[{index}].value", f"the option {value!r} is given twice"))
        if q["type"] in ("number", "group") and "min" in q and "max" in q and q["min"] > q["max"]:
            problems.append(Problem(f"{path}.min", f"the minimum ({q['min']}) is more than the maximum ({q['max']})"))
        if in_group:
            if q["type"] == "group":
                problems.append(Problem(f"{path}.type", "a repeating group cannot be inside another group"))
            if "show_if" in q:
                problems.append(
                    Problem(f"{path}.show_if", "a question inside a repeating group cannot have a condition")
                )
            return
        condition(q.get("show_if"), f"{path}.show_if", page_number)
        if q["type"] == "group":
            group_seen: dict[str, str] = {}
            for index, sub in enumerate(q["questions"]):
                question(sub, f"{path}.questions[{index}]", page_number, in_group=True, seen=group_seen)

    for s_index, section in enumerate(data["sections"]):
        once(section_ids, "section", section["id"], f"$.sections[{s_index}].id")
    for page_number, (path, page, _) in enumerate(_pages_with_paths(data)):
        once(page_ids, "page", page["id"], f"{path}.id")
        condition(page.get("show_if"), f"{path}.show_if", page_number)
        questions = page["questions"]
        if len(questions) > 1 and "title" not in page:
            problems.append(Problem(path, "a page with more than one question needs a 'title' (its heading)"))
        if len(questions) > 1:
            for index, q in enumerate(questions):
                if q["type"] == "group":
                    problems.append(
                        Problem(f"{path}.questions[{index}]", "a repeating group must be the only question on its page")
                    )
        for index, q in enumerate(questions):
            question(q, f"{path}.questions[{index}]", page_number, in_group=False, seen=question_ids)
        for q in questions:
            earlier.setdefault(q["id"], (page_number, q, path))
    return problems


def _pages_with_paths(data: dict) -> Iterator[tuple[str, dict, dict]]:
    for s_index, section in enumerate(data["sections"]):
        for p_index, page in enumerate(section["pages"]):
            yield f"$.sections[{s_index}].pages[{p_index}]", page, section


def _option_values(q: dict) -> list[str] | None:
    if q["type"] == "yes_no":
        return [value for value, _ in YES_NO_OPTIONS]
    if q["type"] in ("radios", "select", "checkboxes"):
        return [o["value"] for o in q["options"]]
    return None


# --- The parsed definition ------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass(frozen=True)
class Condition:
    question: str
    equals: str | None = None
    one_of: tuple[str, ...] | None = None
    includes: str | None = None
    answered: bool | None = None

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.question)
        if self.answered is not None:
            return self.answered != _is_empty(value)
        if self.equals is not None:
            return value == self.equals
        if self.one_of is not None:
            return value in self.one_of
        if self.includes is not None:
            return isinstance(value, list) and self.includes in value
        return False


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str
    hint: str = ""
    required: bool = True
    show_if: Condition | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    not_in_future: bool = False
    date_of_birth: bool = False
    min: int | None = None
    max: int | None = None
    suffix: str = ""
    accept: tuple[str, ...] = ()
    max_mb: int = 10
    item_name: str = ""
    item_name_plural: str = ""
    questions: tuple[Question, ...] = ()

    def visible(self, answers: Mapping[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)

    def option_label(self, value: str) -> str:
        return next((o.label for o in self.options if o.value == value), value)

    @property
    def items_label(self) -> str:
        return self.item_name_plural or f"{self.item_name}s"

    @property
    def group_min(self) -> int:
        return self.min or 0

    @property
    def group_max(self) -> int:
        return self.max or 10


@dataclass(frozen=True)
class Page:
    id: str
    section_id: str
    title: str
    hint: str
    show_if: Condition | None
    questions: tuple[Question, ...]

    @property
    def heading(self) -> str:
        return self.title or self.questions[0].label

    @property
    def single(self) -> Question | None:
        """The page's question when it has just one (its label is the page's heading)."""
        return self.questions[0] if len(self.questions) == 1 else None

    @property
    def group(self) -> Question | None:
        single = self.single
        return single if single is not None and single.type == "group" else None

    def visible(self, answers: Mapping[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    hint: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class Declaration:
    heading: str
    paragraphs: tuple[str, ...]
    confirmation: str


@dataclass(frozen=True)
class FormDefinition:
    title: str
    short_title: str
    description: tuple[str, ...]
    feeds: str
    allow_multiple_drafts: bool
    who_can_start: tuple[str, ...]
    sections: tuple[Section, ...]
    declaration: Declaration
    what_happens_next: tuple[str, ...]
    advice_kind: str = ""  # feeds advice: the kind of advice it is for
    _pages: dict[str, Page] = field(default_factory=dict, repr=False, compare=False)

    @property
    def pages(self) -> list[Page]:
        return [page for section in self.sections for page in section.pages]

    def page(self, page_id: str) -> Page | None:
        if not self._pages:
            self._pages.update({p.id: p for p in self.pages})
        return self._pages.get(page_id)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def feeds_label(self) -> str:
        return FEEDS_LABELS[self.feeds]


def _condition(data: dict | None) -> Condition | None:
    if data is None:
        return None
    return Condition(
        question=data["question"],
        equals=data.get("equals"),
        one_of=tuple(data["one_of"]) if "one_of" in data else None,
        includes=data.get("includes"),
        answered=data.get("answered"),
    )


def _question(data: dict) -> Question:
    options = tuple(Option(o["value"], o["label"], o.get("hint", "")) for o in data.get("options", ()))
    if data["type"] == "yes_no":
        options = tuple(Option(value, label) for value, label in YES_NO_OPTIONS)
    return Question(
        id=data["id"],
        type=data["type"],
        label=data["label"],
        hint=data.get("hint", ""),
        required=data.get("required", True),
        show_if=_condition(data.get("show_if")),
        options=options,
        max_length=data.get("max_length"),
        not_in_future=data.get("not_in_future", False),
        date_of_birth=data.get("date_of_birth", False),
        min=data.get("min"),
        max=data.get("max"),
        suffix=data.get("suffix", ""),
        accept=tuple(data.get("accept", ())),
        max_mb=data.get("max_mb", 10),
        item_name=data.get("item_name", ""),
        item_name_plural=data.get("item_name_plural", ""),
        questions=tuple(_question(q) for q in data.get("questions", ())),
    )


def _parse(data: dict) -> FormDefinition:
    declaration = data["declaration"]
    return FormDefinition(
        title=data["title"],
        short_title=data.get("short_title", data["title"]),
        description=tuple(data.get("description", ())),
        feeds=data["feeds"],
        allow_multiple_drafts=data.get("allow_multiple_drafts", False),
        who_can_start=tuple(data.get("who_can_start", EVERYONE)),
        sections=tuple(
            Section(
                id=s["id"],
                title=s["title"],
                hint=s.get("hint", ""),
                pages=tuple(
                    Page(
                        id=p["id"],
                        section_id=s["id"],
                        title=p.get("title", ""),
                        hint=p.get("hint", ""),
                        show_if=_condition(p.get("show_if")),
                        questions=tuple(_question(q) for q in p["questions"]),
                    )
                    for p in s["pages"]
                ),
            )
            for s in data["sections"]
        ),
        declaration=Declaration(
            heading=declaration.get("heading", "Declaration"),
            paragraphs=tuple(declaration.get("paragraphs", ())),
            confirmation=declaration["confirmation"],
        ),
        what_happens_next=tuple(data.get("what_happens_next", ())),
        advice_kind=data.get("advice_kind", ""),
    )


def form_definition(data: dict) -> FormDefinition:
    """A stored definition, parsed (stored definitions were checked when saved)."""
    return _parse_cached(json.dumps(data, sort_keys=True))


@lru_cache(maxsize=64)
def _parse_cached(text: str) -> FormDefinition:
    return _parse(json.loads(text))


# --- Built-in definitions -------------------------------------------------------------------


def builtin_slugs() -> list[str]:
    return sorted(path.stem for path in BUILTIN_DIR.glob("*.json"))


@cache
def _builtin_text(slug: str) -> str:
    path = BUILTIN_DIR / f"{slug}.json"
    if slug not in builtin_slugs():
        raise KeyError(slug)
    return path.read_text(encoding="utf-8")


def builtin_definition(slug: str) -> dict:
    """A fresh copy of a built-in definition ("section-a", "appendix-a")."""
    return copy.deepcopy(json.loads(_builtin_text(slug)))
