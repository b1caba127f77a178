"""The runner's declaration (the questions' forms are built from the definition by
casework.submissions.answers): shared by the family's runner and the admins' preview."""

from __future__ import annotations

from django import forms

from themes.forms import GovukForm


class DeclarationForm(GovukForm):
    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": "Confirm the declaration to send the form"},
    )

    def __init__(self, *args, confirmation: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = confirmation
