"""Forms for registering, activating and resetting a forgotten password."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tenants.models import SignInPolicy
from themes.forms import GovukForm

from .forms import NewPasswordForm
from .passwords import policy_rules
from .personal_details import PersonalDetailsForm, email_field


def password_rules_hint(policy: SignInPolicy) -> SafeString:
    """The council's rules as the hint of a new-password field ("Your password must: …"),
    so screen readers hear them with the field."""
    items = format_html_join("", "<li>{}</li>", ((rule,) for rule in policy_rules(policy)))
    return format_html('Your password must:<ul class="govuk-list govuk-list--bullet">{}</ul>', items)


class RulesListedPasswordForm(NewPasswordForm):
    """NewPasswordForm with the council's rules as the password's hint and GOV.UK
    error messages for a missing password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password, confirm = self.fields["password"], self.fields["password_confirm"]
        password.help_text = password_rules_hint(self.policy)
        password.error_messages["required"] = "Enter a password"
        confirm.error_messages["required"] = "Enter your password again"


class RegistrationForm(RulesListedPasswordForm, PersonalDetailsForm):
    """A new account: email and password each typed twice, then the personal details
    "My account" shows and changes (name, home address, phones)."""

    email = email_field(help_text="We will send a link to this address to activate your account.")
    email_confirm = email_field("Confirm email address", missing="Enter your email address again")

    # The page's order, which is also the error summary's.
    field_order = ["email", "email_confirm", "password", "password_confirm", *PersonalDetailsForm.base_fields]

    def password_email(self) -> str:
        # "Not your username": the email typed on this page (cleaned before the password).
        return self.cleaned_data.get("email", "")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_email_confirm(self) -> str:
        return self.cleaned_data["email_confirm"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if "email" in cleaned and "email_confirm" in cleaned and cleaned["email"] != cleaned["email_confirm"]:
            self.add_error("email_confirm", "The email addresses do not match")
        return cleaned


class EmailAddressForm(GovukForm):
    """One email address: resending an activation link, asking for a password reset."""

    email = email_field()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PasswordResetForm(RulesListedPasswordForm):
    """The new password chosen from a forgotten-password link: the council's whole policy,
    history and "simple change" included (checked against the account's stored hashes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "New password"
        self.fields["password_confirm"].label = "Confirm new password"
        self.fields["password_confirm"].error_messages["required"] = "Enter your new password again"
        self.fields["password"].error_messages["required"] = "Enter a new password"
