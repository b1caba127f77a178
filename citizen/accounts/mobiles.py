"""UK mobile numbers, for text messages: typed any usual way ("07700 900982",
"+44 (0)7700-900982", "0044 7700 900982"), kept as +447700900982."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

INVALID = "Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982"
_SEPARATORS = re.compile(r"[\s\-().]")


def uk_mobile(value: str) -> str:
    """The number in +447… form; ValidationError when it is not a UK mobile."""
    digits = _SEPARATORS.sub("", value or "").replace("+44(0)", "+44")
    if digits.startswith("+44"):
        digits = digits[3:]
    elif digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = digits[2:]
    digits = digits.removeprefix("0")
    if not re.fullmatch(r"7\d{9}", digits):
        raise ValidationError(INVALID, code="invalid")
    return f"+44{digits}"


def mobile_shown(number: str) -> str:
    """+447700900982 → 07700 900 982, how a person reads it."""
    if not number.startswith("+447") or len(number) != 13:
        return number
    local = "0" + number[3:]
    return f"{local[:5]} {local[5:8]} {local[8:]}"


class UkMobileField(forms.CharField):
    """A form's UK mobile number: typed any usual way, cleaned to +447… ("" when left
    empty and not required), the phone's keypad and autofill offered."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)
        self.error_messages["max_length"] = INVALID

    def clean(self, value) -> str:
        typed = (super().clean(value) or "").strip()
        return uk_mobile(typed) if typed else ""
