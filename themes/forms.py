"""Every Django form renders as GOV.UK Frontend markup: labels, hints, "(optional)",
error messages linked by aria-describedby, and an error summary (themes/base/templates/govuk/)."""

from __future__ import annotations

from html import escape as html_escape

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


INPUT_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


class GovukRadioSelect(forms.RadioSelect):
    template_name = "govuk/widgets/radios.html"


class GovukCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    template_name = "govuk/widgets/checkboxes.html"


class GovukSelect(forms.Select):
    """A select drawn in Python, not through a template per option: the caseload's
    caseworker filter has 200 options, and Django's templates took 27 ms to draw them
    (bench/caseload.py). The markup is Django's own, and so is the choice of what is
    selected (the first match, unless the select takes several), but without the
    dictionary per option Django's widgets build for their templates."""

    def render(self, name, value, attrs=None, renderer=None):
        wanted = set(self.format_value(value))
        several = self.allow_multiple_selected
        found = False

        def option(option_value, label) -> str:
            nonlocal found
            text = str(option_value)
            selected = (several or not found) and text in wanted
            found = found or selected
            # The standard library's escape, as Django's does, without its check for lazy
            # text on every call: 400 calls a caseload page.
            chosen = " selected" if selected else ""
            return f'<option value="{html_escape(text)}"{chosen}>{html_escape(str(label))}</option>'

        drawn = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                inner = "".join(option(v, sub) for v, sub in label)
                drawn.append(f'<optgroup label="{escape(option_value)}">{inner}</optgroup>')
            else:
                drawn.append(option(option_value, label))
        built = self.build_attrs(self.attrs, attrs)
        if several:
            built["multiple"] = True
        markup = f'<select name="{escape(name)}"{flatatt(built)}>{"".join(drawn)}</select>'
        return mark_safe(markup)  # noqa: S308 - every value and label escaped above, attributes by flatatt


class Choices(BaseChoiceIterator):
    """Choices already as (value, label) pairs, which a field takes as they are. Given a
    list, Django normalises it twice each time it is set (for the field, then for its
    widget): 1.2 ms a page for the caseload's 200 caseworkers (issue 13)."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __iter__(self):
        return iter(self.choices)


# govuk/field.html's group for a label, a hint and an input or select, without errors.
_FIELD_GROUP = (
    '<div class="govuk-form-group">\n  <label class="govuk-label" for="{id}">{label}{optional}</label>\n'
    "  {hint}\n  \n\n  {widget}\n</div>"
)
_HINT = '<div id="{}_helptext" class="govuk-hint">{}</div>'


def _drawn_in_python(field: forms.BoundField) -> bool:
    return not field.errors and not field.is_hidden and field.widget_type in ("text", "select", "govukselect")


class GovukFileField(forms.FileField):
    """A file upload whose refusals name the file: "report.pdf is empty", not Django's
    "The submitted file is empty."."""

    def to_python(self, data):
        name, size = getattr(data, "name", None), getattr(data, "size", None)
        if name and not size and not self.allow_empty_file:
            raise ValidationError(f"{name} is empty: choose a file with something in it", code="empty")
        return super().to_python(data)


class GovukForm(forms.Form):
    """A form whose widgets carry GOV.UK classes and whose errors are announced.

    A field that is not required is labelled "(optional)", unless it has
    `required_when` (a phrase: needed in some cases, which its hint explains).

    `widths` maps a field to a GOV.UK input width class suffix ("20", "10", "one-half").
    """

    widths: dict[str, str] = {}
    # GOV.UK: no browser validation bubbles; the server says what is wrong, in words.
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_style(self.fields)

    def govuk_style(self, names) -> None:
        """Give these fields' widgets their GOV.UK classes: every field at first, and
        fields a form adds itself after that, once each."""
        for name in names:
            field = self.fields[name]
            widget = field.widget
            # A plain RadioSelect or CheckboxSelectMultiple would get GOV.UK's hidden-input
            # class without the item and label markup that draws each choice: invisible.
            if type(widget) is forms.RadioSelect:
                widget.template_name = GovukRadioSelect.template_name
            elif type(widget) is forms.CheckboxSelectMultiple:
                widget.template_name = GovukCheckboxSelectMultiple.template_name
            elif type(widget) is forms.Select:  # drawn in Python: see GovukSelect
                widget.__class__ = GovukSelect
            css = next((c for t, c in INPUT_CLASSES.items() if isinstance(widget, t)), "govuk-input")
            if name in self.widths:
                css += f" govuk-input--width-{self.widths[name]}"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    # Draw the form in Python rather than through govuk/form.html and a template per
    # field, while every field is a text input or a select and nothing is in error (else
    # the templates draw it). Half the caseload's filter form's 3 ms (issue 13);
    # tests/themes/test_forms.py holds the two to the same markup.
    drawn_in_python = False

    def render(self, template_name=None, context=None, renderer=None):
        if not self.drawn_in_python or template_name or context or renderer or self.non_field_errors():
            return super().render(template_name, context, renderer)
        fields = list(self)
        if not all(_drawn_in_python(field) for field in fields):
            return super().render(template_name, context, renderer)
        return SafeString("".join(self._field_group(field) for field in fields))

    __str__ = render
    __html__ = render

    @staticmethod
    def _field_group(field: forms.BoundField) -> str:
        optional = not field.field.required and not getattr(field.field, "required_when", None)
        return _FIELD_GROUP.format(
            id=conditional_escape(field.id_for_label),
            label=conditional_escape(field.label),
            optional=" (optional)" if optional else "",
            hint=_HINT.format(conditional_escape(field.auto_id), conditional_escape(field.help_text))
            if field.help_text
            else "",
            widget=field.as_widget(),
        )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                error_class = {"govuk-input": "govuk-input--error", "govuk-textarea": "govuk-textarea--error"}
                for base, error in error_class.items():
                    if base in widget.attrs.get("class", "").split():
                        widget.attrs["class"] += f" {error}"


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field when the form has one, else
    above the form (the error summary links to either)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
