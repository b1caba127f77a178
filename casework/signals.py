"""What a change to the SEND team makes the pages forget: the caseload's cached team
names (casework.selectors.cases.caseworker_names)."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from casework.models import StaffMembership
from casework.selectors.cases import forget_caseworker_names
from tenants.current import current_schema

# What of an account the team's names show (or whether the account is there at all).
NAMED_BY = {"first_name", "last_name", "email", "is_active"}


@receiver([post_save, post_delete], sender=StaffMembership)
def forget_team_names(**kwargs) -> None:
    forget_caseworker_names()


@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
def forget_team_names_for_account(update_fields=None, **kwargs) -> None:
    # An account is saved on every sign-in (its last sign-in time), and on the
    # platform's own site too (an operator's), where no council's team is cached.
    if update_fields is not None and not NAMED_BY & set(update_fields):
        return
    if current_schema() != "public":
        forget_caseworker_names()
