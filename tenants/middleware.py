from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpResponseNotFound
from django_tenants.middleware.main import TenantMainMiddleware

from .hosts import council_for_host
from .models import Domain


class CouncilMiddleware(TenantMainMiddleware):
    """Picks the council from the host, through the in-process cache. An unknown
    host (or a deactivated council) is a 404, never the public site.

    django-tenants' own process_request, without what a cached lookup does not need
    (bench/routing.py): it switched to the public schema and back on every request
    (two set_tenant calls, each emptying the content-type cache) and looked up the
    domain model by name each time. Here the connection goes to the public schema only
    when no council answers, so that nothing after the 404 reads the previous
    request's council; a known host switches straight to its council, which is all a
    schema switch is (the SET search_path comes with the next query)."""

    def process_request(self, request):
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            connection.set_schema_to_public()
            return HttpResponseNotFound()
        try:
            council = council_for_host(hostname)
        except Domain.DoesNotExist:
            connection.set_schema_to_public()
            return self.no_tenant_found(request, hostname)
        council.domain_url = hostname
        request.tenant = council
        connection.set_tenant(council)
        self.setup_url_routing(request)
