"""Enqueue a Celery task for the current council once the transaction commits.

`transaction.on_commit` callbacks run after the caller has often left the council's
context, and tenant-schemas-celery stamps a task with the schema current when it is
*published*, so a plain `on_commit(task.delay)` can run in `public` (DESIGN.md,
"Known traps"). The council is captured here, when the work is queued.
"""

from __future__ import annotations

from celery import Task
from django.db import connection, transaction


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    schema_name = connection.schema_name

    def publish() -> None:
        task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema_name})

    transaction.on_commit(publish)
