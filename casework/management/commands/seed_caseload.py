"""`manage.py seed_caseload --council <slug> [--children 20000] [--caseworkers 200]`: a
Kent-sized caseload of made-up children, cases, caseworkers, documents and messages in
one council, for measuring (casework/services/seed_caseload.py). `--remove` takes it
away again. Refused on a council that is not a demo or bench one unless `--force`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from casework.services.seed_caseload import caseload_seed, caseload_seed_remove
from tenants.models import Council


class Command(BaseCommand):
    help = "Seed a council with a Kent-sized made-up caseload (or remove it), for measuring."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--council", required=True, help="The council's short name (slug).")
        parser.add_argument("--children", type=int, default=20000)
        parser.add_argument("--caseworkers", type=int, default=200)
        parser.add_argument("--remove", action="store_true", help="Remove the seeded rows instead.")
        parser.add_argument("--force", action="store_true", help="Seed a council that is not a demo or bench one.")

    def handle(self, *args, council: str, children: int, caseworkers: int, remove: bool, force: bool, **options):
        found = Council.objects.filter(slug=council).first()
        if found is None:
            raise CommandError(f"No council has the short name '{council}'.")
        if not (force or found.slug in ("cumbria", "somerset") or found.slug.startswith("bench")):
            raise CommandError(
                f"{found.name} is not a demo or bench council: its caseload is real. Add --force to seed it anyway."
            )
        started = time.monotonic()
        with tenant_context(found):
            if remove:
                caseload_seed_remove()
                self.stdout.write(
                    f"Removed the seeded caseload from {found.name} in {time.monotonic() - started:.1f} s."
                )
                return
            seeded = caseload_seed(children=children, caseworkers=caseworkers)
        self.stdout.write(
            f"Seeded {found.name} in {time.monotonic() - started:.1f} s: {seeded.children:,} children, "
            f"{seeded.cases:,} cases, {seeded.caseworkers} caseworkers, {seeded.documents:,} documents, "
            f"{seeded.messages:,} messages."
        )
