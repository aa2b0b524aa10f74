"""Helder en mee te nemen, in a browser: a verdict's reason in full at 1440 px, plotly in
Dutch with its download named after the chart, and every figure and the map downloadable."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import CBS_DIR
from tests.e2e.conftest import running_app
from tests.e2e.test_browser import TIMEOUT, open_page, the_map, view, wait_for_polygons


def test_reasons_in_full_and_plotly_in_dutch(page: Page, server, screenshots):
    open_page(
        page,
        f"{server}/tellen?buurt=BU99990201&indicator=pct_huishoudens_laag_inkomen",
        "breed",
    )
    # The reason as a wrapped table row, not a cut-off cell: all of it is on screen.
    row = (
        page.get_by_test_id("stTable")
        .locator("tr", has_text="Huishoudens met een laag inkomen")
        .filter(has_text="bij deze buurtgrootte")
    )
    expect(row.first).to_be_visible(timeout=TIMEOUT)
    cell = row.first.locator("td").last
    text = cell.inner_text()
    assert text.startswith("15,4% tegen 9,8% in de gemeente") and "hoogste van" in text
    box = cell.bounding_box()
    assert box and box["x"] + box["width"] <= 1440
    assert cell.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    page.screenshot(path=screenshots / "tellen-toelichting-1440.png", full_page=True)
    # Plotly's modebar speaks Dutch, and its image is named after the chart.
    plot = page.locator(".js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    plot.hover()
    camera = plot.locator(".modebar-btn[data-title*='afbeelding']")
    expect(camera).to_have_attribute(
        "data-title", "Grafiek downloaden als afbeelding (PNG)", timeout=TIMEOUT
    )
    titles = plot.locator(".modebar-btn").evaluate_all(
        "bs => bs.map(b => b.getAttribute('data-title'))"
    )
    english = {"Zoom", "Pan", "Autoscale", "Reset axes", "Download plot as a PNG"}
    assert not english & set(titles), titles
    with page.expect_download() as download:
        camera.click()
    assert download.value.suggested_filename == (
        "ranglijst_pct_huishoudens_laag_inkomen_2023.png"
    )


def test_kaart_downloads_the_map_and_every_figure(page: Page, server, tmp_path):
    open_page(page, f"{server}/kaart?indicator=pct_huishoudens_laag_inkomen")
    page.get_by_test_id("stCheckbox").filter(has_text=re.compile("^Downloaden")).click()
    expect(page.get_by_role("button", name="Kaart als PNG")).to_be_visible(
        timeout=TIMEOUT
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="Kaart als PNG").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "kaart_GM9999_pct_huishoudens_laag_inkomen_2023.png"
    assert path.read_bytes().startswith(b"\x89PNG")
    page.get_by_role("button", name="Alle cijfers downloaden").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Excel (XLSX)").click()
    assert download.value.suggested_filename == "cijfers_GM9999_2023.xlsx"


def test_woensel_west_low_income_is_defended_in_words(tmp_path, browser, screenshots):
    """Done when: Woensel-West's low-income row shows value, gemeente, limit, rank and a
    graded position, at 1440 px, on real Eindhoven."""
    if not (CBS_DIR / "kwb_2022.csv").exists():
        pytest.skip("../shared/data/cbs ontbreekt")
    import os

    from analysis.datasets import load_dataset
    from tests.conftest import import_eindhoven

    os.environ["WIJK_DATA_DIR"] = str(tmp_path / "data")
    try:
        import_eindhoven()
        code = (
            load_dataset("GM0772")
            .buurten.set_index("buurtnaam")
            .at["Woensel-West", "buurtcode"]
        )
    finally:
        del os.environ["WIJK_DATA_DIR"]
    with running_app(tmp_path) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        open_page(page, f"{url}/tellen?gemeente=GM0772&buurt={code}", "breed")
        row = (
            page.get_by_test_id("stTable")
            .locator("tr", has_text="Huishoudens met een laag inkomen")
            .filter(has_text="bij deze buurtgrootte")
        )
        expect(row.first).to_be_visible(timeout=TIMEOUT)
        text = row.first.inner_text()
        for part in ("gemiddeld (iets slechter)", "9,1% tegen 5,3% in de gemeente",
                     "Aandacht boven", "hoogste van"):  # fmt: skip
            assert part in text, (part, text)
        page.screenshot(
            path=screenshots / "tellen-woensel-west-1440.png", full_page=True
        )
        page.close()


def test_hele_gemeente_brings_the_whole_map_back(page: Page, server):
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page)
    kaart = the_map(page)
    whole = view(kaart)
    kaart.evaluate("() => window.kaart.map.setView([51.0, 5.0], 17, {animate: false})")
    page.wait_for_timeout(300)
    assert view(kaart)[0] == 17
    kaart.get_by_role("button", name="Hele gemeente").click()
    page.wait_for_timeout(800)
    back = view(kaart)
    assert back[0] == whole[0]  # the same zoom, the same centre (within a few metres)
    assert abs(float(back[1]) - float(whole[1])) < 1e-3
    assert abs(float(back[2]) - float(whole[2])) < 1e-3


# Streamlit's own names for its controls, which the app cannot change (listed in
# docs/toegankelijkheidsverklaring.md); every other English word on a page is ours to fix.
STREAMLIT_OWN = {
    "Choose an option", "Choose date", "Choose date range", "Clear all", "Collapse sidebar",
    "Download as CSV", "Fullscreen", "Navigate to home page", "Open", "Search",
    "Show/hide columns", "file upload", "Upload", "200MB per file",
}  # fmt: skip
ENGLISH = re.compile(
    r"\b(None|nan|NaN|Download plot|Upload|Zoom|Pan|Autoscale|Reset axes|Browse files|"
    r"Drag and drop|No results|Choose|Select|Clear|Show|Hide|Search|Loading|Error|Click|"
    r"Press|Enter|files?|Fullscreen|Sort|ascending|descending|Delete|rows?|columns?|"
    r"Submit|Cancel|Save|Edit|Filter|Please|Collapse|Expand|sidebar|Navigate|Open)\b"
)


@pytest.mark.parametrize(
    "path, heading",
    [
        ("", "Voorbeeldstad (fictief)"),
        ("kaart?buurt=BU99990201", "Kaart"),
        ("tellen?buurt=BU99990201", "Tellen"),
        ("vertellen", "Vertellen"),
        ("initiatieven", "Initiatieven"),
        ("initiatieven?weergave=netwerk", "Initiatieven"),
        ("agenda", "Buurtagenda"),
        ("agenda?weergave=terugblik", "Buurtagenda"),
        ("buurtprofiel?buurt=BU99990201", "Buurtprofiel"),
        ("werksessie", "Werksessie"),
        ("data", "Data"),
        ("uitleg", "Wat betekent dit?"),
    ],
)
def test_no_english_on_any_page(page: Page, server, path, heading):
    open_page(page, f"{server}/{path}", "breed")
    expect(page.get_by_role("heading", name=heading).first).to_be_visible(
        timeout=TIMEOUT
    )
    page.wait_for_timeout(1500)  # what comes after the heading
    text = page.locator("[data-testid=stMain]").inner_text()
    for name in STREAMLIT_OWN:
        text = text.replace(name, "")
    assert not ENGLISH.findall(text), ENGLISH.findall(text)
    # Names for screen readers and tooltips too, on what is visible.
    names = page.evaluate(
        "() => [...document.querySelectorAll('[aria-label],[title],[placeholder],"
        "[data-title]')].filter(e => e.offsetParent !== null).flatMap(e => ['aria-label',"
        " 'title', 'placeholder', 'data-title'].map(a => e.getAttribute(a)).filter(Boolean))"
    )
    english = {
        n for n in names if ENGLISH.search(n) and not any(o in n for o in STREAMLIT_OWN)
    }
    assert not english, english
