"""A task enqueued on commit runs at once when there is no broker (`make run`,
CELERY_TASK_ALWAYS_EAGER), inside the request that enqueued it: the request must carry
on with its own council afterwards, not a stand-in that has its schema's name only."""

import pytest
from django.db import connection

from tenants.enqueue import enqueue_on_commit
from tenants.outbox.tasks import retry_unsent_emails

pytestmark = pytest.mark.django_db


def test_after_a_task_run_in_the_request_the_council_is_still_the_councils_own(
    cumbria, somerset, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        connection.set_tenant(cumbria)
        enqueue_on_commit(retry_unsent_emails)  # for Cumbria, run when this commits
        connection.set_tenant(somerset)  # the request carries on elsewhere before it does
    assert connection.tenant == somerset and connection.tenant.pk == somerset.pk
    assert connection.tenant.domains.exists()  # the council itself, not a schema name
    assert connection.schema_name == somerset.schema_name
