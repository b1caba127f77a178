"""`make bench` (bench/): the development stack with DEBUG off, templates cached as in
production, and quiet logs (the harness sets LOG_LEVEL=WARNING), so that a figure
measures the application and not the console.

BENCH_WITHOUT_COUNCILS=1 leaves the council middleware out, for the host-routing
figure's comparison: the same no-op view, no host lookup and no schema switch.
"""

import warnings

from .dev import *  # noqa: F403
from .dev import MIDDLEWARE, TEMPLATES, env, template_loaders

DEBUG = False
TEMPLATES[0]["OPTIONS"]["loaders"] = template_loaders(False)
# Static files come from the finders, as in development: nothing is collected.
WHITENOISE_AUTOREFRESH = False
warnings.filterwarnings("ignore", message="No directory at")
ROOT_URLCONF = "config.urls_bench"
PUBLIC_SCHEMA_URLCONF = "config.urls_bench"
if env.bool("BENCH_WITHOUT_COUNCILS", default=False):
    MIDDLEWARE = [name for name in MIDDLEWARE if name != "tenants.middleware.CouncilMiddleware"]
if env.str("BENCH_DB_TIMES_DIR", default=""):  # bench/load.py: each request's database time
    MIDDLEWARE = ["config.bench_middleware.DatabaseTimeMiddleware", *MIDDLEWARE]
