"""`{{ step|staff_title }}`: a timeline step's title in the SEND team's words (the
family's timeline says "Your comments on the draft plan"; staff read "The family's
comments on the draft plan"). The words are in casework.steps."""

from __future__ import annotations

from django import template

from casework import clock, steps

register = template.Library()


@register.filter
def staff_title(step: clock.Step) -> str:
    return steps.staff_title(step.key, step.title)
