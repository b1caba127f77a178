"""The Celery app. Tasks carry the council they were enqueued in (tenant-schemas-celery)
and run in its schema; with no REDIS_URL they run in-process."""

import os
from pathlib import Path

from celery.signals import heartbeat_sent
from tenant_schemas_celery.app import CeleryApp

# Production unless told otherwise (manage.py sets dev first; the image and chart set it):
# a worker or gunicorn started without it must never run with development settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = CeleryApp("send_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


_HEARTBEAT_FILE = os.environ.get("CELERY_HEARTBEAT_FILE")


@heartbeat_sent.connect
def _touch_heartbeat(**kwargs) -> None:
    """The worker's liveness probe (helm chart) checks this file is fresh."""
    if _HEARTBEAT_FILE:
        Path(_HEARTBEAT_FILE).touch()
