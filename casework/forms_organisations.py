"""The SEND team's forms about organisations and asking them for advice (the
organisation's own admins use MemberInviteForm too)."""

from __future__ import annotations

from django import forms

from casework.models import AdviceKind, OrganisationKind
from themes.forms import GovukCheckboxSelectMultiple, GovukForm, GovukRadioSelect

EMAIL_ERRORS = {
    "required": "Enter an email address",
    "invalid": "Enter an email address in the correct format, like name@example.org",
}


class OrganisationForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=160,
        help_text="As families and staff will read it, for example 'Greenfield Primary School'",
        error_messages={"required": "Enter the organisation's name"},
    )
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=OrganisationKind.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select what kind of organisation it is"},
    )
    contact_email = forms.EmailField(
        label="Contact email address",
        max_length=254,
        help_text="Requests for advice and reminders go here, as well as to its people in the portal. "
        "Use a shared address, not one person's.",
        error_messages=EMAIL_ERRORS,
    )


class OrganisationChangeForm(OrganisationForm):
    is_active = forms.BooleanField(
        label="The SEND team can ask it for advice",
        required=False,
        help_text="Untick when the organisation closes or stops working with the council: its people lose "
        "access at once, and any request it has not answered stays on its case for the SEND team to ask "
        "someone else.",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )


class MemberInviteForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send an invitation link to this address. It works for 7 days.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )
    is_admin = forms.BooleanField(
        label="They can invite and remove colleagues (an admin)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class AdviceAskForm(GovukForm):
    organisations = forms.MultipleChoiceField(
        label="Who do you want to ask?",
        widget=GovukCheckboxSelectMultiple,
        help_text="Select all that apply. Each gets its own request, due in 6 weeks.",
        error_messages={"required": "Choose who to ask for advice"},
    )
    kind = forms.ChoiceField(
        label="What kind of advice?",
        choices=AdviceKind.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select what kind of advice you need"},
    )
    cover = forms.CharField(
        label="What should the advice cover?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="The organisation sees this with the child's name, date of birth and school. "
        "Do not write anything they do not need.",
        error_messages={"required": "Enter what the advice should cover"},
    )
    family_consent = forms.BooleanField(
        label="The family has agreed to this advice being asked for",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
        error_messages={"required": "Confirm the family has agreed to the advice being asked for"},
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [
            (str(o.pk), f"{o.name} ({o.get_kind_display().lower()})") for o in organisations
        ]
