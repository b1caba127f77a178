"""Words inside a sentence: a label such as "Final EHC plan issued" or "I have comments"
read mid-sentence as a person would write it ("final EHC plan issued", "I have
comments"), never lower-cased whole ("final ehc plan issued", "i have comments").

`in_sentence` is a builtin template filter too (config/settings/base.py, TEMPLATES).
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def in_sentence(text: object) -> str:
    """The first letter lower-cased, unless the first word is "I" or an abbreviation."""
    text = str(text or "")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
