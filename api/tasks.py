"""The API's housekeeping, daily in each council (CELERY_BEAT_SCHEDULE)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import connection

from api.services import api_records_prune

logger = logging.getLogger(__name__)

# The call log is kept this long for council admins and the operators to look back on.
CALLS_KEPT = timedelta(days=90)
# An Idempotency-Key is recognised for this long: a client retries within minutes, not days.
KEYS_KEPT = timedelta(days=1)


@shared_task
def prune_api_records() -> tuple[int, int]:
    if connection.schema_name == "public":
        logger.error("prune_api_records ran in the public schema; it must run in a council")
        return 0, 0
    return api_records_prune(calls_older_than=CALLS_KEPT, keys_older_than=KEYS_KEPT)
