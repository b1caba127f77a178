"""A family takes its whole record away, in a real browser, on each demo council (issue
16, item 2): from the child's page a parent asks for the download, the page says it is
ready, the ZIP arrives with its index page, and the same link a second time is refused
with the reason and a way to ask again. Every page passes axe-core, also at 320 px."""

from __future__ import annotations

import zipfile
from types import SimpleNamespace

import pytest

from casework.demo import CUMBRIA, SOMERSET

from .axe import assert_accessible
from .test_family_pages_accessible import (
    family_pages_data_create,
    family_rows_remove,
    no_sideways_scrolling,
    session_for,
)
from .test_staff_journey import unique

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_a_parent_downloads_the_whole_record_once(committed, new_context, live_server_url, demo):
    base = live_server_url(demo.domain)
    emails = SimpleNamespace(
        **{who: f"{unique(who)}@example.org" for who in ("caseworker", "parent", "young", "removed", "waiting")}
    )
    reference = unique("E2E-R").upper()
    try:
        ids = committed(family_pages_data_create, slug=demo.slug, emails=emails, reference=reference)
        session = committed(session_for, slug=demo.slug, email=emails.parent)
        context = new_context(viewport={"width": 320, "height": 800})
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
        page = context.new_page()

        page.goto(f"{base}send/children/{ids['child']}/")
        page.get_by_role("link", name="records", exact=False).filter(has_text="Download").click()
        assert page.url.endswith(f"/send/children/{ids['child']}/records/")
        assert_accessible(page)
        no_sideways_scrolling(page)
        with page.expect_navigation():
            page.get_by_role("button", name="records together", exact=False).click()
        assert "records are ready" in page.locator("#bundle-status").inner_text()
        assert_accessible(page)
        no_sideways_scrolling(page)

        link = page.get_by_role("link", name="(ZIP)", exact=False)
        href = link.get_attribute("href")
        with page.expect_download() as download:
            link.click()
        with zipfile.ZipFile(download.value.path()) as archive:
            names = archive.namelist()
            assert "index.html" in names and any("/documents/" in name for name in names)
            assert "Steps and deadlines" in archive.read("index.html").decode()

        page.goto(base + href.lstrip("/"))  # the same link again: used
        assert "This download has been used. Ask for a new one." in page.content()
        assert_accessible(page)
        page.get_by_role("link", name="Ask for a new download").click()
        assert page.url.endswith(f"/send/children/{ids['child']}/records/")
    finally:
        committed(family_rows_remove, slug=demo.slug, emails=list(vars(emails).values()), reference=reference)
