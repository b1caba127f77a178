"""Emails that answer a request about an email address (a forgotten password, a new
activation link). They are worked out here, after the request, so the request does the
same work whether or not the address has an account (issue 18). The request was written
to PostgreSQL first (AddressRequest): the sweep answers any whose task never ran."""

import logging

from celery import shared_task
from django.db import connection

from .services_registration import address_request_handle, address_requests_sweep

logger = logging.getLogger(__name__)


@shared_task
def handle_address_request(*, request_id: int) -> bool:
    return address_request_handle(request_id=request_id)


@shared_task
def sweep_address_requests() -> int:
    """Every minute in each council (beat): the requests no task answered."""
    if connection.schema_name == "public":
        logger.error("sweep_address_requests ran in the public schema; it must run in a council")
        return 0
    answered = address_requests_sweep()
    if answered:
        logger.info("address-request sweep in %s answered %s requests", connection.schema_name, answered)
    return answered
