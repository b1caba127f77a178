"""A council's configuration as its pages read it, cached in-process like its host
(tenants.hosts; docs/architecture.md, "Tenancy").

Tiles, service areas, footer links, the sign-in policy, the council's own words for each
step and the forms it offers change a few times a year, and every page draws some of them: read once per
process, not four or five queries a page. A change to any of them empties this process's
cache at once (tenants.signals); other processes read it again within
TENANT_HOST_CACHE_SECONDS, as they do a changed host. Settings pages read the rows
themselves (casework.selectors.settings), never this copy.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings

from .form_definitions import FEEDS_ADVICE, FEEDS_REVIEW_REPORT, PROFESSIONAL_FEEDS
from .models import (
    Council,
    CouncilLink,
    FormVariant,
    FormVersion,
    ServiceArea,
    SignInPolicy,
    StageExplanation,
    Tile,
)


@dataclass(frozen=True)
class Configuration:
    """What a council's pages read of its configuration. Treat as read-only: one
    process's requests share it."""

    sign_in_policy: SignInPolicy
    tiles: tuple[Tile, ...]  # enabled only, in order
    service_areas: tuple[ServiceArea, ...]
    links: tuple[CouncilLink, ...]
    stage_explanations: dict[tuple[str, str], str]  # (case kind, step key) -> text
    # The enabled forms that have a published version, each with its latest published
    # version (frozen once published), by title.
    forms: tuple[tuple[FormVariant, FormVersion], ...]
    # The enabled advice forms (those a family is never offered: the definition feeds
    # "advice"), by the kind of advice each is for (the first by title, when two are).
    advice_forms: dict[str, tuple[FormVariant, FormVersion]] = field(default_factory=dict)
    # The enabled form a school or setting running an annual review sends its report
    # with (feeds "review_report"; the first by title), or None: it attaches a file.
    review_report_form: tuple[FormVariant, FormVersion] | None = None


_lock = threading.Lock()
_configurations: OrderedDict[int, tuple[float, Configuration]] = OrderedDict()


def council_configuration(*, council: Council) -> Configuration:
    """The council's configuration: seven queries the first time a process reads it (and
    again after TENANT_HOST_CACHE_SECONDS), none after."""
    now = time.monotonic()
    with _lock:
        hit = _configurations.get(council.pk)
        if hit is not None:
            _configurations.move_to_end(council.pk)
    if hit is not None and hit[0] > now:
        return hit[1]
    found = _read(council)
    with _lock:
        _configurations[council.pk] = (now + settings.TENANT_HOST_CACHE_SECONDS, found)
        while len(_configurations) > settings.TENANT_HOST_CACHE_SIZE:
            _configurations.popitem(last=False)
    return found


def _read(council: Council) -> Configuration:
    variants = list(FormVariant.objects.filter(council=council, enabled=True).order_by("title", "pk"))
    latest = {
        version.variant_id: version
        for version in FormVersion.objects.filter(variant__in=variants, published_at__isnull=False)
        .order_by("variant_id", "-number")
        .distinct("variant_id")
    }
    published = [v for v in variants if v.pk in latest]
    advice: dict[str, tuple[FormVariant, FormVersion]] = {}
    for variant in published:
        if _feeds(latest[variant.pk]) == FEEDS_ADVICE:
            advice.setdefault(latest[variant.pk].definition.get("advice_kind", ""), (variant, latest[variant.pk]))
    review_report = next((v for v in published if _feeds(latest[v.pk]) == FEEDS_REVIEW_REPORT), None)
    return Configuration(
        sign_in_policy=SignInPolicy.objects.filter(council=council).first() or SignInPolicy(council=council),
        tiles=tuple(Tile.objects.filter(council=council, enabled=True)),
        service_areas=tuple(ServiceArea.objects.filter(council=council)),
        links=tuple(CouncilLink.objects.filter(council=council)),
        stage_explanations={
            (r.case_kind, r.stage_key): r.text for r in StageExplanation.objects.filter(council=council)
        },
        forms=tuple((v, latest[v.pk]) for v in published if _feeds(latest[v.pk]) not in PROFESSIONAL_FEEDS),
        advice_forms=advice,
        review_report_form=(review_report, latest[review_report.pk]) if review_report else None,
    )


def _feeds(version: FormVersion) -> str:
    return version.definition.get("feeds", "")


def cached_configurations() -> int:
    with _lock:
        return len(_configurations)


def forget_configurations() -> None:
    with _lock:
        _configurations.clear()
