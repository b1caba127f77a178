"""Forms for the SEND team's children and access-request screens."""

from __future__ import annotations

from django import forms

from casework.models import Child
from tenants.models import Council, ServiceArea
from themes.dates import GovukDateField, long_date
from themes.forms import GovukForm, GovukRadioSelect

NEW_CHILD = "new"
CONFIRM_LABEL = "This is a different child from the ones listed"


def child_label(child: Child) -> str:
    """How staff tell children apart in a list of choices."""
    parts = [child.full_name]
    if child.known_as:
        parts[0] += f" (known as {child.known_as})"
    parts.append(f"born {long_date(child.date_of_birth)}")
    parts.append(f"reference {child.council_reference}")
    if child.setting:
        parts.append(child.setting)
    return ", ".join(parts)


def _service_area_field(council: Council, *, required: bool = True) -> forms.ModelChoiceField:
    # Added after GovukForm.__init__ (the council is needed), so it carries its own class.
    return forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.filter(council=council),
        widget=GovukRadioSelect(attrs={"class": "govuk-radios__input"}),
        empty_label=None,
        required=required,
        error_messages={"required": "Select the service area", "invalid_choice": "Select the service area"},
    )


def _confirm_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=CONFIRM_LABEL,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
        required=False,
        help_text="Only select this once you have checked each child listed above",
    )


class ChildForm(GovukForm):
    """Record a child. `with_confirmation` adds the "this is a different child" box,
    once possible duplicates have been shown."""

    widths = {"known_as": "20", "council_reference": "10"}

    legal_first_name = forms.CharField(
        label="Legal first name", max_length=80, error_messages={"required": "Enter the child's legal first name"}
    )
    legal_last_name = forms.CharField(
        label="Legal last name", max_length=80, error_messages={"required": "Enter the child's legal last name"}
    )
    known_as = forms.CharField(
        label="Name known by", max_length=80, required=False, help_text="If they use a different first name"
    )
    date_of_birth = GovukDateField(
        label="Date of birth", what="the child's date of birth", help_text="For example, 27 3 2015", not_in_future=True
    )
    setting = forms.CharField(label="School or college", max_length=160, required=False)
    council_reference = forms.CharField(
        label="Council reference",
        max_length=40,
        help_text="The child's reference in the council's case management system",
        error_messages={"required": "Enter the council reference"},
    )

    def __init__(self, *args, council: Council, with_confirmation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"] = _service_area_field(council)
        self.order_fields(
            ["legal_first_name", "legal_last_name", "known_as", "date_of_birth", "setting", "service_area"]
        )
        if with_confirmation:
            self.fields["confirmed_not_duplicate"] = _confirm_field()


class AccessAskForm(GovukForm):
    question = forms.CharField(
        label="What do you need to ask the family?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The family will see this when they sign in. The email they get does not include it",
        error_messages={"required": "Enter what you need to ask the family"},
    )
    document_requested = forms.BooleanField(
        label="Ask for a document", required=False, help_text="For example, a birth certificate or a court order"
    )


class AccessApproveForm(GovukForm):
    """Approve by choosing the child the request is about, or a new child recorded from
    the family's details (which then needs a council reference and a service area)."""

    widths = {"council_reference": "10"}

    match = forms.ChoiceField(
        label="Which child is this request about?",
        widget=GovukRadioSelect,
        error_messages={
            "required": "Select the child, or create a new child from these details",
            "invalid_choice": "Select the child, or create a new child from these details",
        },
    )
    council_reference = forms.CharField(
        label="Council reference for the new child",
        max_length=40,
        required=False,
        help_text="Needed only if you create a new child",
    )

    def __init__(self, *args, council: Council, candidates: list[Child], with_confirmation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(child.pk): child for child in candidates}
        self.fields["match"].choices = [(pk, child_label(child)) for pk, child in self.candidates.items()] + [
            (NEW_CHILD, "None of these: create a new child from the details the family gave")
        ]
        self.fields["service_area"] = _service_area_field(council, required=False)
        self.fields["service_area"].label = "Service area for the new child"
        self.fields["service_area"].help_text = "Needed only if you create a new child"
        # Not "(optional)": both are needed for a new child (clean() says so), so the
        # labels do not promise what the form then refuses.
        self.fields["council_reference"].required_when = "a new child"
        self.fields["service_area"].required_when = "a new child"
        if with_confirmation:
            self.fields["confirmed_not_duplicate"] = _confirm_field()

    @property
    def creates_child(self) -> bool:
        return self.cleaned_data.get("match") == NEW_CHILD

    @property
    def child(self) -> Child | None:
        return self.candidates.get(self.cleaned_data.get("match", ""))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("match") == NEW_CHILD:
            if not cleaned.get("council_reference", "").strip():
                self.add_error("council_reference", "Enter the council reference for the new child")
            if not cleaned.get("service_area"):
                self.add_error("service_area", "Select the service area for the new child")
        return cleaned


class AccessDeclineForm(GovukForm):
    reason = forms.CharField(
        label="Why are you declining this request?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The family will see this reason when they sign in",
        error_messages={"required": "Enter the reason, which the family will see"},
    )


class ChildAccessRevokeForm(GovukForm):
    reason = forms.CharField(
        label="Why are you removing this access?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Kept with the child's record for the SEND team. The family member is told only that their "
        "access has changed",
        error_messages={"required": "Enter why you are removing this access"},
    )


class ChildSearchForm(GovukForm):
    q = forms.CharField(
        label="Search for another child",
        required=False,
        max_length=100,
        help_text="Part of their name, or their council reference",
    )
