"""Writes on the family side of a council."""

from __future__ import annotations

from citizen.accounts.models import Account
from citizen.models import FamilyMembership


def family_membership_ensure(*, account: Account) -> FamilyMembership:
    """The account's membership of the current council's portal, created on first use
    (registration here, or the first sign-in here with an account made elsewhere)."""
    membership, _ = FamilyMembership.objects.get_or_create(account=account)
    return membership
