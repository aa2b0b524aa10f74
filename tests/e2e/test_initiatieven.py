"""The Initiatieven page as a wijkteam lead uses it: roles, coverage, conversation starters, and
from an initiative in the register to its buurten outlined on the Kaart."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import (
    TIMEOUT,
    open_page,
    pick,
    the_map,
    wait_for_polygons,
)


def test_roles_coverage_and_conversation(page: Page, server, screenshots):
    open_page(page, f"{server}/initiatieven")
    expect(page.get_by_role("heading", name="Initiatieven", exact=True)).to_be_visible(
        timeout=TIMEOUT
    )
    metrics = page.get_by_test_id("stMetric")
    expect(metrics).to_have_count(4, timeout=TIMEOUT)
    for label in ("Initiëren", "Stimuleren", "Versterken", "Kans"):
        card = metrics.filter(has_text=label)
        expect(card).to_be_visible()
        assert int(card.get_by_test_id("stMetricValue").inner_text()) > 0
    expect(page.get_by_text("zet de eerste stap").first).to_be_visible()
    page.screenshot(path=screenshots / "initiatieven-rolwijzer.png")

    page.get_by_test_id("stButtonGroup").get_by_text("Dekking").click()
    expect(page.get_by_role("heading", name="Zorgen zonder initiatief")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.locator(".js-plotly-plot .heatmaplayer")).to_be_visible(timeout=TIMEOUT)
    wait_for_polygons(page)
    # Drawn in a visible view, the map fits the gemeente, not the whole world.
    scale = the_map(page).locator(".leaflet-control-scale-line")
    expect(scale).to_have_text(re.compile(r"^\d+ (m|km)$"))
    assert int(scale.inner_text().split()[0]) <= (
        2 if "km" in scale.inner_text() else 2000
    )
    page.screenshot(path=screenshots / "initiatieven-dekking.png", full_page=True)

    page.get_by_test_id("stButtonGroup").get_by_text("Tellen × vertellen").click()
    # Where figures and stories disagree, in words (which disagreement depends on the data).
    expect(
        page.get_by_text(
            re.compile(
                r"De cijfers (zeggen \w+|zijn gemiddeld), bewoners vertellen vooral"
            )
        ).first
    ).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=screenshots / "initiatieven-gesprek.png")


def test_from_register_to_the_map(page: Page, server, screenshots):
    open_page(page, f"{server}/initiatieven?weergave=register")
    expect(page.get_by_text("Bekijk of bewerk een initiatief")).to_be_visible(
        timeout=TIMEOUT
    )
    pick(
        page,
        page.get_by_role("combobox", name=re.compile("^Bekijk of bewerk")),
        "Budgetcafé",
    )
    expect(page.get_by_role("heading", name="Budgetcafé De Kade")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.locator(".js-plotly-plot")).to_be_visible(timeout=TIMEOUT)  # the ladder
    page.screenshot(path=screenshots / "initiatieven-register.png", full_page=True)
    page.get_by_role("link", name="Toon de buurten op de kaart").click()
    expect(page).to_have_url(
        re.compile(r"/kaart\?.*initiatief=demo-i01"), timeout=TIMEOUT
    )
    wait_for_polygons(page)
    frame = the_map(page)
    expect(frame.locator('path[stroke-dasharray="10 6"]')).to_have_count(
        2, timeout=TIMEOUT
    )
    expect(
        page.get_by_text("Omlijnd: de buurten van Budgetcafé De Kade")
    ).to_be_visible()
    page.get_by_test_id("stCheckbox").filter(
        has_text=re.compile("^Initiatieven op de kaart")
    ).click()
    expect(frame.locator(".initiatief")).to_have_count(34, timeout=TIMEOUT)
    frame.locator(".initiatief").first.hover()
    # Its tooltip names the status (a buurt's tooltip may still hang where the mouse passed).
    expect(
        frame.locator(".leaflet-tooltip").filter(
            has_text=re.compile(r"\((actief|idee|opstart|gestopt)\)")
        )
    ).to_be_visible()
    page.screenshot(path=screenshots / "kaart-initiatieven.png")
