"""Forms on the professionals' screens."""

from __future__ import annotations

from django import forms

from casework.file_checks import ACCEPTED_TEXT, DOCUMENT_MAX_BYTES, size_text
from casework.forms_documents import ACCEPT_ATTRIBUTE
from casework.services.advice import ADVICE_NOTE_MAX
from themes.dates import GovukDateField
from themes.forms import GovukFileField, GovukForm, GovukRadioSelect


class MemberRemoveForm(GovukForm):
    hand_to = forms.ChoiceField(
        label="Who takes over the requests they were working on?",
        widget=GovukRadioSelect,
        error_messages={"required": "Choose who takes over their requests"},
    )

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hand_to"].choices = [
            *[(str(m.pk), m.account.get_full_name() or m.account.email) for m in colleagues],
            ("", "Nobody yet: put them back on the organisation's list"),
        ]
        self.fields["hand_to"].required = False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AdviceFilesField(GovukFileField):
    """Several files in one field (Django's documented way: the widget allows several,
    the field cleans each)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(AdviceFilesField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class AdviceSendForm(GovukForm):
    note = forms.CharField(
        label="Your advice",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=ADVICE_NOTE_MAX,
        help_text="Write it here, attach it as files, or both.",
        error_messages={"max_length": f"Your advice must be {ADVICE_NOTE_MAX:,} characters or fewer"},
    )
    files = AdviceFilesField(
        label="Attach files",
        required=False,
        help_text=f"You can choose several. Send {ACCEPTED_TEXT}, {size_text(DOCUMENT_MAX_BYTES)} or smaller each.",
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("note") and not cleaned.get("files") and not self.errors:
            self.add_error("note", "Write your advice, or attach it as a file")
        return cleaned


class AdviceDeclineForm(GovukForm):
    reason = forms.CharField(
        label="Why can your organisation not give this advice?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="For example, 'The child is not known to us'. The SEND team sees this at once.",
        error_messages={"required": "Enter why your organisation cannot give this advice"},
    )


class AdviceGiveForm(GovukForm):
    to = forms.ChoiceField(label="Give it to", error_messages={"required": "Choose a colleague"})

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            ("", "Choose a colleague"),
            *[(str(m.pk), m.account.get_full_name() or m.account.email) for m in colleagues],
        ]


class ReviewStepForm(GovukForm):
    """One step of an annual review the setting records: its date (a meeting may be
    booked ahead; the rest have happened), and the report's file for the report."""

    occurred_on = GovukDateField(label="Date", help_text="For example, 27 3 2026")
    report = GovukFileField(
        label="The report of the review meeting",
        required=False,
        help_text=f"Send {ACCEPTED_TEXT}, {size_text(DOCUMENT_MAX_BYTES)} or smaller. The SEND team shares it "
        "with the family.",
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, key: str, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        date = self.fields["occurred_on"]
        date.label = LABELS.get(key, label)
        date.not_in_future = key != "meeting"
        if key != "report_sent":
            del self.fields["report"]
        else:
            self.fields["report"].required = True
            self.fields["report"].error_messages["required"] = "Attach the report of the review meeting"


LABELS = {
    "meeting": "Date of the review meeting",
    "notice_sent": "Date you invited the family",
    "advice_circulated": "Date you shared the reports",
    "report_sent": "Date you sent the report",
}
