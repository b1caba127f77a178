from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Domain
from tenants.services import platform_ensure


class Command(BaseCommand):
    help = (
        "Create the platform's own site: its row (schema public) and its domain, PLATFORM_DOMAIN unless "
        "--domain is given. Until it exists the platform host answers 404. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--domain", help="Host name of the operators' admin (default: PLATFORM_DOMAIN).")

    def handle(self, *args, **options):
        candidate = Domain(domain=options["domain"] or settings.PLATFORM_DOMAIN)
        try:
            candidate.clean()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        domain = candidate.domain
        councils = Domain.objects.select_related("tenant").exclude(tenant__schema_name="public")
        taken = councils.filter(domain=domain).first()
        if taken is not None:
            raise CommandError(f"{domain} already serves {taken.tenant.name}; the platform needs a host of its own.")
        platform = platform_ensure(domain=domain)
        hosts = ", ".join(platform.domains.order_by("domain").values_list("domain", flat=True))
        self.stdout.write(self.style.SUCCESS(f"The platform's site (its admin at /admin/) is served on: {hosts}."))
