"""The form editor's changes to a draft definition (issue 19, item 17): add, change, move
and remove sections, pages and questions (and the questions of a repeating group), as a
SEND manager does on screens instead of in JSON.

Each function takes a definition (a dict, as stored on `tenants.FormVersion`) and returns
a changed copy; nothing here saves. The screens save through
`casework.services.forms.form_version_update`, which checks the whole definition against
the JSON Schema and the cross-reference rules (the same checks as the JSON editor), so a
change that would break the form is refused with the problem's path, and the screens put
it beside the field it came from. `revision` lets a screen notice that another admin
saved the draft while this one was being edited.

Places are named by id: a section's, a page's, a question's (with its group's, for a
question inside a repeating group). New ids are made from the title or label.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

ID_LENGTH = 40
QUESTION_KEYS = (
    "max_length",
    "not_in_future",
    "date_of_birth",
    "min",
    "max",
    "suffix",
    "options",
    "accept",
    "max_mb",
    "item_name",
    "item_name_plural",
)


class NotFound(LookupError):
    """No section, page or question with that id: the screen answers "not found"."""


def revision(definition: dict) -> str:
    """A short fingerprint of the definition, carried by each editing screen's form."""
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]


def new_id(text: str, taken: set[str]) -> str:
    """An id made from a title or label ("Your child's school" → "your_childs_school"),
    unique among `taken` (with _2, _3… when it is not)."""
    base = re.sub(r"[^a-z0-9]+", "_", text.lower().replace("'", "").replace("\u2019", "")).strip("_")[:ID_LENGTH]
    base = base.strip("_") or "item"
    if not base[0].isalpha():
        base = f"q_{base}"[:ID_LENGTH]
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    return candidate


def option_value(label: str, taken: set[str]) -> str:
    """An option's stored value made from its label: lower-case letters, digits, _ and -."""
    base = re.sub(r"[^a-z0-9]+", "_", label.lower().replace("'", "")).strip("_")[:ID_LENGTH] or "option"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    return candidate


# --- Finding things -----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a page is: its section's index and its own index, and its JSON path."""

    section: int
    page: int

    @property
    def path(self) -> str:
        return f"$.sections[{self.section}].pages[{self.page}]"


def pages(definition: dict) -> Iterator[tuple[Place, dict, dict]]:
    for s_index, section in enumerate(definition["sections"]):
        for p_index, page in enumerate(section["pages"]):
            yield Place(s_index, p_index), section, page


def section_index(definition: dict, section_id: str) -> int:
    for index, section in enumerate(definition["sections"]):
        if section["id"] == section_id:
            return index
    raise NotFound(section_id)


def page_place(definition: dict, page_id: str) -> Place:
    for place, _, page in pages(definition):
        if page["id"] == page_id:
            return place
    raise NotFound(page_id)


def page_of(definition: dict, page_id: str) -> dict:
    place = page_place(definition, page_id)
    return definition["sections"][place.section]["pages"][place.page]


def question_place(definition: dict, question_id: str, group_id: str = "") -> tuple[Place, int, int | None]:
    """(the page's place, the question's index on it, its index in its group or None)."""
    for place, _, page in pages(definition):
        for index, question in enumerate(page["questions"]):
            if group_id:
                if question["id"] == group_id and question["type"] == "group":
                    for sub_index, sub in enumerate(question["questions"]):
                        if sub["id"] == question_id:
                            return place, index, sub_index
            elif question["id"] == question_id:
                return place, index, None
    raise NotFound(question_id)


def question_of(definition: dict, question_id: str, group_id: str = "") -> dict:
    place, index, sub_index = question_place(definition, question_id, group_id)
    question = definition["sections"][place.section]["pages"][place.page]["questions"][index]
    return question if sub_index is None else question["questions"][sub_index]


def question_path(definition: dict, question_id: str, group_id: str = "") -> str:
    place, index, sub_index = question_place(definition, question_id, group_id)
    path = f"{place.path}.questions[{index}]"
    return path if sub_index is None else f"{path}.questions[{sub_index}]"


def question_ids(definition: dict) -> set[str]:
    return {q["id"] for _, _, page in pages(definition) for q in page["questions"]}


def earlier_questions(definition: dict, page_id: str | None) -> list[dict]:
    """The questions a condition on `page_id` (or on a new page at the end) may use:
    those on earlier pages, outside repeating groups."""
    found: list[dict] = []
    for _, _, page in pages(definition):
        if page["id"] == page_id:
            break
        found.extend(q for q in page["questions"] if q["type"] != "group")
    return found


def earlier_questions_for_new(definition: dict, place: NewPlace) -> list[dict]:
    """What a condition on a new question at `place` may use: the pages before its page
    (an existing page; a new page goes at the end of its section, a new section at the
    end of the form). A question inside a group takes no condition."""
    if place.kind == "group":
        return []
    if place.kind == "page":
        return earlier_questions(definition, place.page)
    if place.kind == "section":
        following = definition["sections"][section_index(definition, place.section) + 1 :]
        return earlier_questions(definition, following[0]["pages"][0]["id"] if following else None)
    return earlier_questions(definition, None)


# --- The form as a whole ------------------------------------------------------------------


def settings_put(definition: dict, values: dict[str, Any]) -> dict:
    """The form's own settings: its titles, description, what it feeds, who may fill it
    in, the declaration and what happens next. Empty optional values are left out."""
    changed = copy.deepcopy(definition)
    for key in ("title", "short_title", "feeds", "allow_multiple_drafts"):
        changed[key] = values[key]
    for key in ("short_title", "description", "what_happens_next", "who_can_start"):
        if values.get(key):
            changed[key] = values[key]
        else:
            changed.pop(key, None)
    if not values.get("allow_multiple_drafts"):
        changed.pop("allow_multiple_drafts", None)
    declaration = {"confirmation": values["confirmation"]}
    if values.get("declaration_heading"):
        declaration["heading"] = values["declaration_heading"]
    if values.get("declaration_paragraphs"):
        declaration["paragraphs"] = values["declaration_paragraphs"]
    changed["declaration"] = declaration
    return changed


# --- Sections and pages -------------------------------------------------------------------


def section_put(definition: dict, section_id: str, *, title: str, hint: str = "") -> dict:
    changed = copy.deepcopy(definition)
    section = changed["sections"][section_index(changed, section_id)]
    section["title"] = title
    _set_or_drop(section, "hint", hint)
    return changed


def page_put(definition: dict, page_id: str, *, title: str = "", hint: str = "", show_if: dict | None = None) -> dict:
    changed = copy.deepcopy(definition)
    page = page_of(changed, page_id)
    _set_or_drop(page, "title", title)
    _set_or_drop(page, "hint", hint)
    _set_or_drop(page, "show_if", show_if)
    return changed


# --- Questions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPlace:
    """Where a new question goes: on an existing page (`page`), into a repeating group
    (`group`), on a new page at the end of a section (`section`), or in a new section at
    the end of the form (`new_section`, with its title)."""

    page: str = ""
    group: str = ""
    section: str = ""
    new_section: bool = False

    @property
    def kind(self) -> str:
        if self.group:
            return "group"
        if self.page:
            return "page"
        if self.section:
            return "section"
        return "new_section"


@dataclass(frozen=True)
class Added:
    definition: dict
    question_path: str
    page_path: str
    section_path: str


def question_add(
    definition: dict,
    place: NewPlace,
    question: dict,
    *,
    page_title: str = "",
    section_title: str = "",
) -> Added:
    """Add `question` (without an id: one is made from its label) at `place`. A new page
    gets `page_title` (needed once a page has two questions); a new section gets
    `section_title`."""
    changed = copy.deepcopy(definition)
    question = copy.deepcopy(question)
    if place.kind == "group":
        group = question_of(changed, place.group)
        if group["type"] != "group":
            raise NotFound(place.group)
        question["id"] = new_id(question["label"], {q["id"] for q in group["questions"]})
        group["questions"].append(question)
        path = question_path(changed, question["id"], place.group)
        page_path = page_place_of_question(changed, place.group).path
    elif place.kind == "page":
        question["id"] = new_id(question["label"], question_ids(changed))
        page = page_of(changed, place.page)
        page["questions"].append(question)
        if page_title:
            page["title"] = page_title
        path = question_path(changed, question["id"])
        page_path = page_place(changed, place.page).path
    else:
        question["id"] = new_id(question["label"], question_ids(changed))
        page_ids = {page["id"] for _, _, page in pages(changed)}
        page = {"id": new_id(page_title or question["label"], page_ids), "questions": [question]}
        _set_or_drop(page, "title", page_title)
        if place.kind == "section":
            changed["sections"][section_index(changed, place.section)]["pages"].append(page)
        else:
            section_ids = {s["id"] for s in changed["sections"]}
            changed["sections"].append(
                {"id": new_id(section_title or "section", section_ids), "title": section_title, "pages": [page]}
            )
        path = question_path(changed, question["id"])
        page_path = page_place(changed, page["id"]).path
    section_path = page_path.split(".pages[")[0]
    return Added(definition=changed, question_path=path, page_path=page_path, section_path=section_path)


def page_place_of_question(definition: dict, question_id: str) -> Place:
    return question_place(definition, question_id)[0]


def question_put(definition: dict, question_id: str, values: dict, *, group_id: str = "") -> dict:
    """Change a question's wording and settings (not its id or type: answers already
    given are stored under the id, and a type's answers do not fit another)."""
    changed = copy.deepcopy(definition)
    _apply(question_of(changed, question_id, group_id), values)
    return changed


def question_new(values: dict) -> dict:
    """A new question (without its id, which question_add makes) from the editor's values."""
    question = {"type": values["type"], "label": values["label"]}
    _apply(question, values)
    if values["type"] == "group":  # a group is never empty: its first question comes with it
        taken: set[str] = set()
        question["questions"] = []
        for sub in values.get("questions") or []:
            question["questions"].append({**sub, "id": new_id(sub["label"], taken)})
            taken.add(question["questions"][-1]["id"])
    return question


def _apply(question: dict, values: dict) -> None:
    question["label"] = values["label"]
    _set_or_drop(question, "hint", values.get("hint", ""))
    if values.get("required", True):
        question.pop("required", None)
    else:
        question["required"] = False
    _set_or_drop(question, "show_if", values.get("show_if"))
    for key in QUESTION_KEYS:
        if key in values:
            _set_or_drop(question, key, values[key])


# --- Moving and removing ------------------------------------------------------------------


def move(definition: dict, kind: str, item_id: str, step: int, *, group_id: str = "") -> dict:
    """Move a section, page (within its section) or question (within its page or group)
    one place up (step -1) or down (+1). At either end it stays where it is."""
    changed = copy.deepcopy(definition)
    if kind == "section":
        items, index = changed["sections"], section_index(changed, item_id)
    elif kind == "page":
        place = page_place(changed, item_id)
        items, index = changed["sections"][place.section]["pages"], place.page
    elif kind == "question":
        place, index, sub_index = question_place(changed, item_id, group_id)
        items = changed["sections"][place.section]["pages"][place.page]["questions"]
        if sub_index is not None:
            items, index = items[index]["questions"], sub_index
    else:
        raise NotFound(kind)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return changed


def remove(definition: dict, kind: str, item_id: str, *, group_id: str = "") -> dict:
    """Remove a section, a page or a question. A page left with no question goes too, and
    a section left with no page; the form keeps at least one section, and a repeating
    group at least one question."""
    changed = copy.deepcopy(definition)
    if kind == "section":
        changed["sections"].pop(section_index(changed, item_id))
    elif kind == "page":
        place = page_place(changed, item_id)
        changed["sections"][place.section]["pages"].pop(place.page)
    elif kind == "question":
        place, index, sub_index = question_place(changed, item_id, group_id)
        questions = changed["sections"][place.section]["pages"][place.page]["questions"]
        if sub_index is not None:
            if len(questions[index]["questions"]) == 1:
                raise ValidationError(
                    "A repeating group needs at least one question: remove the group instead, or add another first."
                )
            questions[index]["questions"].pop(sub_index)
        else:
            questions.pop(index)
    else:
        raise NotFound(kind)
    for section in changed["sections"]:
        section["pages"] = [page for page in section["pages"] if page["questions"]]
    changed["sections"] = [section for section in changed["sections"] if section["pages"]]
    if not changed["sections"]:
        raise ValidationError("A form needs at least one section with a question, so this cannot be removed.")
    return changed


def _set_or_drop(data: dict, key: str, value: Any) -> None:
    if value in (None, "", [], ()):
        data.pop(key, None)
    else:
        data[key] = value
