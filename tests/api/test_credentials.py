"""Credentials and housekeeping: a secret is kept only as a keyed hash that survives a
rotation of DJANGO_SECRET_KEY (moved to the new key at the client's next call), and old
calls and idempotency keys are forgotten daily."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.credentials import credential_parse, secret_hash, secret_matches
from api.models import ApiCall, ApiClient, IdempotencyKey
from api.tasks import prune_api_records

from .conftest import api_client_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "token",
    ["", "abc", "0123456789abcdef", "0123456789abcdef.", ".secret", "short.secret", "0123456789abcdef." + "x" * 101],
)
def test_a_token_that_cannot_be_ours_is_not_parsed(token):
    assert credential_parse(token) is None


def test_a_hash_made_with_a_key_now_retired_still_verifies_and_is_moved_to_the_new_key(site, api_for, settings):
    client, token = api_client_make(site.council)
    secret = token.partition(".")[2]
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-after-rotation-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert secret_matches(secret, client.secret_hash) == (True, True)

    assert api_for(site.domain, token).get("/api/v1/children/").status_code == 200
    with tenant_context(site.council):
        rehashed = ApiClient.objects.get(pk=client.pk).secret_hash
    assert rehashed == secret_hash(secret) != client.secret_hash

    settings.SECRET_KEY_FALLBACKS = []  # the old key removed: the client still gets in
    assert api_for(site.domain, token).get("/api/v1/children/").status_code == 200


def test_a_hash_under_a_key_neither_current_nor_retired_opens_nothing(site, api_for, settings):
    _, token = api_client_make(site.council)
    settings.SECRET_KEY = "another-key-entirely-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = []
    assert api_for(site.domain, token).get("/api/v1/children/").status_code == 401


def test_old_calls_and_keys_are_forgotten_and_recent_ones_kept(site):
    client, _ = api_client_make(site.council)
    with tenant_context(site.council):
        old_call = ApiCall.objects.create(client=client, method="GET", path="/api/v1/children/", status_code=200)
        new_call = ApiCall.objects.create(client=client, method="GET", path="/api/v1/cases/", status_code=200)
        old_key = IdempotencyKey.objects.create(client=client, key="old", fingerprint="0" * 64)
        new_key = IdempotencyKey.objects.create(client=client, key="new", fingerprint="0" * 64)
        ApiCall.objects.filter(pk=old_call.pk).update(created_at=timezone.now() - timedelta(days=91))
        IdempotencyKey.objects.filter(pk=old_key.pk).update(created_at=timezone.now() - timedelta(days=2))

        assert prune_api_records() == (1, 1)
        assert list(ApiCall.objects.values_list("pk", flat=True)) == [new_call.pk]
        assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [new_key.pk]


def test_the_housekeeping_task_refuses_to_run_outside_a_council():
    connection.set_schema_to_public()
    assert prune_api_records() == (0, 0)
