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


# Dates and times as the pages write them, without Django's `date` filter: its
# localisation machinery costs tens of microseconds a call, and the caseload draws a
# hundred dates a page, a page of messages a hundred (issue 13). Like that filter, each
# reads an aware time in the council's time zone, and anything not a date as "".


def _local(value: date) -> date:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def long_date(value: date | None) -> str:
    """ "27 March 2014": `|date:"j F Y"`."""
    if not isinstance(value, date):
        return ""
    value = _local(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@register.filter
def clock_time(value: datetime | None) -> str:
    """ "3:05pm", "12:00am": `|date:"g:i"` then `|date:"A"|lower`."""
    if not isinstance(value, datetime):
        return ""
    value = _local(value)
    return f"{(value.hour % 12) or 12}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def iso_time(value: date | None) -> str:
    """For `<time datetime=…>`: `|date:"c"`."""
    return _local(value).isoformat() if isinstance(value, date) else ""


@register.filter
def in_sentence(text: object) -> str:
    """The first letter lower-cased, unless the first word is "I" or an abbreviation."""
    text = str(text or "")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
