"""Who is calling: an API client of the council whose host was called.

`Authorization: Bearer <key_id>.<secret>`. The client is looked up in the host's council
schema only, so another council's credential finds nothing here (401). What a client may
do, and that it belongs to this council, is checked by api.permissions on every call."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.credentials import credential_parse, secret_matches
from api.models import ApiClient
from api.services import api_client_used

KEYWORD = "Bearer"
REALM = "api"


class ApiClientAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        credential = credential_parse(token)
        if credential is None:
            raise exceptions.AuthenticationFailed("The credential is not one this API issues.")
        client = ApiClient.objects.filter(key_id=credential.key_id).first()
        matches, rehash = secret_matches(credential.secret, client.secret_hash) if client else (False, False)
        if not matches:
            raise exceptions.AuthenticationFailed("The credential is not valid for this council.")
        if client.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API client has been revoked.")
        api_client_used(client=client, rehash_secret=credential.secret if rehash else None)
        # The audit trail names the client wherever a service records what it did
        # (casework.services.audit.audit_record reads this from the request).
        request._request.audit_actor_label = client.audit_label
        return AnonymousUser(), client

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="{REALM}"'


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiClientAuthentication
    name = "apiClient"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "<key id>.<secret>",
            "description": (
                "An API client's credential, shown once to the council admin who created the client "
                "(Council settings → API clients): `Authorization: Bearer <key id>.<secret>`."
            ),
        }
