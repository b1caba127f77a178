"""The Celery app. Tasks carry the council they were enqueued in (tenant-schemas-celery)
and run in its schema; with no REDIS_URL they run in-process."""

import os
from pathlib import Path

from celery.signals import heartbeat_sent, task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp, get_schema_name_from_task

from config.logs import log_context_begin, log_context_end

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


@task_prerun.connect
def _log_context_for_task(task_id=None, task=None, kwargs=None, **_) -> None:
    """A task's log lines carry its council and its id (as a request's carry theirs)."""
    council = get_schema_name_from_task(task, kwargs or {}) if task is not None else None
    task.request.log_context = log_context_begin(request_id=task_id, council=council or "public")


@task_postrun.connect
def _end_log_context_for_task(task=None, **_) -> None:
    tokens = getattr(task.request, "log_context", None) if task is not None else None
    if tokens:
        log_context_end(tokens)
