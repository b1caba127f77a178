"""Questions as form fields, and answers as stored and shown.

One place knows each question type (tenants.form_definitions): the Django fields a page
of questions posts (`PageForm`), how the cleaned values become the stored answer (keyed
by question id: a string, a number, an ISO date, a list of option values, an address
dict, a file dict, or a list of items for a repeating group), and how a stored answer
reads on "check your answers", the staff page and the PDF (`answer_lines`).

File questions are checked by their content (casework.file_checks) as the page is
cleaned; storing the file is the caller's (the draft's store), so a preview can check a
file without keeping it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from casework.file_checks import DOCX, JPEG, ODT, PDF, PNG, XLSX, FileRefused, file_check, size_text
from citizen.accounts.personal_details import (
    PHONE_ERROR,
    POSTCODE_ERROR,
    TelInput,
    normalise_phone,
    normalise_postcode,
)
from tenants.form_definitions import Question
from themes.dates import GovukDateField, GovukDateWidget, long_date
from themes.forms import GovukFileField, GovukForm
from themes.wording import in_sentence

FILE_KINDS = {"pdf": PDF, "word": DOCX, "excel": XLSX, "odt": ODT, "png": PNG, "jpeg": JPEG}
ADDRESS_PARTS = (
    ("line_1", "Address line 1", True, "address-line1"),
    ("line_2", "Address line 2", False, "address-line2"),
    ("town", "Town or city", True, "address-level2"),
    ("county", "County", False, "address-level1"),
    ("postcode", "Postcode", True, "postal-code"),
)
ADDRESS_MISSING = {
    "line_1": "Enter the first line of the address",
    "town": "Enter the town or city",
    "postcode": "Enter the postcode",
}
DEFAULT_MAX_LENGTH = {"text": 500, "long_text": 10_000}
EMAIL_ERROR = "Enter an email address in the correct format, like name@example.com"
MB = 1024 * 1024

# A file answer: {"file_id": …, "name": …, "size": …, "content_type": …}; in a preview,
# where nothing is stored, "file_id" is None.
StoreFile = Callable[[Question, Any, Any], dict]


def required_message(q: Question) -> str:
    """GOV.UK-style: "Enter …", "Select …", "Upload …", from the question's label."""
    question = q.label.rstrip().endswith("?")
    if q.type == "yes_no":
        return f"Select yes or no: {q.label}" if question else "Select yes or no"
    if q.type in ("radios", "select", "checkboxes"):
        return f"Select an answer: {q.label}" if question else f"Select {in_sentence(q.label)}"
    if q.type == "file":
        label = q.label
        if label.lower().startswith("upload "):
            label = label[len("upload ") :]
        return f"Upload {in_sentence(label)}"
    return f"Enter an answer: {q.label}" if question else f"Enter {in_sentence(q.label)}"


def too_long_message(q: Question, limit: int) -> str:
    """GOV.UK-style, naming the question: "Full name must be 120 characters or fewer"."""
    label = q.label.rstrip()
    subject = f"Your answer to “{label}”" if label.endswith("?") else label
    return f"{subject} must be {limit:,} characters or fewer"


NHS_NUMBER_FORMAT = "Enter {label} as 10 digits, like 485 777 3456"
NHS_NUMBER_NOT_REAL = "{number} is not a real NHS number: check each digit"


def nhs_number_digits(text: str) -> str | None:
    """The 10 digits of what was typed as an NHS number, in its usual shape "485 777 3456"
    (spaces or dashes allowed), or None when it is not 10 digits."""
    digits = "".join(c for c in text if c not in " -")
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return None
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def nhs_number(text: str) -> str | None:
    """An NHS number as "943 476 5919" when `text` is one: 10 digits whose last is the
    modulus 11 check digit of the first nine; else None."""
    shaped = nhs_number_digits(text)
    if shaped is None:
        return None
    digits = shaped.replace(" ", "")
    check = 11 - sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return shaped if (0 if check == 11 else check) == int(digits[9]) else None


def accepted_text(q: Question) -> str:
    labels = [FILE_KINDS[kind].label for kind in q.accept]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def max_file_mb(q: Question, council_max_mb: int | None) -> int:
    return min(q.max_mb, council_max_mb) if council_max_mb else q.max_mb


# --- Fields -----------------------------------------------------------------------------


def _fields(q: Question, *, required: bool) -> dict[str, forms.Field]:
    """The form fields question `q` posts, by name (its id, or "<id>__<part>")."""
    missing = {"required": required_message(q)}
    if q.type in ("text", "long_text"):
        limit = q.max_length or DEFAULT_MAX_LENGTH[q.type]
        widget = forms.Textarea(attrs={"rows": 6}) if q.type == "long_text" else forms.TextInput()
        return {
            q.id: forms.CharField(
                required=required,
                max_length=limit,
                widget=widget,
                error_messages=missing | {"max_length": too_long_message(q, limit)},
            )
        }
    if q.type == "email":
        return {
            q.id: forms.EmailField(
                required=required,
                max_length=254,
                widget=forms.EmailInput(attrs={"spellcheck": "false"}),
                error_messages=missing | {"invalid": EMAIL_ERROR, "max_length": EMAIL_ERROR},
            )
        }
    if q.type == "nhs_number":
        return {
            q.id: forms.CharField(
                required=required,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}),
                error_messages=missing | {"max_length": NHS_NUMBER_FORMAT.format(label=in_sentence(q.label))},
            )
        }
    if q.type == "phone":
        return {
            q.id: forms.CharField(
                required=required,
                max_length=40,
                widget=TelInput(),
                error_messages=missing | {"max_length": PHONE_ERROR},
            )
        }
    if q.type == "number":
        between = _number_range_text(q)
        return {
            q.id: forms.CharField(
                required=required,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                error_messages=missing | {"max_length": f"Enter a whole number{between}"},
            )
        }
    if q.type == "date":
        return {
            q.id: GovukDateField(
                required=required,
                what=in_sentence(q.label),
                not_in_future=q.not_in_future,
                widget=GovukDateWidget(autocomplete="bday" if q.date_of_birth else ""),
            )
        }
    if q.type in ("radios", "yes_no"):
        return {q.id: forms.ChoiceField(required=required, choices=_choices(q), error_messages=missing)}
    if q.type == "select":
        return {
            q.id: forms.ChoiceField(
                required=required, choices=[("", "Choose an option"), *_choices(q)], error_messages=missing
            )
        }
    if q.type == "checkboxes":
        return {q.id: forms.MultipleChoiceField(required=required, choices=_choices(q), error_messages=missing)}
    if q.type == "address":
        fields: dict[str, forms.Field] = {}
        for part, _label, needed, _autocomplete in ADDRESS_PARTS:
            fields[f"{q.id}__{part}"] = forms.CharField(
                required=required and needed,
                max_length=16 if part == "postcode" else 120,
                error_messages={
                    "required": ADDRESS_MISSING.get(part, ""),
                    "max_length": POSTCODE_ERROR if part == "postcode" else "Each line must be 120 characters or fewer",
                },
            )
        return fields
    if q.type == "file":
        return {
            q.id: GovukFileField(required=False),
            f"{q.id}__kept": forms.CharField(required=False, widget=forms.HiddenInput()),
            f"{q.id}__remove": forms.BooleanField(required=False),
        }
    raise ValueError(f"No fields for a question of type {q.type!r}")


def _choices(q: Question) -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in q.options]


def _number_range_text(q: Question) -> str:
    if q.min is not None and q.max is not None:
        return f" between {q.min} and {q.max}"
    if q.min is not None:
        return f" of {q.min} or more"
    if q.max is not None:
        return f" of {q.max} or less"
    return ""


def initial_values(q: Question, value: Any) -> dict[str, Any]:
    """The fields' initial values showing a stored answer."""
    if value is None:
        return {}
    if q.type == "date":
        try:
            return {q.id: date.fromisoformat(value)}
        except (TypeError, ValueError):
            return {}
    if q.type == "address" and isinstance(value, dict):
        return {f"{q.id}__{part}": value.get(part, "") for part, *_ in ADDRESS_PARTS}
    if q.type == "number":
        return {q.id: str(value)}
    if q.type == "file":
        return {}
    return {q.id: value}


class PageForm(GovukForm):
    """The questions of one page (or of one item of a repeating group); made with
    `page_form(...)`, which declares the fields.

    `questions` are those shown (conditions already applied); `current` holds their
    stored answers, for initial values and files already uploaded; `partial` leaves
    every question optional ("Save and come back later"); `known_file(file_id,
    question)` returns the stored answer for a file kept from an earlier attempt (or
    None); `council_max_mb` caps the definition's file sizes.
    """

    questions: list[Question] = []

    def __init__(
        self,
        *args,
        current: Mapping[str, Any] | None = None,
        partial: bool = False,
        known_file: Callable[[str, Question], dict | None] | None = None,
        council_max_mb: int | None = None,
        **kwargs,
    ):
        self.current = dict(current or {})
        self.partial = partial
        self.known_file = known_file or (lambda file_id, question: None)
        self.council_max_mb = council_max_mb
        self.checked_uploads: dict[str, tuple[Any, Any]] = {}
        # Files kept across a failed attempt, by question id (the stored answer).
        self.kept_files: dict[str, dict] = {}
        initial: dict[str, Any] = {}
        for q in self.questions:
            initial |= initial_values(q, self.current.get(q.id))
        super().__init__(*args, initial=initial | (kwargs.pop("initial", None) or {}), **kwargs)
        if partial:
            for field in self.fields.values():
                field.required = False

    def clean(self):
        cleaned = super().clean()
        for q in self.questions:
            if q.type == "number":
                self._clean_number(q, cleaned)
            elif q.type == "phone":
                self._clean_phone(q, cleaned)
            elif q.type == "nhs_number":
                self._clean_nhs_number(q, cleaned)
            elif q.type == "address":
                self._clean_address(q, cleaned)
            elif q.type == "file":
                self._clean_file(q, cleaned)
        return cleaned

    def _clean_number(self, q: Question, cleaned: dict) -> None:
        text = (cleaned.get(q.id) or "").strip().replace(",", "")
        if not text:
            cleaned[q.id] = None
            return
        if text.endswith(q.suffix) and q.suffix:
            text = text[: -len(q.suffix)].strip()
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("-")
        if not (digits.isascii() and digits.isdigit()):
            self.add_error(q.id, f"Enter a whole number{_number_range_text(q)}")
            return
        number = sign * int(digits)
        if (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
            self.add_error(q.id, f"Enter a whole number{_number_range_text(q)}")
            return
        cleaned[q.id] = number

    def _clean_nhs_number(self, q: Question, cleaned: dict) -> None:
        text = (cleaned.get(q.id) or "").strip()
        if not text:
            return
        shaped = nhs_number_digits(text)
        if shaped is None:
            self.add_error(q.id, NHS_NUMBER_FORMAT.format(label=in_sentence(q.label)))
        elif nhs_number(text) is None:
            self.add_error(q.id, NHS_NUMBER_NOT_REAL.format(number=shaped))
        else:
            cleaned[q.id] = shaped

    def _clean_phone(self, q: Question, cleaned: dict) -> None:
        if cleaned.get(q.id):
            try:
                cleaned[q.id] = normalise_phone(cleaned[q.id])
            except forms.ValidationError as error:
                self.add_error(q.id, error)

    def _clean_address(self, q: Question, cleaned: dict) -> None:
        parts = {part: (cleaned.get(f"{q.id}__{part}") or "").strip() for part, *_ in ADDRESS_PARTS}
        if not any(parts.values()):
            return
        for part, _label, needed, _autocomplete in ADDRESS_PARTS:
            name = f"{q.id}__{part}"
            if needed and not parts[part] and name not in self.errors and not self.partial:
                self.add_error(name, ADDRESS_MISSING[part])
        if parts["postcode"] and f"{q.id}__postcode" not in self.errors:
            try:
                cleaned[f"{q.id}__postcode"] = normalise_postcode(parts["postcode"])
            except forms.ValidationError as error:
                self.add_error(f"{q.id}__postcode", error)

    def _clean_file(self, q: Question, cleaned: dict) -> None:
        upload = cleaned.get(q.id)
        if upload:
            limit = max_file_mb(q, self.council_max_mb) * MB
            try:
                checked = file_check(upload, max_bytes=limit)
            except FileRefused as refused:
                self.add_error(q.id, refused.messages)
                return
            if checked.kind not in [FILE_KINDS[kind] for kind in q.accept]:
                self.add_error(q.id, f"'{upload.name}' is {checked.kind.label}: upload {accepted_text(q)}")
                return
            self.checked_uploads[q.id] = (upload, checked)
            return
        kept_id = (cleaned.get(f"{q.id}__kept") or "").strip()
        kept = self.known_file(kept_id, q) if kept_id else None
        if kept is not None:
            self.kept_files[q.id] = kept
        existing = self.kept_files.get(q.id) or self.current.get(q.id)
        if cleaned.get(f"{q.id}__remove"):
            existing = None
            self.kept_files.pop(q.id, None)
        if existing is None and q.required and not self.partial:
            self.add_error(q.id, required_message(q))

    # --- After cleaning ---

    def keep_checked_uploads(self, store_file: StoreFile) -> None:
        """After a refusal elsewhere on the page: store the files that passed, so the
        family does not have to choose them again (shown as the current file)."""
        for question_id, (upload, checked) in list(self.checked_uploads.items()):
            if question_id in self.errors:
                continue
            q = next(q for q in self.questions if q.id == question_id)
            self.kept_files[question_id] = store_file(q, upload, checked)
        self.checked_uploads.clear()

    def answers(self, store_file: StoreFile) -> dict[str, Any]:
        """The page's answers, by question id (None for one left empty)."""
        cleaned = self.cleaned_data
        answers: dict[str, Any] = {}
        for q in self.questions:
            if q.type == "date":
                value = cleaned.get(q.id)
                answers[q.id] = value.isoformat() if value else None
            elif q.type == "address":
                parts = {part: (cleaned.get(f"{q.id}__{part}") or "").strip() for part, *_ in ADDRESS_PARTS}
                answers[q.id] = parts if any(parts.values()) else None
            elif q.type == "checkboxes":
                answers[q.id] = list(cleaned.get(q.id) or []) or None
            elif q.type == "file":
                if q.id in self.checked_uploads:
                    upload, checked = self.checked_uploads[q.id]
                    answers[q.id] = store_file(q, upload, checked)
                elif cleaned.get(f"{q.id}__remove"):
                    answers[q.id] = None
                else:
                    answers[q.id] = self.kept_files.get(q.id) or self.current.get(q.id)
            elif q.type == "number":
                answers[q.id] = cleaned.get(q.id)
            else:
                value = cleaned.get(q.id)
                answers[q.id] = value.strip() if isinstance(value, str) and value.strip() else (value or None)
        return answers


# --- Showing answers ----------------------------------------------------------------------


def is_answered(value: Any) -> bool:
    return not (value is None or value == "" or value == [] or value == {})


def answer_lines(q: Question, value: Any) -> list[str]:
    """A stored answer as lines of text (empty when not answered)."""
    if not is_answered(value):
        return []
    if q.type in ("radios", "select", "yes_no"):
        return [q.option_label(value)]
    if q.type == "checkboxes":
        return [q.option_label(v) for v in value]
    if q.type == "date":
        try:
            return [long_date(date.fromisoformat(value))]
        except (TypeError, ValueError):
            return [str(value)]
    if q.type == "number":
        return [f"{value}{q.suffix}"]
    if q.type == "address":
        return [value.get(part, "") for part, *_ in ADDRESS_PARTS if value.get(part)]
    if q.type == "file":
        kind = next((k for k in FILE_KINDS.values() if k.content_type == value.get("content_type")), None)
        described = f"{kind.extensions[0].lstrip('.').upper()}, " if kind else ""
        return [f"{value.get('name', 'File')} ({described}{size_text(int(value.get('size') or 0))})"]
    if q.type == "group":
        return [item_summary(q, item) for item in value]
    return str(value).splitlines() or [str(value)]


def item_summary(group: Question, item: Mapping[str, Any]) -> str:
    """One item of a repeating group in a line: its first answers, joined."""
    parts = []
    for sub in group.questions:
        if sub.type in ("file", "address", "long_text"):
            continue
        lines = answer_lines(sub, item.get(sub.id))
        if lines:
            parts.append(", ".join(lines))
        if len(parts) == 2:
            break
    return ", ".join(parts) or f"{group.item_name.capitalize()}"


@dataclass(frozen=True)
class AnswerRow:
    """One question and its answer, for check your answers, the staff page and the PDF."""

    question: Question
    lines: list[str]
    items: list[list[AnswerRow]]  # a repeating group's items, each its own rows
    page_id: str
    value: Any = None

    @property
    def label(self) -> str:
        return self.question.label


def page_form(questions, *, data=None, files=None, **kwargs) -> PageForm:
    """A PageForm for `questions` (bound to `data` and `files` when given)."""
    declared: dict[str, Any] = {"questions": list(questions)}
    for q in questions:
        declared |= _fields(q, required=q.required)
    form_class = type("PageForm", (PageForm,), declared)
    return form_class(data, files, **kwargs)


def answer_rows(questions, answers: Mapping[str, Any], *, page_id: str) -> list[AnswerRow]:
    rows = []
    for q in questions:
        value = answers.get(q.id)
        items: list[list[AnswerRow]] = []
        if q.type == "group" and isinstance(value, list):
            items = [answer_rows(q.questions, item, page_id=page_id) for item in value]
        rows.append(AnswerRow(question=q, lines=answer_lines(q, value), items=items, page_id=page_id, value=value))
    return rows


def file_answers(definition, answers: Mapping[str, Any]) -> list[dict]:
    """Every file answer in a set of answers (group items included)."""
    found = []
    for page in definition.pages:
        for q in page.questions:
            value = answers.get(q.id)
            if q.type == "file" and isinstance(value, dict):
                found.append(value)
            elif q.type == "group" and isinstance(value, list):
                for item in value:
                    for sub in q.questions:
                        if sub.type == "file" and isinstance(item.get(sub.id), dict):
                            found.append(item[sub.id])
    return found
