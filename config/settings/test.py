"""The test suite: `make test`. Same embedded default as development."""

from .dev import *  # noqa: F403
from .dev import CACHES, DATA_DIR, DATABASES, TEMPLATES, env, template_loaders

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = DATA_DIR / "test-media"
TENANT_HOST_CACHE_SECONDS = 30
# Tasks run in-process under test even when REDIS_URL is set (CI sets it; base.py would
# then send them to a broker nobody consumes). The Celery worker that the broker test
# starts with these settings turns this off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# The suite's own clamd (platform/clamd-local, started by `make test` or tests/conftest.py)
# with a signature database of the EICAR test file only: nothing downloaded.
if not env("CLAMD_HOST", default=""):
    CLAMD_SOCKET = env("CLAMD_SOCKET", default=str(DATA_DIR / "clamd" / "clamd.sock"))
# Templates load as in production (cached, keyed per council).
TEMPLATES[0]["OPTIONS"]["loaders"] = template_loaders(False)
# Two suites at once on one machine (parallel work trees, helpers) each name their own.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=f"test_{DATABASES['default']['NAME']}")}
# A cache per test process, cleared after every test (tests/conftest.py); the per-council
# key function is the production one.
# The rate limits' cache shares the default's store (the same LOCATION), so clearing the
# cache after a test clears their counts too.
CACHES = {
    alias: CACHES[alias] | {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": ""}
    for alias in ("default", "ratelimit")
}
