"""A request's host picks the council; an unknown host is a 404, never the platform."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.models import Domain

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["unknown.localhost", "localhost.evil.example", "cumbria.localhost.example"])
def test_an_unknown_host_is_not_found(host, settings):
    settings.ALLOWED_HOSTS = ["*"]
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 404
    assert b"admin" not in response.content.lower()


def test_after_a_council_request_an_unknown_host_reads_no_council(cumbria_client, settings):
    """The connection outlives the request: a 404 for an unknown host (and whatever runs
    after it) must not be left on the last request's council."""
    settings.ALLOWED_HOSTS = ["*"]
    assert cumbria_client.get("/").status_code == 200
    assert connection.schema_name == "cumbria"
    assert Client(HTTP_HOST="unknown.localhost").get("/").status_code == 404
    assert connection.schema_name == "public"


def test_each_request_has_its_own_copy_of_its_council(cumbria_client):
    """What one request writes on request.tenant is not seen by the next."""
    first = cumbria_client.get("/").wsgi_request.tenant
    first.written_by_a_request = True
    first._state.fields_cache["written"] = True
    second = cumbria_client.get("/").wsgi_request.tenant
    assert second is not first and second.slug == first.slug == "cumbria"
    assert not hasattr(second, "written_by_a_request")
    assert "written" not in second._state.fields_cache
    assert second._state.db == first._state.db and second._state.adding is False


def test_a_host_outside_allowed_hosts_is_not_found():
    assert Client(HTTP_HOST="not-allowed.example.com").get("/").status_code == 404


def test_the_platform_host_serves_the_operators_admin(platform_client):
    response = platform_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert platform_client.get("/admin/login/").status_code == 200


def test_a_council_host_does_not_serve_the_platform_admin(cumbria_client):
    assert cumbria_client.get("/admin/login/").status_code == 404


def test_branding_differs_between_the_two_councils(cumbria_client, somerset_client):
    cumbria_page = cumbria_client.get("/").content.decode()
    somerset_page = somerset_client.get("/").content.decode()

    assert "Cumbria County Council" in cumbria_page and "Somerset Council" not in cumbria_page
    assert "Somerset Council" in somerset_page and "Cumbria County Council" not in somerset_page
    assert "Carlisle &amp; Eden" in cumbria_page and "Carlisle &amp; Eden" not in somerset_page
    assert cumbria_client.get("/branding.css").content != somerset_client.get("/branding.css").content
    assert b"#005b4f" in cumbria_client.get("/branding.css").content


def test_a_new_domain_is_served_at_once_and_a_removed_one_stops(cumbria, cumbria_client):
    client = Client(HTTP_HOST="send.cumbria.localhost")
    assert client.get("/").status_code == 404  # and now cached as unknown

    domain = Domain.objects.create(domain="send.cumbria.localhost", tenant=cumbria, is_primary=False)
    assert client.get("/").status_code == 200

    domain.delete()
    assert client.get("/").status_code == 404


def test_a_deactivated_council_is_not_served(cumbria, cumbria_client):
    assert cumbria_client.get("/").status_code == 200
    cumbria.is_active = False
    cumbria.save()
    assert cumbria_client.get("/").status_code == 404


def test_the_host_lookup_is_cached(cumbria_client, real_queries):
    cumbria_client.get("/")
    with real_queries() as queries:
        cumbria_client.get("/")
    # No council or domain lookup once cached (nor its configuration: tenants.configuration).
    assert queries.count == 0, queries.sql
    assert not any("tenants_domain" in sql for sql in queries.sql)


def test_a_flood_of_made_up_hosts_neither_grows_the_cache_nor_pushes_a_council_out(
    cumbria_client, settings, django_assert_num_queries
):
    """Anyone can send any Host header: a web process remembers a bounded number of
    unknown hosts, in a space of their own, so the councils' hosts stay cached."""
    from tenants.hosts import cached_hosts, council_for_host

    settings.TENANT_UNKNOWN_HOST_CACHE_SIZE = 50
    assert cumbria_client.get("/").status_code == 200
    for number in range(500):
        with pytest.raises(Domain.DoesNotExist):
            council_for_host(f"made-up-{number}.example")

    assert cached_hosts() == (1, 50)
    with django_assert_num_queries(0):
        assert council_for_host("cumbria.localhost").slug == "cumbria"  # still cached
    with django_assert_num_queries(0), pytest.raises(Domain.DoesNotExist):
        council_for_host("made-up-499.example")  # the most recent unknown ones are remembered


def test_councils_hosts_are_bounded_too_least_recently_used_out(cumbria, somerset, settings, django_assert_num_queries):
    from tenants.hosts import cached_hosts, council_for_host

    settings.TENANT_HOST_CACHE_SIZE = 1
    council_for_host("cumbria.localhost")
    council_for_host("somerset.localhost")

    assert cached_hosts() == (1, 0)
    with django_assert_num_queries(0):
        council_for_host("somerset.localhost")
    with CaptureQueriesContext(connection) as looked_up:
        council_for_host("cumbria.localhost")  # pushed out: read again
    assert any("tenants_domain" in query["sql"] for query in looked_up)
