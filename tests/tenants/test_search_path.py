"""Never a query against a council other than the one the connection says it is on.
PostgreSQL undoes a `SET search_path` when the transaction or savepoint that issued it is
rolled back; django-tenants must send it again (its issue 1262, the reason
TENANT_LIMIT_SET_CALLS stays off: these tests would catch it if it were turned on)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from casework.models import Child
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _children_here() -> list[str]:
    return list(Child.objects.values_list("legal_last_name", flat=True))


@pytest.fixture(params=[False, True], ids=["set-before-every-query", "limit-set-calls"])
def one_child_each(request, cumbria, somerset, settings):
    """A child in each council; run with the setting off (as configured) and on (what
    turning it on would risk)."""
    settings.TENANT_LIMIT_SET_CALLS = request.param
    with tenant_context(cumbria):
        ChildFactory(legal_last_name="Cumbrian")
    with tenant_context(somerset):
        ChildFactory(legal_last_name="Somersetian")


def test_after_a_savepoint_rollback_the_council_switched_to_inside_it_is_still_the_one_read(
    cumbria, somerset, one_child_each
):
    connection.set_tenant(cumbria)
    assert "Cumbrian" in _children_here()
    with transaction.atomic():
        sid = transaction.savepoint()
        connection.set_tenant(somerset)
        assert "Somersetian" in _children_here()  # SET somerset, inside the savepoint
        transaction.savepoint_rollback(sid)  # PostgreSQL is back on cumbria's path
        assert connection.tenant == somerset
        assert "Somersetian" in _children_here() and "Cumbrian" not in _children_here()


def test_after_an_atomic_block_fails_the_council_is_still_the_one_read(cumbria, somerset, one_child_each):
    connection.set_tenant(cumbria)
    assert "Cumbrian" in _children_here()
    with pytest.raises(RuntimeError), transaction.atomic():
        connection.set_tenant(somerset)
        assert "Somersetian" in _children_here()
        raise RuntimeError("rolled back")
    assert "Somersetian" in _children_here() and "Cumbrian" not in _children_here()


def _set_statements(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith("SET search_path")]


def _set_statements(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith("SET search_path")]


def test_each_request_sets_its_own_council(cumbria_client, somerset_client, settings):
    """The connection outlives the request (CONN_MAX_AGE): the next request, on another
    council, must not inherit the last one's path. (A session cookie the server does not
    know makes each request read the session table; the answer deletes the cookie.)"""
    for client in (cumbria_client, somerset_client):
        client.get("/")
    for client, slug in [(cumbria_client, "cumbria"), (somerset_client, "somerset"), (cumbria_client, "cumbria")]:
        client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        assert captured[0]["sql"] == f'SET search_path = "{slug}","public"'
        assert set(_set_statements(captured)) == {captured[0]["sql"]}
