"""Staff forms on a case: upload a document, send a message. Each has a prefix, so its
fields keep their own ids on the case page beside the other forms there."""

from __future__ import annotations

from django import forms

from casework.file_checks import ACCEPTED, ACCEPTED_TEXT, DOCUMENT_MAX_BYTES, size_text
from casework.models import Document
from casework.services.messages import MESSAGE_MAX_LENGTH
from themes.forms import GovukFileField, GovukForm, GovukRadioSelect

ACCEPT_ATTRIBUTE = ",".join([ext for kind in ACCEPTED for ext in kind.extensions] + [k.content_type for k in ACCEPTED])


class DocumentUploadForm(GovukForm):
    prefix = "document"

    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=Document.Kind.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select what kind of document it is"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Families see this title once the document is shared, for example 'Draft EHC plan, March 2026'.",
        error_messages={
            "required": "Enter a title for the document",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    file = GovukFileField(
        label="Upload a file",
        help_text=f"Send {ACCEPTED_TEXT}, {size_text(DOCUMENT_MAX_BYTES)} or smaller.",
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"required": "Choose a file to upload", "empty": "The file you chose is empty"},
    )


class MessageForm(GovukForm):
    prefix = "message"

    body = forms.CharField(
        label="Your message to the family",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MESSAGE_MAX_LENGTH,
        help_text="Everyone in the family who can see this case will be told by email that there is a new "
        "message. The email does not include what you write.",
        error_messages={
            "required": "Enter your message",
            "max_length": f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer",
        },
    )
