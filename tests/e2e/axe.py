"""axe-core, run inside the page, for WCAG 2.2 A and AA (the level councils must meet)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from .csp import assert_no_csp_violations

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TIME_LIMIT_MS = 60_000
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text()


def _describe(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation.get('impact')}): {violation['help']} <{violation['helpUrl']}>"]
    for node in violation["nodes"]:
        html = " ".join(node["html"].split())
        if len(html) > 160:
            html = html[:157] + "..."
        target = " >> ".join(str(selector) for selector in node["target"])  # one per frame
        lines.append(f"    at {target}: {html}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail with every WCAG 2.2 A/AA violation axe-core finds on the current page, and
    with any Content-Security-Policy violation seen on it so far."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not installed at {AXE_SCRIPT} (run `npm ci`)")
    # A click that starts a navigation returns before the new document exists; axe needs it.
    page.wait_for_load_state("load")
    assert_no_csp_violations(page)
    # Evaluated through the DevTools protocol, which the page's CSP does not govern: an
    # added <script> tag would be inline script, refused (and reported) like any other.
    page.evaluate(_axe_source())
    # Playwright's evaluate has no time limit of its own: a run that never settles would
    # hold the whole suite (seen once in CI), so it is raced against a clock.
    results = page.evaluate(
        """([tags, ms]) => Promise.race([
             axe.run(document, {runOnly: {type: "tag", values: tags}}),
             new Promise((_, reject) => setTimeout(() => reject(new Error(`axe-core did not finish in ${ms} ms`)), ms)),
           ])""",
        [list(WCAG_TAGS), AXE_TIME_LIMIT_MS],
    )
    violations = results["violations"]
    if violations:
        report = "\n".join(_describe(v) for v in violations)
        pytest.fail(f"axe-core found {len(violations)} WCAG 2.2 A/AA violation(s) on {page.url}:\n{report}")
    assert_choices_drawn(page)


# Every radio and checkbox, as GOV.UK draws it: the input itself is transparent and its
# label's ::before draws the circle or box, so an input without its item and label markup
# is invisible though axe passes it (issue 19, item 13).
_UNDRAWN_CHOICES = """() => [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
  .filter((input) => input.type !== 'hidden' && !input.closest('[hidden]'))
  .filter((input) => {
    const item = input.closest('.govuk-radios__item, .govuk-checkboxes__item');
    const label = input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    const drawn = label && ['govuk-radios__label', 'govuk-checkboxes__label']
      .some((name) => label.classList.contains(name));
    return !(item && drawn && label.getBoundingClientRect().width > 0);
  })
  .map((input) => input.outerHTML.slice(0, 160))"""


def assert_choices_drawn(page) -> None:
    """Fail when a radio or checkbox on the page is not drawn (no GOV.UK item and label)."""
    undrawn = page.evaluate(_UNDRAWN_CHOICES)
    if undrawn:
        pytest.fail(f"{len(undrawn)} radio or checkbox input(s) not drawn on {page.url}:\n" + "\n".join(undrawn))
