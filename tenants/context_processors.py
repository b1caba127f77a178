from django.http import HttpRequest

from .selectors import council_branding


def council(request: HttpRequest) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_platform:
        return {}
    return {"council": tenant, "branding": council_branding(council=tenant)}
