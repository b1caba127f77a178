"""The current council's sign-in policy (public schema, cached in-process with the rest
of the council's configuration: tenants.configuration)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest

from tenants.configuration import council_configuration
from tenants.models import SignInPolicy


def current_policy(request: HttpRequest | None = None) -> SignInPolicy:
    """This council's policy; the defaults of a new council where there is no council
    (the platform's own site)."""
    if request is not None and hasattr(request, "_sign_in_policy"):
        return request._sign_in_policy
    tenant = getattr(request, "tenant", None) or getattr(connection, "tenant", None)
    if tenant is not None and getattr(tenant, "pk", None) and not tenant.is_platform:
        policy = council_configuration(council=tenant).sign_in_policy
    else:
        policy = SignInPolicy()
    if request is not None:
        request._sign_in_policy = policy
    return policy
