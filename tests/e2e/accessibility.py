"""axe-core (through axe-playwright-python) at WCAG 2.1 level A and AA, on a page and its frames."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE = Axe()
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def assert_accessible(page: Page, where: str) -> None:
    """No axe violation in the page or any frame in it, and the page declares Dutch."""
    # Judge the view as it stands when Streamlit has finished it: while a script runs, the
    # elements it has not yet redrawn are faded ("stale"), which is no contrast failure.
    page.wait_for_function(
        "!document.querySelector('[data-stale=true], [data-testid=stStatusWidgetRunningIcon]')",
        timeout=30_000,
    )
    # The page says it is Dutch: in its HTML (ui/assets.py), or, on a page served otherwise,
    # once Streamlit has drawn app.py's first element.
    page.wait_for_function("document.documentElement.lang === 'nl'", timeout=10_000)
    page.wait_for_timeout(500)
    for frame in page.frames[
        1:
    ]:  # axe looks inside a frame only when it runs there too
        frame.evaluate(AXE.axe_script)
    results = AXE.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"
