"""The Content-Security-Policy in a real browser (issue 18).

Every browser test fails on a violation (conftest.py, csp.py); here: that the watch
really catches one, with JavaScript on and off, and the pages no other browser test
opens: Swagger UI on /api/docs/ and the platform's admin."""

from __future__ import annotations

import time
from types import SimpleNamespace
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from django.test import Client

from casework.demo import CUMBRIA, OPERATOR_EMAIL, SOMERSET
from citizen.accounts.models import Account, AuthenticatorDevice
from tenants.models import Council
from tests.operators import operator_sign_in

from .csp import WATCH, assert_no_csp_violations
from .test_staff_journey import CommittedDatabase

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

COUNCILS = pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
# What a template regression or an injection would add to a page.
INJECTED = b'<p style="color: red">styled</p><script>document.title = "injected";</script></body>'


def serve_with_injection(page) -> None:
    """The server's real answer (its CSP header included) with INJECTED in its body.
    Fetched from Python: Playwright's own fetch cannot resolve *.localhost."""

    def inject(route):
        if route.request.resource_type != "document":
            route.continue_()  # the report the browser sends, the stylesheets
            return
        url = urlsplit(route.request.url)
        request = Request(f"http://127.0.0.1:{url.port}{url.path}", headers={"Host": url.netloc})
        with urlopen(request) as answer:  # noqa: S310 - the live server, over loopback
            headers = {name: value for name, value in answer.headers.items() if name.lower() != "content-length"}
            route.fulfill(status=answer.status, headers=headers, body=answer.read().replace(b"</body>", INJECTED))

    page.route("**/", inject)


def wait_for_reports(count: int, mark: tuple[int, int], seconds: float = 10) -> list[dict]:
    """The browser posts reports on its own schedule; wait until `count` arrive."""
    deadline = time.monotonic() + seconds
    while len(WATCH.reported) - mark[1] < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return WATCH.reported[mark[1] :]


@pytest.fixture
def provoked():
    """Violations this test provokes on purpose are dropped when it ends."""
    mark = WATCH.mark()
    yield mark
    WATCH.forget_since(mark)


def test_the_watch_catches_an_inline_style_and_script(page, live_server_url, provoked):
    serve_with_injection(page)
    page.goto(live_server_url(CUMBRIA.domain))

    assert page.title() != "injected"  # the policy refused the script
    seen = {violation["directive"] for violation in WATCH.seen[provoked[0] :]}
    assert seen == {"style-src-attr", "script-src-elem"}
    reported = {violation["effective_directive"] for violation in wait_for_reports(2, provoked)}
    assert reported == {"style-src-attr", "script-src-elem"}  # logged by /csp-report/


def test_the_watch_catches_a_violation_with_javascript_off(new_context, live_server_url, provoked):
    page = new_context(java_script_enabled=False).new_page()
    serve_with_injection(page)
    page.goto(live_server_url(SOMERSET.domain))

    assert WATCH.seen[provoked[0] :] == []  # no listener runs without JavaScript
    reported = wait_for_reports(1, provoked)
    assert "style-src-attr" in {violation["effective_directive"] for violation in reported}
    assert reported[0]["document_uri"] == live_server_url(SOMERSET.domain)


@COUNCILS
def test_swagger_ui_shows_every_operation_under_the_policy(page, live_server_url, demo):
    response = page.goto(live_server_url(demo.domain, "/api/docs/"))
    assert response.status == 200
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 10
    assert page.get_by_text("/api/v1/children/", exact=True).first.is_visible()


def operator_session() -> dict:
    """A session of the demo operator on the platform's host, committed for the server,
    and the ids its admin pages need."""
    operator = Account.objects.get(email=OPERATOR_EMAIL)
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    operator_sign_in(client, operator)  # the password and a second factor, as the admin needs
    return {
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "council": Council.objects.get(slug=CUMBRIA.slug).pk,
        "account": operator.pk,
    }


@pytest.fixture(scope="module")
def operator(browser, live_server_url, django_db_blocker):
    committed = CommittedDatabase()
    try:
        with django_db_blocker.unblock():
            ids = committed(operator_session)
        context = browser.new_context()
        base = live_server_url(settings.PLATFORM_DOMAIN)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": ids["session"], "url": base}])
        yield SimpleNamespace(context=context, ids=ids)
        context.close()
    finally:
        with django_db_blocker.unblock():
            committed(operator_devices_remove)  # other modules expect the demo operator to have no app
        committed.close()


def operator_devices_remove() -> None:
    AuthenticatorDevice.objects.filter(user__email=OPERATOR_EMAIL).delete()


ADMIN_PAGES = {
    "index": "/admin/",
    "councils": "/admin/tenants/council/",
    "council": "/admin/tenants/council/{council}/change/",
    "accounts": "/admin/accounts/account/",
    "account": "/admin/accounts/account/{account}/change/",
    "outbox": "/admin/outbox/",
}


@pytest.mark.parametrize("path", ADMIN_PAGES.values(), ids=ADMIN_PAGES.keys())
def test_the_platform_admin_loads_under_the_policy(operator, live_server_url, path):
    page = operator.context.new_page()
    path = path.format(**operator.ids)
    try:
        response = page.goto(live_server_url(settings.PLATFORM_DOMAIN, path))
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.url.endswith(path), page.url
        page.wait_for_load_state("load")
        assert_no_csp_violations(page)
    finally:
        page.close()


def test_the_platform_sign_in_page_loads_under_the_policy(page, live_server_url):
    response = page.goto(live_server_url(settings.PLATFORM_DOMAIN, "/admin/login/"))
    assert response.status == 200
    assert page.get_by_role("button", name="Log in").is_visible()
