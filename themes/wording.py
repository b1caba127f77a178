"""Words inside a sentence: a label such as "Final EHC plan issued" or "I have comments"
read mid-sentence as a person would write it ("final EHC plan issued", "I have
comments"), never lower-cased whole ("final ehc plan issued", "i have comments").

`in_sentence` is a builtin template filter too (config/settings/base.py, TEMPLATES).
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@register.filter
def long_date(value: date | None) -> str:
    """ "27 March 2014": `|date:"j F Y"` for a date, without the localisation machinery
    that costs about 90 microseconds a call (the caseload draws a hundred a page)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@register.filter
def in_sentence(text: object) -> str:
    """The first letter lower-cased, unless the first word is "I" or an abbreviation."""
    text = str(text or "")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
