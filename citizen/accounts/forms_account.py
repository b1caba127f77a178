"""Forms for "My account": password and email address (the details form is
personal_details.PersonalDetailsForm, shared with registering)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.hashers import check_password

from themes.forms import GovukForm

from .forms import NewPasswordForm
from .models import Account
from .personal_details import email_field


class CurrentPasswordMixin:
    """A `current_password` field checked against the account. `current_password_wrong`
    tells the view a wrong password was typed (it limits how many times)."""

    account: Account
    current_password_wrong = False

    def clean_current_password(self) -> str:
        typed = self.cleaned_data["current_password"]
        # hashers.check_password, not Account.check_password: that one may re-hash and
        # save the password, which would change the session's auth hash.
        if not check_password(typed, self.account.password):
            self.current_password_wrong = True
            raise forms.ValidationError(
                "The password is not right; enter the password you use to sign in", code="wrong_password"
            )
        return typed


def _current_password_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )


class ChangePasswordForm(CurrentPasswordMixin, NewPasswordForm):
    """The current password, then a new one twice, checked against the council's whole
    policy; the typed current password is what "not a simple change" compares with."""

    current_password = _current_password_field("Current password")
    field_order = ["current_password", "password", "password_confirm"]

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["password"].label = "New password"
        self.fields["password"].error_messages["required"] = "Enter a new password"
        self.fields["password_confirm"].label = "Confirm new password"
        self.fields["password_confirm"].error_messages["required"] = "Confirm your new password"

    def clean_current_password(self) -> str:
        typed = super().clean_current_password()
        self.previous = typed  # cleaned before `password` (field_order), which compares with it
        return typed

    def clean(self):
        cleaned = super().clean()
        current, new = cleaned.get("current_password"), cleaned.get("password")
        if current is not None and new is not None and current == new:
            self.add_error("password", "Your new password must be different from your current password")
        return cleaned


class ChangeEmailForm(CurrentPasswordMixin, GovukForm):
    email = email_field(
        "New email address",
        missing="Enter your new email address",
        help_text="We will send a link to this address to check it is yours",
    )
    email_confirm = email_field("Confirm new email address", missing="Confirm your new email address")
    current_password = _current_password_field("Your password", help_text="We need this to check it is you")

    def __init__(self, *args, account: Account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email == self.account.email.lower():
            raise forms.ValidationError("This is already your email address; enter a different one", code="same")
        return email

    def clean(self):
        cleaned = super().clean()
        email, confirm = cleaned.get("email"), cleaned.get("email_confirm")
        if email and confirm and confirm.strip().lower() != email:
            self.add_error("email_confirm", "The email addresses do not match; type the same address twice")
        return cleaned
