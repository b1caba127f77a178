"""Staff forms for cases: the caseload filters, opening a case, recording a step, an
exception, advice, and assigning a caseworker. Thin: the rules are in
casework.services.cases; these parse what was typed."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from casework.models import CaseKind
from casework.selectors.cases import (
    EXCEPTION_REASONS,
    FINISHED,
    STAGE_LABELS,
    STARTED_ON_LABELS,
    TRANSFER_KINDS,
    CaseloadFilters,
    StepKind,
)
from themes.dates import GovukDateField
from themes.forms import Choices, GovukForm, GovukRadioSelect
from themes.wording import in_sentence

DEADLINE_CHOICES = (("", "Any time"), ("overdue", "Overdue"), ("this_week", "Due this week"))


def _caseworker_choices(memberships) -> list[tuple[str, str]]:
    return [(str(m.account_id), m.account.get_full_name() or m.account.email) for m in memberships]


_OPEN_STAGES = [(key, label) for key, label in STAGE_LABELS.items() if key != FINISHED]
_STAGE_CHOICES = Choices([("", "All open cases"), *_OPEN_STAGES, (FINISHED, "Finished")])


class CaseloadFilterForm(GovukForm):
    """The caseload's filters, sent with GET so a filtered list has an address."""

    search = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="A child's name, date of birth (for example 27/3/2014) or a case reference",
    )
    stage = forms.ChoiceField(label="Stage", required=False)
    service_area = forms.TypedChoiceField(label="Service area", required=False, coerce=int, empty_value=None)
    caseworker = forms.ChoiceField(label="Caseworker", required=False)
    deadline = forms.ChoiceField(label="Next deadline", required=False, choices=DEADLINE_CHOICES)

    drawn_in_python = True  # on every caseload page (themes.forms.GovukForm)

    def __init__(self, *args, service_areas, caseworkers: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = _STAGE_CHOICES
        self.fields["service_area"].choices = Choices([("", "All areas"), *((a.pk, a.name) for a in service_areas)])
        self.fields["caseworker"].choices = Choices(
            [("", "Anyone"), ("mine", "My cases"), ("none", "Not assigned"), *((str(pk), n) for pk, n in caseworkers)]
        )

    def filters(self) -> CaseloadFilters:
        """What to filter by; anything that does not parse is ignored (it is a GET form)."""
        data = self.cleaned_data if self.is_valid() else {}
        return CaseloadFilters(
            search=data.get("search", "").strip(),
            stage=data.get("stage", ""),
            service_area_id=data.get("service_area"),
            caseworker=data.get("caseworker", ""),
            deadline=data.get("deadline", ""),
        )


class CaseKindForm(GovukForm):
    """The first question when opening a case (sent with GET): the rest of the form
    asks for the date in the words of the kind chosen."""

    kind = forms.ChoiceField(
        label="What kind of case is this?",
        choices=CaseKind.choices,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose what kind of case this is",
            "invalid_choice": "Choose what kind of case this is",
        },
    )


class CaseOpenForm(GovukForm):
    """The rest of opening a case, for the kind chosen (in the address, ?kind=…)."""

    started_on = GovukDateField(label="Date the clock starts", help_text="For example, 27 3 2026")
    transfer_kind = forms.ChoiceField(
        label="What kind of move is it?",
        choices=TRANSFER_KINDS,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose what kind of move this is"},
    )
    caseworker = forms.ChoiceField(label="Caseworker", required=False)

    def __init__(self, *args, kind: str, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].label = STARTED_ON_LABELS[kind]
        self.fields["started_on"].not_in_future = kind != CaseKind.PHASE_TRANSFER
        if kind != CaseKind.PHASE_TRANSFER:
            del self.fields["transfer_kind"]
        self.caseworker_accounts = {str(m.account_id): m.account for m in caseworkers}
        self.fields["caseworker"].choices = [("", "Not assigned yet"), *_caseworker_choices(caseworkers)]

    @property
    def chosen_caseworker(self):
        return self.caseworker_accounts.get(self.cleaned_data.get("caseworker") or "")


class StepRecordForm(GovukForm):
    """One step: which one (only those the clock accepts next), its date, its decision
    where it is one, and a note."""

    key = forms.ChoiceField(widget=forms.HiddenInput)
    occurred_on = GovukDateField(label="Date", help_text="For example, 27 3 2026")
    outcome = forms.ChoiceField(widget=GovukRadioSelect, required=True)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen only by the SEND team",
    )

    def __init__(self, *args, step: StepKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["key"].choices = [(step.key, step.label)]
        self.fields["key"].initial = step.key
        self.fields["occurred_on"].label = (
            f"Date: {in_sentence(step.label)}" if step.key != "meeting" else "Meeting date"
        )
        self.fields["occurred_on"].what = "the date"
        if step.hint:
            self.fields["occurred_on"].help_text = f"{step.hint} For example, 27 3 2026"
        if step.outcomes:
            self.fields["outcome"].label = step.outcome_label
            self.fields["outcome"].choices = step.outcomes
            self.fields["outcome"].error_messages["required"] = step.outcome_error
        else:
            del self.fields["outcome"]


class StepCorrectForm(GovukForm):
    """A recorded step put right: a new date (and decision), or withdrawn; with the reason."""

    CHANGE, WITHDRAW = "change", "withdraw"
    action = forms.ChoiceField(
        label="What needs to change?",
        widget=GovukRadioSelect,
        choices=[(CHANGE, "The date or the decision was wrong"), (WITHDRAW, "The step was recorded by mistake")],
        error_messages={"required": "Choose what needs to change"},
    )
    occurred_on = GovukDateField(
        label="Correct date", required=False, help_text="Only if the date was wrong. For example, 27 3 2026"
    )
    outcome = forms.ChoiceField(widget=GovukRadioSelect, required=False)
    reason = forms.CharField(
        label="Why is it being corrected?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the correction and seen only by the SEND team",
        error_messages={"required": "Enter why the step is being corrected"},
    )

    def __init__(self, *args, step: StepKind, milestone, **kwargs):
        initial = {"occurred_on": milestone.occurred_on, "outcome": milestone.outcome}
        super().__init__(*args, initial=initial, **kwargs)
        self.step = step
        if step.outcomes:
            self.fields["outcome"].label = f"{step.outcome_label} (only if the decision was wrong)"
            self.fields["outcome"].choices = step.outcomes
        else:
            del self.fields["outcome"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.CHANGE and not cleaned.get("occurred_on") and "occurred_on" not in self.errors:
            self.add_error("occurred_on", "Enter the correct date")
        return cleaned


class AdviceRequestForm(GovukForm):
    adviser = forms.CharField(
        label="Who was the advice asked from?",
        max_length=120,
        help_text="As the family should read it, for example 'the educational psychologist'",
        error_messages={"required": "Enter who the advice was asked from"},
    )
    requested_on = GovukDateField(
        label="Date the advice was asked for", not_in_future=True, help_text="For example, 27 3 2026"
    )


class AdviceReceivedForm(GovukForm):
    received_on = GovukDateField(
        label="Date the advice was received", not_in_future=True, help_text="For example, 27 3 2026"
    )


class CaseExceptionForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why can the time limit not be met?",
        choices=EXCEPTION_REASONS,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the reason for the exception"},
    )
    start = GovukDateField(label="Start date", what="the start date", help_text="For example, 27 3 2026")
    end = GovukDateField(
        label="End date",
        what="the end date",
        help_text="The last day it applied. A closure or an absence from the area must last at least 4 weeks.",
    )
    setting = forms.CharField(
        label="The school or setting that was closed",
        required=False,
        max_length=160,
        help_text="Only for a closure. Shown to the family in the explanation of the new deadline.",
    )
    details = forms.CharField(
        label="Details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen only by the SEND team, never by the family",
    )


class CaseAssignForm(GovukForm):
    caseworker = forms.ChoiceField(label="Caseworker", required=False)

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.caseworker_accounts = {str(m.account_id): m.account for m in caseworkers}
        self.fields["caseworker"].choices = [("", "Not assigned"), *_caseworker_choices(caseworkers)]

    @property
    def chosen_caseworker(self):
        return self.caseworker_accounts.get(self.cleaned_data.get("caseworker") or "")
