"""A GovukForm with `drawn_in_python` (the caseload's filters, on every caseload page)
draws exactly what govuk/form.html and govuk/field.html draw, escaping included, and
hands anything it does not draw (an error, a checkbox, a hidden field) to the templates."""

from __future__ import annotations

import pytest
from django import forms
from django.test.signals import template_rendered

from casework.forms_cases import CaseloadFilterForm
from themes.forms import Choices, GovukForm


class Area:
    def __init__(self, pk: int, name: str):
        self.pk, self.name = pk, name


TEAM = [(7, "Ann <Smith> & co"), (9, 'Bo "B" O\'Neil')]


def _templates(form: forms.Form) -> str:
    return forms.Form.render(form)  # Django's own: govuk/form.html, a template per field


def _drawn(form: forms.Form) -> tuple[str, list[str]]:
    """The form as str() draws it, and the templates that drew it."""
    used: list[str] = []

    def seen(sender, template, **kwargs):
        used.append(template.name)

    template_rendered.connect(seen)
    try:
        return str(form), used
    finally:
        template_rendered.disconnect(seen)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"search": "Amelia <b>Smith</b> & \"Jo\" 'x'"},
        {"stage": "advice", "service_area": "2", "caseworker": "9", "deadline": "overdue"},
        {"caseworker": "mine", "search": "EHC-0001"},
    ],
)
def test_the_caseload_filters_are_drawn_as_the_templates_draw_them(data):
    form = CaseloadFilterForm(data, service_areas=[Area(2, "North & <West>")], caseworkers=TEAM)
    drawn, used = _drawn(form)
    assert "govuk/field.html" not in used and "govuk/form.html" not in used
    assert drawn == _templates(form)
    assert "<b>" not in drawn and "<Smith>" not in drawn and "<West>" not in drawn
    assert form.__html__() == drawn


def test_a_value_that_is_not_a_choice_is_an_error_the_templates_show():
    form = CaseloadFilterForm({"stage": "nonsense"}, service_areas=[], caseworkers=TEAM)
    assert form.filters().stage == ""  # a GET form: ignored
    drawn, used = _drawn(form)
    assert "govuk/field.html" in used
    assert drawn == _templates(form)
    assert 'class="govuk-error-message"' in drawn and "nonsense" in drawn


class Mixed(GovukForm):
    drawn_in_python = True
    name = forms.CharField(label="Your name", help_text="As on your passport")
    agree = forms.BooleanField(label="I agree", required=False)


def test_a_required_field_is_not_labelled_optional_and_a_checkbox_goes_to_the_templates():
    form = Mixed()
    assert str(form) == _templates(form)
    assert "Your name</label>" in str(form) and "govuk-checkboxes" in str(form)
    del form.fields["agree"]
    assert str(form) == _templates(form)
    assert "(optional)" not in str(form)


def test_choices_given_as_pairs_are_kept_as_they_are_and_still_checked():
    field = forms.ChoiceField(choices=Choices([("", "Anyone"), ("7", "Ann")]))
    assert list(field.choices) == list(field.widget.choices) == [("", "Anyone"), ("7", "Ann")]
    assert field.clean("7") == "7"
    with pytest.raises(forms.ValidationError):
        field.clean("8")
