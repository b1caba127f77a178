"""GOV.UK Frontend components drawn by a maintained library (govuk-frontend-django,
through govuk-frontend-jinja's macros), as template tags every template can use: the
library is a builtin (config/settings/base.py, TEMPLATES), so no `{% load %}` is needed.

Adopted for the error summary, which every form page shows through
`govuk/error_summary.html`. Summary lists, tables and buttons stay in the templates:
the library compiles GOV.UK's macro afresh for each component it draws (about 22 ms;
bench/components.py, docs/architecture.md "Front end").
"""

from __future__ import annotations

import re

from django import forms, template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from govuk_frontend_django.components.error_summary import ErrorSummaryErrorlist, GovUKErrorSummary

register = template.Library()
_BETWEEN_TAGS = re.compile(r">\s+<")


def _drawn(component) -> SafeString:
    """A component's markup, compacted: the macros' indentation between tags dropped."""
    return mark_safe(_BETWEEN_TAGS.sub("><", component.render().strip()))  # noqa: S308 - the library's markup


def _field_anchor(field: forms.BoundField) -> str:
    """Where an error links: a group's first option, else the field itself."""
    return f"{field.auto_id}_0" if field.use_fieldset else field.id_for_label


@register.simple_tag
def govuk_error_summary(form: forms.BaseForm) -> SafeString:
    """The form's errors as GOV.UK's error summary, each linking to its field (errors
    not about one field link to `form.error_anchor`, else the page's main content)."""
    if not getattr(form, "errors", None):  # no form, or a form without errors
        return mark_safe("")
    page_anchor = getattr(form, "error_anchor", "") or "main-content"
    # Each message escaped here, as every other text on the page is (Django's escaping).
    errors = [ErrorSummaryErrorlist(href=f"#{page_anchor}", html=escape(error)) for error in form.non_field_errors()]
    errors += [
        ErrorSummaryErrorlist(href=f"#{_field_anchor(field)}", html=escape(error))
        for field in form.visible_fields()
        for error in field.errors
    ]
    return _drawn(GovUKErrorSummary(titleText="There is a problem", errorList=errors))
