from django_tenants.middleware.main import TenantMainMiddleware

from .hosts import council_for_host


class CouncilMiddleware(TenantMainMiddleware):
    """Picks the council from the host, through the in-process cache. An unknown
    host (or a deactivated council) is a 404, never the public site."""

    def get_tenant(self, domain_model, hostname):
        return council_for_host(hostname)
