"""A person's own details (name, home address, phone numbers, email address): the one
set of fields and rules that registering and "My account" share."""

from __future__ import annotations

import re
from typing import TypedDict

from django import forms

from themes.forms import GovukForm

from .models import Account

# The outward code (area, district) and the inward code (sector, unit), as Royal Mail
# writes them once spaces are taken out; "GIR 0AA" is the one postcode outside the
# pattern still in use.
POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")
POSTCODE_ERROR = "Enter a real postcode, like SW1A 1AA"
# GOV.UK's telephone number pattern: spaces, hyphens and brackets as people write them,
# and + only at the start.
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_ERROR = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
PHONE_STORED_LENGTH = 20  # Account.phone_numbers' item length
NAME_AND_ADDRESS = ("first_name", "last_name", "address_line_1", "address_line_2", "town", "postcode")


def normalise_postcode(value: str) -> str:
    """ "sw1a1aa", " ca3  8qg " → "SW1A 1AA", "CA3 8QG"; anything else is a ValidationError."""
    compact = re.sub(r"\s+", "", value).upper()
    if not POSTCODE.match(compact):
        raise forms.ValidationError(POSTCODE_ERROR, code="invalid")
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_phone(value: str) -> str:
    """A UK number (01632 960 001, 07700 900 982, +44 7700 900 982) or, for families
    abroad, an international one (+353 1 234 5678), kept as typed with runs of spaces
    made one ("" stays ""); anything else is a ValidationError."""
    typed = " ".join(value.split())
    if not typed:
        return ""
    international = typed.startswith("+")
    # "+44 (0)1632 960 001": the 0 in brackets is not dialled from abroad.
    digits = re.sub(r"\D", "", typed.replace("(0)", "") if international else typed)
    if not international:
        valid_length = digits.startswith("0") and 10 <= len(digits) <= 11
    elif digits.startswith("44"):
        valid_length = 11 <= len(digits) <= 12  # +44, then the UK number without its 0
    else:
        valid_length = 8 <= len(digits) <= 15  # E.164's longest
    if not (PHONE_CHARACTERS.match(typed) and valid_length):
        raise forms.ValidationError(PHONE_ERROR, code="invalid")
    if len(typed) > PHONE_STORED_LENGTH:
        typed = typed.replace(" ", "")
    if len(typed) > PHONE_STORED_LENGTH:
        typed = "+" + digits if international else digits
    return typed


class TelInput(forms.TextInput):
    input_type = "tel"


def text_field(
    label: str,
    *,
    max_length: int,
    autocomplete: str,
    required: bool = True,
    missing: str = "",
    too_long: str = "",
    spellcheck: bool = True,
) -> forms.CharField:
    """A GOV.UK text answer: `missing` and `too_long` are its error messages."""
    attrs = {"autocomplete": autocomplete} | ({} if spellcheck else {"spellcheck": "false"})
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "required": missing,
            "max_length": too_long or f"{label} must be {max_length} characters or less",
        },
    )


def phone_field(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        widget=TelInput(attrs={"autocomplete": "tel"}),
        error_messages={"max_length": PHONE_ERROR},
        **kwargs,
    )


def email_field(
    label: str = "Email address", *, missing: str = "Enter your email address", **kwargs
) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": missing,
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or less",
        },
        **kwargs,
    )


class PersonalDetails(TypedDict):
    """The answers as account_register and account_update_details take them."""

    first_name: str
    last_name: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    phone_numbers: list[str]


class PersonalDetailsForm(GovukForm):
    """Name, home address and up to two phone numbers, on the registration page and on
    "My account"."""

    first_name = text_field(
        "First name", max_length=80, autocomplete="given-name", missing="Enter your first name", spellcheck=False
    )
    last_name = text_field(
        "Last name", max_length=80, autocomplete="family-name", missing="Enter your last name", spellcheck=False
    )
    address_line_1 = text_field(
        "Address line 1",
        max_length=120,
        autocomplete="address-line1",
        missing="Enter address line 1, typically the building and street",
    )
    address_line_2 = text_field("Address line 2", max_length=120, autocomplete="address-line2", required=False)
    town = text_field("Town or city", max_length=80, autocomplete="address-level2", missing="Enter town or city")
    # Room for the spaces people type; stored as at most 8 characters.
    postcode = text_field(
        "Postcode", max_length=16, autocomplete="postal-code", missing="Enter postcode", too_long=POSTCODE_ERROR
    )
    phone_1 = phone_field(
        "Phone number",
        help_text="For a UK number, include the area code. For an international number, include the country code.",
    )
    phone_2 = phone_field("Another phone number")

    widths = {"town": "20", "postcode": "10", "phone_1": "20", "phone_2": "20"}

    @classmethod
    def initial_for(cls, account: Account) -> dict[str, str]:
        phone_1, phone_2, *_ = [*account.phone_numbers, "", ""]
        return {name: getattr(account, name) for name in NAME_AND_ADDRESS} | {"phone_1": phone_1, "phone_2": phone_2}

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_phone_1(self) -> str:
        return normalise_phone(self.cleaned_data["phone_1"])

    def clean_phone_2(self) -> str:
        return normalise_phone(self.cleaned_data["phone_2"])

    def phone_numbers(self) -> list[str]:
        return [number for number in (self.cleaned_data["phone_1"], self.cleaned_data["phone_2"]) if number]

    def personal_details(self) -> PersonalDetails:
        data = self.cleaned_data
        return PersonalDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            address_line_1=data["address_line_1"],
            address_line_2=data["address_line_2"],
            town=data["town"],
            postcode=data["postcode"],
            phone_numbers=self.phone_numbers(),
        )
