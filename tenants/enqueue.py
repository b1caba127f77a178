"""Enqueue a Celery task for the current council once the transaction commits.

`transaction.on_commit` callbacks run after the caller has often left the council's
context, and tenant-schemas-celery stamps a task with the schema current when it is
*published*, so a plain `on_commit(task.delay)` can run in `public` (docs/architecture.md,
"Known traps"). The council is captured here, when the work is queued.

A broker that cannot be reached is logged, not raised: the caller's transaction has
already committed, and what must not be lost was written to PostgreSQL first, where a
retry sweep finds it (tenants.outbox.tasks.retry_unsent_emails).
"""

from __future__ import annotations

import logging

from celery import Task
from django.db import connection, transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    schema_name = connection.schema_name

    def publish() -> None:
        # With no broker (CELERY_TASK_ALWAYS_EAGER: `make run`) the task runs here and now,
        # and tenant-schemas-celery puts the connection back by schema *name*: the request
        # would carry on with a stand-in for its council (no pk, no domain) and fail on
        # the next thing that needs the council itself (found by bench/load.py: a
        # family's upload, then the email to the SEND team). Put the council back.
        tenant = connection.tenant
        try:
            task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema_name})
        except OperationalError as exc:  # kombu's wrapper for the broker's connection errors
            logger.warning("could not publish %s in %s (left for the retry sweep): %s", task.name, schema_name, exc)
        finally:
            if connection.tenant is not tenant and tenant is not None:
                connection.set_tenant(tenant)

    transaction.on_commit(publish)
