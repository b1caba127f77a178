"""A request's host picks the council; an unknown host is a 404, never the platform."""

import pytest
from django.test import Client

from tenants.models import Domain

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["unknown.localhost", "localhost.evil.example", "cumbria.localhost.example"])
def test_an_unknown_host_is_not_found(host, settings):
    settings.ALLOWED_HOSTS = ["*"]
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 404
    assert b"admin" not in response.content.lower()


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
    # Tiles, service areas, footer links: no council or domain lookup once cached.
    assert queries.count == 3, queries.sql
    assert not any("tenants_domain" in sql for sql in queries.sql)
