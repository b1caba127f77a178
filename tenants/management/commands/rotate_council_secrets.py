from django.core.management.base import BaseCommand
from django.db import transaction

from tenants.encryption import reseal
from tenants.models import Council


class Command(BaseCommand):
    help = (
        "Re-encrypt every council's stored secrets with the newest key (the first of "
        "COUNCIL_SECRET_KEYS), after a new key was put in front. Then the old key can go."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            councils = Council.objects.select_for_update().exclude(notify_api_key_encrypted="")
            for council in councils:
                council.notify_api_key_encrypted = reseal(council.notify_api_key_encrypted)
                council.save(update_fields=["notify_api_key_encrypted"])
                self.stdout.write(f"  {council.name}: re-encrypted")
