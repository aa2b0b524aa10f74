"""Talenten en netwerk as a team lead lives it: a partner with an ontwikkelplaats is added by
its point, lands in its buurt, shows as a square on the Kaart, and the rolwijzer for that
buurt's unmet need suggests connecting it. (A phone's talent for a dream, counted on the
projector, is in test_werksessie.py, with its room.)"""

from __future__ import annotations

import re

import geopandas as gpd
from playwright.sync_api import Page, expect

from analysis.datasets import DEMO_DIR
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_browser import TIMEOUT, open_page, pick, the_map

# The demo's Binnenstad: 2 zorgverhalen on veiligheid and no initiative (rolwijzer: initiëren).
BUURT, NAME = "BU99990101", "Binnenstad"


def test_a_partner_added_on_the_page_is_on_the_map_and_in_the_rolwijzer(
    page: Page, fresh_server, screenshots
):
    buurten = gpd.read_file(DEMO_DIR / "buurten.geojson").set_index("buurtcode")
    point = buurten.geometry[BUURT].representative_point()
    open_page(page, f"{fresh_server}/initiatieven?weergave=rolwijzer", "breed")
    need = page.get_by_text(re.compile(f"^{NAME} · Veiligheid"))
    expect(need).to_be_visible(timeout=TIMEOUT)

    open_page(page, f"{fresh_server}/initiatieven?weergave=netwerk", "breed")
    expect(page.get_by_text("Wie en wat is er al?")).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("Partner of vindplaats toevoegen").click()
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Naam").fill("Stichting Veilig Thuis")
    pick(page, form.get_by_role("combobox", name="Wat biedt de partner?"), "stage")
    page.keyboard.press("Escape")
    pick(page, form.get_by_role("combobox", name="Thema's"), "Veiligheid")
    page.keyboard.press("Escape")
    form.get_by_role("textbox", name="Plek (breedtegraad, lengtegraad)").fill(
        f"{point.y:.6f}, {point.x:.6f}"
    )
    form.get_by_role("textbox", name="Contact (een rol)").fill(
        "coördinator vrijwilligers"
    )
    form.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Stichting Veilig Thuis is opgeslagen.")).to_be_visible(
        timeout=TIMEOUT
    )
    # The form is empty again in the browser too: a second click adds no second partner.
    typed = page.get_by_test_id("stForm").get_by_role("textbox", name="Naam")
    if not typed.is_visible():
        page.get_by_text("Partner of vindplaats toevoegen").click()
    expect(typed).to_have_value("", timeout=TIMEOUT)
    assert_accessible(page, "Initiatieven, Netwerk")
    page.screenshot(path=screenshots / "netwerk-register-1440.png", full_page=True)

    open_page(page, f"{fresh_server}/initiatieven?weergave=rolwijzer", "breed")
    suggestion = page.get_by_test_id("stMarkdownContainer").filter(
        has_text=re.compile(f"^{NAME} · Veiligheid")
    )
    expect(suggestion).to_contain_text(
        "Te verbinden: Stichting Veilig Thuis (stage; in de buurt)", timeout=TIMEOUT
    )
    suggestion.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "netwerk-rolwijzer-1440.png")

    open_page(page, f"{fresh_server}/kaart", "breed")
    page.get_by_text("Partners en vindplaatsen").click()
    square = the_map(page).get_by_role(
        "button", name="Stichting Veilig Thuis (partner)"
    )
    # Clustered where many stand close: zoom in until it stands alone.
    for _ in range(4):
        if square.count():
            break
        the_map(page).get_by_role("button", name="Inzoomen").click()
        page.wait_for_timeout(600)
    expect(square).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Vindplaats", exact=True)).to_be_visible()  # the legend
    square.click()
    expect(the_map(page).locator(".leaflet-popup")).to_contain_text("Biedt: stage")
    page.screenshot(path=screenshots / "netwerk-kaart-1440.png")
