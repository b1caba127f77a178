"""The host-to-council lookup, cached in-process (DESIGN.md, "Tenancy").

A web process answers most requests without a query. A change to a council or a
domain empties this process's cache at once (tenants.signals); other processes
re-read within TENANT_HOST_CACHE_SECONDS.
"""

from __future__ import annotations

import copy
import threading
import time

from django.conf import settings

from .models import Council, Domain

_lock = threading.Lock()
_councils_by_host: dict[str, tuple[float, Council | None]] = {}


def council_for_host(hostname: str) -> Council:
    """The active council serving `hostname`; Domain.DoesNotExist when none does."""
    now = time.monotonic()
    with _lock:
        hit = _councils_by_host.get(hostname)
    if hit is not None and hit[0] > now:
        council = hit[1]
    else:
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        council = domain.tenant if domain and domain.tenant.is_active else None
        with _lock:
            _councils_by_host[hostname] = (now + settings.TENANT_HOST_CACHE_SECONDS, council)
    if council is None:
        raise Domain.DoesNotExist(hostname)
    # Each request gets its own copy: the middleware writes per-request attributes on it.
    return copy.copy(council)


def forget_hosts() -> None:
    with _lock:
        _councils_by_host.clear()
