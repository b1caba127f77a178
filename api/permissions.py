"""What a client may do, checked on every call: an API token is not a session
(docs/architecture.md), so being a valid client somewhere is not enough. The client must belong to
the council of the host called (401 otherwise), and hold the scope the endpoint needs
(403 otherwise)."""

from __future__ import annotations

from rest_framework import exceptions, permissions

from api.models import ApiClient, Scope


class ClientOfThisCouncilWithScope(permissions.BasePermission):
    """The view says which scope it needs: `scope`, or `scopes_by_method` for a view that
    reads with one scope and writes with another."""

    def has_permission(self, request, view) -> bool:
        client = request.auth
        if not isinstance(client, ApiClient):
            return False  # DRF answers 401, with WWW-Authenticate, when nobody authenticated
        council = getattr(request, "tenant", None)
        if council is None or client.council_id != council.pk or client.revoked_at is not None:
            raise exceptions.AuthenticationFailed("The credential is not valid for this council.")
        needed = required_scope(view, request.method)
        if needed not in client.scopes:
            raise exceptions.PermissionDenied(
                f"This API client does not have the {Scope(needed).value!r} scope this needs. "
                "A council admin can create a client that has it (Council settings → API clients)."
            )
        return True


def required_scope(view, method: str) -> str:
    by_method = getattr(view, "scopes_by_method", None)
    if by_method:
        return by_method.get(method, by_method.get("GET"))
    return view.scope
