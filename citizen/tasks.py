"""The family side's scheduled work, run in each active council (CELERY_BEAT_SCHEDULE)."""

import logging

from django.db import connection

from citizen.services import password_expiry_warnings_send
from config.celery import app

logger = logging.getLogger(__name__)


@app.task
def send_password_expiry_warnings() -> int:
    if connection.schema_name == "public":
        # Beat without the tenant-aware scheduler (DESIGN.md, "Known traps").
        logger.error("send_password_expiry_warnings ran in the public schema; it must run in a council")
        return 0
    queued = password_expiry_warnings_send()
    if queued:
        logger.info("%s password expiry warnings queued in %s", queued, connection.schema_name)
    return queued
