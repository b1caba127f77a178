"""Fixtures for the team and council settings screens: the invitation emails a council
sent. Staff clients (or, with `role=None`, a family) and accounts come from
tests/casework/conftest.py."""

from __future__ import annotations

import re

from tenants.outbox.models import OutboundEmail
from tests.casework.conftest import PASSWORD, make_account, signed_in_client  # noqa: F401 (the tests import them from here)


def emails_to(council, in_council, address: str) -> list[OutboundEmail]:
    with in_council(council):
        return list(OutboundEmail.objects.filter(to=[address]))


def invitation_link(email: OutboundEmail) -> str:
    """The path of the invitation link in an email ("/staff/invitations/<token>/")."""
    return re.search(r"https?://[^/\s]+(/staff/invitations/[^/\s]+/)", email.body).group(1)
