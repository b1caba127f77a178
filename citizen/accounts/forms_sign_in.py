"""Forms for signing in, the password change a council's policy forces, and two-step codes."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from tenants.models import SignInPolicy
from themes.forms import GovukForm

from .backends import NOT_ACTIVE_ACCOUNT
from .forms import NewPasswordForm
from .mobiles import UkMobileField
from .models import Account
from .passwords import password_is_expired
from .services import password_check

# One message whether the email or the password was wrong (docs/architecture.md: nobody learns
# whether an email has an account).
WRONG_CREDENTIALS = "Enter a correct email address and password"


class SignInForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_anchor = "id_email"

    def __init__(self, *args, request: HttpRequest, **kwargs):
        self.request = request
        self.account: Account | None = None
        self.locked_out = False
        self.inactive = False
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if not email or not password:
            return cleaned
        email = email.strip().lower()
        # The request goes in: django-axes counts failures per account and per address.
        account = authenticate(self.request, email=email, password=password)
        if account is None:
            if getattr(self.request, "axes_locked_out", False):
                self.locked_out = True
            elif getattr(self.request, NOT_ACTIVE_ACCOUNT, False):
                # The right password for an account not activated yet: only then is it
                # safe to say so (the person has shown they hold the account).
                self.inactive = True
            raise forms.ValidationError(WRONG_CREDENTIALS, code="wrong_credentials")
        self.account = account
        return cleaned

    def password_change_reason(self, policy: SignInPolicy) -> str | None:
        """Why the password just typed must change before going further on this council's
        site: "expired" (older than its maximum age), "policy" (breaks its rules), or None.

        Only the rules about the password itself apply here: the history and "simple
        change" rules compare a new password with old ones, and there is none yet.
        """
        assert self.account is not None
        if password_is_expired(policy, self.account.password_changed_at):
            return "expired"
        if password_check(policy=policy, password=self.cleaned_data["password"], email=self.account.email):
            return "policy"
        return None


class PasswordChangeRequiredForm(NewPasswordForm):
    """The current password again, then a new one meeting this council's whole policy.

    The current password is asked for here rather than kept from the sign-in page: the
    plain text is never stored, yet the "not a simple change" rule needs it.
    """

    current_password = forms.CharField(
        label="Current password",
        strip=False,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "password", "password_confirm"]

    def __init__(self, *args, request: HttpRequest, policy: SignInPolicy, account: Account, **kwargs):
        self.request = request
        self.locked_out = False
        super().__init__(*args, policy=policy, account=account, **kwargs)
        self.fields["password"].label = "New password"
        self.fields["password_confirm"].label = "Confirm new password"
        self.fields["password"].error_messages["required"] = "Enter a new password"
        self.fields["password_confirm"].error_messages["required"] = "Confirm your new password"

    def clean_current_password(self) -> str:
        current = self.cleaned_data["current_password"]
        # Through authenticate, so wrong guesses here count towards the lockout as well.
        if authenticate(self.request, email=self.account.email, password=current) is None:
            self.locked_out = bool(getattr(self.request, "axes_locked_out", False))
            raise forms.ValidationError("Your current password is not right")
        self.previous = current  # for the "not a simple change" rule in clean_password
        return current

    def clean_password(self) -> str:
        # Said plainly before any other rule (an expiry-only policy has no rule against it).
        if self.previous is not None and self.cleaned_data["password"] == self.previous:
            raise forms.ValidationError("Your new password must be different from your current one")
        return super().clean_password()


class TwoStepCodeForm(GovukForm):
    code = forms.CharField(
        label="Security code",
        help_text="The code is 6 numbers, for example 123456",
        max_length=20,
        error_messages={"required": "Enter the security code from the email"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def __init__(self, *args, texted: bool = False, **kwargs):
        """`texted`: the code went by text message, and the errors say so."""
        super().__init__(*args, **kwargs)
        if texted:
            self.fields["code"].error_messages["required"] = "Enter the security code from the text message"

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the security code as 6 numbers, like 123456")
        return code


class AppCodeForm(GovukForm):
    """The 6-digit code an authenticator app shows (setting it up, or at two-step)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The code is 6 numbers, for example 123456. It changes every 30 seconds",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the code from your authenticator app as 6 numbers, like 123456")
        return code


class BackupCodeForm(GovukForm):
    code = forms.CharField(
        label="Backup code",
        help_text="One of the backup codes you saved, for example ABCD-EFGH-JKLM. Each works once",
        max_length=40,
        error_messages={"required": "Enter one of your backup codes"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "govuk-input--width-20",
            }
        ),
    )


class MobileForm(GovukForm):
    """The UK mobile number two-step codes should be texted to."""

    widths = {"mobile": "20"}

    mobile = UkMobileField(
        label="Mobile number",
        help_text="A UK mobile number, like 07700 900 982. We will text a code to it to check it is yours.",
        error_messages={"required": "Enter your mobile number"},
    )
