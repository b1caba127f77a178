"""Forms in the family's SEND area. GOV.UK markup through themes.forms.GovukForm; the
services in casework.services check again when they save."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from casework.clock import add_months
from casework.file_checks import ACCEPTED, ACCEPTED_TEXT, size_text
from casework.models import DraftPlanReply, Relationship, TrustedPersonKind, TrustedScope
from casework.services.messages import MESSAGE_MAX_LENGTH
from casework.services.plans import COMMENT_MAX_LENGTH
from citizen.accounts.mobiles import UkMobileField
from citizen.services_family import FILES_PER_UPLOAD, REPLY_MAX_LENGTH
from themes.dates import GovukDateField
from themes.forms import GovukForm, GovukRadioSelect

ACCEPT_ATTRIBUTE = ",".join([ext for kind in ACCEPTED for ext in kind.extensions] + [k.content_type for k in ACCEPTED])
YOUNG_PERSON_AGE = 16  # the end of compulsory school age: rights pass to the young person

RELATIONSHIPS = [
    (Relationship.PARENT.value, "I am their parent"),
    (Relationship.CARER.value, "I am their carer, or have parental responsibility for them"),
    (Relationship.YOUNG_PERSON.value, "I am the young person: these are my own records (16 or over)"),
]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """Several files from one `<input type="file" multiple>`, as a list. Each file is
    checked on its own by the service (casework.file_checks), so that one bad file is
    explained without losing the others: nothing here refuses a file."""

    widget = MultipleFileInput

    def __init__(self, *, max_files: int = FILES_PER_UPLOAD, **kwargs):
        self.max_files = max_files
        super().__init__(**kwargs)

    def to_python(self, data) -> list:
        if not data:
            return []
        files = list(data) if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]

    def validate(self, value: list) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > self.max_files:
            raise forms.ValidationError(f"Choose {self.max_files} files or fewer at a time", code="too_many")


def files_field(*, label: str, max_mb: int, required: bool = True) -> MultipleFileField:
    return MultipleFileField(
        label=label,
        required=required,
        help_text=f"You can choose up to {FILES_PER_UPLOAD} files at once. Each must be {ACCEPTED_TEXT}, "
        f"{size_text(max_mb * 1024 * 1024)} or smaller.",
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"required": "Choose at least one file to send"},
    )


class AddChildForm(GovukForm):
    """Ask to see a child's records: the SEND team checks and decides."""

    widths = {"child_first_name": "20", "child_last_name": "20"}

    child_first_name = forms.CharField(
        label="First name",
        max_length=80,
        help_text="Their legal first name, as on their birth certificate",
        error_messages={"required": "Enter the child's first name", "max_length": "The first name is too long"},
    )
    child_last_name = forms.CharField(
        label="Last name",
        max_length=80,
        error_messages={"required": "Enter the child's last name", "max_length": "The last name is too long"},
    )
    child_date_of_birth = GovukDateField(
        label="Date of birth",
        what="the child's date of birth",
        help_text="For example, 27 3 2015",
        not_in_future=True,
    )
    child_setting = forms.CharField(
        label="School, college or nursery",
        max_length=160,
        required=False,
        help_text="Where they go now, if anywhere. This helps the SEND team find the right records.",
    )
    relationship = forms.ChoiceField(
        label="Who are you to them?",
        choices=RELATIONSHIPS,
        widget=GovukRadioSelect,
        error_messages={"required": "Select who you are to the child"},
    )
    family_note = forms.CharField(
        label="Anything else that will help the SEND team check",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, another name they are known by, or a council reference from a letter.",
        error_messages={"max_length": "This must be 2,000 characters or fewer"},
    )

    def clean(self):
        cleaned = super().clean()
        born: date | None = cleaned.get("child_date_of_birth")
        too_young = born is not None and add_months(born, 12 * YOUNG_PERSON_AGE) > timezone.localdate()
        if cleaned.get("relationship") == Relationship.YOUNG_PERSON and too_young:
            self.add_error(
                "relationship",
                "Only a young person aged 16 or over can ask to see their own records. A parent or carer can "
                "ask for a younger child",
            )
        return cleaned


class AccessAnswerForm(GovukForm):
    """The family's answer to the SEND team's question, and documents it asked for."""

    family_answer = forms.CharField(
        label="Your answer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your answer", "max_length": "Your answer must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, max_mb: int, documents_requested: bool, **kwargs):
        super().__init__(*args, **kwargs)
        label = "Documents the SEND team asked for" if documents_requested else "Documents"
        self.fields["files"] = files_field(label=label, max_mb=max_mb, required=False)
        self.fields["files"].widget.attrs["class"] = "govuk-file-upload"


class CaseUploadForm(GovukForm):
    """Send documents to the SEND team about a case."""

    def __init__(self, *args, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"] = files_field(label="Choose the files to send", max_mb=max_mb)
        self.fields["files"].widget.attrs["class"] = "govuk-file-upload"


class DraftReplyForm(GovukForm):
    response = forms.ChoiceField(
        label="Do you agree with the draft?",
        choices=[
            (DraftPlanReply.Response.AGREE.value, "Yes, I agree with it"),
            (DraftPlanReply.Response.COMMENTS.value, "No, I have comments"),
        ],
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether you agree with the draft"},
    )
    comments = forms.CharField(
        label="Your comments",
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Needed if you do not agree: what you would like changed, and why. You can send documents, such as "
        "reports, from the case's documents page.",
        error_messages={"max_length": f"Your comments must be {REPLY_MAX_LENGTH:,} characters or fewer"},
    )
    school_requested = forms.CharField(
        label="School or college you want named in the plan",
        required=False,
        max_length=200,
        help_text="The name of the school, college or nursery you would like your child to go to, if you want one "
        "named.",
        error_messages={"max_length": "The name must be 200 characters or fewer"},
    )
    meeting_requested = forms.BooleanField(
        label="I would like a meeting with the SEND team about the draft",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def __init__(self, *args, what: str = "the draft plan", young_person: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].label = f"Do you agree with {what}?"
        self.fields["response"].error_messages["required"] = f"Select whether you agree with {what}"
        if young_person:
            self.fields["school_requested"].help_text = "The name of the school or college you would like to go to."
        self.fields["meeting_requested"].label = f"I would like a meeting with the SEND team about {what}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("response") == DraftPlanReply.Response.COMMENTS and not (cleaned.get("comments") or "").strip():
            self.add_error("comments", "Enter your comments")
        return cleaned


class FamilyMessageForm(GovukForm):
    body = forms.CharField(
        label="Your message to the SEND team",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={
            "required": "Enter your message",
            "max_length": f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer",
        },
    )


class AlertPreferencesForm(GovukForm):
    messages = forms.BooleanField(
        label="When the SEND team sends you a message",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    documents = forms.BooleanField(
        label="When the SEND team shares a document with you, such as a draft or final EHC plan",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    deadlines = forms.BooleanField(
        label="A reminder 3 days before your time to reply to a draft plan ends",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )


class TextChoiceForm(GovukForm):
    """Email, text or both, and the mobile number texts go to (only where the council offers texts)."""

    widths = {"mobile": "20"}

    alerts_by = forms.ChoiceField(
        label="How should we tell you?",
        choices=[("email", "By email"), ("text", "By text message"), ("both", "By email and text message")],
        widget=GovukRadioSelect,
        error_messages={"required": "Select how we should tell you"},
    )
    mobile = UkMobileField(
        label="Mobile number for texts",
        required=False,
        help_text="A UK mobile number, like 07700 900 982. Texts say what changed and link here, never names.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("alerts_by") in ("text", "both") and not cleaned.get("mobile") and "mobile" not in self.errors:
            self.add_error("mobile", "Enter a UK mobile number to get texts")
        return cleaned


class SharingChoiceForm(GovukForm):
    keep = forms.TypedChoiceField(
        label="Should they keep seeing your records?",
        choices=[("yes", "Yes, they can keep seeing my records"), ("no", "No, stop them seeing my records")],
        coerce=lambda value: value == "yes",
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether they should keep seeing your records"},
    )

    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].label = f"Should {name} keep seeing your records?"
        self.fields["keep"].error_messages["required"] = f"Select whether {name} should keep seeing your records"


class TrustedInviteForm(GovukForm):
    """Invite someone the family trusts to see a child's records (casework.services.trusted
    checks again, field by field, when it saves)."""

    widths = {"name": "20", "email": "20"}

    name = forms.CharField(
        label="Their name",
        max_length=120,
        error_messages={
            "required": "Enter the person's name",
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="We will email them an invitation. They must sign in, or create an account, with this address.",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    kind = forms.ChoiceField(
        label="Who are they?",
        choices=TrustedPersonKind.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select who the person is"},
    )
    scope = forms.ChoiceField(
        label="What may they do?",
        choices=TrustedScope.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select what the person may do"},
    )
    until = GovukDateField(
        label="Until when? (optional)",
        what="the last day they can see the records",
        help_text="The last day they can see the records, for example 31 3 2027. Leave it empty to keep it until "
        "you end it. You can end it at any time.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class TrustedEndForm(GovukForm):
    """Confirm ending a grant: nothing to fill in but the button."""


class PlanCommentForm(GovukForm):
    text = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you would like changed, and why. The SEND team will answer it here.",
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {COMMENT_MAX_LENGTH:,} characters or fewer",
        },
    )
