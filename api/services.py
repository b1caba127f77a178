"""Writes about API clients: created and revoked by a council admin (each an audit event),
and the record of every call a client makes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from api.credentials import Credential, credential_new, secret_hash
from api.models import ApiCall, ApiClient, IdempotencyKey, Scope
from casework.models import AuditEvent, StaffMembership
from casework.services.audit import audit_record
from tenants.models import Council

SUBJECT = AuditEvent.Subject.API_CLIENT
# last_used_at is written at most this often per client: a client polling every second
# does not cost a write every second.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _name_taken(name: str, exclude_id: int | None = None) -> bool:
    clients = ApiClient.objects.filter(name__iexact=name, revoked_at__isnull=True)
    if exclude_id is not None:
        clients = clients.exclude(pk=exclude_id)
    return clients.exists()


NAME_TAKEN = "A council system with this name can already call the API. Choose another name, or revoke that one first"


@transaction.atomic
def api_client_create(
    *, council: Council, name: str, scopes: Iterable[str], by: StaffMembership, request: HttpRequest | None = None
) -> tuple[ApiClient, Credential]:
    """A new client for `council` (the current schema's council), and its credential: the
    only time the secret exists outside the caller's hands, so show it once, then forget it."""
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError({"scopes": "Choose what this council system may do"})
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValidationError({"scopes": f"Not a scope: {', '.join(sorted(unknown))}"})
    credential = credential_new()
    client = ApiClient(
        council=council,
        name=(name or "").strip(),
        key_id=credential.key_id,
        secret_hash=secret_hash(credential.secret),
        scopes=scopes,
        created_by=by.account,
    )
    client.full_clean(validate_constraints=False)
    if _name_taken(client.name):
        raise ValidationError({"name": NAME_TAKEN})
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:  # the same name, saved meanwhile
        raise ValidationError({"name": NAME_TAKEN}) from None
    audit_record(
        actor=by.account,
        actor_role=by.role,
        action=AuditEvent.Action.CREATED,
        subject=SUBJECT,
        subject_id=client.pk,
        summary=f"Created an API client with scopes: {', '.join(scopes)}",
        request=request,
    )
    return client, credential


@transaction.atomic
def api_client_revoke(*, client: ApiClient, by: StaffMembership, request: HttpRequest | None = None) -> ApiClient:
    """Stop a client at once: its next call is refused. Revoking again changes nothing."""
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = by.account
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=by.account,
        actor_role=by.role,
        action=AuditEvent.Action.CHANGED,
        subject=SUBJECT,
        subject_id=locked.pk,
        summary="Revoked an API client",
        request=request,
    )
    return locked


def api_client_used(*, client: ApiClient, rehash_secret: str | None = None) -> None:
    """Note that the client called now (at most once a minute); with `rehash_secret`,
    store its hash under the current key (it matched under an old one)."""
    now = timezone.now()
    if rehash_secret is not None:
        client.secret_hash = secret_hash(rehash_secret)
        ApiClient.objects.filter(pk=client.pk).update(secret_hash=client.secret_hash, last_used_at=now)
    elif client.last_used_at is None or client.last_used_at < now - LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    else:
        return
    client.last_used_at = now


def api_call_record(*, client: ApiClient, method: str, path: str, status_code: int) -> ApiCall:
    return ApiCall.objects.create(client=client, method=method[:10], path=path[:300], status_code=status_code)


def api_records_prune(*, calls_older_than: timedelta, keys_older_than: timedelta) -> tuple[int, int]:
    """Forget old calls and idempotency keys (a key older than this is no longer
    recognised: a repeat after that acts again). Returns how many of each went."""
    now = timezone.now()
    calls, _ = ApiCall.objects.filter(created_at__lt=now - calls_older_than).delete()
    keys, _ = IdempotencyKey.objects.filter(created_at__lt=now - keys_older_than).delete()
    return calls, keys
