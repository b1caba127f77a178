"""Forms shared by the sign-in journeys."""

from __future__ import annotations

from django import forms

from tenants.models import SignInPolicy
from themes.forms import GovukForm

from .models import Account
from .services import password_check


class NewPasswordForm(GovukForm):
    """A new password typed twice, checked against the council's policy.

    Pass `policy`, and `account` (for its history and email) or `email` (registration).
    `previous` is the current password in plain text when the person has just typed it.
    """

    password = forms.CharField(
        label="Create a password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_confirm = forms.CharField(
        label="Confirm password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(
        self,
        *args,
        policy: SignInPolicy,
        account: Account | None = None,
        email: str = "",
        previous: str | None = None,
        **kwargs,
    ):
        self.policy, self.account, self.email, self.previous = policy, account, email, previous
        super().__init__(*args, **kwargs)

    def password_email(self) -> str:
        """The email the "not your username" rule compares with (a form may override)."""
        return self.email or (self.account.email if self.account else "")

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        problems = password_check(
            policy=self.policy,
            password=password,
            account=self.account,
            email=self.password_email(),
            previous=self.previous,
        )
        if problems:
            raise forms.ValidationError(problems)
        return password

    def clean(self):
        cleaned = super().clean()
        if "password" in cleaned and cleaned.get("password_confirm") != cleaned["password"]:
            self.add_error("password_confirm", "The passwords do not match; type the same password twice")
        return cleaned
