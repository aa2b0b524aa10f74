"""WCAG 2.1 AA on every page and every view, as axe-core judges it (issue: Vlot en
toegankelijk). The werksessie's projector and phone pages are checked in test_werksessie.py,
in the middle of a real werksessie."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_browser import (
    MAP_FRAME,
    TIMEOUT,
    choose_typed,
    open_page,
    restyles,
    the_map,
    view,
    wait_for_polygons,
)


def tabs(page: Page, names: list[str], where: str) -> None:
    for name in names:
        page.get_by_role("tab", name=name).click()
        expect(page.get_by_role("tab", name=name)).to_have_attribute(
            "aria-selected", "true"
        )
        assert_accessible(page, f"{where}, tab {name}")


def heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", name=name, exact=True).first).to_be_visible(
        timeout=TIMEOUT
    )


def test_overzicht(page: Page, server):
    open_page(page, server)
    heading(page, "Voorbeeldstad (fictief)")
    assert_accessible(page, "Overzicht")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "kleur=afwijking",
        "kleur=verwacht&indicator=wmo_clienten_per_1000",
        "buurt=BU99990201&initiatief=demo-i01",
        "niveau=wijk&kleur=afwijking",
    ],
)
def test_kaart(page: Page, server, query):
    open_page(page, f"{server}/kaart?{query}")
    wait_for_polygons(page, 8 if "niveau=wijk" in query else 40)
    assert_accessible(page, f"Kaart {query}")


def test_kaart_with_every_layer_and_its_table(page: Page, server):
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page)
    for toggle in ("Verhalen op de kaart", "Initiatieven op de kaart"):
        page.get_by_test_id("stCheckbox").filter(
            has_text=re.compile(f"^{toggle}")
        ).click()
    expect(the_map(page).locator(".marker-cluster").first).to_be_visible(
        timeout=TIMEOUT
    )
    expect(the_map(page).locator(".initiatief").first).to_be_visible()
    page.get_by_text("De kaart als tabel").click()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page, "Kaart met verhalen, initiatieven en tabel")


def test_tellen(page: Page, server):
    open_page(page, f"{server}/tellen?buurt=BU99990201")
    heading(page, "Tellen")
    tabs(
        page,
        ["Ranglijst", "Trechter", "Verwacht", "Verdeling", "Samenhang", "Ontwikkeling"],
        "Tellen",
    )
    page.get_by_text("Wijken", exact=True).click()
    expect(
        page.get_by_text("Trechter, verwacht, samenhang", exact=False)
    ).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page, "Tellen per wijk")


def test_vertellen(page: Page, server):
    open_page(page, f"{server}/vertellen")
    heading(page, "Vertellen")
    tabs(page, ["Verhalen", "Verhaal toevoegen", "Inlezen en uitvoeren"], "Vertellen")


@pytest.mark.parametrize("view", ["rolwijzer", "dekking", "gesprek", "register"])
def test_initiatieven(page: Page, server, view):
    open_page(page, f"{server}/initiatieven?weergave={view}")
    heading(page, "Initiatieven")
    if view == "dekking":
        wait_for_polygons(page)
    assert_accessible(page, f"Initiatieven, {view}")


def test_buurtprofiel(page: Page, server):
    open_page(page, f"{server}/buurtprofiel?buurt=BU99990201")
    heading(page, "Buurtprofiel")
    expect(page.get_by_text("Oude Haven").first).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page, "Buurtprofiel")


def test_wijkprofiel(page: Page, server):
    open_page(page, f"{server}/buurtprofiel?niveau=wijk&buurt=WK999902")
    heading(page, "Buurtprofiel")
    expect(page.get_by_role("heading", name="Havenkwartier")).to_be_visible(
        timeout=TIMEOUT
    )
    assert_accessible(page, "Buurtprofiel van een wijk")


def test_uitleg(page: Page, server):
    open_page(page, f"{server}/uitleg")
    heading(page, "Wat betekent dit?")
    assert_accessible(page, "Wat betekent dit?")


def test_werksessie_start(page: Page, server):
    open_page(page, f"{server}/werksessie")
    heading(page, "Werksessie")
    assert_accessible(page, "Werksessie, beginnen")


def test_data(page: Page, server):
    open_page(page, f"{server}/data")
    heading(page, "Data")
    tabs(
        page,
        [
            "Uit bestanden",
            "Van internet (CBS en PDOK)",
            "Eigen indicatoren",
            "Ingeladen gemeenten",
            "Bewaartermijn",
            "Logboek",
        ],
        "Data",
    )


def test_doemee_code_entry(page: Page, server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/doemee")
    expect(page.get_by_role("heading", name=re.compile("^Doe mee"))).to_be_visible(
        timeout=TIMEOUT
    )
    assert_accessible(page, "Doe mee, code invullen")


def tab_to(page: Page, accessible: str, exact: bool = False) -> None:
    """Press Tab until the element named `accessible` (its aria-label or label; or a name
    that starts with it) has the focus, as someone without a mouse does; it must show that
    it has it."""
    for _ in range(60):
        page.keyboard.press("Tab")
        name = page.evaluate(
            """() => { const e = document.activeElement;
                const label = e.labels && e.labels[0] ? e.labels[0].innerText : '';
                return e.getAttribute('aria-label') || label || e.title || ''; }"""
        )
        if name == accessible or (not exact and name.startswith(accessible)):
            # Visible focus: the element or a box around it looks different with the focus
            # than without (an outline, a shadow or a coloured border).
            changed = page.evaluate(
                """async () => {
                    const settle = () => new Promise((done) => setTimeout(done, 400));
                    await settle(); // styles move in with a transition
                    // Into a frame (the map's): the element focused inside it.
                    let focused = document.activeElement;
                    while (focused.contentDocument?.activeElement)
                        focused = focused.contentDocument.activeElement;
                    const view = focused.ownerDocument.defaultView;
                    const look = () => { const out = []; let e = focused;
                        for (let i = 0; i < 5 && e; i++, e = e.parentElement) {
                            const s = view.getComputedStyle(e);
                            out.push([s.outlineStyle, s.outlineColor, s.boxShadow,
                                      s.borderColor].join()); }
                        return out.join('|'); };
                    const withFocus = look(); focused.blur(); await settle();
                    const without = look(); focused.focus(); await settle();
                    return withFocus !== without; }"""
            )
            assert changed, f"{accessible}: the focus is not visible"
            return
    raise AssertionError(f"{accessible} is not reachable with Tab")


def test_kaart_by_keyboard(page: Page, server):
    """Indicator, map and buurt without a mouse: Tab, type, Enter, + to zoom."""
    open_page(page, f"{server}/kaart")
    polygons = wait_for_polygons(page)
    kaart = the_map(page)
    page.evaluate("document.activeElement.blur()")  # start at the top of the page
    tab_to(page, "Indicator")
    before = restyles(kaart)
    choose_typed(page, "Wmo-cliënten per")
    expect(page).to_have_url(re.compile("indicator=wmo_clienten_per_1000"))
    page.wait_for_function(
        f'(b) => document.querySelector("{MAP_FRAME}")'
        ".contentDocument.body.dataset.restyles !== b",
        arg=before,
        timeout=TIMEOUT,
    )
    # The map's frame is named after what it shows; inside it the map takes + to zoom.
    tab_to(page, "Kaart van")
    zoom = view(kaart)[0]
    page.keyboard.press("+")
    page.wait_for_function(
        f'(z) => document.querySelector("{MAP_FRAME}")'
        ".contentWindow.kaart.map.getZoom() > z",
        arg=zoom,
        timeout=TIMEOUT,
    )
    tab_to(page, "Buurt", exact=True)  # not the radio 'Buurten' (level) before it
    choose_typed(page, "Oude Haven")
    heading(page, "Oude Haven")
    assert polygons.count() == 40
