"""Each demo council's home page in a real browser: branded, accessible (WCAG 2.2 AA),
usable without JavaScript, at 320 CSS pixels and from the keyboard."""

from __future__ import annotations

import pytest

from casework.demo import CUMBRIA, SOMERSET

from .axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

COUNCILS = pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)


@pytest.fixture
def open_home(page, live_server_url):
    def _open(demo, on=None):
        target = on or page
        response = target.goto(live_server_url(demo.domain))
        assert response is not None
        assert response.status == 200, f"{demo.domain} answered {response.status}"
        return target

    return _open


@COUNCILS
def test_home_page_shows_the_council_and_its_contacts(open_home, demo):
    page = open_home(demo)

    header = page.locator("header.portal-header")
    assert header.get_by_role("link", name=demo.name).is_visible()
    assert page.title().endswith(f" \N{EN DASH} {demo.name}")

    footer = page.get_by_role("contentinfo").inner_text()
    assert demo.phone in footer
    for area_name, area_email in demo.service_areas:
        assert f"{area_name}: {area_email}" in footer
    for title, _url in demo.links:
        assert page.get_by_role("contentinfo").get_by_role("link", name=title).is_visible()


@COUNCILS
def test_home_page_has_no_wcag_22_aa_violations(open_home, demo):
    assert_accessible(open_home(demo))


@COUNCILS
def test_home_page_works_without_javascript(open_home, new_context, demo):
    page = open_home(demo, on=new_context(java_script_enabled=False).new_page())
    assert page.locator("body.js-enabled").count() == 0  # init.js really did not run

    assert page.get_by_role("heading", level=1).is_visible()
    tiles = page.locator(".portal-tile")
    assert tiles.count() >= 1
    assert tiles.get_by_role("link", name="School admissions").is_visible()


@COUNCILS
def test_home_page_does_not_scroll_sideways_at_320_pixels(open_home, new_context, demo):
    page = open_home(demo, on=new_context(viewport={"width": 320, "height": 640}).new_page())

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@COUNCILS
def test_skip_link_is_the_first_thing_tab_reaches(open_home, demo):
    page = open_home(demo)

    page.keyboard.press("Tab")

    focused = page.evaluate(
        "() => ({tag: document.activeElement.tagName, text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"tag": "A", "text": "Skip to main content", "href": "#main-content"}
    # Visually hidden until focused, then shown (not left as a 1-pixel clip).
    box = page.locator(":focus").bounding_box()
    assert box is not None
    assert box["width"] > 1
    assert box["height"] > 1


def test_each_council_has_its_own_header_colour(open_home):
    colours = {}
    for demo in (CUMBRIA, SOMERSET):
        page = open_home(demo)
        colours[demo.slug] = page.locator(".portal-header").evaluate("el => getComputedStyle(el).backgroundColor")

    assert colours["cumbria"] != colours["somerset"], colours
    assert colours["cumbria"] == "rgb(0, 91, 79)"  # CUMBRIA.primary_colour, #005b4f
    assert colours["somerset"] == "rgb(107, 44, 145)"  # SOMERSET.primary_colour, #6b2c91
