"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The live server is our own, not pytest-django's `live_server`: that one (and
`transactional_db`) flushes every table afterwards, which would delete the demo
councils the session seeded in the public schema. Tests request `db`, which lifts
pytest-django's block on database access (for the server's threads too) while they run;
the server's own connections see the committed seed data.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler, _StaticFilesHandler

from .csp import WATCH, describe

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(
                "REQUIRE_BROWSER is set but Debian's chromium is not installed: "
                "neither `chromium` nor `chromium-browser` is on PATH (apt-get install chromium)"
            )
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests skipped")
    return path


class _Server(ThreadedWSGIServer):
    # Django's server runs requests in daemon threads, which server_close() does not
    # wait for. A thread keeping a browser's connection alive also keeps its database
    # connection (CONN_MAX_AGE), and the test database cannot be dropped while it is
    # open. So: ordinary threads, joined on close (they close their connections as
    # they end), and idle keep-alive connections dropped after a few seconds, so the
    # join cannot hang on a client that never hangs up.
    daemon_threads = False


class _RequestHandler(QuietWSGIRequestHandler):
    timeout = 5


class _LiveServerThread(LiveServerThread):
    server_class = _Server

    def _create_server(self, connections_override=None):
        return self.server_class(
            (self.host, self.port),
            _RequestHandler,
            allow_reuse_address=False,
            connections_override=connections_override,
        )


@pytest.fixture(scope="session")
def live_server_port(django_db_setup, django_db_blocker) -> Iterator[int]:
    """The whole site (platform and every council, by Host) on 127.0.0.1, one server
    for the session, in a background thread with its own database connections."""
    server = _LiveServerThread("127.0.0.1", _StaticFilesHandler, connections_override={}, port=0)
    server.daemon = True
    with django_db_blocker.unblock():
        server.start()
        server.is_ready.wait()
    if server.error:
        raise server.error
    yield server.port
    server.terminate()


@pytest.fixture(scope="session")
def live_server_url(live_server_port) -> Callable[..., str]:
    """`live_server_url("cumbria.localhost")` → "http://cumbria.localhost:PORT/" (Chromium
    sends every *.localhost name to loopback, so no hosts file is needed)."""
    return lambda host, path="/": f"http://{host}:{live_server_port}{path}"


@pytest.fixture(autouse=True)
def emailed_links_reach_the_live_server(settings, live_server_port) -> None:
    """Emailed links are built from the council's domain and PUBLIC_URL_* (never the Host
    header): here they must point at this live server's port."""
    settings.PUBLIC_URL_SCHEME = "http"
    settings.PUBLIC_URL_PORT = str(live_server_port)


@pytest.fixture(scope="package")
def browser(chromium_path, live_server_port):
    """One Chromium for all the browser tests.

    Playwright's sync API marks its event loop as running in this thread between
    calls, for as long as it is started. Django then takes the thread for an async
    one: it refuses ORM calls (the `db` fixture's transaction) unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set, and keeps a separate set of database
    connections for it (asgiref's thread-critical Local). Nothing here is really
    async, so for as long as Playwright runs the variable is set, and before it
    stops those connections are closed (else they would stop the test database
    from being dropped). The scope is this package, not the session, so that no
    other test runs while Playwright is started.

    Started after the live server, so closed before it: the browser hangs up its
    keep-alive connections and the server's threads end at once.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        reports = WATCH.start_reports()
        try:
            browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            _watch_every_context(browser)
            _read_pages_once_loaded(monkeypatch)
            yield browser
            browser.close()
        finally:
            WATCH.stop_reports(reports)
            connections.close_all()
            playwright.stop()


def _read_pages_once_loaded(monkeypatch) -> None:
    """`page.content()` and `page.title()` read the page a person would see: the one
    loaded after a click, not the moment between two documents.

    A click that submits a form returns once the navigation has started; read straight
    after, the new document can still be empty, and a test then finds "" (CI saw both:
    an empty title after a form's errors, empty content after an answer's). Every page
    here has a title and a body, so an empty read is that moment: wait for the page to
    load and read again (for two seconds at most).
    """
    from playwright.sync_api import Page

    def once_loaded(read):
        def reading(page):
            for _ in range(20):
                page.wait_for_load_state("load")
                text = read(page)
                if text:
                    return text
                page.wait_for_timeout(100)
            return text

        return reading

    monkeypatch.setattr(Page, "content", once_loaded(Page.content))
    monkeypatch.setattr(Page, "title", once_loaded(Page.title))


def _watch_every_context(browser) -> None:
    """Every context a test opens (through `new_context`, `browser.new_context()` or
    `browser.new_page()`) reports Content-Security-Policy violations (tests/e2e/csp.py)."""
    new_context = browser.new_context

    def watched_new_context(**options):
        context = new_context(**options)
        WATCH.watch_context(context)
        return context

    def watched_new_page(**options):
        page = watched_new_context(**options).new_page()
        return page

    browser.new_context = watched_new_context
    browser.new_page = watched_new_page


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations():
    """Every page a browser test opens must load without a CSP violation (issue 18):
    whatever the test itself checks, a violation during it fails it."""
    mark = WATCH.mark()
    yield
    violations = WATCH.since(mark)
    if violations:
        pytest.fail(f"{len(violations)} Content-Security-Policy violation(s):\n{describe(violations)}")


def pytest_terminal_summary(terminalreporter):
    if WATCH.page_loads:
        violations = WATCH.all
        terminalreporter.write_line(
            f"Content-Security-Policy: {len(WATCH.page_loads)} page loads "
            f"({len(set(WATCH.page_loads))} distinct addresses) checked, {len(violations)} violation(s)"
        )


@pytest.fixture
def new_context(browser):
    """`new_context(**options)` opens a fresh browser context (closed after the test)."""
    contexts = []

    def _open(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True  # /dev/outbox.json answers only in DEBUG


@pytest.fixture
def committed():
    """`committed(function, ...)`: ORM calls committed on a thread of their own, so the
    live server sees them (tests/e2e/test_staff_journey.CommittedDatabase)."""
    from .test_staff_journey import CommittedDatabase

    database = CommittedDatabase()
    yield database
    database.close()


@pytest.fixture(scope="module", autouse=True)
def _no_committed_accounts_left_behind(django_db_setup, django_db_blocker):
    """Browser tests commit what the live server must see, and must remove it: an account
    or a text left behind is seen by every later test in the same database (the
    password-expiry sweep once counted an account; the texts tests, a texted code).
    Checked per file, after its own fixtures have cleaned up."""
    from .test_staff_journey import CommittedDatabase

    database = CommittedDatabase()
    with django_db_blocker.unblock():
        before = database(_committed_rows)
    yield
    with django_db_blocker.unblock():
        after = database(_committed_rows)
        database.close()
    left = sorted(after - before)
    if left:
        pytest.fail(f"{len(left)} committed row(s) left behind by this file: {', '.join(left)}")


def _committed_rows() -> set[str]:
    """The accounts, and every council's texts, as they stand (committed)."""
    from django_tenants.utils import tenant_context

    from citizen.accounts.models import Account
    from tenants.models import Council
    from tenants.outbox.models import OutboundText

    rows = {f"account {email}" for email in Account.objects.values_list("email", flat=True)}
    for council in Council.objects.exclude(schema_name="public"):
        with tenant_context(council):
            rows |= {f"text {pk} in {council.slug}" for pk in OutboundText.objects.values_list("pk", flat=True)}
    return rows
