"""The council's home page and the SEND area behind its tile."""

from __future__ import annotations

import pytest

from tenants.models import Tile
from tests.factories import configuration_change

from .accounts.test_sign_in import make_account, sign_in
from .accounts.test_two_step import set_up_two_step

SEND_TILE_TITLE = "Special educational needs and disabilities (SEND)"


@pytest.fixture
def council(request, cumbria, somerset):
    return {"cumbria": cumbria, "somerset": somerset}[request.param]


@pytest.fixture
def client_for(cumbria_client, somerset_client):
    return lambda council: cumbria_client if council.slug == "cumbria" else somerset_client


COUNCILS = pytest.mark.parametrize("council", ["cumbria", "somerset"], indirect=True)


@COUNCILS
def test_signed_out_the_home_page_explains_the_service_and_offers_sign_in(council, client_for):
    page = client_for(council).get("/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "With one account you can use" in html
    assert 'href="/sign-in/" role="button"' in html
    assert 'href="/register/" role="button"' in html
    assert SEND_TILE_TITLE in html
    assert f">{SEND_TILE_TITLE}</a>" not in html
    assert 'href="/send/"' not in html  # the SEND tile is not a link until signed in
    assert "Sign in to use this service" in html
    assert '<a class="govuk-link" href="https://www.gov.uk/schools-admissions">School admissions</a>' in html


@COUNCILS
def test_signed_in_the_send_tile_opens_the_send_area(council, client_for):
    make_account()
    client = client_for(council)
    sign_in(client)

    html = client.get("/").content.decode()

    assert f'<a class="govuk-link" href="/send/">{SEND_TILE_TITLE}</a>' in html
    assert 'role="button"' not in html  # no sign-in buttons
    assert "You are signed in as parent@example.org" in html


def test_the_send_tile_appears_for_an_existing_account_as_soon_as_the_council_turns_it_on(
    cumbria, cumbria_client, in_council
):
    make_account()
    sign_in(cumbria_client)
    set_up_two_step(cumbria_client, cumbria, in_council)
    send_tile = Tile.objects.get(council=cumbria, kind=Tile.Kind.SEND)

    send_tile.enabled = False
    send_tile.save()  # as the council's settings page does
    assert SEND_TILE_TITLE not in cumbria_client.get("/").content.decode()
    assert cumbria_client.get("/send/").status_code == 404

    send_tile.enabled = True
    send_tile.save()
    assert f'href="/send/">{SEND_TILE_TITLE}</a>' in cumbria_client.get("/").content.decode()
    assert cumbria_client.get("/send/").status_code == 200


def test_turning_the_send_tile_off_in_one_council_leaves_the_other(cumbria, somerset, somerset_client):
    configuration_change(Tile.objects.filter(council=cumbria, kind=Tile.Kind.SEND), enabled=False)
    assert SEND_TILE_TITLE in somerset_client.get("/").content.decode()


def test_the_send_area_links_back_home(cumbria, cumbria_client, in_council):
    make_account()
    sign_in(cumbria_client)
    set_up_two_step(cumbria_client, cumbria, in_council)

    html = cumbria_client.get("/send/").content.decode()

    assert '<h1 class="govuk-heading-xl">Your SEND area</h1>' in html
    assert '<a class="govuk-link" href="/">Go back to the home page</a>' in html


def test_the_signed_in_home_page_costs_a_fixed_number_of_queries(cumbria, cumbria_client, real_queries):
    make_account()
    sign_in(cumbria_client)
    for order in range(5):
        Tile.objects.create(council=cumbria, title=f"Service {order}", url="https://example.org/", order=order)
    cumbria_client.get("/")  # reads the council's configuration (tenants.configuration)

    with real_queries() as queries:
        assert "Service 4" in cumbria_client.get("/").content.decode()

    # Session, account, saving the session (3 with its savepoint): not the policy, tiles or footer.
    assert queries.count <= 5, queries.sql
    assert not any("tenants_" in sql for sql in queries.sql), queries.sql
