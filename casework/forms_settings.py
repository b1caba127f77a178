"""Forms for the council settings pages. Each checks what it can itself and then the
model's own rules (ModelForm: validators and `clean()`, e.g. the colour contrast); the
services check again when they save."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from tenants.models import (
    LOGO_MAX_BYTES,
    Council,
    CouncilLink,
    ServiceArea,
    SignInPolicy,
    Tile,
    validate_logo,
)
from themes.forms import GovukFileField, GovukForm, GovukRadioSelect

ORDER_HINT = "A number: lower numbers come first. Leave it as it is to keep the current order."


class GovukModelForm(GovukForm, forms.ModelForm):
    """A ModelForm with GOV.UK markup. A model rule about a field the form does not show
    (Council.clean checks several) becomes an error about the whole form rather than a
    server error. An `order` field may be left empty: the row keeps its place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "order" in self.fields:
            self.fields["order"].required = False
            self.fields["order"].error_messages["invalid"] = "Enter the position as a whole number, like 3"

    def clean_order(self) -> int:
        order = self.cleaned_data.get("order")
        return self.instance.order if order is None else order

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            placed: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                key = field if field == NON_FIELD_ERRORS or field in self.fields else NON_FIELD_ERRORS
                placed.setdefault(key, []).extend(messages)
            errors = ValidationError(placed)
        super()._update_errors(errors)


# --- The council's own row ---------------------------------------------------------------


class SenderForm(GovukModelForm):
    class Meta:
        model = Council
        fields = ["sender_name", "sender_email"]
        labels = {"sender_name": "Sender name", "sender_email": "Sender email address"}
        help_texts = {
            "sender_name": "The name families see as who the email is from, for example "
            "“Somerset Council SEND service”. Leave it empty to show only the address.",
            "sender_email": "The address every email to families and staff comes from: two-step codes, "
            "alerts and invitations. Your email provider must allow the platform to send from it.",
        }
        error_messages = {
            "sender_email": {
                "required": "Enter the address the council's emails are sent from",
                "invalid": "Enter an email address in the correct format, like send@example.gov.uk",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender_email"].required = True


class ContactsForm(GovukModelForm):
    class Meta:
        model = Council
        fields = ["contact_email", "contact_phone", "contact_address"]
        labels = {
            "contact_email": "Contact email address",
            "contact_phone": "Contact telephone number",
            "contact_address": "Postal address",
        }
        help_texts = {
            "contact_email": "The SEND service's general address, shown in the footer of every page.",
            "contact_phone": "Shown in the footer of every page and at the end of emails to families.",
            "contact_address": "Shown in the footer of every page.",
        }
        error_messages = {
            "contact_email": {"invalid": "Enter an email address in the correct format, like send@example.gov.uk"}
        }
        widgets = {"contact_address": forms.Textarea(attrs={"rows": 4})}


class ColourForm(GovukModelForm):
    class Meta:
        model = Council
        fields = ["primary_colour"]
        labels = {"primary_colour": "Main colour"}
        help_texts = {
            "primary_colour": "The colour of the header, as # and six hexadecimal digits, for example #1d70b8. "
            "The header's text is white, so the colour must be dark enough for white text to be read "
            "easily (a contrast of at least 4.5 to 1)."
        }
        widgets = {"primary_colour": forms.TextInput(attrs={"spellcheck": "false"})}

    widths = {"primary_colour": "10"}

    def clean_primary_colour(self) -> str:
        return self.cleaned_data["primary_colour"].strip().lower()


class FeedbackForm(GovukModelForm):
    class Meta:
        model = Council
        fields = ["feedback_questionnaire_url"]
        labels = {"feedback_questionnaire_url": "Feedback questionnaire address"}
        help_texts = {
            "feedback_questionnaire_url": "Families are asked to fill it in once their final EHC plan has been "
            "issued. For example https://forms.example.gov.uk/ehcp-feedback. Leave it empty to ask nothing."
        }
        error_messages = {
            "feedback_questionnaire_url": {"invalid": "Enter a web address, like https://forms.example.gov.uk/ehcp"}
        }


def whole_number(field: forms.Field, low: int, high: int, message: str) -> None:
    """A number a council admin types: one message for every way it can be wrong, and a
    plain text box (GOV.UK: no number spinner, the server says what is wrong)."""
    field.error_messages.update(dict.fromkeys(("required", "invalid", "min_value", "max_value"), message))
    field.validators = [MinValueValidator(low, message), MaxValueValidator(high, message)]
    for attribute in ("min", "max", "step"):
        field.widget.attrs.pop(attribute, None)
    field.widget.input_type = "text"
    field.widget.attrs["inputmode"] = "numeric"


class FamilyAreaForm(GovukModelForm):
    """The family's SEND area: how large a file families may send, and whether "who has
    seen my child's records" names members of staff."""

    class Meta:
        model = Council
        fields = [
            "family_upload_max_mb",
            "show_staff_names_to_families",
            "trusted_people_approval",
            "privacy_notice_url",
            "publish_waiting_times",
        ]
        labels = {
            "privacy_notice_url": "Privacy notice address",
            "family_upload_max_mb": "Largest file a family may send, in MB",
            "show_staff_names_to_families": "Show families the names of staff who looked at their child's records",
            "trusted_people_approval": "Which people families invite does the SEND team approve first?",
        }
        help_texts = {
            "family_upload_max_mb": "From 1 to 50. Each file a family sends (reports, letters, photos of "
            "documents) must be this size or smaller. 10 MB fits a long scanned report.",
            "show_staff_names_to_families": "Families can see who looked at or downloaded their child's records. "
            "Without this, they see the team and role (for example “Caseworker, SEND team”), not the person's name.",
            "trusted_people_approval": "A family can invite someone they trust to see a child's records (an "
            "advocate, a SENDIASS adviser, a private educational psychologist, another parent or carer). The "
            "invitations chosen here work only once someone in the SEND team approves them.",
            "privacy_notice_url": "Linked from the declaration of every form families send, for example "
            "https://www.example.gov.uk/privacy/send. Leave it empty if there is none yet.",
            "publish_waiting_times": "A public page, linked from your home page, of how long each stage of an "
            "assessment took over the last 12 months and how many are under way, worked out each night from your "
            "casework. Numbers from 1 to 4 are shown as “fewer than 5”.",
        }
        error_messages = {
            "privacy_notice_url": {"invalid": "Enter a web address, like https://www.example.gov.uk/privacy"}
        }
        widgets = {
            "show_staff_names_to_families": forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            "publish_waiting_times": forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            "trusted_people_approval": GovukRadioSelect,
        }

    widths = {"family_upload_max_mb": "4"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        whole_number(self.fields["family_upload_max_mb"], 1, 50, "Enter a whole number from 1 to 50")
        # The radios always arrive with one chosen; a post without them keeps the setting.
        self.fields["trusted_people_approval"].required = False

    def clean_trusted_people_approval(self) -> str:
        return self.cleaned_data.get("trusted_people_approval") or self.instance.trusted_people_approval


class TextsForm(GovukModelForm):
    """Whether families may choose text messages (sent through GOV.UK Notify)."""

    class Meta:
        model = Council
        fields = ["texts_enabled"]
        labels = {"texts_enabled": "Send families text messages when they ask for them"}
        help_texts = {
            "texts_enabled": "Families choose email, text or both on their SEND area's “Emails and texts” page. "
            "With this off, everyone gets emails and the choice is not shown."
        }
        widgets = {"texts_enabled": forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"})}


class ProfessionalsForm(GovukModelForm):
    """Advice from professionals: whether families see advice at once, and how long an
    organisation keeps access after answering."""

    class Meta:
        model = Council
        fields = ["advice_shared_at_once", "professional_access_days", "settings_open_reviews"]
        labels = {"professional_access_days": "Days an organisation keeps access after it answers"}
        help_texts = {
            "advice_shared_at_once": "Families see the advice organisations send through the portal at once. "
            "Without this, the SEND team shares each piece of advice from the case page when it is ready.",
            "professional_access_days": "After an organisation sends its advice or declines, its people can still "
            "see the request and the child's details for this many days, from 0 to 365.",
            "settings_open_reviews": "A school or college the SEND team has given a child's annual review to may "
            "open the child's next review itself, from 16 weeks before it is due, and run it. Without this, the "
            "SEND team opens every review.",
        }
        widgets = {
            "advice_shared_at_once": forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            "settings_open_reviews": forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
        }

    widths = {"professional_access_days": "4"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        whole_number(self.fields["professional_access_days"], 0, 365, "Enter a whole number of days from 0 to 365")


class LogoForm(GovukForm):
    logo = GovukFileField(
        label="Upload a logo",
        help_text=f"A PNG or JPEG image, {LOGO_MAX_BYTES // (1024 * 1024)} MB or smaller. It is shown in the "
        "header of every page, at most 40 pixels high, on the main colour.",
        validators=[validate_logo],
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        error_messages={"required": "Select a logo to upload", "empty": "The selected file is empty"},
    )


# --- Rows that belong to the council ------------------------------------------------------


class ServiceAreaForm(GovukModelForm):
    class Meta:
        model = ServiceArea
        fields = ["name", "contact_email", "order"]
        labels = {"name": "Name of the service area", "contact_email": "Contact email address", "order": "Position"}
        help_texts = {
            "name": "For example “Carlisle & Eden”.",
            "contact_email": "Families' requests for this area go to this address. It is shown in the footer.",
            "order": ORDER_HINT,
        }
        error_messages = {
            "name": {"required": "Enter the name of the service area"},
            "contact_email": {
                "required": "Enter the service area's contact email address",
                "invalid": "Enter an email address in the correct format, like send@example.gov.uk",
            },
        }

    widths = {"order": "4"}


class HelpLinkForm(GovukModelForm):
    class Meta:
        model = CouncilLink
        fields = ["title", "url", "order"]
        labels = {"title": "Link text", "url": "Web address", "order": "Position"}
        help_texts = {
            "title": "What the link says in the footer, for example “How to complete Section A”.",
            "url": "For example https://www.example.gov.uk/send/guides",
            "order": ORDER_HINT,
        }
        error_messages = {
            "title": {"required": "Enter the link text"},
            "url": {"required": "Enter the web address", "invalid": "Enter a web address, like https://example.gov.uk"},
        }

    widths = {"order": "4"}


class LinkTileForm(GovukModelForm):
    class Meta:
        model = Tile
        fields = ["title", "description", "url", "order", "enabled"]
        labels = {
            "title": "Title",
            "description": "Description",
            "url": "Web address",
            "order": "Position",
            "enabled": "Show this tile on the home page",
        }
        help_texts = {
            "title": "For example “School admissions”.",
            "description": "One sentence saying what people can do there.",
            "url": "Where the tile goes, for example https://www.example.gov.uk/admissions",
            "order": ORDER_HINT,
        }
        error_messages = {
            "title": {"required": "Enter the tile's title"},
            "url": {"required": "Enter the web address", "invalid": "Enter a web address, like https://example.gov.uk"},
        }

    widths = {"order": "4"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].required = True


class SendTileForm(GovukForm):
    enabled = forms.TypedChoiceField(
        label="Show the SEND tile on the home page?",
        choices=[("yes", "Yes: families can open their SEND area"), ("no", "No: the SEND area is closed")],
        coerce=lambda value: value == "yes",
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether to show the SEND tile"},
    )


# --- Sign-in policy ---------------------------------------------------------------------

# Each setting in plain English: a label, and what it does (with current guidance).
POLICY_WORDING = {
    "password_min_length": (
        "Shortest password allowed, in characters",
        "Current guidance (the National Cyber Security Centre) is at least 12: long passwords, such as three "
        "random words, are the hardest to guess.",
    ),
    "password_max_length": (
        "Longest password allowed, in characters",
        "Keep this high (128 or more) so people can use long passphrases and password managers.",
    ),
    "require_uppercase": ("Passwords must include a capital letter", ""),
    "require_lowercase": ("Passwords must include a small letter", ""),
    "require_digit": ("Passwords must include a number", ""),
    "require_special": (
        "Passwords must include a special character, such as ! or #",
        "Current guidance advises against rules like these four: they make passwords harder to remember, "
        "not harder to guess.",
    ),
    "disallow_username": ("Refuse a password that is the person's email address", ""),
    "block_common_passwords": (
        "Refuse commonly used passwords",
        "Checks each new password against a list of passwords that are often used and easily guessed.",
    ),
    "password_history_count": (
        "Refuse the person's previous passwords: how many to remember",
        "For example 10 refuses any of their last 10 passwords. 0 turns this off.",
    ),
    "disallow_simple_change": (
        "Refuse a small change to the previous password",
        "For example Password32! changed to Password33!.",
    ),
    "password_max_age_days": (
        "Make people change their password after this many days",
        "Leave it empty so passwords never expire, as current guidance recommends. People are warned by email "
        "a week before.",
    ),
    "otp_lifetime_minutes": (
        "How long a two-step code works, in minutes",
        "The code sent by email at each sign-in. At most 60 minutes.",
    ),
    "otp_max_attempts": (
        "Wrong codes allowed before a pause",
        "After this many wrong codes in a row the person must wait before trying again. A new code does not "
        "reset the count.",
    ),
    "otp_resend_cooldown_seconds": (
        "Wait before another code can be sent, in seconds",
        "Stops someone filling an inbox with codes.",
    ),
    "staff_require_authenticator": (
        "SEND team members must use an authenticator app",
        "Staff, team managers and council admins then verify with an app on their phone or computer (or one of "
        "their backup codes) instead of a code by email, which sits in the same inbox as their password reset. "
        "Each is asked to set up an app the next time they open a staff page. Families can still use a code by "
        "email.",
    ),
    "lockout_failure_limit": (
        "Wrong passwords allowed before signing in is locked",
        "Counted for each account and each internet address.",
    ),
    "lockout_minutes": ("How long signing in stays locked, in minutes", ""),
    "idle_timeout_minutes": (
        "Sign people out after this many minutes without using the site",
        "They are asked to sign in again. This protects people on shared computers.",
    ),
}
POLICY_GROUPS = (
    (
        "Passwords",
        (
            "password_min_length",
            "password_max_length",
            "require_uppercase",
            "require_lowercase",
            "require_digit",
            "require_special",
            "disallow_username",
            "block_common_passwords",
            "password_history_count",
            "disallow_simple_change",
            "password_max_age_days",
        ),
    ),
    (
        "Two-step verification",
        ("otp_lifetime_minutes", "otp_max_attempts", "otp_resend_cooldown_seconds", "staff_require_authenticator"),
    ),
    ("Locking and signing out", ("lockout_failure_limit", "lockout_minutes", "idle_timeout_minutes")),
)


def _limits(model_field) -> tuple[int | None, int | None]:
    """The limits the model declares (not the database column's own range)."""
    declared = model_field._validators
    low = next((v.limit_value for v in declared if isinstance(v, MinValueValidator)), None)
    high = next((v.limit_value for v in declared if isinstance(v, MaxValueValidator)), None)
    return low, high


class SignInPolicyForm(GovukModelForm):
    """Every field of the council's sign-in policy, each within its model limits, which
    the form states in words ("Enter a number from 1 to 60")."""

    class Meta:
        model = SignInPolicy
        fields = [name for _, names in POLICY_GROUPS for name in names]
        labels = {name: wording[0] for name, wording in POLICY_WORDING.items()}
        help_texts = {name: wording[1] for name, wording in POLICY_WORDING.items()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                self._state_limits(field, *_limits(SignInPolicy._meta.get_field(name)))

    @staticmethod
    def _state_limits(field: forms.IntegerField, low: int | None, high: int | None) -> None:
        low = low or 0
        if high is None:
            message, hint = f"Enter a whole number, {low} or more", ""
        else:
            message, hint = f"Enter a whole number from {low} to {high}", f"From {low} to {high}."
        field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)] + [
            MinValueValidator(low, message)
        ]
        if high is not None:
            field.validators.append(MaxValueValidator(high, message))
        field.error_messages["invalid"] = message
        if field.required:
            field.error_messages["required"] = message
        field.help_text = " ".join(text for text in (str(field.help_text), hint) if text)
        for attribute in ("min", "max", "step"):  # GOV.UK: no number spinner, the server says what is wrong
            field.widget.attrs.pop(attribute, None)
        field.widget.input_type = "text"
        field.widget.attrs["inputmode"] = "numeric"
        field.widget.attrs["class"] += " govuk-input--width-4"

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(heading, [self[name] for name in names]) for heading, names in POLICY_GROUPS]


# --- Stage explanations -------------------------------------------------------------------


class StageExplanationForm(GovukForm):
    text = forms.CharField(
        label="Your explanation for families",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown to families under the step's own description. Say what happens locally: who "
        "contacts them, what they can do now. Leave it empty to show only the description above.",
        error_messages={"max_length": "The explanation must be 2,000 characters or fewer"},
    )
