"""Addresses for emails: the council's stored domain with the PUBLIC_URL_* settings.

Never the request's Host header (issue 18, item 6): a request that reached the site as
`www.council…`, through another port or through a proxy must not change where an
activation, reset, two-step, invitation or notice link points. The primary domain
(tenants.Domain) is the council's address; the scheme and the port are the platform's
(PUBLIC_URL_SCHEME, PUBLIC_URL_PORT: `http` and `8000` for `make run`, `https` and none
in production).
"""

from __future__ import annotations

from django.conf import settings

from .models import Council, Domain

DEFAULT_PORTS = {"http": "80", "https": "443"}


def public_base_url(*, domain: str) -> str:
    """ "https://send.council.gov.uk" for a host name, with the configured scheme and port."""
    scheme = settings.PUBLIC_URL_SCHEME
    port = str(settings.PUBLIC_URL_PORT or "")
    suffix = f":{port}" if port and port != DEFAULT_PORTS.get(scheme) else ""
    return f"{scheme}://{domain}{suffix}"


def council_domain(*, council: Council) -> str | None:
    """The council's primary domain; else its first domain; None when it has none."""
    domain = (
        Domain.objects.filter(tenant=council).order_by("-is_primary", "id").values_list("domain", flat=True).first()
    )
    return domain


def council_url(*, council: Council, path: str = "") -> str:
    """An absolute address on the council's own site for an email: `path` (from
    `reverse`, starting with "/") on its stored domain. "" when the council has no
    domain at all (a link could not be followed; callers leave it out)."""
    domain = council_domain(council=council)
    return public_base_url(domain=domain) + path if domain else ""
