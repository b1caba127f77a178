"""Reads for the form runner (citizen/runner)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChildForms:
    """What the family's SEND area shows under a child: forms they can start and their
    drafts and submissions of them (filled in by the forms work)."""

    startable: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    submitted: list = field(default_factory=list)


def child_forms_summary(*, account, children: Iterable) -> dict[int, ChildForms]:
    """Per child id, the forms this account can start and its drafts and submissions, in
    a constant number of queries however many children there are."""
    return {child.pk: ChildForms() for child in children}
