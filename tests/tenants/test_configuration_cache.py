"""A council's configuration is read once per web process, not on every page
(tenants.configuration), and a change to it is served at once by the process that made
it and by every other within TENANT_HOST_CACHE_SECONDS."""

import pytest

from tenants import configuration
from tenants.configuration import cached_configurations, council_configuration
from tenants.models import CouncilLink, ServiceArea, SignInPolicy, Tile

pytestmark = pytest.mark.django_db


def test_once_read_a_page_reads_no_configuration(cumbria_client, real_queries):
    cumbria_client.get("/")
    with real_queries() as queries:
        page = cumbria_client.get("/").content.decode()
    assert queries.count == 0, queries.sql  # not tiles, service areas, links, sign-in policy
    assert "Carlisle &amp; Eden" in page


def test_a_change_made_here_is_served_at_once(cumbria, cumbria_client):
    cumbria_client.get("/")
    area = ServiceArea.objects.get(council=cumbria, name="Carlisle & Eden")
    area.name = "Carlisle, Eden and the Fells"
    area.save()
    CouncilLink.objects.create(council=cumbria, title="Local offer in Cumbria", url="https://example.org/offer")
    Tile.objects.filter(council=cumbria, kind=Tile.Kind.SEND).get().delete()

    page = cumbria_client.get("/").content.decode()
    assert "Carlisle, Eden and the Fells" in page and "Carlisle &amp; Eden" not in page
    assert "Local offer in Cumbria" in page
    assert 'href="/send/"' not in page


def test_a_change_made_by_another_process_is_served_within_the_host_cache_time(
    cumbria, cumbria_client, settings, monkeypatch
):
    settings.TENANT_HOST_CACHE_SECONDS = 30
    now = [1000.0]
    monkeypatch.setattr(configuration.time, "monotonic", lambda: now[0])
    cumbria_client.get("/")
    # As another web process would change it: this process hears no signal.
    ServiceArea.objects.filter(council=cumbria, name="Carlisle & Eden").update(name="North Cumbria")

    now[0] += 29
    assert "Carlisle &amp; Eden" in cumbria_client.get("/").content.decode()
    now[0] += 2
    assert "North Cumbria" in cumbria_client.get("/").content.decode()


def test_the_sign_in_policy_is_the_councils_own_and_changes_at_once(cumbria, somerset):
    assert council_configuration(council=somerset).sign_in_policy.password_min_length == 10
    policy = SignInPolicy.objects.get(council=somerset)
    policy.password_min_length = 14
    policy.save()
    assert council_configuration(council=somerset).sign_in_policy.password_min_length == 14
    assert council_configuration(council=cumbria).sign_in_policy.council_id == cumbria.pk


def test_the_cache_is_bounded(cumbria, somerset, settings):
    settings.TENANT_HOST_CACHE_SIZE = 1
    council_configuration(council=cumbria)
    council_configuration(council=somerset)
    assert cached_configurations() == 1
