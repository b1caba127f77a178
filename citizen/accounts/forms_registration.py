"""Forms for registering, activating and resetting a forgotten password."""

from __future__ import annotations

import re

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from config.forms import GovukForm
from tenants.models import SignInPolicy

from .forms import NewPasswordForm
from .passwords import policy_rules

# A UK postcode once spaces are taken out (the Royal Mail formats, and GIR 0AA).
POSTCODE = re.compile(r"^(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\d[A-Z]{2}$")
# A UK number: 0 then 9 or 10 digits, or +44 then the same without the 0.
UK_PHONE = re.compile(r"^(?:0\d{9,10}|\+44\d{9,10})$")
PHONE_EXAMPLES = "01632 960 001 or 07700 900 982"


class TelInput(forms.TextInput):
    input_type = "tel"


def password_rules_hint(policy: SignInPolicy) -> SafeString:
    """The council's rules as the hint of a new-password field ("Your password must: …"),
    so screen readers hear them with the field."""
    items = format_html_join("", "<li>{}</li>", ((rule,) for rule in policy_rules(policy)))
    return format_html('Your password must:<ul class="govuk-list govuk-list--bullet">{}</ul>', items)


def normalise_postcode(value: str) -> str:
    """ "ca3  8qg" → "CA3 8QG"; raises ValidationError unless it is a UK postcode."""
    compact = re.sub(r"\s+", "", value).upper()
    if not POSTCODE.match(compact):
        raise forms.ValidationError("Enter a real postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_phone(value: str) -> str:
    """A UK number as typed, with runs of spaces made one ("" stays ""); raises
    ValidationError unless it is a UK number (digits and spaces, + only at the start)."""
    typed = " ".join(value.split())
    if not typed:
        return ""
    if not UK_PHONE.match(typed.replace(" ", "")):
        raise forms.ValidationError(f"Enter a UK phone number, like {PHONE_EXAMPLES}")
    return typed if len(typed) <= 20 else typed.replace(" ", "")


def email_field(label: str = "Email address", **kwargs) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or less",
        },
        **kwargs,
    )


def text_field(label: str, *, max_length: int, required: bool = True, autocomplete: str, missing: str = ""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": missing, "max_length": f"{label} must be {max_length} characters or less"},
    )


def phone_field(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        widget=TelInput(attrs={"autocomplete": "tel"}),
        error_messages={"max_length": f"Enter a UK phone number, like {PHONE_EXAMPLES}"},
        **kwargs,
    )


class RulesListedPasswordForm(NewPasswordForm):
    """NewPasswordForm with the council's rules as the password's hint and GOV.UK
    error messages for a missing password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password, confirm = self.fields["password"], self.fields["password_confirm"]
        password.help_text = password_rules_hint(self.policy)
        password.error_messages["required"] = "Enter a password"
        confirm.error_messages["required"] = "Enter your password again"


class RegistrationForm(RulesListedPasswordForm):
    """A new account: email and password each typed twice, name, home address, phones."""

    email = email_field(help_text="We will send a link to this address to activate your account.")
    email_confirm = email_field("Confirm email address")
    first_name = text_field("First name", max_length=80, autocomplete="given-name", missing="Enter your first name")
    last_name = text_field("Last name", max_length=80, autocomplete="family-name", missing="Enter your last name")
    address_line_1 = text_field(
        "Address line 1",
        max_length=120,
        autocomplete="address-line1",
        missing="Enter address line 1, typically the building and street",
    )
    address_line_2 = text_field("Address line 2", max_length=120, required=False, autocomplete="address-line2")
    town = text_field("Town or city", max_length=80, autocomplete="address-level2", missing="Enter town or city")
    postcode = text_field("Postcode", max_length=16, autocomplete="postal-code", missing="Enter postcode")
    phone_number = phone_field("Phone number", help_text=f"A UK number, like {PHONE_EXAMPLES}")
    other_phone_number = phone_field("Another phone number")

    # The page's order, which is also the error summary's.
    field_order = [
        "email",
        "email_confirm",
        "password",
        "password_confirm",
        "first_name",
        "last_name",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "phone_number",
        "other_phone_number",
    ]
    widths = {"postcode": "10", "phone_number": "20", "other_phone_number": "20"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_confirm"].error_messages["required"] = "Enter your email address again"
        for name in ("first_name", "last_name"):
            self.fields[name].widget.attrs["spellcheck"] = "false"

    def password_email(self) -> str:
        # "Not your username": the email typed on this page (cleaned before the password).
        return self.cleaned_data.get("email", "")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_email_confirm(self) -> str:
        return self.cleaned_data["email_confirm"].strip().lower()

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_phone_number(self) -> str:
        return normalise_phone(self.cleaned_data["phone_number"])

    def clean_other_phone_number(self) -> str:
        return normalise_phone(self.cleaned_data["other_phone_number"])

    def clean(self):
        cleaned = super().clean()
        if "email" in cleaned and "email_confirm" in cleaned and cleaned["email"] != cleaned["email_confirm"]:
            self.add_error("email_confirm", "The email addresses do not match")
        return cleaned

    @property
    def phone_numbers(self) -> list[str]:
        numbers = (self.cleaned_data.get("phone_number"), self.cleaned_data.get("other_phone_number"))
        return [number for number in numbers if number]


class EmailAddressForm(GovukForm):
    """One email address: resending an activation link, asking for a password reset."""

    email = email_field()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PasswordResetForm(RulesListedPasswordForm):
    """The new password chosen from a forgotten-password link: the council's whole policy,
    history and "simple change" included (checked against the account's stored hashes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "New password"
        self.fields["password_confirm"].label = "Confirm new password"
        self.fields["password_confirm"].error_messages["required"] = "Enter your new password again"
        self.fields["password"].error_messages["required"] = "Enter a new password"
