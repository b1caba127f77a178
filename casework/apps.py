from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from casework import checks, signals  # noqa: F401 (start-up checks; the team names' cache)
        from citizen.accounts.roles import staff_lookup_register

        from .decorators import is_council_staff

        staff_lookup_register(is_council_staff)
