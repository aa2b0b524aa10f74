"""Click through the app like a person: open each page, switch indicator, click a buurt.

Screenshots land in tests/e2e/screenshots/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

SIZES = {"laptop": (1280, 800), "projector": (1920, 1080)}
TIMEOUT = 30_000


def open_page(page: Page, url: str, size: str = "laptop") -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    expect(page.get_by_test_id("stApp")).to_be_visible(timeout=TIMEOUT)


def pick(page: Page, box, typed: str, option: str | None = None) -> None:
    """Choose in a Streamlit selectbox or multiselect as a person using the keyboard does: open it, type,
    and press Enter once the highlighted option is the first whose name contains `option`
    (else `typed`).

    Not a click on the option: Chromium 150 and later put the list of a box low on the page
    partly outside the window, where no scrolling reaches it ("outside of the viewport").
    Not Enter straight after typing either: on a busy machine it can reach the box before the
    list has filtered, and choose the wrong option."""
    box.click()
    page.keyboard.press("ControlOrMeta+a")  # a chosen value is typed over, not after
    page.keyboard.type(typed)
    options = page.get_by_role("option")
    wanted = page.get_by_role("option", name=option or typed)
    expect(wanted.first).to_be_attached(timeout=TIMEOUT)
    # Filtered: the list starts with a match, highlighted. (A phone's box takes no typing:
    # its list stays whole, and the arrow keys walk down to the option.)
    try:
        expect(options.first).to_contain_text(typed, ignore_case=True, timeout=3000)
    except AssertionError:
        pass
    wanted_id = wanted.first.get_attribute("id")
    highlighted = page.locator('[role="option"][data-focused="true"]')
    for _ in range(options.count() + 1):
        if highlighted.count() and highlighted.first.get_attribute("id") == wanted_id:
            break
        page.keyboard.press("ArrowDown")
    expect(highlighted).to_have_attribute("id", wanted_id)
    page.keyboard.press("Enter")
    # A selectbox closes its list; a multiselect keeps it open for the next choice. Escape
    # only then: pressed while a selectbox's list is still closing, it undoes the choice.
    try:
        expect(page.get_by_role("listbox")).to_have_count(0, timeout=2000)
    except AssertionError:
        page.keyboard.press("Escape")
    expect(page.get_by_role("listbox")).to_have_count(0, timeout=TIMEOUT)


def the_map(page: Page):
    """The page's one map (ui/buurtkaart.js draws it in the page itself, no iframe)."""
    shown = page.locator(".buurtkaart:visible")
    expect(shown).to_have_count(1, timeout=TIMEOUT)
    return shown


def wait_for_polygons(page: Page, count: int = 40):
    polygons = the_map(page).locator("path.leaflet-interactive")
    expect(polygons).to_have_count(count, timeout=TIMEOUT)
    return polygons


@pytest.mark.parametrize("size", SIZES)
def test_overzicht(page: Page, server, screenshots, size):
    open_page(page, server, size)
    expect(page.get_by_role("heading", name="Voorbeeldstad (fictief)")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_text("Let op: fictieve gemeente.")).to_be_visible()
    expect(page.get_by_text("Waar beginnen?")).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("67.520")
    page.screenshot(path=screenshots / f"overzicht-{size}.png", full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_kaart_makes_no_request_outside_the_app(page: Page, server, screenshots, size):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, f"{server}/kaart", size)
    wait_for_polygons(page)
    expect(page.get_by_text("geen cijfer: geheim of niet beschikbaar")).to_be_visible()
    page.wait_for_timeout(1000)  # let late requests (fonts, icons) show up too
    page.screenshot(path=screenshots / f"kaart-{size}.png")
    own = urlparse(server).netloc
    foreign = [
        u
        for u in requests
        if not u.startswith(("data:", "blob:", "about:")) and urlparse(u).netloc != own
    ]
    assert requests and foreign == []
    # Leaflet itself was served by the app.
    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in requests)


# Notes in the page the first animation frame in which each part of the Kaart is on screen.
FIRST_SHOWN = """
(() => {
  const shown = {};
  window.firstShown = shown;
  const parts = {
    map: ".buurtkaart path.leaflet-interactive",
    picker: ".st-key-kaart_indicator input",
    side: ".st-key-kaart_buurt input",
    table: ".st-key-kaart_tabel input",
  };
  const check = () => {
    for (const [name, selector] of Object.entries(parts)) {
      const element = document.querySelector(selector);
      if (!shown[name] && element?.checkVisibility()) shown[name] = performance.now();
    }
    if (Object.keys(shown).length < Object.keys(parts).length) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""


def to_tellen_and_back(page: Page) -> None:
    """From the Kaart to Tellen and back through the menu, as within one visit."""
    page.get_by_role("link", name="Tellen", exact=True).click()
    expect(page.get_by_role("heading", name="Tellen")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("link", name="Kaart", exact=True).click()


def test_kaart_shows_the_map_first_then_the_side_panel(page: Page, server):
    """Opening the Kaart, the map and its pickers come first; the side panel and the table
    switch follow once the browser has drawn the map and said so (pages/kaart.py)."""
    page.add_init_script(FIRST_SHOWN)
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page)
    page.wait_for_function(
        "Object.keys(window.firstShown).length === 4", timeout=TIMEOUT
    )
    shown = page.evaluate("window.firstShown")
    assert shown["map"] < shown["side"] and shown["map"] < shown["table"]
    # Then the whole page, as before: legend, buurt choice, the table one switch away.
    expect(page.get_by_text("geen cijfer: geheim of niet beschikbaar")).to_be_visible()
    page.get_by_text("De kaart als tabel").click()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=TIMEOUT)
    # Back from another page, the whole Kaart is there again.
    to_tellen_and_back(page)
    expect(page.get_by_text("De kaart als tabel")).to_be_visible(timeout=TIMEOUT)
    assert the_map(page).locator("path.leaflet-interactive").count() == 40


def test_kaart_without_its_map_still_shows_the_rest(page: Page, server):
    """A map that cannot be drawn (here Leaflet does not load) says so, and the page does not
    wait for it: the side panel and the table come all the same."""
    page.route("**/leaflet/leaflet.js", lambda route: route.abort())
    open_page(page, f"{server}/kaart")
    expect(page.get_by_text("De kaart kon niet worden getoond")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_text("geen cijfer: geheim of niet beschikbaar")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_text("De kaart als tabel")).to_be_visible()


def fills(polygons) -> list[str]:
    return polygons.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")


def recolours_itself(page: Page, typed: str, unit: str) -> None:
    """Pick another indicator: the map recolours itself the moment the picker changes
    (buurtkaart.js, follow), and the rerun's colours, legend included, are the same: it does
    not recolour again."""
    kaart = the_map(page)
    polygons = kaart.locator("path.leaflet-interactive")
    before, restyles = fills(polygons), kaart.get_attribute("data-restyles")
    pick(page, page.get_by_role("combobox", name=re.compile("Indicator")), typed)
    expect(page.get_by_text(unit)).to_be_visible(timeout=TIMEOUT)
    expect(kaart).not_to_have_attribute("data-restyles", restyles, timeout=TIMEOUT)
    assert fills(polygons) != before
    assert kaart.get_attribute("data-restyled-by") == "browser"


def test_switching_indicator_restyles_and_keeps_zoom_and_position(
    page: Page, server, screenshots
):
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page)
    kaart = the_map(page)
    # Zoom in twice and drag the map, as a person looking at one corner does.
    kaart.locator(".leaflet-control-zoom-in").click()
    kaart.locator(".leaflet-control-zoom-in").click()
    box = kaart.bounding_box()
    page.mouse.move(box["x"] + 300, box["y"] + 300)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 220, steps=5)
    page.mouse.up()
    expect(kaart).to_have_attribute("data-zoom", re.compile(r"\d"), timeout=TIMEOUT)
    page.wait_for_timeout(500)
    view = (kaart.get_attribute("data-zoom"), kaart.get_attribute("data-center"))
    page.evaluate("document.querySelector('.buurtkaart').__same = true")
    for typed, unit in [
        ("Wmo-cliënten per", "Wmo-cliënten per 1.000 inwoners (per 1.000)"),
        ("Ouderen van 65", "Ouderen van 65 jaar en ouder (%)"),
        ("Misdrijven per", "Misdrijven per 1.000 inwoners (per 1.000)"),
    ]:
        recolours_itself(page, typed, unit)
        # The same map, restyled: same element, same zoom, same centre.
        assert page.evaluate("document.querySelector('.buurtkaart').__same") is True
        assert (
            kaart.get_attribute("data-zoom"),
            kaart.get_attribute("data-center"),
        ) == view
    expect(page).to_have_url(re.compile("indicator=misdrijven_per_1000"))
    page.screenshot(path=screenshots / "kaart-misdrijven-ingezoomd.png")
    # By deviation too: the map recolours itself, in red and blue, and keeps its view.
    pick(page, page.get_by_role("combobox", name=re.compile("Kleuren")), "Afwijking")
    expect(page).to_have_url(re.compile("kleur=afwijking"))
    expect(kaart).to_have_attribute("data-restyled-by", "server", timeout=TIMEOUT)
    recolours_itself(
        page, "Wmo-cliënten per", "Wmo-cliënten per 1.000 inwoners (per 1.000)"
    )
    assert (
        kaart.get_attribute("data-zoom"),
        kaart.get_attribute("data-center"),
    ) == view


def test_map_recolours_itself_after_another_page(page: Page, server):
    """Every indicator's colours come once per session; a map drawn again after a visit to
    another page still has them, and recolours without waiting for the server."""
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page)
    to_tellen_and_back(page)
    wait_for_polygons(page)
    recolours_itself(page, "Ouderen van 65", "Ouderen van 65 jaar en ouder (%)")


def test_click_buurt_shows_its_figures(page: Page, server, screenshots):
    open_page(page, f"{server}/kaart")
    polygons = wait_for_polygons(page)
    target = polygons.nth(6)
    target.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible(timeout=TIMEOUT)
    name = tooltip.inner_text().rsplit(":", 1)[0].strip()
    target.click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page).to_have_url(re.compile(r"buurt=BU9999\d{4}"))
    expect(page.get_by_text("Gemeente").first).to_be_visible()
    page.screenshot(path=screenshots / "kaart-buurt.png")


def test_shared_link_reopens_the_view(page: Page, server):
    open_page(page, f"{server}/kaart?indicator=misdrijven_per_1000&buurt=BU99990104")
    expect(page.get_by_role("heading", name="Stationsbuurt", exact=True)).to_be_visible(
        timeout=TIMEOUT
    )
    expect(
        page.get_by_text("Misdrijven per 1.000 inwoners (per 1.000)")
    ).to_be_visible()
    wait_for_polygons(page)


def test_navigation_between_pages(page: Page, server):
    open_page(page, server)
    page.get_by_test_id("stSidebarNav").get_by_text("Kaart").click()
    expect(page.get_by_role("heading", name="Kaart", exact=True)).to_be_visible(
        timeout=TIMEOUT
    )
    wait_for_polygons(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Overzicht").click()
    expect(page.get_by_role("heading", name="Voorbeeldstad (fictief)")).to_be_visible(
        timeout=TIMEOUT
    )


def test_deep_link_on_a_fresh_server_gets_the_whole_app(page: Page, fresh_server):
    """Streamlit's legacy pages/ mode must not show on the first visit after a restart."""
    open_page(page, f"{fresh_server}/kaart?buurt=BU99990201")
    expect(page.get_by_role("heading", name="Oude Haven", exact=True)).to_be_visible(
        timeout=TIMEOUT
    )
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Overzicht")).to_be_visible()
    expect(nav.get_by_text("app", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_text("Gemeente")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_tellen_compare_two_buurten(page: Page, server, screenshots, size):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, f"{server}/tellen", size)
    expect(page.get_by_role("heading", name="Tellen", exact=True)).to_be_visible(
        timeout=TIMEOUT
    )
    picker = page.get_by_role("combobox", name=re.compile("Buurten"))
    for name in ("Oude Haven", "Vaartzicht-Noord"):
        pick(page, picker, name)
    page.keyboard.press("Escape")
    expect(page.get_by_role("heading", name="Alle cijfers")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page).to_have_url(
        re.compile("buurt=BU99990201%2CBU99990501|buurt=BU99990201,BU99990501")
    )
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    # The ranking chart is drawn (plotly renders SVG bars).
    expect(page.locator(".js-plotly-plot .bars path").first).to_be_visible(
        timeout=TIMEOUT
    )
    page.get_by_role("tab", name="Samenhang").click()
    expect(page.get_by_text("Samenhang (correlatie r)")).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=screenshots / f"tellen-{size}.png")
    own = urlparse(server).netloc
    assert [
        u for u in requests if u.startswith("http") and urlparse(u).netloc != own
    ] == []
