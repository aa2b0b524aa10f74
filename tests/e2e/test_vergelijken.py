"""Compared with what? In a browser: the funnel plot and verwacht-versus-werkelijk in
Tellen, comparable buurten, and the Kaart coloured by what the population would lead one to
expect."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import CBS_DIR, ROOT
from tests.e2e.conftest import running_app
from tests.e2e.test_browser import TIMEOUT, open_page, wait_for_polygons


def test_funnel_expected_and_peers_in_tellen(page: Page, server, screenshots):
    open_page(
        page, f"{server}/tellen?buurt=BU99990201&indicator=pct_huishoudens_laag_inkomen"
    )
    expect(
        page.get_by_role("heading", name="Vergelijkbare buurten: Oude Haven")
    ).to_be_visible(timeout=TIMEOUT)
    # Table cells are drawn on a canvas; their text is in the grid's accessible cells,
    # which the grid fills once it is on screen.
    page.get_by_text("Hoe deze buurt het doet").scroll_into_view_if_needed()
    expect(
        page.locator("td", has_text="van de 10 vergelijkbare buurten").first
    ).to_be_attached(timeout=TIMEOUT)
    page.get_by_role("tab", name="Trechter").click()
    expect(page.get_by_text("Trechterregel", exact=False).first).to_be_visible(
        timeout=TIMEOUT
    )
    # The funnel: 95 % and 99.8 % limits (four dashed/dotted lines) around the gemeente.
    plot = page.locator(".js-plotly-plot").filter(has=page.locator(".scatterlayer"))
    expect(plot.locator(".scatterlayer .trace").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("tab", name="Trechter").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "tellen-trechter.png", full_page=True)
    page.goto(f"{server}/tellen?buurt=BU99990201&indicator=wmo_clienten_per_1000")
    page.get_by_role("tab", name="Verwacht").click()
    expect(page.get_by_text("keer opnieuw verdelen", exact=False)).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.locator("td", has_text="zoals verwacht").first).to_be_attached(
        timeout=TIMEOUT
    )
    page.screenshot(path=screenshots / "tellen-verwacht.png", full_page=True)


def test_kaart_coloured_by_expected(page: Page, server, screenshots):
    open_page(page, f"{server}/kaart?indicator=wmo_clienten_per_1000&kleur=verwacht")
    polygons = wait_for_polygons(page)
    expect(page.get_by_text("zoals verwacht")).to_be_visible(timeout=TIMEOUT)
    fills = {polygons.nth(i).get_attribute("fill") for i in range(40)}
    assert "#f7f7f7" in fills  # zoals verwacht
    assert "#d9d9d9" in fills  # geen oordeel (geheim): grey, and said in the legend
    page.screenshot(path=screenshots / "kaart-verwacht.png")


@pytest.mark.skipif(not CBS_DIR.exists(), reason="needs ../shared/data/cbs")
def test_real_profile_asks_the_focus_question(page: Page, tmp_path, screenshots):
    env = {**os.environ, "WIJK_DATA_DIR": str(tmp_path / "data")}
    subprocess.run(
        [sys.executable, "cli.py", "import-cbs", "--geometry",
         str(CBS_DIR / "buurten_GM0772_eindhoven.geojson"), "--stats",
         str(CBS_DIR / "kwb_2022.csv"), "--gemeente", "GM0772"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with running_app(tmp_path) as url:
        open_page(page, f"{url}/buurtprofiel?gemeente=GM0772&buurt=BU07725130")
        question = page.get_by_text(
            "Jongeren met jeugdzorg is hoger dan je op grond van de bevolking zou "
            "verwachten: wat zien partners en bewoners?"
        )
        expect(question).to_be_visible(timeout=TIMEOUT)
        question.scroll_into_view_if_needed()
        expect(
            page.get_by_text("die het model niet zag", exact=False).first
        ).to_be_visible()
        page.screenshot(path=screenshots / "buurtprofiel-verwacht.png")
