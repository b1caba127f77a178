"""The family side's scheduled work, run in each active council (CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task
from django.db import connection

from citizen.services import password_expiry_warnings_send

logger = logging.getLogger(__name__)


@shared_task
def send_password_expiry_warnings() -> int:
    if connection.schema_name == "public":
        # Beat without the tenant-aware scheduler (docs/architecture.md, "Known traps").
        logger.error("send_password_expiry_warnings ran in the public schema; it must run in a council")
        return 0
    queued = password_expiry_warnings_send()
    if queued:
        logger.info("%s password expiry warnings queued in %s", queued, connection.schema_name)
    return queued


@shared_task
def send_draft_reply_reminders() -> int:
    """Daily in each council: remind families whose time to reply to a draft plan (or
    proposed changes) ends within a few days (citizen.services_family)."""
    if connection.schema_name == "public":
        logger.error("send_draft_reply_reminders ran in the public schema; it must run in a council")
        return 0
    from citizen.services_family import draft_reply_reminders_send

    queued = draft_reply_reminders_send()
    if queued:
        logger.info("%s draft reply reminders queued in %s", queued, connection.schema_name)
    return queued
