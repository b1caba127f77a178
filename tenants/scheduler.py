"""Celery beat for councils (CELERY_BEAT_SCHEDULER): every scheduled task runs once in
each active council's schema, never in `public` (docs/architecture.md, "Known traps").

tenant-schemas-celery 5.0's scheduler sends an entry without `tenant_schemas` to every
tenant but the public one, and one with `"tenant_schemas": [...]` to those only. Its
queryset is every tenant; a council switched off (`is_active`) is left out here.
"""

from __future__ import annotations

from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler


class CouncilBeatScheduler(TenantAwarePersistentScheduler):
    @classmethod
    def get_queryset(cls):
        return super().get_queryset().filter(is_active=True)
