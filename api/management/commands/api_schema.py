"""`manage.py api_schema`: write the API's OpenAPI document to api/openapi.yaml, so that a
change to the API is a deliberate change to the committed document (tests compare the
two). `--check` only says whether they differ."""

from django.core.management.base import BaseCommand, CommandError

from api.schema import COMMITTED, schema_generate


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to api/openapi.yaml (--check: fail if it differs)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail, changing nothing, if the file differs.")

    def handle(self, *args, check: bool = False, **options):
        generated = schema_generate()
        current = COMMITTED.read_text() if COMMITTED.exists() else ""
        if check:
            if generated != current:
                raise CommandError(f"{COMMITTED} is out of date: run `make api-schema` and commit it.")
            self.stdout.write(f"{COMMITTED} is up to date.")
            return
        if generated == current:
            self.stdout.write(f"{COMMITTED} was already up to date.")
            return
        COMMITTED.write_text(generated)
        self.stdout.write(self.style.SUCCESS(f"Wrote {COMMITTED}: commit it with the change to the API."))
