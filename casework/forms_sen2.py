"""Forms for the SEN2 return: what a child's record needs for it, their placements, and
starting a run."""

from __future__ import annotations

from django import forms

from casework.models import Placement
from casework.sen2 import spec
from themes.dates import GovukDateField
from themes.forms import GovukForm


def _choice(code_list: spec.CodeList, label: str, empty: str = "Not recorded") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", empty), *code_list.choices], required=False)


class ReturnDetailsForm(GovukForm):
    """A child's details for the SEN2 return (module 1 and 5c)."""

    widths = {"upn": "20", "uln": "10", "postcode": "10"}

    upn = forms.CharField(
        label="Unique pupil number (UPN)", max_length=13, required=False, help_text="13 characters, like A123456789012"
    )
    uln = forms.CharField(
        label="Unique learner number (ULN)", max_length=10, required=False, help_text="10 digits, for a young person"
    )
    upn_unknown = _choice(spec.UPN_UNKNOWN, "If neither is known, why", "Not needed: a UPN or ULN is given")
    sex = _choice(spec.SEX, "Sex")
    ethnicity = _choice(spec.ETHNICITY, "Ethnicity")
    postcode = forms.CharField(label="Home postcode", max_length=8, required=False)
    primary_need = _choice(spec.SEN_TYPE, "Primary need (as the plan describes it)")
    secondary_need = _choice(spec.SEN_TYPE, "Secondary need")
    plan_cease_reason = _choice(spec.CEASE_REASON, "If the plan was ceased, why", "Not ceased")

    # Written as the DfE spells them; their shapes are checked by the model's validators
    # when the service saves them (the API's writes get the same reasons).
    def clean_upn(self) -> str:
        return self.cleaned_data["upn"].strip().upper()

    def clean_postcode(self) -> str:
        return " ".join(self.cleaned_data["postcode"].upper().split())


class PlacementForm(GovukForm):
    widths = {"urn": "10", "ukprn": "10"}

    name = forms.CharField(label="School, college or setting", max_length=160)
    urn = forms.CharField(
        label="URN", max_length=6, required=False, help_text="6 digits, from Get Information about Schools"
    )
    ukprn = forms.CharField(
        label="UKPRN", max_length=8, required=False, help_text="8 digits, for a college or provider"
    )
    sen_setting = _choice(spec.SEN_SETTING, "If it has no URN or UKPRN, what kind of setting it is", "It has one")
    rank = forms.TypedChoiceField(
        label="Is this the child's main placement?",
        choices=Placement._meta.get_field("rank").choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=1,
    )
    entry_date = GovukDateField(label="Date the child started there", help_text="For example, 4 9 2025")
    leaving_date = GovukDateField(
        label="Date the child left", help_text="Leave empty while the child is still there", required=False
    )

    sen_unit = forms.BooleanField(
        label="In a SEN unit", required=False, widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"})
    )
    resourced_provision = forms.BooleanField(
        label="In resourced provision",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )


class Sen2StartForm(GovukForm):
    widths = {"la_number": "4"}

    census_date = GovukDateField(label="Census date", help_text="The third Thursday of January. For example, 21 1 2027")
    la_number = forms.CharField(
        label="Your council's DfE local authority number",
        max_length=3,
        help_text="3 digits, like 909. It goes in the return's header and is kept for next time.",
    )
