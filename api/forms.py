"""The council admin's form for a new API client."""

from __future__ import annotations

from django import forms

from api.models import SCOPE_HINTS, Scope
from themes.forms import GovukCheckboxSelectMultiple, GovukForm


class ApiClientForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="The council system that will use it, for example “Case management system (live)”. "
        "The audit trail shows this name beside everything the system does.",
        error_messages={
            "required": "Enter a name for the council system",
            "max_length": "The name must be 80 characters or fewer",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What may it do?",
        help_text="Choose only what the system needs.",
        choices=[(scope.value, f"{scope.label}: {SCOPE_HINTS[scope]}") for scope in Scope],
        widget=GovukCheckboxSelectMultiple,
        error_messages={"required": "Choose what this council system may do"},
    )
