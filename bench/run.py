"""Benchmark, run by hand: `python bench/run.py [--quick]`.

Measures what a user feels, against the budgets of the benchmark issue and against the obvious
alternative (a plain folium map of the unsimplified geometry). Prints one table and writes
`bench/results/bench-<time>.json`. Not part of the tests: timings depend on the machine.

Needs Debian's chromium. Real Eindhoven figures come from ../shared/data/cbs/ when present.
`--quick` runs every measurement once instead of five times.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CBS_DIR = ROOT.parent / "shared" / "data" / "cbs"
MAP = "iframe[src*='st_folium']"
RUNS = 1 if "--quick" in sys.argv else 5
KB = 1024

# measure → (budget, unit, lower is better)
BUDGETS = {
    "payload_eindhoven_kb": (250, "KB"),
    "payload_ratio_eindhoven": (5.0, "× kleiner"),
    "payload_max_shift_eindhoven_m": (5.0, "m"),
    "restyle_eindhoven_s": (0.15, "s"),  # click → recoloured map, in Chromium
    "restyle_1000_buurten_s": (0.3, "s"),
    "restyle_eindhoven_ws_kb": (30, "KB"),  # websocket bytes per restyle
    "time_to_map_median_s": (2.5, "s"),  # returning visitor
    "time_to_map_fresh_browser_s": (2.5, "s"),
    "rerun_indicator_median_s": (0.3, "s"),
    "rerun_buurt_median_s": (0.3, "s"),
    "signals_1000_buurten_s": (1.0, "s"),
    "signals_15000x40_s": (1.0, "s"),
    "time_to_map_1000_buurten_s": (5.0, "s"),
    "import_10000_stories_s": (5.0, "s"),
    "query_100000_stories_s": (0.1, "s"),
    "server_rss_eindhoven_mb": (500, "MB"),
}
HIGHER_IS_BETTER = {"payload_ratio_eindhoven"}


def median_time(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- 1. map payload -------------------------------------------------------------------------


def payloads(data, catalogue) -> dict:
    """Bytes of our map (its outlines, fetched once; the script of `Buurten`; one colouring
    as `Opmaak` sends it) against a plain folium choropleth of the full geometry."""
    import folium

    from analysis.geometry import max_boundary_shift
    from ui.maps import (
        _BUURTEN_JS,
        Shapes,
        buurt_style,
        quantile_classes,
        quantile_colours,
    )

    year = data.years[-1]
    ind = catalogue["pct_huishoudens_laag_inkomen"]
    values = data.wide(year)[ind.id]
    colours = quantile_colours(values, quantile_classes(values))
    style = buurt_style(data.map_geometry, values, ind, colours)
    shapes = Shapes.of(data.map_geometry)
    plain = folium.Map(tiles=None)
    full = data.buurten.assign(
        waarde=values.reindex(data.buurten["buurtcode"]).to_numpy()
    )
    folium.Choropleth(
        geo_data=full.to_json(), data=full, columns=["buurtcode", "waarde"],
        key_on="feature.properties.buurtcode", fill_color="YlGnBu", bins=5,
    ).add_to(plain)  # fmt: skip
    plain.fit_bounds([[full.total_bounds[1], full.total_bounds[0]],
                      [full.total_bounds[3], full.total_bounds[2]]])  # fmt: skip
    restyle_kb = len(json.dumps(style, separators=(",", ":")).encode()) / KB
    ours_kb = (len(shapes.body) + len(_BUURTEN_JS.encode())) / KB + restyle_kb
    plain_kb = len(plain.get_root().render().encode()) / KB
    return {
        "ours_kb": ours_kb,
        "plain_folium_kb": plain_kb,
        "ratio": plain_kb / ours_kb,
        "restyle_data_kb": restyle_kb,
        "max_shift_m": max_boundary_shift(data.buurten, data.map_geometry),
    }


# --- 2, 6. the browser: time to map, memory ---------------------------------------------------


# Set in the page before it loads: the first animation frame in which all polygons are on
# screen in the map's frame, in epoch milliseconds. That frame is the one that shows the map.
MAP_SHOWN = """
(() => {
  if (window !== window.top) return;
  const check = () => {
    const frame = document.querySelector("iframe[src*='st_folium']");
    const paths = frame?.contentDocument?.querySelectorAll('path.leaflet-interactive') ?? [];
    if (paths.length >= %d && paths[paths.length - 1].checkVisibility())
      window.mapShownAt = performance.timeOrigin + performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""


def time_to_map(browser, url: str, polygons: int, context=None) -> float:
    """Seconds from opening the page to the frame that shows all polygons: in a fresh browser
    context (a first visit: Streamlit's own ~80 script files are fetched too), or in `context`
    (a returning visitor, whose browser has them cached).

    Timed in the page, like the restyle. Playwright itself sees the map later: while it waits
    for an element it looks again after 20, 50, 100 and 100 ms, and then only every 500 ms,
    so waiting for the polygons from here added up to half a second that nobody waits for."""
    own = context is None
    context = context or browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(MAP_SHOWN % polygons)
    started = time.time()
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.mapShownAt", timeout=120_000)
    elapsed = page.evaluate("window.mapShownAt") / 1000 - started
    page.close()
    if own:
        context.close()
    return elapsed


def restyle_time(browser, url: str, polygons: int) -> tuple[float, float]:
    """Median seconds from the click on another indicator to the recoloured map, timed in the
    browser (epoch milliseconds in the page and in the map's frame): from the click event to
    the moment the map's script has set the new colours. (The time Playwright itself needs to
    send the click is not the user's.) And the median kilobytes the page received over its
    websocket per switch (Streamlit's messages: the rerun, the map's `Opmaak` included)."""
    import re

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    received: list[int] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: received.append(
                len(payload if isinstance(payload, bytes) else payload.encode())
            ),
        ),
    )
    page.goto(url)
    frame = page.locator(MAP).content_frame
    frame.locator("path.leaflet-interactive").nth(polygons - 1).wait_for(
        timeout=120_000
    )
    page.evaluate(
        "document.addEventListener('click', () => {"
        " window.clicked = performance.timeOrigin + performance.now() }, true)"
    )
    restyles = f'document.querySelector("{MAP}").contentDocument.body.dataset.restyles'
    box = page.get_by_role("combobox", name=re.compile("Indicator"))
    times, sizes = [], []
    for i in range(RUNS + 1):  # the first switch warms up
        before = page.evaluate(restyles)
        page.wait_for_timeout(300)
        received.clear()
        box.click()
        page.get_by_role("option", selected=False).nth(i).click()
        page.wait_for_function(f"{restyles} !== {json.dumps(before)}", timeout=60_000)
        page.wait_for_timeout(500)  # let the rest of the rerun arrive
        restyled_at = float(
            page.evaluate(
                f'document.querySelector("{MAP}").contentDocument.body.dataset.restyledAt'
            )
        )
        times.append((restyled_at - page.evaluate("window.clicked")) / 1000)
        sizes.append(sum(received) / KB)
    page.close()
    return statistics.median(times[1:]), statistics.median(sizes[1:])


def static_files_s(url: str) -> float:
    """Median seconds for the server to hand out the script files a first visit starts with
    (those the page names), over six connections as a browser opens them: the server's share
    of a fresh browser's wait, without the browser's own work."""
    import http.client
    import re
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit
    from urllib.request import urlopen

    html = urlopen(f"{url}/kaart").read().decode()
    files = sorted(set(re.findall(r'"\./(static/js/[^"]+\.js)"', html)))
    host = urlsplit(url)

    def fetch(part: list[str]) -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port)
        for name in part:
            connection.request("GET", f"/{name}")
            connection.getresponse().read()
        connection.close()

    def all_files() -> None:
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(fetch, [files[i::6] for i in range(6)]))

    return median_time(all_files)


def server_rss_mb(port: int) -> float:
    pid = subprocess.check_output(["pgrep", "-f", f"server.port {port}"]).split()[0]
    for line in Path(f"/proc/{int(pid)}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / KB
    return float("nan")


def browser_measures(data_dir: Path, eindhoven: bool, synthetic_id: str) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, running_app

    out = {}
    with sync_playwright() as pw:

        def launch():
            return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        browser = launch()
        launched = time.perf_counter()
        with running_app(data_dir.parent) as url:
            out["first_map_after_start_s"] = time_to_map(browser, f"{url}/kaart", 40)
            out["cold_start_to_map_s"] = time.perf_counter() - launched
            out["static_files_s"] = static_files_s(url)
            for _ in range(2):  # the server's first sessions are slower: warm up
                time_to_map(browser, f"{url}/kaart", 40)
            browser.close()
            fresh = []
            for _ in range(RUNS):
                browser = (
                    launch()
                )  # a new browser each time: nothing cached or left over
                fresh.append(time_to_map(browser, f"{url}/kaart", 40))
                browser.close()
            out["time_to_map_fresh_browser_runs_s"] = fresh
            out["time_to_map_fresh_browser_s"] = statistics.median(fresh)
            browser = launch()
            returning = browser.new_context(viewport={"width": 1280, "height": 800})
            time_to_map(browser, f"{url}/kaart", 40, returning)
            runs = [
                time_to_map(browser, f"{url}/kaart", 40, returning) for _ in range(RUNS)
            ]
            returning.close()
            out["time_to_map_runs_s"] = runs
            out["time_to_map_median_s"] = statistics.median(runs)
            big = f"{url}/kaart?gemeente={synthetic_id}"
            time_to_map(browser, big, 1000)  # first load reads the dataset
            out["time_to_map_1000_buurten_s"] = statistics.median(
                [time_to_map(browser, big, 1000) for _ in range(RUNS)]
            )
            out["restyle_1000_buurten_s"], out["restyle_1000_buurten_ws_kb"] = (
                restyle_time(browser, big, 1000)
            )
            out["restyle_demo_s"], out["restyle_demo_ws_kb"] = restyle_time(
                browser, f"{url}/kaart", 40
            )
        if eindhoven:  # one session on Eindhoven, on a fresh server of its own
            with running_app(data_dir.parent / "alleen-eindhoven") as url:
                port = int(url.rsplit(":", 1)[1])
                out["server_rss_idle_mb"] = server_rss_mb(port)
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.goto(f"{url}/kaart?gemeente=GM0772")
                paths = page.locator(MAP).content_frame.locator(
                    "path.leaflet-interactive"
                )
                paths.nth(115).wait_for(timeout=120_000)
                out["restyle_eindhoven_s"], out["restyle_eindhoven_ws_kb"] = (
                    restyle_time(browser, f"{url}/kaart?gemeente=GM0772", 116)
                )
                page.goto(f"{url}/tellen?gemeente=GM0772")
                page.get_by_role("heading", name="Tellen").wait_for(timeout=60_000)
                time.sleep(2)
                out["server_rss_eindhoven_mb"] = server_rss_mb(port)
                context.close()
        browser.close()
    return out


# --- 3. interaction: server-side rerun time ---------------------------------------------------


def reruns() -> dict:
    from streamlit.testing.v1 import AppTest, app_test

    import ui.access
    from stories.access import User
    from tests.conftest import _WarmServerPagesManager

    # As in the tests: behave like a running server, not like a first run after a restart,
    # and as this computer's browser (AppTest has no address: it would be a participant).
    app_test.PagesManager = _WarmServerPagesManager
    ui.access.identify = lambda: User("beheerder", "deze computer")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/kaart.py").run()
    options = at.selectbox(key="kaart_indicator").options
    positions = iter(range(1, len(options)))

    def change_indicator():
        at.selectbox(key="kaart_indicator").select_index(next(positions)).run()

    codes = iter(["BU99990201", "BU99990301", "BU99990505", "BU99990102", "BU99990402",
                  "BU99990203", "BU99990701"])  # fmt: skip

    def choose_buurt():
        at.selectbox(key="kaart_buurt").select(next(codes)).run()

    result = {
        "rerun_indicator_median_s": median_time(change_indicator),
        "rerun_buurt_median_s": median_time(choose_buurt),
    }
    assert not at.exception, at.exception
    return result


# --- 4. scale ---------------------------------------------------------------------------------


def scale(catalogue) -> tuple[dict, object]:
    from analysis.reference import reference_values
    from analysis.signals import buurt_signals
    from bench.synthetic import dataset, wide_catalogue, wide_values

    big = dataset(1000, catalogue)

    def signals_of(wide, cat, reasons=True):
        status = wide.isna().replace({True: "niet beschikbaar", False: ""})
        reference = reference_values(wide, cat, None, "GM8888")
        return buurt_signals(wide, status, reference, cat, reasons=reasons)

    wide = big.wide(2023)
    national = wide_catalogue(catalogue, 40)
    codes = [f"BU{i:08d}" for i in range(15_000)]
    nl = wide_values(codes, national)
    return (
        {
            "signals_1000_buurten_s": median_time(lambda: signals_of(wide, catalogue)),
            # The signals themselves, then with a Dutch reason sentence for each of the
            # 315,000 buurt × indicator cells (what `cli.py signals` writes).
            "signals_15000x40_s": median_time(lambda: signals_of(nl, national, False)),
            "signals_15000x40_with_reasons_s": median_time(
                lambda: signals_of(nl, national)
            ),
            "indicators_in_15000_table": nl.shape[1],
        },
        big,
    )


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    from bench.machine import reference_s

    results: dict = {
        "runs": RUNS,
        "machine_cores": os.cpu_count(),
        "machine_reference_s": reference_s(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        os.environ["WIJK_DATA_DIR"] = str(data_dir)  # the app under test reads the same
        from analysis.catalogue import load_catalogue
        from analysis.datasets import load_dataset, save_dataset
        from analysis.importer import import_cbs

        catalogue = load_catalogue()
        demo = load_dataset("demo")
        results["payload_demo"] = payloads(demo, catalogue)
        eindhoven = (CBS_DIR / "kwb_2022.csv").exists()
        if eindhoven:
            files = [
                ((CBS_DIR / n).read_bytes(), n)
                for n in ("buurten_GM0772_eindhoven.geojson", "kwb_2022.csv")
            ]
            started = time.perf_counter()
            import_cbs(*files)
            results["import_eindhoven_s"] = time.perf_counter() - started
            real = load_dataset("GM0772")
            payload = payloads(real, catalogue)
            results["payload_eindhoven"] = payload
            results["payload_eindhoven_kb"] = payload["ours_kb"]
            results["payload_ratio_eindhoven"] = payload["ratio"]
            results["payload_max_shift_eindhoven_m"] = payload["max_shift_m"]
            results["restyle_data_eindhoven_kb"] = payload["restyle_data_kb"]
            # A second data directory with only Eindhoven, for the memory measurement.
            os.environ["WIJK_DATA_DIR"] = str(Path(tmp) / "alleen-eindhoven" / "data")
            import_cbs(*files)
            os.environ["WIJK_DATA_DIR"] = str(data_dir)
        scaled, big = scale(catalogue)
        results.update(scaled)
        save_dataset(big)
        payload = payloads(big, catalogue)
        results["payload_1000_buurten_kb"] = payload["ours_kb"]
        results["restyle_data_1000_buurten_kb"] = payload["restyle_data_kb"]
        results.update(reruns())
        results.update(browser_measures(data_dir, eindhoven, big.info.id))
        results["machine_reference_after_s"] = reference_s()

    from bench.stories import measure

    stories = measure()
    results["import_10000_stories_s"] = stories["import_10000_s"]
    results["query_100000_stories_s"] = stories["query_100000_median_s"]
    postgres = os.environ.get("WIJK_TEST_POSTGRES_URL")
    if postgres:
        pg = measure(postgres)
        results["import_10000_stories_postgres_s"] = pg["import_10000_s"]
        results["query_100000_stories_postgres_s"] = pg["query_100000_median_s"]
    report(results)


def report(results: dict) -> None:
    print(f"\n{'meting':44} {'waarde':>12} {'budget':>14}  ")
    for key, value in results.items():
        if isinstance(value, dict | list):
            continue
        budget = BUDGETS.get(key)
        shown = f"{value:12.3f}" if isinstance(value, float) else f"{value:>12}"
        if budget:
            limit, unit = budget
            ok = value >= limit if key in HIGHER_IS_BETTER else value <= limit
            mark = "ok" if ok else "NIET GEHAALD"
            print(f"{key:44} {shown} {f'{limit} {unit}':>14}  {mark}")
        else:
            print(f"{key:44} {shown}")
    for name in ("payload_demo", "payload_eindhoven"):
        if name in results:
            p = results[name]
            print(
                f"{name}: ours {p['ours_kb']:.0f} KB, plain folium {p['plain_folium_kb']:.0f} KB "
                f"({p['ratio']:.1f}× smaller), max boundary shift {p['max_shift_m']:.1f} m"
            )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\n→ {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
