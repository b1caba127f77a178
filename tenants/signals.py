from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .configuration import forget_configurations
from .hosts import forget_hosts
from .models import (
    Council,
    CouncilLink,
    Domain,
    FormVariant,
    FormVersion,
    ServiceArea,
    SignInPolicy,
    StageExplanation,
    Tile,
)


@receiver([post_save, post_delete], sender=Council)
@receiver([post_save, post_delete], sender=Domain)
def forget_cached_hosts(**kwargs) -> None:
    # Now, for this request, and again once committed, so no reader in between
    # keeps an answer from before the change.
    forget_hosts()
    forget_configurations()
    transaction.on_commit(forget_hosts)
    transaction.on_commit(forget_configurations)


@receiver([post_save, post_delete], sender=SignInPolicy)
@receiver([post_save, post_delete], sender=Tile)
@receiver([post_save, post_delete], sender=ServiceArea)
@receiver([post_save, post_delete], sender=CouncilLink)
@receiver([post_save, post_delete], sender=StageExplanation)
@receiver([post_save, post_delete], sender=FormVariant)
@receiver([post_save, post_delete], sender=FormVersion)
def forget_cached_configuration(**kwargs) -> None:
    forget_configurations()
    transaction.on_commit(forget_configurations)
