"""System checks run at start-up (`manage.py check`, runserver, migrate)."""

from __future__ import annotations

from django.core import checks


@checks.register(checks.Tags.security)
def virus_scanner_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Uploads wait in "being checked" for ever when no scanner is configured: say so at
    start-up, rather than after the first family wonders where their file went."""
    from tenants.virus_scan import scanner_configured

    if scanner_configured():
        return []
    return [
        checks.Warning(
            "No virus scanner is configured: every upload will wait in 'being checked' and never be shown.",
            hint="Set CLAMD_SOCKET or CLAMD_HOST (clamd), or VIRUS_SCANNER=none to pass files unscanned.",
            id="casework.W001",
        )
    ]
