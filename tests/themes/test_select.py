"""GovukSelect draws a select in Python (200 caseworkers on every caseload page): the
same choice of selected option as Django's own Select, and everything escaped."""

from __future__ import annotations

import re

import pytest
from django import forms

from themes.forms import GovukForm, GovukSelect

CHOICES = [("", "Anyone"), ("mine", "My cases"), ("7", "Ann <Smith> & co"), ("7", "A duplicate of 7")]


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (v, bool(s), label) for v, s, label in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    ]


@pytest.mark.parametrize("value", [None, "", "mine", "7", 7, "missing"])
def test_it_selects_what_djangos_select_would(value):
    ours = GovukSelect(choices=CHOICES).render("caseworker", value)
    django = forms.Select(choices=CHOICES).render("caseworker", value)
    assert _options(ours) == _options(django)
    # None is the empty choice; a value with no choice selects nothing; a repeated value, its first.
    assert [selected for _, selected, _ in _options(ours)].count(True) == (value != "missing")


def test_labels_values_and_group_names_are_escaped():
    html = GovukSelect(choices=[("Team <b>", [('"x"', "<script>alert(1)</script>")])]).render("who", '"x"')
    assert "<script>" not in html and "<b>" not in html
    assert '<optgroup label="Team &lt;b&gt;"><option value="&quot;x&quot;" selected>&lt;script&gt;' in html


def test_a_multiple_select_marks_every_chosen_option():
    widget = GovukSelect(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    widget.allow_multiple_selected = True
    html = widget.render("letters", ["a", "c"])
    assert " multiple" in html
    assert [v for v, selected, _ in _options(html) if selected] == ["a", "c"]


def test_a_govuk_form_field_keeps_its_id_class_and_described_by():
    class Form(GovukForm):
        stage = forms.ChoiceField(label="Stage", choices=[("a", "A")], help_text="Pick one")

    html = str(Form()["stage"])
    assert html.startswith('<select name="stage"')
    assert 'class="govuk-select"' in html and 'id="id_stage"' in html and 'aria-describedby="id_stage_helptext"' in html
