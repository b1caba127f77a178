"""Templates from themes/<council-slug>/templates/ win over themes/base/templates/."""

from django.conf import settings
from django.db import connection
from django.template.loaders.cached import Loader as CachedLoader
from django.template.loaders.filesystem import Loader as FilesystemLoader


def current_council_slug() -> str | None:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "slug", None) if tenant is not None and tenant.schema_name != "public" else None


class CouncilThemeLoader(FilesystemLoader):
    def get_dirs(self):
        slug = current_council_slug()
        return [settings.THEMES_DIR / slug / "templates"] if slug else []


class CouncilCachedLoader(CachedLoader):
    """Django's cached loader keyed by council too, so one council's override is
    never served to another."""

    def cache_key(self, template_name, skip=None):
        return f"{current_council_slug() or '-'}:{super().cache_key(template_name, skip)}"
