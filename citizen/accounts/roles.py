"""What identity needs to know of the layers above it, asked through hooks and signals,
so that `citizen.accounts` imports neither casework nor the family area
(docs/architecture.md, "Layers").

- `is_council_staff(account)`: is the account on the current council's SEND team? The
  two-step pages ask, to require an authenticator app where the council's policy says
  staff must use one. Casework answers (its AppConfig registers the lookup at start-up).
- `account_registered`, `account_activated`, `account_signed_in`: sent when an account
  is registered on a council's site, when its email address is first proven (an
  activation or reset link), and when it signs in there. The family area listens, to
  give the account its membership of this council's portal (citizen.apps).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

if TYPE_CHECKING:
    from .models import Account

# Each is sent with sender=Account and account=<the Account>, inside the transaction.
account_registered = Signal()
account_activated = Signal()
account_signed_in = Signal()

_staff_lookup: Callable[[Account], bool] | None = None


def staff_lookup_register(lookup: Callable[[Account], bool]) -> None:
    global _staff_lookup
    _staff_lookup = lookup


def is_council_staff(account: Account) -> bool:
    if _staff_lookup is None:  # never guess "not staff": that would relax staff's two-step
        raise ImproperlyConfigured("No staff lookup registered: is casework in INSTALLED_APPS?")
    return _staff_lookup(account)
