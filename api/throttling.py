"""Per-client rate limits: API_RATE_LIMIT (e.g. "600/minute") calls per client, counted
in the cache. Cache keys are prefixed with the council's schema already
(django_tenants.cache.make_key), so two councils' clients never share a count. Over the
limit: 429 with Retry-After."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiClient


class ApiClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self) -> str | None:
        # Read on every call rather than once at import, so a changed setting applies.
        return settings.API_RATE_LIMIT or None

    def get_cache_key(self, request, view) -> str | None:
        client = request.auth
        if not isinstance(client, ApiClient):
            return None  # refused before this anyway: nobody to count
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
