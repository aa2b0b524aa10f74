"""Add a story like a wijkteam member would, see it in the list and on the map; a story with a
script in it stays text everywhere."""

import re

from playwright.sync_api import Page, expect

from stories.demo import demo_stories, demo_talents
from tests.e2e.test_browser import (
    TIMEOUT,
    open_page,
    pick,
    the_map,
    wait_for_polygons,
)

TOLD = (
    len(demo_stories()) + len(demo_talents()) + 1
)  # the demo's stories and talents, and ours
STORY = (
    "<script>window.injected = 1; alert(1)</script> De speeltuin aan de kade is kapot."
)


def test_add_story_then_see_it_in_list_and_on_map(
    page: Page, fresh_server, screenshots
):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, f"{fresh_server}/vertellen")
    expect(page.get_by_role("heading", name="Vertellen", exact=True)).to_be_visible(
        timeout=TIMEOUT
    )
    page.get_by_role("tab", name="Verhaal toevoegen").click()
    pick(page, page.get_by_role("combobox", name=re.compile("^Buurt")), "Oude Haven")
    page.get_by_test_id("stRadioGroup").get_by_text("Zorg", exact=True).click()
    text = page.get_by_label("Het verhaal")
    text.fill(STORY + " Bel 06-12345678")
    text.press("Tab")
    expect(
        page.get_by_text("De tekst bevat mogelijk een telefoonnummer")
    ).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Haal deze gegevens uit de tekst").click()
    expect(page.get_by_label("Het verhaal")).to_have_value(
        STORY + " Bel [verwijderd]", timeout=TIMEOUT
    )
    pick(page, page.get_by_role("combobox", name=re.compile("^Thema's")), "Jeugd")
    page.keyboard.press("Escape")
    page.get_by_text("De verteller vindt het goed").click()
    page.screenshot(path=screenshots / "vertellen-toevoegen.png", full_page=True)
    page.get_by_role("button", name="Verhaal opslaan").click()
    expect(page.get_by_text("Opgeslagen. Dank je wel!")).to_be_visible(timeout=TIMEOUT)

    page.get_by_role("tab", name="Verhalen").click()
    expect(page.get_by_text(f"{TOLD} van {TOLD} verhalen.")).to_be_visible(
        timeout=TIMEOUT
    )
    shown = page.get_by_text("De speeltuin aan de kade is kapot.", exact=False).first
    expect(shown).to_be_visible()
    assert "<script>" in shown.inner_text()  # shown as text
    page.screenshot(path=screenshots / "vertellen-lijst.png")

    page.get_by_test_id("stSidebarNav").get_by_text("Kaart").click()
    wait_for_polygons(page)  # stories start switched off: only buurten
    page.get_by_test_id("stCheckbox").filter(
        has_text=re.compile("^Verhalen op de kaart")
    ).click()
    expect(the_map(page).locator(".marker-cluster").first).to_be_visible(
        timeout=TIMEOUT
    )
    frame = the_map(page)
    frame.locator(".leaflet-control-zoom-in").click()
    frame.locator(".leaflet-control-zoom-in").click()
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(800)
    # Zoomed in, some zorg stories stand on their own (others stay in clusters).
    zorg_dots = frame.locator('path[fill="#ca0020"][stroke="#ffffff"] >> visible=true')
    expect(zorg_dots.first).to_be_visible(timeout=TIMEOUT)
    # A white ring with a dark edge: a red dot shows on a red buurt too.
    assert "verhaal" in zorg_dots.first.get_attribute("class")
    assert "drop-shadow" in zorg_dots.first.evaluate("e => getComputedStyle(e).filter")
    page.screenshot(path=screenshots / "kaart-verhalen.png")
    # The new story is one of the markers, its popup holding the quote as escaped text.
    popups = frame.evaluate(
        """() => { const out = [];
            window.kaart.map.eachLayer(l => { if (l.getLayers) l.getLayers().forEach(m => {
                const p = m.getPopup && m.getPopup(); if (!p) return;
                const c = p.getContent(); out.push(typeof c === "string" ? c : c.innerHTML); }); });
            return out; }"""
    )
    ours = [p for p in popups if "De speeltuin aan de kade is kapot." in p]
    assert (
        len(set(popups)) == TOLD and len(set(ours)) == 1
    )  # a layer may be listed twice
    assert "&lt;script&gt;" in ours[0] and "<script>" not in ours[0]
    # The injected script never ran: not in the page, not in the map.
    assert dialogs == []
    assert page.evaluate("window.injected") is None
    assert frame.evaluate("() => window.injected") is None  # nor in the map's frame
