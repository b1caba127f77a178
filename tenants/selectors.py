"""Reads of a council's configuration."""

from __future__ import annotations

from dataclasses import dataclass

from .configuration import council_configuration
from .models import Council, CouncilLink, ServiceArea, Tile


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
