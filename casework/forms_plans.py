"""The drafting screen's form for one section of an EHC plan (issue 15, item 2).

A section's text parts are text areas. Its list part (needs, outcomes, provision, advice)
is a fieldset per item, named `<part>-<n>-<field>` and carrying its id, with the links
(which needs and outcomes a provision serves), quotations from the advice in K (keep or
remove each; add one), "Remove", and one empty item at the end to add another. Without
JavaScript it is a plain form; nothing typed is lost when a field is refused."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django import forms

from casework.plans.changes import plan_changes
from casework.plans.template import ITEM_FIELDS, LONG_FIELDS, NATIONAL, Part, PlanTemplate, Section, next_id
from themes.forms import GovukCheckboxSelectMultiple, GovukForm

REQUIRED_FIELD = {"need": "text", "outcome": "text", "provision": "what", "advice": "title"}
NOUN = {"need": "need", "outcome": "outcome", "provision": "provision", "advice": "advice"}
ADD = {"need": "Add a need", "outcome": "Add an outcome", "provision": "Add a provision", "advice": "Add advice"}
QUOTED_IN = ("need", "outcome", "provision")  # the kinds of item that may quote advice


@dataclass
class ItemGroup:
    """One item's fieldset on the screen."""

    legend: str
    item_id: str  # "" for the new one
    fields: list  # bound fields, in order
    quotes: list[dict]  # the item's quotations, as saved


def _label(item: dict, kind: str) -> str:
    return f"{NOUN[kind].capitalize()} {item['id']}"


def _short(text: str, length: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class PlanSectionForm(GovukForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # Set after a save was refused because someone changed the section meanwhile: the
    # caseworker has been told, and saving again replaces their change.
    replace = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, section: Section, content: dict, template: PlanTemplate = NATIONAL, **kwargs):
        self.widths = {}
        self.template = template
        super().__init__(*args, **kwargs)
        self.section = section
        self.content = content or {}
        held = self.content.get(section.key, {})
        self.existing: dict[str, list[dict]] = {}
        advice = [
            (a["id"], f"{a['id']}: {_short(a.get('title', ''), 60)}") for a in _items(self.content, "K", "advice")
        ]
        for part in section.parts:
            if part.kind == "text":
                self.fields[part.key] = forms.CharField(
                    label=part.label,
                    required=False,
                    max_length=20000,
                    widget=forms.Textarea(attrs={"rows": 8}),
                    initial=held.get(part.key, ""),
                    error_messages={"max_length": f"{part.label} must be 20,000 characters or fewer"},
                )
                continue
            self.existing[part.key] = list(held.get(part.key, []))
            for n, item in enumerate([*self.existing[part.key], None]):
                self._item_fields(part, n, item, advice)
        self.govuk_style([name for name in self.fields if name not in ("revision", "replace")])
        self.item_prefixes = [
            (part, n, item)
            for part in section.parts
            if part.kind != "text"
            for n, item in enumerate([*self.existing[part.key], None])
        ]

    def _item_fields(self, part: Part, n: int, item: dict | None, advice: list[tuple[str, str]]) -> None:
        prefix, item = f"{part.key}-{n}", item or {}
        noun = NOUN[part.kind]
        for field, label, hint in ITEM_FIELDS[part.kind]:
            self.fields[f"{prefix}-{field}"] = forms.CharField(
                label=label,
                help_text=hint,
                required=False,
                max_length=20000 if field in LONG_FIELDS else 500,
                widget=forms.Textarea(attrs={"rows": 4}) if field in LONG_FIELDS else forms.TextInput,
                initial=item.get(field, ""),
                error_messages={
                    "max_length": f"{label} must be {'20,000' if field in LONG_FIELDS else '500'} characters or fewer"
                },
            )
        links = []
        if part.kind == "outcome":
            links = [("needs", "The needs it is about", self._needs(("B", "C", "D")))]
        elif part.kind == "provision":
            links = [
                ("needs", "The needs it meets", self._needs(part.serves)),
                ("outcomes", "The outcomes it helps towards", self._choices(_items(self.content, "E", "outcomes"))),
            ]
        for field, label, choices in links:
            self.fields[f"{prefix}-{field}"] = forms.MultipleChoiceField(
                label=label,
                help_text="" if choices else "None written yet",
                choices=choices,
                required=False,
                widget=GovukCheckboxSelectMultiple,
                initial=item.get(field, []),
            )
        if part.kind in QUOTED_IN and advice:
            quotes = item.get("quotes", [])
            if quotes:
                self.fields[f"{prefix}-quotes_remove"] = forms.MultipleChoiceField(
                    label="Remove a quotation",
                    choices=[
                        (str(i), f"From {q['advice']}: {_short(q.get('text', ''))}") for i, q in enumerate(quotes)
                    ],
                    required=False,
                    widget=GovukCheckboxSelectMultiple,
                )
            self.fields[f"{prefix}-quote_advice"] = forms.ChoiceField(
                label="Quote the advice: which advice",
                choices=[("", "Choose advice"), *advice],
                required=False,
            )
            self.fields[f"{prefix}-quote_page"] = forms.IntegerField(
                label="Page",
                required=False,
                min_value=1,
                max_value=9999,
                error_messages={
                    "invalid": "Enter the page as a number, like 3",
                    "min_value": "Enter a page number of 1 or more",
                    "max_value": "Enter a page number of 9999 or less",
                },
            )
            self.fields[f"{prefix}-quote_text"] = forms.CharField(
                label="The words quoted",
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if item:
            self.fields[f"{prefix}-remove"] = forms.BooleanField(label=f"Remove {noun} {item['id']}", required=False)
        self.widths[f"{prefix}-quote_page"] = "4"

    def _needs(self, sections: tuple[str, ...]) -> list[tuple[str, str]]:
        return self._choices([need for key in sections for need in _items(self.content, key, "needs")])

    @staticmethod
    def _choices(listed: list[dict]) -> list[tuple[str, str]]:
        return [(item["id"], f"{item['id']}: {_short(item.get('text', ''))}") for item in listed]

    def groups(self) -> list[tuple[Part, list[ItemGroup]]]:
        """Each list part's fieldsets, for the template."""
        drawn: dict[str, list[ItemGroup]] = {}
        for part, n, item in self.item_prefixes:
            prefix = f"{part.key}-{n}-"
            fields = [self[name] for name in self.fields if name.startswith(prefix)]
            legend = _label(item, part.kind) if item else ADD[part.kind]
            drawn.setdefault(part.key, []).append(
                ItemGroup(legend, item["id"] if item else "", fields, (item or {}).get("quotes", []))
            )
        return [(part, drawn[part.key]) for part in self.section.parts if part.kind != "text"]

    def text_fields(self) -> list:
        return [self[part.key] for part in self.section.parts if part.kind == "text"]

    def clean(self):
        cleaned = super().clean()
        for part, n, item in self.item_prefixes:
            prefix = f"{part.key}-{n}"
            if cleaned.get(f"{prefix}-remove"):
                continue
            typed = any((cleaned.get(f"{prefix}-{field}") or "").strip() for field, *_ in ITEM_FIELDS[part.kind])
            if item is None and not typed and not cleaned.get(f"{prefix}-quote_advice"):
                continue  # the empty one, left empty
            required = REQUIRED_FIELD[part.kind]
            if not (cleaned.get(f"{prefix}-{required}") or "").strip():
                label = dict((f, label) for f, label, _ in ITEM_FIELDS[part.kind])[required]
                self.add_error(
                    f"{prefix}-{required}",
                    f"Enter {label.lower()} for {_label(item, part.kind).lower()}, or tick “Remove”"
                    if item
                    else f"Enter {label.lower()} for the new {NOUN[part.kind]}, or leave all of it empty",
                )
            quoting = cleaned.get(f"{prefix}-quote_page") or (cleaned.get(f"{prefix}-quote_text") or "").strip()
            if quoting and not cleaned.get(f"{prefix}-quote_advice"):
                self.add_error(f"{prefix}-quote_advice", "Choose which advice the quotation is from")
        return cleaned

    def section_parts(self) -> dict[str, Any]:
        """The section as the form says it should now be (call once valid)."""
        data = self.cleaned_data
        parts: dict[str, Any] = {}
        taken: set[str] = set()
        for part in self.section.parts:
            if part.kind == "text":
                if data[part.key].strip():
                    parts[part.key] = data[part.key].strip()
                continue
            listed = []
            for n, existing in enumerate([*self.existing[part.key], None]):
                prefix = f"{part.key}-{n}"
                if data.get(f"{prefix}-remove"):
                    continue
                typed = {f: (data.get(f"{prefix}-{f}") or "").strip() for f, *_ in ITEM_FIELDS[part.kind]}
                if existing is None and not any(typed.values()):
                    continue
                item = (
                    copy.deepcopy(existing)
                    if existing
                    else {"id": next_id(self.content, self.section.key, taken, self.template)}
                )
                taken.add(item["id"])
                for field, value in typed.items():
                    if value:
                        item[field] = value
                    else:
                        item.pop(field, None)
                for field in ("needs", "outcomes"):
                    if f"{prefix}-{field}" in self.fields:
                        item[field] = list(data.get(f"{prefix}-{field}") or [])
                if f"{prefix}-quote_advice" in self.fields:
                    removed = {int(i) for i in data.get(f"{prefix}-quotes_remove") or []}
                    quotes = [q for i, q in enumerate(item.get("quotes", [])) if i not in removed]
                    if data.get(f"{prefix}-quote_advice"):
                        quote: dict[str, Any] = {"advice": data[f"{prefix}-quote_advice"]}
                        if data.get(f"{prefix}-quote_page"):
                            quote["page"] = data[f"{prefix}-quote_page"]
                        if (data.get(f"{prefix}-quote_text") or "").strip():
                            quote["text"] = data[f"{prefix}-quote_text"].strip()
                        quotes.append(quote)
                    item["quotes"] = quotes
                    if not quotes:
                        item.pop("quotes")
                listed.append(item)
            if listed:
                parts[part.key] = listed
        return parts


def _items(content: dict, section: str, part: str) -> list[dict]:
    return list((content or {}).get(section, {}).get(part, []))


def section_of(key: str) -> Section | None:
    return NATIONAL.section(key)


class PlanCompareForm(GovukForm):
    """Which two issued versions of a plan to compare: a form sent by GET, so it works
    without JavaScript and the comparison has an address. Staff and families both use it."""

    before = forms.TypedChoiceField(label="Compare", coerce=int, error_messages={"required": "Choose a version"})
    after = forms.TypedChoiceField(label="with", coerce=int, error_messages={"required": "Choose a version"})

    def __init__(self, data, *, versions: list, **kwargs):
        super().__init__(data, **kwargs)
        self.versions = {version.number: version for version in versions}
        choices = [
            (version.number, f"{version.get_kind_display()} ({version.issued_on:%-d %B %Y})") for version in versions
        ]
        for name in ("before", "after"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = "Choose one of the plan's issued versions"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("before") is not None and cleaned.get("before") == cleaned.get("after"):
            self.add_error("after", "Choose two different versions to compare")
        return cleaned

    def compared(self, template: PlanTemplate) -> tuple[Any, Any, list] | None:
        """(earlier, later, what changed from one to the other), whichever order they were
        chosen in; None until two different versions are chosen."""
        if not self.is_valid():
            return None
        earlier, later = sorted(
            (self.versions[self.cleaned_data["before"]], self.versions[self.cleaned_data["after"]]),
            key=lambda v: v.number,
        )
        return earlier, later, plan_changes(earlier.content, later.content, template)
