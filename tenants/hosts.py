"""The host-to-council lookup, cached in-process (docs/architecture.md, "Tenancy").

A web process answers most requests without a query. A change to a council or a
domain empties this process's cache at once (tenants.signals); other processes
re-read within TENANT_HOST_CACHE_SECONDS.

The cache is bounded, so a process's memory does not grow with the hosts it is asked
for: councils' hosts are kept up to TENANT_HOST_CACHE_SIZE, least recently used first
out, and unknown hosts (anyone can send any Host header) in a much smaller space of
their own, so that a flood of made-up hosts never pushes a council out.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.db import connection
from django.db.models.base import ModelState

from .models import Council, Domain

_lock = threading.Lock()
# host -> (expires at, council), and unknown host -> expires at; most recently used last.
_councils_by_host: OrderedDict[str, tuple[float, Council]] = OrderedDict()
_unknown_hosts: OrderedDict[str, float] = OrderedDict()


def council_for_host(hostname: str) -> Council:
    """The active council serving `hostname`; Domain.DoesNotExist when none does."""
    now = time.monotonic()
    with _lock:
        hit = _councils_by_host.get(hostname)
        if hit is not None:
            _councils_by_host.move_to_end(hostname)
        unknown_until = _unknown_hosts.get(hostname, 0.0)
    if hit is not None and hit[0] > now:
        council: Council | None = hit[1]
    elif unknown_until > now:
        council = None
    else:
        # Domains are the platform's, in the public schema (django-tenants' connection).
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        council = domain.tenant if domain and domain.tenant.is_active else None
        _remember(hostname, council, now + settings.TENANT_HOST_CACHE_SECONDS)
    if council is None:
        raise Domain.DoesNotExist(hostname)
    return _own_copy(council)


def _own_copy(council: Council) -> Council:
    """A copy for one request, which the middleware writes per-request attributes on.
    What copy.copy does for a model (its __dict__ and its state, with the state's cache
    of related rows), without the pickling protocol it goes through: a tenth of the time."""
    copied = Council.__new__(Council)
    copied.__dict__.update(council.__dict__)
    state = ModelState()
    state.db, state.adding = council._state.db, council._state.adding
    state.fields_cache = dict(council._state.fields_cache)
    copied._state = state
    return copied


def _remember(hostname: str, council: Council | None, until: float) -> None:
    with _lock:
        _councils_by_host.pop(hostname, None)
        _unknown_hosts.pop(hostname, None)
        if council is None:
            _unknown_hosts[hostname] = until
            while len(_unknown_hosts) > settings.TENANT_UNKNOWN_HOST_CACHE_SIZE:
                _unknown_hosts.popitem(last=False)
        else:
            _councils_by_host[hostname] = (until, council)
            while len(_councils_by_host) > settings.TENANT_HOST_CACHE_SIZE:
                _councils_by_host.popitem(last=False)


def cached_hosts() -> tuple[int, int]:
    """How many councils' hosts and unknown hosts this process remembers."""
    with _lock:
        return len(_councils_by_host), len(_unknown_hosts)


def forget_hosts() -> None:
    with _lock:
        _councils_by_host.clear()
        _unknown_hosts.clear()
