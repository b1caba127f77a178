"""Reads of a council's configuration."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Council, CouncilLink, ServiceArea, Tile


@dataclass(frozen=True)
class Branding:
    service_areas: list[ServiceArea]
    links: list[CouncilLink]


def council_branding(*, council: Council) -> Branding:
    """What every page's header and footer show: two queries whatever the page."""
    return Branding(
        service_areas=list(ServiceArea.objects.filter(council=council)),
        links=list(CouncilLink.objects.filter(council=council)),
    )


def council_tiles(*, council: Council) -> list[Tile]:
    return list(Tile.objects.filter(council=council, enabled=True))


def council_by_slug(*, slug: str) -> Council | None:
    return Council.objects.exclude(schema_name="public").filter(slug=slug).first()
