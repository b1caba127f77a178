"""The GOV.UK date input: three boxes, GOV.UK's error messages, only the wrong boxes
highlighted."""

from __future__ import annotations

import re
from datetime import date
from unittest import mock

import pytest
from django import forms

from themes.dates import GovukDateField, GovukDateWidget
from themes.forms import GovukForm


class DateForm(GovukForm):
    received = GovukDateField(label="Date the request was received", not_in_future=True)
    born = GovukDateField(label="Date of birth", required=False, widget=GovukDateWidget(autocomplete="bday"))


def submit(**parts) -> DateForm:
    data = {f"received_{k}": v for k, v in parts.items()}
    return DateForm(data)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({"day": "27", "month": "3", "year": "2026"}, date(2026, 3, 27)),
        ({"day": " 7 ", "month": "03", "year": "2026"}, date(2026, 3, 7)),
        ({"day": "1", "month": "Feb", "year": "2026"}, date(2026, 2, 1)),
        ({"day": "29", "month": "february", "year": "2024"}, date(2024, 2, 29)),
    ],
)
def test_a_real_date_is_accepted(parts, expected):
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 6, 15)):
        form = submit(**parts)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["received"] == expected
    assert form.cleaned_data["born"] is None


@pytest.mark.parametrize(
    ("parts", "message", "highlighted"),
    [
        ({}, "Enter the date the request was received", {"day", "month", "year"}),
        ({"day": "27", "year": "2026"}, "The date the request was received must include a month", {"month"}),
        ({"year": "2026"}, "The date the request was received must include a day and month", {"day", "month"}),
        ({"day": "31", "month": "2", "year": "2026"}, "The date the request was received must be a real date", None),
        ({"day": "29", "month": "2", "year": "2025"}, "The date the request was received must be a real date", None),
        ({"day": "x", "month": "2", "year": "2026"}, "The date the request was received must be a real date", {"day"}),
        ({"day": "1", "month": "13", "year": "2026"}, "The date the request was received must be a real date", None),
        ({"day": "1", "month": "2", "year": "26"}, "Year must include 4 numbers", {"year"}),
        (
            {"day": "16", "month": "6", "year": "2026"},
            "The date the request was received must be today or in the past",
            None,
        ),
    ],
)
def test_gov_uk_messages_and_only_the_wrong_boxes_highlighted(parts, message, highlighted):
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 6, 15)):
        form = submit(**parts)
        assert not form.is_valid()
    assert form.errors["received"] == [message]
    html = str(form["received"])
    marked = set(re.findall(r'govuk-input--error" id="id_received_\d" name="received_(\w+)"', html))
    assert marked == (highlighted or {"day", "month", "year"})


def test_the_markup_is_a_gov_uk_date_input_in_a_fieldset_with_the_typed_values_kept():
    form = submit(day="31", month="2", year="2026")
    form.is_valid()
    html = form.as_div()
    assert '<fieldset class="govuk-fieldset"' in html
    assert "Date the request was received</legend>" in html
    assert '<div class="govuk-date-input" id="id_received">' in html
    for i, (part, width, value) in enumerate((("day", 2, "31"), ("month", 2, "2"), ("year", 4, "2026"))):
        assert (
            f'<label class="govuk-label govuk-date-input__label" for="id_received_{i}">{part.capitalize()}</label>'
            in html
        )
        assert (
            f'class="govuk-input govuk-date-input__input govuk-input--width-{width} govuk-input--error" '
            f'id="id_received_{i}" name="received_{part}" type="text" inputmode="numeric" value="{value}"'
        ) in html
    assert 'autocomplete="bday-month"' in html  # the date of birth's boxes
    assert 'id="id_received_error"' in html


def test_initial_date_is_shown_in_the_boxes():
    form = DateForm(initial={"received": date(2026, 3, 27)})
    html = str(form["received"])
    assert 'name="received_day" type="text" inputmode="numeric" value="27"' in html
    assert 'name="received_year" type="text" inputmode="numeric" value="2026"' in html


def test_not_before_names_the_earlier_date():
    class Later(forms.Form):
        decided = GovukDateField(
            label="Date of the decision", not_before=date(2026, 3, 1), not_before_text="the request"
        )

    form = Later({"decided_day": "28", "decided_month": "2", "decided_year": "2026"})
    assert form.errors["decided"] == [
        "The date of the decision must be the same as or after 1 March 2026 (the request)"
    ]
