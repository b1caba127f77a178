from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Councils"

    def ready(self) -> None:
        from . import signals  # noqa: F401
