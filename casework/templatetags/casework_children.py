"""Template tags for the children and access screens.

`{% case_family case as family %}` gives a case page the child's live accesses and the
access requests waiting for that child, in two queries (casework.selectors.children)."""

from __future__ import annotations

from django import template

from casework.selectors.children import CaseFamily, case_family

register = template.Library()


@register.simple_tag
def case_family_for(case) -> CaseFamily:
    return case_family(case=case)
