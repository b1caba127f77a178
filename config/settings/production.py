"""Production: every secret from the environment, none defaulted; start fails without one."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, database_from_url, env, logging_with_format

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Old keys still accepted while sessions and links signed with them run out (rotation).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to at least 32 random characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the platform's and councils' host names.")

DATABASES = {"default": database_from_url(env("DATABASE_URL"))}

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse these cookies unless they are Secure, for
# Path=/ and without a Domain: no other site under a parent domain (another council's
# host, a compromised sibling) can set or shadow them. Renaming signs everyone out once.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Logs: one JSON object per line on stdout (config/logs.py) unless LOG_FORMAT=text.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = logging_with_format(LOGGING, LOG_FORMAT, stream="ext://sys.stdout")
