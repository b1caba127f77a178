"""A GOV.UK date input: day, month and year boxes, and the GOV.UK error messages.

Use `GovukDateField` in any `themes.forms.GovukForm`:

    started_on = GovukDateField(label="Date the request was received", help_text="For example, 27 3 2026",
                                not_in_future=True)

It posts as `<name>_day`, `<name>_month`, `<name>_year`, renders as a fieldset with the
label as its legend (themes/base/templates/govuk/widgets/date.html), and its errors follow
the GOV.UK Design System's date input pattern: "Enter the date …", "The date … must include
a month", "The date … must be a real date", "Year must include 4 numbers", "The date …
must be today or in the past". Only the boxes that are wrong are highlighted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from themes.wording import long_date

PARTS = ("day", "month", "year")

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


class GovukDateWidget(forms.MultiWidget):
    """Three text boxes (day, month, year) in GOV.UK `govuk-date-input` markup."""

    template_name = "govuk/widgets/date.html"
    use_fieldset = True

    def __init__(self, attrs=None, *, autocomplete: str = ""):
        super().__init__({part: forms.TextInput() for part in PARTS}, attrs)
        # "bday" for a date of birth: the boxes get autocomplete="bday-day" and so on.
        self.autocomplete = autocomplete
        # Set by GovukDateField when a value is refused: which boxes to highlight (all of
        # them when empty and the field has an error).
        self.error_parts: tuple[str, ...] = ()

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["autocomplete"] = self.autocomplete
        field_has_error = "govuk-input--error" in context["widget"]["attrs"].get("class", "").split()
        for part, subwidget in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            subwidget["part"] = part
            subwidget["label"] = part.capitalize()
            subwidget["width"] = "4" if part == "year" else "2"
            subwidget["has_error"] = field_has_error and (not self.error_parts or part in self.error_parts)
        return context


class GovukDateField(forms.Field):
    """A date typed into three boxes, validated with GOV.UK's messages.

    `what` names the date in error messages ("the date the request was received");
    by default it is the label with "the" in front. `not_in_future` refuses a date after
    today (`timezone.localdate()`); `not_before` (a date, or a callable returning one) and
    its `not_before_text` ("the date the request was received") refuse earlier dates.
    """

    widget = GovukDateWidget

    def __init__(
        self,
        *,
        what: str | None = None,
        not_in_future: bool = False,
        not_before: date | Callable[[], date | None] | None = None,
        not_before_text: str = "",
        **kwargs,
    ):
        self.what = what
        self.not_in_future = not_in_future
        self.not_before = not_before
        self.not_before_text = not_before_text
        super().__init__(**kwargs)

    # --- messages ---

    def _what(self) -> str:
        if self.what:
            return self.what
        label = str(self.label or "date")
        if label.lower().startswith(("the ", "your ")):
            return label[0].lower() + label[1:]
        return f"the {label[0].lower()}{label[1:]}"

    def _what_capitalised(self) -> str:
        what = self._what()
        return what[0].upper() + what[1:]

    def _refuse(self, message: str, code: str, parts: tuple[str, ...] = ()) -> ValidationError:
        self.widget.error_parts = parts
        return ValidationError(message, code=code)

    # --- cleaning ---

    def to_python(self, value) -> date | None:
        self.widget.error_parts = ()
        if isinstance(value, date):
            return value
        if value in self.empty_values:
            return None
        texts = dict(zip(PARTS, (str(v if v is not None else "").strip() for v in value), strict=False))
        if not any(texts.values()):
            return None
        missing = tuple(part for part in PARTS if not texts.get(part))
        if missing:
            raise self._refuse(
                f"{self._what_capitalised()} must include a {' and '.join(missing)}", "incomplete", missing
            )
        day = _number(texts["day"])
        month = _number(texts["month"])
        if month is None:
            month = _MONTH_NAMES.get(texts["month"].lower())
        year = _number(texts["year"])
        if year is not None and len(texts["year"]) != 4:
            raise self._refuse("Year must include 4 numbers", "year", ("year",))
        wrong = tuple(part for part, number in zip(PARTS, (day, month, year), strict=True) if number is None)
        if wrong:
            raise self._refuse(f"{self._what_capitalised()} must be a real date", "invalid", wrong)
        try:
            return date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            raise self._refuse(f"{self._what_capitalised()} must be a real date", "invalid") from None

    def validate(self, value: date | None) -> None:
        if value is None:
            if self.required:
                raise self._refuse(f"Enter {self._what()}", "required")
            return
        if self.not_in_future and value > timezone.localdate():
            raise self._refuse(f"{self._what_capitalised()} must be today or in the past", "future")
        earliest = self.not_before() if callable(self.not_before) else self.not_before
        if earliest is not None and value < earliest:
            after = f"{long_date(earliest)}" + (f" ({self.not_before_text})" if self.not_before_text else "")
            raise self._refuse(f"{self._what_capitalised()} must be the same as or after {after}", "too_early")

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != (initial if isinstance(initial, date) else self.to_python(initial))
        except ValidationError:
            return True


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None
