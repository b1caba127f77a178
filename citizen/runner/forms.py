"""The runner's forms: the declaration is shared with the council admins' preview (the
questions' forms are built from the definition by casework.submissions.answers)."""

from casework.submissions.forms import DeclarationForm

__all__ = ["DeclarationForm"]
