"""`manage.py council_template`: make the council template schema, or bring it up to the
code's migrations (tenants/template.py). Run after `migrate_schemas` by `make migrate`
and the Helm migration job, so a council provisioned next is a copy, not a migration."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from tenants.template import template_behind, template_ready, template_schema


class Command(BaseCommand):
    help = "Make the council template schema or bring it up to the code's migrations."

    def handle(self, *args, **options) -> None:
        schema = template_schema()
        if schema is None:
            self.stdout.write("No council template (TENANT_CREATION_FAKES_MIGRATIONS is off): nothing to do.")
            return
        started = time.monotonic()
        behind = len(template_behind(schema))
        template_ready(verbosity=max(0, options["verbosity"] - 1))
        took = time.monotonic() - started
        if behind:
            self.stdout.write(f"Council template {schema}: {behind} migrations applied in {took:.1f} s.")
        else:
            self.stdout.write(f"Council template {schema}: already current ({took:.2f} s to check).")
