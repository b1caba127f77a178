from django.core.management.base import BaseCommand
from django.db import transaction

from citizen.accounts.models import AuthenticatorDevice
from tenants.encryption import reseal


class Command(BaseCommand):
    help = (
        "Re-encrypt every authenticator app's secret with the newest key (the first of "
        "COUNCIL_SECRET_KEYS), after a new key was put in front; run it with "
        "rotate_council_secrets, before the old key goes."
    )

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for device in AuthenticatorDevice.objects.select_for_update().order_by("pk"):
                device.sealed_key = reseal(device.sealed_key)
                device.save(update_fields=["sealed_key"])
                count += 1
        self.stdout.write(f"  {count} authenticator app secret{'' if count == 1 else 's'} re-encrypted")
