from django.core.management.base import BaseCommand, CommandError

from casework.services.forms import builtin_publish_to_councils
from tenants.form_definitions import builtin_slugs
from tenants.models import Council


class Command(BaseCommand):
    help = (
        "Publish one of the platform's built-in forms (section-a, appendix-a) as the newest version of every "
        "council's form based on it, or only the councils named. A council already on it is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("builtin", choices=builtin_slugs())
        parser.add_argument("--council", action="append", default=[], help="a council's short name (repeatable)")

    def handle(self, *args, builtin: str, council: list[str], **options):
        councils = Council.objects.exclude(schema_name="public").order_by("name")
        if council:
            councils = councils.filter(slug__in=council)
            missing = set(council) - set(councils.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No council with the short name: {', '.join(sorted(missing))}")
        for result in builtin_publish_to_councils(builtin=builtin, councils=councils):
            state = f"published as version {result.version.number}" if result.published else "already up to date"
            self.stdout.write(f"  {result.council.name}: {state}")
