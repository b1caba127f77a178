"""Each demo council's published waiting times in a real browser (issue 17, item 2):
reached from the home page, accessible (WCAG 2.2 AA), without JavaScript and at 320 px."""

from __future__ import annotations

import pytest

from casework.demo import CUMBRIA, SOMERSET

from .test_family_journey import reflows

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_family_finds_how_long_assessments_are_taking_from_the_home_page(new_context, live_server_url, demo):
    for javascript in (True, False):
        page = new_context(java_script_enabled=javascript, viewport={"width": 320, "height": 640}).new_page()
        page.goto(live_server_url(demo.domain))
        page.get_by_role("link", name="How long EHC needs assessments are taking").click()
        assert page.get_by_role("heading", level=1).inner_text() == "How long EHC needs assessments are taking"
        main = page.get_by_role("main").inner_text()
        assert "From asking for an assessment to the final EHC plan" in main and "Issued within 20 weeks" in main
        if javascript:
            reflows(page)  # axe's WCAG 2.2 A/AA rules, and no sideways scrolling at 320 px
        page.context.close()


def test_the_platforms_page_compares_the_councils_and_links_to_each(new_context, live_server_url, settings):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(live_server_url(settings.PLATFORM_DOMAIN) + "waiting-times/")
    reflows(page)  # axe's WCAG 2.2 A/AA rules, and no sideways scrolling at 320 px
    page.get_by_role("link", name=CUMBRIA.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == "How long EHC needs assessments are taking"
    assert CUMBRIA.domain in page.url
    page.context.close()
