"""Publishing the council's waiting times (casework.selectors.waiting_times): computed in
the background, nightly and when a council admin turns publishing on, and kept in the
platform's schema (tenants.PublishedWaitingTimes) so that the council's public page and
the platform's side-by-side page read them in one query, never per request from cases."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from casework.selectors.waiting_times import waiting_times_figures
from tenants.current import current_schema
from tenants.models import Council, PublishedWaitingTimes


def waiting_times_publish(*, today: date | None = None) -> PublishedWaitingTimes | None:
    """Compute the current council's figures and publish them; or, where the council does
    not publish them, take down any it published before. Run in the council's schema."""
    council = Council.objects.get(schema_name=current_schema())  # fresh: the choice may have just changed
    if not council.publish_waiting_times:
        PublishedWaitingTimes.objects.filter(council=council).delete()
        return None
    figures = waiting_times_figures(today=today or timezone.localdate())
    published, _ = PublishedWaitingTimes.objects.update_or_create(
        council=council, defaults={"figures": figures, "computed_at": timezone.now()}
    )
    return published
