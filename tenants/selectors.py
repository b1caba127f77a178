"""Reads of a council's configuration."""

from __future__ import annotations

from dataclasses import dataclass

from .configuration import council_configuration
from .models import Council, CouncilLink, Domain, PublishedWaitingTimes, ServiceArea, Tile


@dataclass(frozen=True)
class Branding:
    service_areas: tuple[ServiceArea, ...]
    links: tuple[CouncilLink, ...]


def council_branding(*, council: Council) -> Branding:
    """What every page's header and footer show (no query once the process has read
    the council's configuration: tenants.configuration)."""
    found = council_configuration(council=council)
    return Branding(service_areas=found.service_areas, links=found.links)


def council_tiles(*, council: Council) -> tuple[Tile, ...]:
    return council_configuration(council=council).tiles


def council_by_slug(*, slug: str) -> Council | None:
    return Council.objects.exclude(schema_name="public").filter(slug=slug).first()


def published_waiting_times(*, council: Council) -> PublishedWaitingTimes | None:
    """The council's published waiting times, or None where it does not publish them
    (or they are not worked out yet). One query."""
    if not council.publish_waiting_times:
        return None
    return PublishedWaitingTimes.objects.filter(council=council).first()


def published_waiting_times_compared() -> list[tuple[PublishedWaitingTimes, str]]:
    """Every active council that publishes its waiting times, by name, with its primary
    host (for the platform's side-by-side page). Two queries however many councils."""
    rows = (
        PublishedWaitingTimes.objects.filter(council__publish_waiting_times=True, council__is_active=True)
        .select_related("council")
        .order_by("council__name")
    )
    hosts = dict(
        Domain.objects.filter(tenant__in=[r.council_id for r in rows], is_primary=True).values_list(
            "tenant_id", "domain"
        )
    )
    return [(row, hosts.get(row.council_id, "")) for row in rows]
