"""Alle cijfers in the browser: wijken on the Kaart and in Tellen; and, with the real Eindhoven
files, the picker with every CBS figure and the gemeente's own indicators from the template."""

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import CBS_DIR
from tests.e2e.test_browser import (
    TIMEOUT,
    open_page,
    pick,
    the_map,
    wait_for_polygons,
)


def test_wijken_on_kaart_and_tellen(page: Page, server, screenshots):
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page, 40)
    page.get_by_text("Wijken", exact=True).click()
    polygons = wait_for_polygons(page, 8)  # Voorbeeldstad has 8 wijken
    polygons.first.hover()
    expect(the_map(page).locator(".leaflet-tooltip")).to_contain_text(
        "berekend uit de buurten"
    )
    expect(page.get_by_text("8 berekend uit de buurten")).to_be_visible()
    page.screenshot(path=screenshots / "kaart-wijken.png")
    open_page(page, f"{server}/tellen")
    page.get_by_text("Wijken", exact=True).click()
    expect(
        page.get_by_text("Trechter, verwacht, samenhang en ontwikkeling")
    ).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".js-plotly-plot .bars path")).to_have_count(8, timeout=TIMEOUT)
    page.screenshot(path=screenshots / "tellen-wijken.png", full_page=True)


@pytest.mark.skipif(not CBS_DIR.exists(), reason="shared CBS data not present")
def test_every_cbs_figure_and_own_indicators_from_the_template(
    page: Page, fresh_server, screenshots, tmp_path
):
    open_page(page, f"{fresh_server}/data")
    uploads = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploads.nth(0).set_input_files(str(CBS_DIR / "buurten_GM0772_eindhoven.geojson"))
    uploads.nth(1).set_input_files(str(CBS_DIR / "kwb_2022.csv"))
    page.get_by_role("button", name="Inladen").click()
    expect(page.get_by_text("116 buurten met kaartvlak.")).to_be_visible(timeout=60_000)

    # The template, filled in as a GGD analyst would, and read back.
    page.get_by_role("tab", name="Eigen indicatoren").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Sjabloon downloaden (Excel)").click()
    path = tmp_path / "sjabloon.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    sheet = book["cijfers"]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 4).value = 5 + row % 20
    book.save(path)
    uploader = page.get_by_role("region", name="Eigen cijfers van Eindhoven")
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.get_by_role("button", name="Eigen cijfers inlezen").click()
    expect(page.get_by_text("1 eigen indicatoren ingelezen voor 2022")).to_be_visible(
        timeout=TIMEOUT
    )
    page.screenshot(path=screenshots / "data-eigen-indicatoren.png", full_page=True)

    # The Kaart's picker: curated, every other CBS figure and the own one, by theme.
    page.get_by_test_id("stSidebar").get_by_text("Kaart", exact=True).click()
    wait_for_polygons(page, 116)
    page.get_by_role("combobox", name="Indicator").click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=screenshots / "kaart-kiezer-alle-cijfers.png")
    page.keyboard.press("Escape")
    pick(
        page,
        page.get_by_role("combobox", name="Indicator"),
        "eenzaam",
        "Ernstig eenzaam (eigen) · Ontmoeting & eenzaamheid",
    )
    expect(page.get_by_text("Bron: GGD Gezondheidsmonitor 2022, 2022.")).to_be_visible(
        timeout=TIMEOUT
    )
    pick(
        page,
        page.get_by_role("combobox", name="Indicator"),
        "WW-uitkering",
        "Personen met een WW-uitkering (overig CBS)",
    )
    expect(page.get_by_text("werkloosheidsuitkering (WW)", exact=False)).to_be_visible(
        timeout=TIMEOUT
    )
    page.get_by_text("Wijken", exact=True).click()
    wait_for_polygons(page, 20)
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "kaart-wijken-eindhoven.png")
