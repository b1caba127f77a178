"""Platform operators in tests: signed in on the platform host with the password and a
second factor (the platform admin refuses a password-only session)."""

from __future__ import annotations

from django.test import Client

from casework.demo import OPERATOR_EMAIL
from citizen.accounts.models import Account, AuthenticatorDevice


def operator_sign_in(client: Client, account: Account | None = None) -> Client:
    """`client` signed in as `account` (the demo operator unless said), verified by an
    authenticator app in the session, as after the admin's two-step page."""
    account = account or Account.objects.get(email=OPERATOR_EMAIL)
    device = AuthenticatorDevice.objects.filter(user=account).first()
    if device is None:
        device = AuthenticatorDevice(user=account, name="Authenticator app", confirmed=True)
        device.set_secret(AuthenticatorDevice.new_secret())
        device.save()
    client.force_login(account)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client
