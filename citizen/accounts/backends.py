"""Signing in with an email address and a password, with one password hash whatever the
address (issue 18: an account not yet activated cost a second hash, which told anyone
timing the answer that the address had an account)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

# Set on the request when the password was right for an account that is not active:
# sign-in can then say "activate your account first" without hashing again.
NOT_ACTIVE_ACCOUNT = "sign_in_account_not_active"


class AccountBackend(ModelBackend):
    """Django's ModelBackend (one hash for an unknown address, one for a known one), which
    also notes a right password for an account that is not active, and stops there on
    any failure: ModelBackend stays listed after it, for sessions signed in through it,
    and must not hash the password a second time."""

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            account = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            model().set_password(password)  # the same hashing work as a known address
            raise PermissionDenied from None
        if account.check_password(password):
            if self.user_can_authenticate(account):
                return account
            if request is not None:
                setattr(request, NOT_ACTIVE_ACCOUNT, True)
        raise PermissionDenied
