"""`manage.py migrate_councils [--executor=standard|multiprocessing]`: migrate the council
schemas that need it, and only those (issue 13: a deploy's no-op migration of 153
councils took django-tenants 15 to 20 minutes, its issues 106, 1082 and 719).

One query reads every council schema's recorded migrations (of the council apps, as
tenants/template.py compares them) beside the code's. A council that has them all is
left alone; when some are behind, `migrate_schemas --tenant` runs for those, one by one
when they are few, or for all with the executor asked for when most are. The template is
brought up to date last (`council_template`).
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from tenants.models import Council
from tenants.template import code_migrations, council_apps, template_ready

# Above this share of the councils behind, one `migrate_schemas --tenant` for all (with
# its executor) beats one call per council.
MOST = 0.5


def councils_behind() -> list[str]:
    """The council schemas missing one of the code's council migrations (one query)."""
    schemas = list(Council.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    if not schemas:
        return []
    wanted = len(code_migrations())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace n WHERE nspname = ANY(%s) "
            "AND to_regclass(quote_ident(nspname) || '.django_migrations') IS NOT NULL",
            [schemas],
        )
        migrated = [row[0] for row in cursor.fetchall()]
        counts: dict[str, int] = {}
        if migrated:
            code = sorted(f"{app}.{name}" for app, name in code_migrations())
            # The schema names are the councils' own, read from pg_namespace just above.
            union = " UNION ALL ".join(
                f"SELECT %s, count(*) FROM \"{schema}\".django_migrations WHERE app || '.' || name = ANY(%s)"  # noqa: S608
                for schema in migrated
            )
            cursor.execute(union, [value for schema in migrated for value in (schema, code)])
            counts = dict(cursor.fetchall())
    return [schema for schema in schemas if counts.get(schema, 0) < wanted]


class Command(BaseCommand):
    help = "Migrate the council schemas that are behind the code's migrations, and only those."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--executor", default="standard", choices=["standard", "multiprocessing"])

    def handle(self, *args, executor: str, **options) -> None:
        started = time.monotonic()
        total = Council.objects.exclude(schema_name="public").count()
        behind = councils_behind()
        verbosity = options["verbosity"]
        if len(behind) > total * MOST:
            call_command("migrate_schemas", tenant=True, executor=executor, interactive=False, verbosity=verbosity)
        else:
            for schema in behind:
                call_command("migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=verbosity)
        template_ready(verbosity=max(0, verbosity - 1))
        self.stdout.write(
            f"{len(behind)} of {total} councils were behind the code's migrations ({', '.join(sorted(council_apps()))})"
            f" and are now current; {time.monotonic() - started:.1f} s."
        )
