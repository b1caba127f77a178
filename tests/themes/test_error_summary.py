"""The error summary every form page shows is drawn by govuk-frontend-django (GOV.UK
Frontend's own macro): each error links to its field, or to the page for an error about
the whole form, and a message is escaped once."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class ChildForm(forms.Form):
    name = forms.CharField()
    school = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    def clean(self):
        raise forms.ValidationError("We could not save this: <try again>")


def summary(form: forms.Form) -> str:
    return render_to_string("govuk/error_summary.html", {"form": form})


def test_no_errors_no_summary():
    assert summary(forms.Form()).strip() == ""
    assert summary(None).strip() == ""


def test_each_error_links_to_its_field_and_the_whole_forms_to_the_page():
    form = ChildForm(data={})
    form.is_valid()
    html = summary(form)

    assert html.startswith('<div class="govuk-error-summary" data-module="govuk-error-summary">')
    assert re.search(r'<h2 class="govuk-error-summary__title">\s*There is a problem\s*</h2>', html)
    assert '<li><a href="#main-content">We could not save this: &lt;try again&gt;</a></li>' in html
    assert '<li><a href="#id_name">This field is required.</a></li>' in html
    assert '<li><a href="#id_school_0">This field is required.</a></li>' in html  # a group: its first option
