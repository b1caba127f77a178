"""Local development: `make run`. Embedded PostgreSQL unless DATABASE_URL is set."""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR, TEMPLATES, database_from_url, env, template_loaders

DEBUG = env.bool("DJANGO_DEBUG", default=True)
TEMPLATES[0]["OPTIONS"]["loaders"] = template_loaders(DEBUG)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", ".localhost", "127.0.0.1"])

if "DATABASE_URL" not in os.environ:
    from config.embedded import database_url

    database_url(DATA_DIR)

DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
PUBLIC_URL_SCHEME = env("PUBLIC_URL_SCHEME", default="http")
PUBLIC_URL_PORT = env("PUBLIC_URL_PORT", default="8000")
# Static files come from the finders in development; nothing is collected.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
