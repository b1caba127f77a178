"""Forms for the SEND team: inviting someone, changing a role, accepting an invitation."""

from __future__ import annotations

from django import forms

from casework.models import StaffRole
from citizen.accounts.forms_registration import RulesListedPasswordForm
from themes.forms import GovukForm, GovukRadioSelect

ROLE_HINTS = {
    StaffRole.CASEWORKER: "works on cases, children, documents, messages and access requests",
    StaffRole.TEAM_MANAGER: "as a caseworker, and sees the timeliness dashboard",
    StaffRole.COUNCIL_ADMIN: "as a team manager, and manages the team and the council's settings",
}


def role_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[(role.value, f"{role.label}: {ROLE_HINTS[role]}") for role in StaffRole],
        widget=GovukRadioSelect,
        error_messages={"required": "Select a role"},
    )


class InviteForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send an invitation link to this address. It works for 7 days.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address of the person you are inviting",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = role_field("Role")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RoleForm(GovukForm):
    role = role_field("Role")


class InvitationAccountForm(RulesListedPasswordForm):
    """A new account from an invitation: a name and a password that meets this council's
    policy (its rules listed as the password's hint). The email is the invited one."""

    first_name = forms.CharField(
        label="First name", max_length=80, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=80, error_messages={"required": "Enter your last name"})

    field_order = ["first_name", "last_name", "password", "password_confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
