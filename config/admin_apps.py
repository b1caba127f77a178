"""Two contrib apps configured for the platform: django.contrib.admin with the
platform's own admin site as `admin.site` (a second factor required:
config/admin_site.py), and django.contrib.staticfiles. Their own module, so the app
registry can load them before any model exists."""

from django.contrib.admin.apps import AdminConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "config.admin_site.PlatformAdminSite"

    def ready(self) -> None:
        super().ready()
        from config import admin_councils  # noqa: F401 (registers councils, domains, forms)


class PortalStaticFilesConfig(StaticFilesConfig):
    """collectstatic leaves out GOV.UK Frontend's sources (Sass, Nunjucks, ES modules,
    their test fixtures and docs): pages load only its compiled script and its assets
    (themes/base/static/portal/init.js, portal.css). They were 900 of the 1,100 files
    the image's build compressed, and most of its 45 s."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        *("*.scss", "*.njk", "*.md", "*.mjs", "*.mjs.map"),
        *("fixtures.json", "macro-options.json", "template-*.html"),
    ]
