"""Content-Security-Policy violations seen by the browser tests (issue 18: 0 on every page).

Every browser context the tests open is watched two ways:

- in the page: a `securitypolicyviolation` listener (an init script, which the policy
  does not govern) hands each violation to Python at once, with the page it happened on;
- on the server: the report the browser posts to /csp-report/ is logged by
  config.security_headers, and a handler here keeps it. This also catches pages opened
  with JavaScript off, where no listener runs.

Each page load (a main-frame navigation that answered with HTML) is counted, so the run
can say how many pages were checked.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
}, true);
"""


class _ReportHandler(logging.Handler):
    def __init__(self, watch: CspWatch) -> None:
        super().__init__(level=logging.WARNING)
        self.watch = watch

    def emit(self, record: logging.LogRecord) -> None:
        violation = getattr(record, "csp_violation", None)
        if violation is not None:
            with self.watch.lock:
                self.watch.reported.append(dict(violation))


@dataclass
class CspWatch:
    seen: list[dict] = field(default_factory=list)  # by the in-page listener
    reported: list[dict] = field(default_factory=list)  # posted to the report endpoint
    page_loads: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def watch_context(self, context) -> None:
        context.expose_binding("__cspViolation", lambda source, violation: self.seen.append(violation))
        context.add_init_script(LISTENER)
        context.on("response", self._count_page_load)

    def _count_page_load(self, response) -> None:
        request = response.request
        is_html = response.headers.get("content-type", "").startswith("text/html")
        if request.is_navigation_request() and request.frame.parent_frame is None and is_html:
            self.page_loads.append(response.url)

    def start_reports(self) -> logging.Handler:
        handler = _ReportHandler(self)
        logger = logging.getLogger("config.csp")
        logger.addHandler(handler)
        return handler

    def stop_reports(self, handler: logging.Handler) -> None:
        logging.getLogger("config.csp").removeHandler(handler)

    def mark(self) -> tuple[int, int]:
        with self.lock:
            return len(self.seen), len(self.reported)

    def forget_since(self, mark: tuple[int, int]) -> None:
        """Drop what a test provoked on purpose (tests/e2e/test_content_security_policy.py)."""
        with self.lock:
            del self.seen[mark[0] :]
            del self.reported[mark[1] :]

    def since(self, mark: tuple[int, int]) -> list[dict]:
        with self.lock:
            return self.seen[mark[0] :] + self.reported[mark[1] :]

    @property
    def all(self) -> list[dict]:
        return self.since((0, 0))


WATCH = CspWatch()


def describe(violations: list[dict]) -> str:
    return "\n".join(f"- {violation}" for violation in violations)


def _address(url: str | None) -> str:
    return (url or "").split("?", 1)[0].split("#", 1)[0]


def assert_no_csp_violations(page) -> None:
    """Fail at once if the page now open has had a violation (the autouse fixture in
    conftest.py checks the whole test afterwards as well)."""
    import pytest

    here = _address(page.url)
    violations = [v for v in WATCH.all if _address(v.get("page") or v.get("document_uri")) == here]
    if violations:
        pytest.fail(f"Content-Security-Policy violation(s) on {page.url}:\n{describe(violations)}")
