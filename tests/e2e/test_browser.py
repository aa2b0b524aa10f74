"""Click through the app like a person: open each page, switch indicator, click a buurt.

Screenshots land in tests/e2e/screenshots/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

SIZES = {"laptop": (1280, 800), "breed": (1440, 900), "projector": (1920, 1080)}
TIMEOUT = 30_000


def open_page(page: Page, url: str, size: str = "laptop") -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    expect(page.get_by_test_id("stApp")).to_be_visible(timeout=TIMEOUT)


def pick(page: Page, box, typed: str, option: str | None = None) -> None:
    """Choose in a Streamlit selectbox or multiselect as a person using the keyboard does: open it,
    then `choose_typed`."""
    choose_typed(page, typed, option, box=box)


# The highlighted option's text, as one JavaScript expression. In brackets: a comparison written
# after it must compare the whole (`a ?? null === b` is `a ?? (null === b)`, always true).
FOCUSED_OPTION = (
    "(document.querySelector('[role=option][data-focused=true]')?.textContent ?? null)"
)


def _focused(page: Page) -> str | None:
    return page.evaluate(f"() => {FOCUSED_OPTION}")


def _wait_focused(page: Page, test: str, text: str | None, timeout: int) -> None:
    """Wait until the highlighted option's text `test`s (=== or !==) `text`."""
    page.wait_for_function(
        f"() => {FOCUSED_OPTION} {test} {json.dumps(text)}", timeout=timeout
    )


def choose_typed(page: Page, typed: str, option: str | None = None, box=None) -> None:
    """In the box that has the keyboard (or `box`, clicked first): type, and press Enter once the
    highlighted option is the first whose name contains `option` (else `typed`).

    Not a click on the option: Chromium 150 and later put the list of a box low on the page
    partly outside the window, where no scrolling reaches it ("outside of the viewport").
    Not Enter straight after typing either: on a busy machine it can reach the box before the
    list has filtered, and choose the wrong option (or none). The highlighted option is read in
    one step in the page: the list redraws while it filters, and an element found a moment ago
    may be gone when it is read (Chromium 156). A list that did not open, or closed again
    before the choice (seen on the werksessie's projector, which refreshes every 3 s), is
    opened again, as a person would."""
    tries = 3 if box is not None else 1
    for attempt in range(tries):
        try:
            _highlight(page, typed, option, box)
            break
        except (AssertionError, PlaywrightTimeout):
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    # A selectbox closes its list; a multiselect keeps it open for the next choice. Escape
    # only then: pressed while a selectbox's list is still closing, it undoes the choice.
    try:
        expect(page.get_by_role("listbox")).to_have_count(0, timeout=2000)
    except AssertionError:
        page.keyboard.press("Escape")
    expect(page.get_by_role("listbox")).to_have_count(0, timeout=TIMEOUT)


def _highlight(page: Page, typed: str, option: str | None, box) -> None:
    """Open the list (if `box`), type, and move the highlight onto the wanted option."""
    if box is not None:
        box.click()
        # A chosen value is typed over, not after. Not with Ctrl+A: in a multiselect that
        # chooses every option (Streamlit 1.67), and it stops the typing from filtering.
        if box.input_value():
            box.select_text()
    page.keyboard.type(typed)
    wanted = page.get_by_role("option", name=option or typed).first
    name = wanted.text_content(timeout=TIMEOUT // 3)
    # Filtered: the list starts with a match, highlighted. (A phone's box takes no typing:
    # its list stays whole, and the arrow keys walk down to the option.)
    try:
        _wait_focused(page, "===", name, timeout=3000)
    except PlaywrightTimeout:  # not filtered (yet): walk down the list, once round
        seen: set[str | None] = set()
        while (now := _focused(page)) != name and now not in seen:
            seen.add(now)
            page.keyboard.press("ArrowDown")
            # One step at a time: read again only once the highlight has moved.
            _wait_focused(page, "!==", now, timeout=5000)
    assert _focused(page) == name, f"{name!r} is not highlighted"


MAP_FRAME = "iframe[src*='st_folium']"


def the_map(page: Page):
    """The page's one map: a folium map in streamlit-folium's frame; its Leaflet container."""
    frames = page.locator(f"{MAP_FRAME}:visible")
    expect(frames).to_have_count(1, timeout=TIMEOUT)
    return frames.content_frame.locator(".leaflet-container")


def restyles(kaart) -> str | None:
    """How often the map's colours changed (templates/buurten.js.j2 counts them)."""
    return kaart.evaluate("() => document.body.dataset.restyles ?? null")


def view(kaart) -> list:
    """The map's zoom and centre, as the user left them."""
    return kaart.evaluate(
        "() => { const m = window.kaart.map, c = m.getCenter();"
        " return [m.getZoom(), c.lat.toFixed(6), c.lng.toFixed(6)]; }"
    )


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


@pytest.mark.parametrize(
    "size", ["laptop", "projector"]
)  # requests do not change with size
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


def to_tellen_and_back(page: Page) -> None:
    """From the Kaart to Tellen and back through the menu, as within one visit."""
    page.get_by_role("link", name="Tellen", exact=True).click()
    expect(page.get_by_role("heading", name="Tellen")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("link", name="Kaart", exact=True).click()


def test_kaart_without_its_map_still_shows_the_rest(page: Page, server):
    """A map that cannot be drawn (here its outlines do not come) says so, and the page
    does not wait for it: the side panel and the table come all the same."""
    page.route("**/kaartvormen/**", lambda route: route.abort())
    open_page(page, f"{server}/kaart")
    expect(the_map(page)).to_contain_text(
        "De kaart kon niet worden getoond", timeout=TIMEOUT
    )
    expect(page.get_by_text("geen cijfer: geheim of niet beschikbaar")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_text("De kaart als tabel")).to_be_visible()


def fills(polygons) -> list[str]:
    return polygons.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")


def recolours(page: Page, typed: str, unit: str) -> None:
    """Pick another indicator: the map on screen is restyled (its colours change), with the
    legend beside it."""
    kaart = the_map(page)
    polygons = kaart.locator("path.leaflet-interactive")
    before, count = fills(polygons), restyles(kaart)
    pick(page, page.get_by_role("combobox", name=re.compile("Indicator")), typed)
    expect(page.get_by_text(unit)).to_be_visible(timeout=TIMEOUT)
    page.wait_for_function(
        f'(before) => document.querySelector("{MAP_FRAME}")'
        ".contentDocument.body.dataset.restyles !== before",
        arg=count,
        timeout=TIMEOUT,
    )
    now = fills(polygons)
    assert now != before
    # The colours follow the indicator: each is one of the legend's beside the map.
    legend = page.locator(".legend").last.inner_html()
    swatches = {
        "#{:02x}{:02x}{:02x}".format(*map(int, rgb))
        for rgb in re.findall(r"rgb\((\d+), (\d+), (\d+)\)", legend)
    }
    assert set(now) <= swatches, (set(now), swatches)


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
    page.wait_for_timeout(800)
    where = view(kaart)
    kaart.evaluate("() => { window.same = true; }")
    for typed, unit in [
        ("Wmo-cliënten per", "Wmo-cliënten per 1.000 inwoners (per 1.000)"),
        ("Ouderen van 65", "Ouderen van 65 jaar en ouder (%)"),
        ("Misdrijven per", "Misdrijven per 1.000 inwoners (per 1.000)"),
    ]:
        recolours(page, typed, unit)
        # The same map, restyled: same frame, same zoom, same centre.
        assert kaart.evaluate("() => window.same") is True
        assert view(kaart) == where
    expect(page).to_have_url(re.compile("indicator=misdrijven_per_1000"))
    page.screenshot(path=screenshots / "kaart-misdrijven-ingezoomd.png")
    # By deviation too: the map recolours, in red and blue, and keeps its view.
    pick(page, page.get_by_role("combobox", name=re.compile("Kleuren")), "Afwijking")
    expect(page).to_have_url(re.compile("kleur=afwijking"))
    recolours(page, "Wmo-cliënten per", "Wmo-cliënten per 1.000 inwoners (per 1.000)")
    assert view(kaart) == where and kaart.evaluate("() => window.same") is True


def test_map_recolours_after_another_page(page: Page, server):
    """A map drawn again after a visit to another page restyles like the first."""
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page)
    to_tellen_and_back(page)
    wait_for_polygons(page)
    recolours(page, "Ouderen van 65", "Ouderen van 65 jaar en ouder (%)")


def test_click_buurt_shows_its_figures(page: Page, server, screenshots):
    open_page(page, f"{server}/kaart")
    polygons = wait_for_polygons(page)
    target = polygons.nth(6)
    target.hover()
    tooltip = the_map(page).locator(".leaflet-tooltip")
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
