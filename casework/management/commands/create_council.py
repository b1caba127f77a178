from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casework.services.councils import council_create


class Command(BaseCommand):
    help = "Provision a council: its schema, domain, default configuration and an invitation for its first admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The council's name, e.g. 'North Yorkshire Council'.")
        parser.add_argument("--slug", required=True, help="Short name: lower-case letters, digits, hyphens.")
        parser.add_argument("--domain", required=True, help="Host name of the council's site.")
        parser.add_argument("--admin-email", required=True, help="Email of the council's first admin (invited).")
        parser.add_argument("--sender-email", help="Address the council's emails come from (default no-reply@DOMAIN).")

    def handle(self, *args, **options):
        try:
            result = council_create(
                name=options["name"],
                slug=options["slug"],
                domain=options["domain"],
                admin_email=options["admin_email"],
                sender_email=options["sender_email"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        council = result.council
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Created {council.name} (schema {council.schema_name})."))
        else:
            self.stdout.write(f"{council.name} already exists; nothing changed.")
        if result.invited:
            self.stdout.write(f"Invited {options['admin_email']} as the council's first admin.")
