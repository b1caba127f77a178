"""Celery beat sends each scheduled task to every active council, in its schema, never
to `public` (docs/architecture.md, "Known traps": beat runs in `public` unless its scheduler is the
tenant-aware one). The schema is checked inside the task."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from tenants.scheduler import CouncilBeatScheduler

pytestmark = pytest.mark.django_db


def test_beat_uses_the_council_scheduler_and_runs_the_outbox_sweep_and_expiry_warnings():
    assert celery_app.conf.beat_scheduler == "tenants.scheduler.CouncilBeatScheduler"
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "casework.tasks.retry_unsent_emails",
        "citizen.tasks.send_password_expiry_warnings",
        "casework.tasks.refresh_stale_cases",
        "casework.tasks.send_deadline_reminders",
        "casework.tasks.publish_waiting_times",
        "casework.tasks.sweep_record_bundles",
        "citizen.tasks.send_draft_reply_reminders",
        "api.tasks.prune_api_records",
        "casework.tasks.rescan_waiting_uploads",
        "citizen.accounts.tasks.sweep_address_requests",
    }
    assert all("tenant_schemas" not in entry for entry in settings.CELERY_BEAT_SCHEDULE.values())  # every council
    celery_app.loader.import_default_modules()  # what a worker does at start (autodiscovery)
    for task in tasks:
        assert task in celery_app.tasks


@pytest.mark.parametrize(
    ("entry_name", "service"),
    [
        ("retry-unsent-emails", "tenants.outbox.tasks.emails_retry_due"),
        ("password-expiry-warnings", "citizen.tasks.password_expiry_warnings_send"),
        ("refresh-stale-cases", "casework.services.cases.cases_refresh_stale"),
        ("deadline-reminders", "casework.services.reminders.deadline_reminders_send"),
        ("publish-waiting-times", "casework.services.waiting_times.waiting_times_publish"),
        ("sweep-record-bundles", "casework.services.bundles.record_bundles_sweep"),
        ("draft-reply-reminders", "citizen.services_family.draft_reply_reminders_send"),
        ("prune-api-records", "api.tasks.api_records_prune"),
        ("sweep-address-requests", "citizen.accounts.tasks.address_requests_sweep"),
    ],
)
def test_each_scheduled_task_runs_once_in_each_active_council(
    entry_name, service, cumbria, somerset, tmp_path, monkeypatch
):
    celery_app.loader.import_default_modules()  # the tasks known, so they run here (eager), not to a broker
    ran_in: list[str] = []
    monkeypatch.setattr(service, lambda **kwargs: ran_in.append(connection.schema_name) or [])
    scheduler = CouncilBeatScheduler(app=celery_app, schedule_filename=str(tmp_path / "beat-schedule"))
    try:
        entry = scheduler.schedule[f"{entry_name}@__all_tenants_only__"]
        scheduler.apply_entry(entry)
        assert sorted(ran_in) == sorted([cumbria.schema_name, somerset.schema_name])

        ran_in.clear()
        somerset.is_active = False
        somerset.save(update_fields=["is_active"])
        scheduler.apply_entry(entry)
        assert ran_in == [cumbria.schema_name]
    finally:
        scheduler.close()
