"""The one postcode rule and the one phone rule, and the details form that registering
and My account share, at their edges. No database: these are pure rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from citizen.accounts.models import Account
from citizen.accounts.personal_details import (
    PHONE_ERROR,
    POSTCODE_ERROR,
    PersonalDetailsForm,
    normalise_phone,
    normalise_postcode,
)

DETAILS = {
    "first_name": "Sam",
    "last_name": "Jones",
    "address_line_1": "1 Castle Street",
    "address_line_2": "",
    "town": "Carlisle",
    "postcode": "ca3 8qg",
    "phone_1": "",
    "phone_2": "",
}


# Postcodes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        (" ca3  8qg", "CA3 8QG"),
        ("  sw1a   1aa  ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("b33 8th", "B33 8TH"),
        ("cr2 6xh", "CR2 6XH"),
        ("dn551pt", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("GIR0AA", "GIR 0AA"),
        ("gir 0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_kept_in_capitals_with_one_space(typed, kept):
    assert normalise_postcode(typed) == kept


@pytest.mark.parametrize(
    "typed",
    ["", "12345", "CA3", "CA3 8Q", "ABC 123", "CA3 8QGG", "C@3 8QG", "GIR 1AA", "1A 1AA", "SW1A-1AA"],
)
def test_a_postcode_that_cannot_be_real_is_refused(typed):
    with pytest.raises(ValidationError, match="Enter a real postcode") as refused:
        normalise_postcode(typed)
    assert refused.value.messages == [POSTCODE_ERROR]


# Phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("01632 960 001", "01632 960 001"),  # landline
        ("016977 3456", "016977 3456"),  # landline with a 10-digit number
        ("(01632) 960001", "(01632) 960001"),
        ("07700900982", "07700900982"),  # mobile
        ("07700  900 982", "07700 900 982"),
        ("0800-123-4567", "0800-123-4567"),  # GOV.UK: hyphens as people write them
        ("+44  7700 900 982", "+44 7700 900 982"),
        ("+44 808 157 0192", "+44 808 157 0192"),
        ("+353 1 234 5678", "+353 1 234 5678"),  # Ireland
        ("+1 212 555 0100", "+1 212 555 0100"),  # the USA
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("+44 (0)7700 900982", "+44 (0)7700 900982"),
        ("+353 (0) 1 234 - 5678", "+353(0)1234-5678"),  # too long to store as typed: spaces go
        ("0-7-7-0-0-9-0-0-9-8-2", "07700900982"),  # still too long: only the digits are kept
        ("", ""),
        ("   ", ""),
    ],
)
def test_uk_and_international_phone_numbers_are_kept_as_typed(typed, kept):
    assert normalise_phone(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "0163",  # too short
        "01632 960",
        "1632 960 001",  # a UK number without its 0
        "07700 900 982 1",  # too long
        "+44 7700 900",  # +44, too short for a UK number
        "+44 7700 900 982 12",  # +44, too long
        "+353 123",  # too short even abroad
        "+1 234 567 890 123 456",  # longer than any number (15 digits)
        "0800 SEND HELP",  # letters
        "call me",
        "07700 900 982 ext 2",
        "+44+7700 900982",  # + only at the start
        "07700.900.982",
    ],
)
def test_a_number_that_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_phone(typed)
    assert refused.value.messages == [PHONE_ERROR]


def test_every_kept_number_fits_the_accounts_phone_number_column():
    longest = Account._meta.get_field("phone_numbers").base_field.max_length
    for typed in ("+353 (0) 1 234 - 5678", "+1 234 567 890 12345", "(0)(1)(6)(3)(2)(9)(6)(0)(0)(0)(1)"):
        assert len(normalise_phone(typed)) <= longest


# The form -------------------------------------------------------------------------------


def test_the_form_tidies_the_answers_and_lists_the_phone_numbers_given():
    form = PersonalDetailsForm(DETAILS | {"phone_1": "", "phone_2": "+353  1 234 5678"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == "CA3 8QG"
    assert form.phone_numbers() == ["+353 1 234 5678"]
    assert form.personal_details() == {
        "first_name": "Sam",
        "last_name": "Jones",
        "address_line_1": "1 Castle Street",
        "address_line_2": "",
        "town": "Carlisle",
        "postcode": "CA3 8QG",
        "phone_numbers": ["+353 1 234 5678"],
    }


def test_the_form_gives_govuk_messages():
    form = PersonalDetailsForm(
        {"postcode": "C" * 17, "phone_1": "0" * 41, "phone_2": "letters", "first_name": "x" * 81}
    )

    assert form.errors == {
        "first_name": ["First name must be 80 characters or less"],
        "last_name": ["Enter your last name"],
        "address_line_1": ["Enter address line 1, typically the building and street"],
        "town": ["Enter town or city"],
        "postcode": [POSTCODE_ERROR],
        "phone_1": [PHONE_ERROR],
        "phone_2": [PHONE_ERROR],
    }


def test_the_fields_carry_labels_autocomplete_and_widths():
    form = PersonalDetailsForm()
    html = {name: str(form[name]) for name in form.fields}

    assert [(name, field.label, field.required) for name, field in form.fields.items()] == [
        ("first_name", "First name", True),
        ("last_name", "Last name", True),
        ("address_line_1", "Address line 1", True),
        ("address_line_2", "Address line 2", False),
        ("town", "Town or city", True),
        ("postcode", "Postcode", True),
        ("phone_1", "Phone number", False),
        ("phone_2", "Another phone number", False),
    ]
    for name, autocomplete in [
        ("first_name", "given-name"),
        ("last_name", "family-name"),
        ("address_line_1", "address-line1"),
        ("address_line_2", "address-line2"),
        ("town", "address-level2"),
        ("postcode", "postal-code"),
        ("phone_1", "tel"),
        ("phone_2", "tel"),
    ]:
        assert f'autocomplete="{autocomplete}"' in html[name]
    assert 'spellcheck="false"' in html["first_name"]
    assert 'spellcheck="false"' in html["last_name"]
    assert html["phone_1"].count('type="tel"') == 1
    assert 'type="text"' not in html["phone_1"]
    assert "govuk-input--width-10" in html["postcode"]
    assert "govuk-input--width-20" in html["phone_2"]


def test_the_form_is_filled_in_from_the_account():
    account = Account(
        first_name="Sam",
        last_name="Jones",
        address_line_1="1 High Street",
        town="Taunton",
        postcode="TA1 1AA",
        phone_numbers=["07700 900 982"],
    )

    assert PersonalDetailsForm.initial_for(account) == {
        "first_name": "Sam",
        "last_name": "Jones",
        "address_line_1": "1 High Street",
        "address_line_2": "",
        "town": "Taunton",
        "postcode": "TA1 1AA",
        "phone_1": "07700 900 982",
        "phone_2": "",
    }
