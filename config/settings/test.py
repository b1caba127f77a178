"""The test suite: `make test`. Same embedded default as development."""

from .dev import *  # noqa: F403
from .dev import DATA_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = DATA_DIR / "test-media"
TENANT_HOST_CACHE_SECONDS = 30
