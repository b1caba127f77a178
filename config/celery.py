"""The Celery app. Tasks carry the council they were enqueued in (tenant-schemas-celery)
and run in its schema; with no REDIS_URL they run in-process."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("send_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
