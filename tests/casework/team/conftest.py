"""Fixtures for the team and council settings screens: clients signed in on a council's
host with two-step done, as a member of its SEND team in a given role or as a family."""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client
from django.utils import timezone

from casework.models import OutboundEmail, StaffMembership
from citizen.accounts.models import Account, EmailCodeDevice
from tenants.demo import CUMBRIA, SOMERSET

DOMAINS = {CUMBRIA.slug: CUMBRIA.domain, SOMERSET.slug: SOMERSET.domain}
# Meets both demo councils' rules (Somerset's: capitals, small letters, a number, a symbol).
PASSWORD = "Quiet-Harbour-Lantern-42"

_numbers = itertools.count(1)


def make_account(*, email: str | None = None, password: str = PASSWORD, **fields) -> Account:
    fields = {"first_name": "Sam", "last_name": f"Worker{next(_numbers)}", "is_active": True} | fields
    fields.setdefault("email_verified_at", timezone.now())
    return Account.objects.create_user(email or f"person{next(_numbers)}@example.org", password, **fields)


def signed_in_client(council, account: Account, in_council) -> Client:
    """A client on the council's host, signed in there with two-step done (django_otp
    keeps the verified device in the session)."""
    device, _ = EmailCodeDevice.objects.get_or_create(user=account, defaults={"name": "Email", "confirmed": True})
    client = Client(HTTP_HOST=DOMAINS[council.slug])
    with in_council(council):
        client.force_login(account)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    client.account = account
    return client


@pytest.fixture
def staff_client(in_council):
    """`staff_client(council, role)`: a client signed in with two-step on the council's
    host, as a member of its SEND team with `role` (a StaffRole); `role=None` is a
    family member (signed in and verified, no staff membership)."""

    def make(council, role, **fields) -> Client:
        account = make_account(**fields)
        if role is not None:
            with in_council(council):
                account.membership = StaffMembership.objects.create(account=account, role=role)
        return signed_in_client(council, account, in_council)

    return make


def emails_to(council, in_council, address: str) -> list[OutboundEmail]:
    with in_council(council):
        return list(OutboundEmail.objects.filter(to=[address]))


def invitation_link(email: OutboundEmail) -> str:
    """The path of the invitation link in an email ("/staff/invitations/<token>/")."""
    return re.search(r"https?://[^/\s]+(/staff/invitations/[^/\s]+/)", email.body).group(1)
