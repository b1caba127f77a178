"""The form editor's screens' forms (issue 19, item 17): the form's settings, a section,
a page, and a question of each type, with a condition on an earlier answer. Each turns
what the SEND manager typed into the values casework.services.form_editor takes; the
whole definition is then checked as the JSON editor checks it, and a problem found there
is put back on the field it came from (`problems_to_fields`)."""

from __future__ import annotations

from django import forms

from casework.services.form_editor import QUESTION_KEYS, option_value
from tenants.form_definitions import Problem
from themes.forms import GovukCheckboxSelectMultiple, GovukForm, GovukRadioSelect

TYPES = {
    "text": ("Short answer", "A name, a school, a few words."),
    "long_text": ("Long answer", "Views, a story, several sentences."),
    "date": ("Date", "Day, month and year boxes."),
    "number": ("Number", "A whole number, with limits if you want them."),
    "email": ("Email address", ""),
    "phone": ("Phone number", ""),
    "nhs_number": ("NHS number", "Ten digits, checked with the NHS check digit."),
    "address": ("UK address", "Lines, town and postcode."),
    "radios": ("One choice from a list", "Radio buttons."),
    "checkboxes": ("Any number of choices from a list", "Checkboxes."),
    "select": ("One choice from a long list", "A drop-down list."),
    "yes_no": ("Yes or no", ""),
    "file": ("File upload", "A report or letter, of the kinds you choose."),
    "group": ("Repeating group", "'Add another': a person, a professional, a report, each with its own questions."),
}
GROUP_MEMBER_TYPES = [t for t in TYPES if t != "group"]
WITH_OPTIONS = ("radios", "checkboxes", "select")
FILE_KINDS = [
    ("pdf", "PDF"),
    ("word", "Word (.docx)"),
    ("excel", "Excel (.xlsx)"),
    ("odt", "OpenDocument text (.odt)"),
    ("png", "PNG image"),
    ("jpeg", "JPEG photo"),
]
FEEDS = [
    ("new_request", "A request for an EHC needs assessment: sending it opens the case and starts the 20-week clock"),
    ("contribution", "A contribution to the child's EHC needs assessment under way"),
    ("annual_review", "A contribution to the child's annual review under way"),
]
WHO = [("parent", "Parents"), ("carer", "Carers"), ("young_person", "Young people, for themselves")]
TESTS = [
    ("equals", "is"),
    ("one_of", "is one of"),
    ("includes", "includes (for checkboxes)"),
    ("answered", "has been answered"),
]


def paragraphs(text: str) -> list[str]:
    """A box's text as paragraphs: separated by a blank line."""
    return [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def paragraphs_text(items: list[str] | None) -> str:
    return "\n\n".join(items or [])


def options_text(options: list[dict] | None) -> str:
    """Options as the box shows them: one per line, "value | Label" when the stored
    value is not the one the label would make."""
    lines = []
    for option in options or []:
        made = option_value(option["label"], set())
        lines.append(option["label"] if option["value"] == made else f"{option['value']} | {option['label']}")
    return "\n".join(lines)


class SettingsForm(GovukForm):
    title = forms.CharField(
        label="Title families see",
        max_length=500,
        error_messages={"required": "Enter the form's title"},
    )
    short_title = forms.CharField(
        label="Short name",
        help_text="For lists and the SEND team's emails, for example 'Appendix A'.",
        max_length=60,
        required=False,
    )
    description = forms.CharField(
        label="What the form is for",
        help_text="Shown before a family starts. Leave a blank line between paragraphs.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    feeds = forms.ChoiceField(
        label="What sending it does",
        choices=FEEDS,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose what sending the form does"},
    )
    who_can_start = forms.MultipleChoiceField(
        label="Who may fill it in",
        help_text="Leave all unticked for everyone.",
        choices=WHO,
        widget=GovukCheckboxSelectMultiple,
        required=False,
    )
    allow_multiple_drafts = forms.BooleanField(
        label="A family member may have two drafts of it for the same child at once", required=False
    )
    declaration_heading = forms.CharField(label="Declaration heading", max_length=500, required=False)
    declaration_paragraphs = forms.CharField(
        label="Declaration text",
        help_text="Leave a blank line between paragraphs.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    confirmation = forms.CharField(
        label="What the family ticks to confirm",
        max_length=500,
        error_messages={"required": "Enter what the family ticks to confirm"},
    )
    what_happens_next = forms.CharField(
        label="What happens next",
        help_text="Shown once the form is sent. Leave a blank line between paragraphs.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    @classmethod
    def initial_from(cls, definition: dict) -> dict:
        declaration = definition.get("declaration", {})
        return {
            "title": definition.get("title", ""),
            "short_title": definition.get("short_title", ""),
            "description": paragraphs_text(definition.get("description")),
            "feeds": definition.get("feeds"),
            "who_can_start": definition.get("who_can_start", []),
            "allow_multiple_drafts": definition.get("allow_multiple_drafts", False),
            "declaration_heading": declaration.get("heading", ""),
            "declaration_paragraphs": paragraphs_text(declaration.get("paragraphs")),
            "confirmation": declaration.get("confirmation", ""),
            "what_happens_next": paragraphs_text(definition.get("what_happens_next")),
        }

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("description", "declaration_paragraphs", "what_happens_next"):
            data[key] = paragraphs(data[key])
        return data


class SectionForm(GovukForm):
    title = forms.CharField(
        label="Section title", max_length=500, error_messages={"required": "Enter the section's title"}
    )
    hint = forms.CharField(
        label="Hint", help_text="Shown under the title on the task list.", max_length=2000, required=False
    )


class ConditionMixin(forms.Form):
    """Show the page or question only when an earlier answer matches."""

    condition_question = forms.ChoiceField(label="Show it", required=False)
    condition_test = forms.ChoiceField(label="When the answer", choices=TESTS, widget=GovukRadioSelect, required=False)
    condition_value = forms.CharField(
        label="Value",
        help_text="An option's value, for example yes. For 'is one of', separate the values with commas.",
        max_length=200,
        required=False,
    )

    def condition_fields(self, earlier: list[dict]) -> None:
        self.fields["condition_question"].choices = [
            ("", "Always"),
            *((q["id"], f"Only when: {q['label'][:80]}") for q in earlier),
        ]
        values = {}
        for q in earlier:
            if q["type"] == "yes_no":
                values[q["id"]] = "yes, no"
            elif q.get("options"):
                values[q["id"]] = ", ".join(o["value"] for o in q["options"])
        if values:
            self.fields["condition_value"].help_text += " The values: " + "; ".join(
                f"{q['label'][:40]}: {values[q['id']]}" for q in earlier if q["id"] in values
            )

    def show_if(self) -> dict | None:
        question = self.cleaned_data.get("condition_question")
        if not question:
            return None
        test = self.cleaned_data.get("condition_test") or ""
        value = (self.cleaned_data.get("condition_value") or "").strip()
        if not test:
            self.add_error("condition_test", "Choose when the answer shows it")
            return None
        if test == "answered":
            return {"question": question, "answered": True}
        if not value:
            self.add_error("condition_value", "Enter the value the answer must have")
            return None
        if test == "one_of":
            return {"question": question, "one_of": [v.strip() for v in value.split(",") if v.strip()]}
        return {"question": question, test: value}

    @staticmethod
    def condition_initial(show_if: dict | None) -> dict:
        if not show_if:
            return {}
        test = next((key for key in ("equals", "one_of", "includes", "answered") if key in show_if), "")
        value = show_if.get(test, "")
        return {
            "condition_question": show_if["question"],
            "condition_test": test,
            "condition_value": ", ".join(value) if isinstance(value, list) else ("" if value is True else value),
        }


class PageForm(ConditionMixin, GovukForm):
    title = forms.CharField(
        label="Page heading",
        help_text="Needed when the page has more than one question; otherwise the question is the heading.",
        max_length=500,
        required=False,
    )
    hint = forms.CharField(label="Hint", max_length=2000, required=False)

    def __init__(self, *args, earlier: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.condition_fields(earlier)


class QuestionForm(ConditionMixin, GovukForm):
    """A question of one type. `placement` says what else the new question needs: a page
    heading (a page that will have two questions, or a new page) or a section title."""

    label = forms.CharField(
        label="Question", max_length=500, error_messages={"required": "Enter the question families will see"}
    )
    hint = forms.CharField(
        label="Hint",
        help_text="Help shown under the question.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    optional = forms.BooleanField(label="Families may leave it unanswered", required=False)

    widths = {"max_length": "5", "min": "5", "max": "5", "max_mb": "3", "suffix": "10"}

    def __init__(
        self,
        *args,
        question_type: str,
        earlier: list[dict],
        in_group: bool = False,
        placement: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.question_type = question_type
        if in_group:
            for name in ("condition_question", "condition_test", "condition_value"):
                del self.fields[name]
        else:
            self.condition_fields(earlier)
        if placement == "new_section":
            self.fields["section_title"] = forms.CharField(
                label="Title of the new section",
                max_length=500,
                error_messages={"required": "Enter the new section's title"},
            )
        if placement in ("new_section", "section", "page_heading"):
            self.fields["page_title"] = forms.CharField(
                label="Page heading",
                help_text="Needed when a page has more than one question."
                if placement != "page_heading"
                else "This page will have two questions, so it needs a heading of its own.",
                max_length=500,
                required=placement == "page_heading",
                error_messages={"required": "Enter a heading for the page"},
            )
        self._type_fields(question_type)

    def _type_fields(self, kind: str) -> None:
        add = self.fields.__setitem__
        if kind in ("text", "long_text"):
            add(
                "max_length",
                forms.IntegerField(
                    label="Longest answer, in characters",
                    min_value=1,
                    max_value=1000 if kind == "text" else 20000,
                    required=False,
                ),
            )
        elif kind == "number":
            add("min", forms.IntegerField(label="Smallest number allowed", required=False))
            add("max", forms.IntegerField(label="Largest number allowed", required=False))
            add(
                "suffix",
                forms.CharField(
                    label="Unit shown after the box", help_text="For example %.", max_length=20, required=False
                ),
            )
        elif kind == "date":
            add("not_in_future", forms.BooleanField(label="The date cannot be in the future", required=False))
            add("date_of_birth", forms.BooleanField(label="It is a date of birth", required=False))
        elif kind in WITH_OPTIONS:
            add(
                "options",
                forms.CharField(
                    label="Options",
                    help_text="One per line, at least two. The stored value is made from the label; to choose it "
                    "yourself, write 'value | Label'.",
                    widget=forms.Textarea(attrs={"rows": 6}),
                    error_messages={"required": "Enter the options, one per line"},
                ),
            )
        elif kind == "file":
            add(
                "accept",
                forms.MultipleChoiceField(
                    label="Kinds of file accepted",
                    choices=FILE_KINDS,
                    widget=GovukCheckboxSelectMultiple,
                    error_messages={"required": "Choose at least one kind of file"},
                ),
            )
            add(
                "max_mb",
                forms.IntegerField(
                    label="Largest file, in MB",
                    help_text="From 1 to 50; 10 if left empty.",
                    min_value=1,
                    max_value=50,
                    required=False,
                ),
            )
        elif kind == "group":
            add(
                "item_name",
                forms.CharField(
                    label="What one item is called",
                    help_text="For example 'professional'.",
                    max_length=60,
                    error_messages={"required": "Enter what one item is called"},
                ),
            )
            add(
                "item_name_plural",
                forms.CharField(
                    label="More than one", help_text="For example 'professionals'.", max_length=60, required=False
                ),
            )
            add("min", forms.IntegerField(label="Fewest items", min_value=0, max_value=50, required=False))
            add(
                "max",
                forms.IntegerField(
                    label="Most items", help_text="10 if left empty.", min_value=1, max_value=50, required=False
                ),
            )

    def add_group_first_question(self) -> None:
        """A new repeating group needs its first question at once (a group is never empty)."""
        self.fields["first_label"] = forms.CharField(
            label="The group's first question",
            help_text="You can add more to the group afterwards.",
            max_length=500,
            error_messages={"required": "Enter the group's first question"},
        )
        self.fields["first_type"] = forms.ChoiceField(
            label="Its type",
            choices=[(t, TYPES[t][0]) for t in GROUP_MEMBER_TYPES if t not in (*WITH_OPTIONS, "file")],
            widget=GovukRadioSelect,
            error_messages={"required": "Choose the first question's type"},
        )

    def clean_options(self) -> list[dict]:
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
        options, taken = [], set()
        for line in lines:
            value, _, label = line.partition("|") if "|" in line else ("", "", line)
            value, label = value.strip(), label.strip()
            if not label:
                raise forms.ValidationError(f"'{line}' has no label after the |")
            value = value or option_value(label, taken)
            if value in taken:
                raise forms.ValidationError(f"Two options have the value '{value}': give one another value")
            taken.add(value)
            options.append({"value": value, "label": label})
        if len(options) < 2:
            raise forms.ValidationError("Enter at least two options, one per line")
        return options

    @classmethod
    def initial_from(cls, question: dict) -> dict:
        initial = {
            "label": question["label"],
            "hint": question.get("hint", ""),
            "optional": question.get("required") is False,
            **cls.condition_initial(question.get("show_if")),
        }
        for key in (
            "max_length",
            "min",
            "max",
            "suffix",
            "not_in_future",
            "date_of_birth",
            "accept",
            "max_mb",
            "item_name",
            "item_name_plural",
        ):
            if key in question:
                initial[key] = question[key]
        if "options" in question:
            initial["options"] = options_text(question["options"])
        return initial

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            "type": self.question_type,
            "label": data["label"],
            "hint": data.get("hint", ""),
            "required": not data.get("optional"),
        }
        if "condition_question" in self.fields:
            values["show_if"] = self.show_if()
        for key in (
            "max_length",
            "min",
            "max",
            "suffix",
            "options",
            "accept",
            "max_mb",
            "item_name",
            "item_name_plural",
        ):
            if key in self.fields:
                values[key] = data.get(key)
        for key in ("not_in_future", "date_of_birth"):
            if key in self.fields:
                values[key] = bool(data.get(key)) or None
        if "first_label" in self.fields:
            values["questions"] = [{"id": "first", "type": data["first_type"], "label": data["first_label"]}]
        return values


# Where a problem found in the whole definition belongs: the part of its path after the
# question's (or page's, or section's) own path → the field on these forms.
FIELD_OF = {key: key for key in ("label", "hint", "title", *QUESTION_KEYS)} | {"questions": "first_label"}


def problems_to_fields(form: forms.Form, problems: list[Problem], *, own: dict[str, str]) -> None:
    """Put each problem on the field it is about. `own` maps a path this screen changed
    (its question's, page's or section's) to a prefix of field names: "" for the
    screen's own fields, "page_" or "section_" for a new page's or section's."""
    for problem in problems:
        field = None
        for base, prefix in sorted(own.items(), key=lambda item: -len(item[0])):
            if problem.path == base and "needs a 'title'" in problem.message:
                field = f"{prefix}title"
                break
            if problem.path.startswith(f"{base}."):
                rest = problem.path[len(base) + 1 :]
                if rest.startswith("show_if"):
                    field = "condition_question" if rest.endswith(".question") else "condition_value"
                else:
                    name = rest.split(".")[0].split("[")[0]
                    field = f"{prefix}{FIELD_OF.get(name, name)}" if name in FIELD_OF else None
                break
        message = problem.message[0].upper() + problem.message[1:]
        form.add_error(field if field in form.fields else None, message)
