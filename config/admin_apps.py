"""django.contrib.admin with the platform's own admin site as `admin.site` (a second
factor required: config/admin_site.py). Its own module, so the app registry can load it
before any model exists."""

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "config.admin_site.PlatformAdminSite"

    def ready(self) -> None:
        super().ready()
        from config import admin_councils  # noqa: F401 (registers councils, domains, forms)
