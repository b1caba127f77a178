from django.conf import settings
from django.core.management.base import BaseCommand

from casework.demo import DEMO_COUNCILS, OPERATOR_EMAIL, OPERATOR_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the platform operator and the two demo councils (idempotent)."

    def handle(self, *args, **options):
        results = seed_demo(platform_domain=settings.PLATFORM_DOMAIN)
        for result in results:
            state = "created" if result.created else "already there"
            self.stdout.write(f"  {result.council.name}: {state}")
        port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
        scheme = settings.PUBLIC_URL_SCHEME
        lines = [
            "",
            "The SEND Citizen Portal platform is running:",
            f"  Platform admin   {scheme}://{settings.PLATFORM_DOMAIN}{port}/admin/",
            f"                   sign in as {OPERATOR_EMAIL} / {OPERATOR_PASSWORD}, then set up",
            "                   an authenticator app when asked (its key is shown as text too)",
        ]
        for demo in DEMO_COUNCILS:
            lines.append(f"  {demo.name:<24} {scheme}://{demo.domain}{port}/")
            lines.append(f"                   first admin invited: {demo.admin_email} (see /dev/outbox/)")
            for name, _, admin_email in demo.organisations:
                lines.append(f"                   {name}: its admin invited, {admin_email}")
        self.stdout.write("\n".join(lines) + "\n")
