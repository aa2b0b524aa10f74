"""What the browser loads first (ui/assets.py): Streamlit's files from memory, and the app's
pages with the server's address and Leaflet in their head. Against a real `streamlit run`."""

from __future__ import annotations

import gzip
import http.client
from pathlib import Path
from urllib.parse import urlsplit

import streamlit
from playwright.sync_api import Page, expect

from tests.e2e.conftest import running_app
from tests.e2e.test_browser import TIMEOUT, open_page, the_map, wait_for_polygons

STREAMLIT_FILES = Path(streamlit.__file__).parent / "static"


def get(url: str, path: str, method: str = "GET", **headers: str):
    """One raw request (the path exactly as given); the response, its body read."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def asked_paths(page: Page) -> list[str]:
    """The paths of everything the page has asked the server for, in order."""
    return page.evaluate(
        "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
    )


def streamlit_script(name_start: str) -> Path:
    return next((STREAMLIT_FILES / "static" / "js").glob(f"{name_start}.*.js"))


def test_streamlits_files_are_the_same_from_memory(server):
    script = streamlit_script("index")
    path = f"/static/js/{script.name}"
    plain = get(server, path)
    assert plain.status == 200
    assert plain.body == script.read_bytes()
    assert "immutable" in plain.getheader("cache-control")
    packed = get(server, path, **{"Accept-Encoding": "gzip, deflate, br"})
    assert packed.getheader("content-encoding") == "gzip"
    assert len(packed.body) < len(plain.body) / 2
    assert gzip.decompress(packed.body) == script.read_bytes()
    refused = get(server, path, **{"Accept-Encoding": "gzip;q=0, br"})
    assert refused.getheader("content-encoding") is None
    # A browser that has it asks whether it changed: no.
    again = get(server, path, **{"If-None-Match": plain.getheader("etag")})
    assert (again.status, again.body) == (304, b"")
    head = get(server, path, "HEAD")
    assert head.body == b"" and int(head.getheader("content-length")) == len(plain.body)
    # A font is compressed already: sent as it is.
    font = next((STREAMLIT_FILES / "static" / "media").glob("*.woff2"))
    sent = get(server, f"/static/media/{font.name}", **{"Accept-Encoding": "gzip"})
    assert sent.getheader("content-encoding") is None and sent.body == font.read_bytes()


def test_only_streamlits_own_files_are_answered_from_memory(server):
    """Anything that is not one of Streamlit's files by its exact address goes to Streamlit."""
    missing = get(server, "/static/js/nietbestaand.js")
    assert "immutable" not in (missing.getheader("cache-control") or "")
    for sneaky in (
        "/static/../app.py",
        "/static/js/../../../../app.py",
        "/static//etc/passwd",
    ):
        answer = get(server, sneaky)
        assert b"st.App" not in answer.body and b"root:" not in answer.body
    # Writing is not reading.
    assert (
        get(server, f"/static/js/{streamlit_script('index').name}", "POST").status
        != 200
    )


def test_pages_carry_the_server_address_and_the_outlines(server):
    start = get(server, "/").body.decode()
    kaart = get(server, "/kaart").body.decode()
    for html in (start, kaart):
        assert '<html lang="nl">' in html  # Dutch from the first byte on (WCAG 3.1.1)
        # The map loads Leaflet in its own frame, only where there is a map.
        assert "leaflet" not in html
    assert "BACKEND_BASE_URL" in kaart and "BACKEND_BASE_URL" not in start
    join = get(server, "/doemee").body.decode()
    assert "BACKEND_BASE_URL" in join and "color: #555b6b" in join
    # Asked again, the page has not changed.
    etag = get(server, "/kaart").getheader("etag")
    assert get(server, "/kaart", **{"If-None-Match": etag}).status == 304


def test_the_map_outlines_come_from_memory_and_are_kept(page: Page, server):
    """The outlines the map fetches are answered by the app under their content's name,
    compressed, to be kept for good; a name it never published is not found."""
    fetched = []
    page.on(
        "response",
        lambda r: fetched.append(r) if "/kaartvormen/" in r.url else None,
    )
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page)
    (answer,) = fetched
    assert answer.status == 200 and answer.headers["content-encoding"] == "gzip"
    assert "immutable" in answer.headers["cache-control"]
    assert len(answer.json()["codes"]) == 40
    assert get(server, "/kaartvormen/0000.json").status == 404


def test_an_address_that_is_no_page_gets_a_dutch_note(page: Page, server):
    """A typo or an old link: the start page, saying in Dutch that the page does not exist,
    instead of Streamlit's English "Page not found"."""
    html = {"Accept": "text/html,application/xhtml+xml"}
    moved = get(server, "/kaartt?indicator=x", **html)
    assert (moved.status, moved.getheader("location")) == (302, "./?niet_gevonden")
    # Pages, Streamlit's own addresses and anything that is not a browser asking for a page
    # go on as before.
    for path in ("/kaart", "/doemee", "/oauth2callback", "/static", "/favicon.png"):
        answer = get(server, path, **html)
        assert "niet_gevonden" not in (answer.getheader("location") or ""), path
    assert get(server, "/kaartt").status == 200
    open_page(page, f"{server}/kaartt")
    expect(page.get_by_text("Die pagina bestaat niet (meer).")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_role("heading", name="Voorbeeldstad (fictief)")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    assert urlsplit(page.url).path == "/" and "niet_gevonden" not in page.url


def test_a_deep_link_finds_the_server_at_once_and_leaflet_loads_once(
    page: Page, server
):
    """Opened at /kaart, Streamlit asks for the server where it is, not first under /kaart;
    the map loads Leaflet once."""
    open_page(page, f"{server}/kaart")
    wait_for_polygons(page)
    asked = asked_paths(page)
    assert "/kaart/_stcore/health" not in asked
    assert asked.count("/_stcore/health") == 1
    in_map = the_map(page).evaluate(
        "() => performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
    )
    assert in_map.count("/app/static/vendor/leaflet/leaflet.js") == 1
    # The caption grey (WCAG 1.4.3) is in the page's head from the start: it holds with
    # app.py's page_setup styles taken out again.
    page.evaluate(
        "document.querySelectorAll('style').forEach(s => {"
        " if (s.textContent.includes('st-key-page_setup')) s.remove() })"
    )
    caption = page.get_by_test_id("stCaptionContainer").first
    assert caption.evaluate("e => getComputedStyle(e).color") == "rgb(85, 91, 107)"
    # The address keeps working as the user moves on.
    page.get_by_role("link", name="Tellen", exact=True).click()
    expect(page.get_by_role("heading", name="Tellen")).to_be_visible(timeout=TIMEOUT)
    assert urlsplit(page.url).path == "/tellen"


def test_behind_a_path(page: Page, tmp_path):
    """Served under /wijk (as behind a proxy): pages, Streamlit's files and Leaflet are found
    there, and a deep link finds the server there."""
    with running_app(tmp_path, base_path="wijk") as url:
        index = streamlit_script("index")
        assert get(url, f"/wijk/static/js/{index.name}").body == index.read_bytes()
        # An address that is no page goes to the start page under /wijk.
        moved = get(url, "/wijk/kaartt", Accept="text/html")
        assert (moved.status, moved.getheader("location")) == (302, "./?niet_gevonden")
        open_page(page, f"{url}/kaart")
        wait_for_polygons(page)
        asked = asked_paths(page)
        assert asked.count("/wijk/_stcore/health") == 1
        assert "/wijk/kaart/_stcore/health" not in asked
