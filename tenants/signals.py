from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .hosts import forget_hosts
from .models import Council, Domain


@receiver([post_save, post_delete], sender=Council)
@receiver([post_save, post_delete], sender=Domain)
def forget_cached_hosts(**kwargs) -> None:
    # Now, for this request, and again once committed, so no reader in between
    # keeps an answer from before the change.
    forget_hosts()
    transaction.on_commit(forget_hosts)
