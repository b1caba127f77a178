"""Forms for "My account": details, password, email address."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.hashers import check_password

from config.forms import GovukForm

from .forms import NewPasswordForm
from .models import Account

# The outward code (area, district) and the inward code (sector, unit), as Royal Mail
# writes them; "GIR 0AA" is the one postcode outside the pattern still in use.
POSTCODE_COMPACT = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_MAX_LENGTH = 20  # Account.phone_numbers' item length


def normalise_postcode(value: str) -> str:
    """ "sw1a1aa", " SW1A  1AA " → "SW1A 1AA"; anything else is a ValidationError."""
    compact = re.sub(r"\s+", "", value).upper()
    if not POSTCODE_COMPACT.match(compact):
        raise forms.ValidationError("Enter a real postcode, like SW1A 1AA", code="invalid")
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_phone(value: str) -> str:
    """A UK number (01632 960 001, 07700 900 982) or an international one (+44 808 157
    0192), kept as typed with its spaces tidied."""
    typed = " ".join(value.split())
    digits = re.sub(r"\D", "", typed)
    valid = (
        PHONE_CHARACTERS.match(typed)
        and len(typed) <= PHONE_MAX_LENGTH
        and (10 <= len(digits) <= 11 if not typed.startswith("+") else 8 <= len(digits) <= 15)
    )
    if not valid:
        raise forms.ValidationError(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192", code="invalid"
        )
    return typed


class AccountDetailsForm(GovukForm):
    """Name, home address and up to two phone numbers."""

    first_name = forms.CharField(
        label="First name",
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": "Enter your first name", "max_length": "First name must be 80 characters or less"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
        error_messages={"required": "Enter your last name", "max_length": "Last name must be 80 characters or less"},
    )
    address_line_1 = forms.CharField(
        label="Address line 1",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={
            "required": "Enter address line 1, typically the building and street",
            "max_length": "Address line 1 must be 120 characters or less",
        },
    )
    address_line_2 = forms.CharField(
        label="Address line 2",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
        error_messages={"max_length": "Address line 2 must be 120 characters or less"},
    )
    town = forms.CharField(
        label="Town or city",
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"required": "Enter town or city", "max_length": "Town or city must be 80 characters or less"},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        error_messages={"required": "Enter postcode", "max_length": "Enter a real postcode, like SW1A 1AA"},
    )
    phone_1 = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        help_text="For a UK number, include the area code",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={
            "max_length": "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        },
    )
    phone_2 = forms.CharField(
        label="Another phone number",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={
            "max_length": "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        },
    )

    widths = {"town": "20", "postcode": "10", "phone_1": "20", "phone_2": "20"}

    @classmethod
    def initial_for(cls, account: Account) -> dict:
        phones = [*account.phone_numbers, "", ""]
        return {
            "first_name": account.first_name,
            "last_name": account.last_name,
            "address_line_1": account.address_line_1,
            "address_line_2": account.address_line_2,
            "town": account.town,
            "postcode": account.postcode,
            "phone_1": phones[0],
            "phone_2": phones[1],
        }

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_phone_1(self) -> str:
        return normalise_phone(self.cleaned_data["phone_1"]) if self.cleaned_data["phone_1"] else ""

    def clean_phone_2(self) -> str:
        return normalise_phone(self.cleaned_data["phone_2"]) if self.cleaned_data["phone_2"] else ""

    def phone_numbers(self) -> list[str]:
        return [number for number in (self.cleaned_data["phone_1"], self.cleaned_data["phone_2"]) if number]


class CurrentPasswordMixin:
    """A `current_password` field checked against the account. `current_password_wrong`
    tells the view a wrong password was typed (it limits how many times)."""

    account: Account
    current_password_wrong = False

    def clean_current_password(self) -> str:
        typed = self.cleaned_data["current_password"]
        # hashers.check_password, not Account.check_password: that one may re-hash and
        # save the password, which would change the session's auth hash.
        if not check_password(typed, self.account.password):
            self.current_password_wrong = True
            raise forms.ValidationError(
                "The password is not right; enter the password you use to sign in", code="wrong_password"
            )
        return typed


def _current_password_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )


class ChangePasswordForm(CurrentPasswordMixin, NewPasswordForm):
    """The current password, then a new one twice, checked against the council's whole
    policy; the typed current password is what "not a simple change" compares with."""

    current_password = _current_password_field("Current password")
    field_order = ["current_password", "password", "password_confirm"]

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["password"].label = "New password"
        self.fields["password"].error_messages["required"] = "Enter a new password"
        self.fields["password_confirm"].label = "Confirm new password"
        self.fields["password_confirm"].error_messages["required"] = "Confirm your new password"

    def clean_current_password(self) -> str:
        typed = super().clean_current_password()
        self.previous = typed  # cleaned before `password` (field_order), which compares with it
        return typed

    def clean(self):
        cleaned = super().clean()
        current, new = cleaned.get("current_password"), cleaned.get("password")
        if current is not None and new is not None and current == new:
            self.add_error("password", "Your new password must be different from your current password")
        return cleaned


class ChangeEmailForm(CurrentPasswordMixin, GovukForm):
    email = forms.EmailField(
        label="New email address",
        max_length=254,
        help_text="We will send a link to this address to check it is yours",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or less",
        },
    )
    email_confirm = forms.EmailField(
        label="Confirm new email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Confirm your new email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or less",
        },
    )
    current_password = _current_password_field("Your password", help_text="We need this to check it is you")

    def __init__(self, *args, account: Account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email == self.account.email.lower():
            raise forms.ValidationError("This is already your email address; enter a different one", code="same")
        return email

    def clean(self):
        cleaned = super().clean()
        email, confirm = cleaned.get("email"), cleaned.get("email_confirm")
        if email and confirm and confirm.strip().lower() != email:
            self.add_error("email_confirm", "The email addresses do not match; type the same address twice")
        return cleaned
