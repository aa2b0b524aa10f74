"""Benchmark, run by hand: `python bench/run.py`. Prints a table and writes bench/results/*.json.

Measures what a user feels. Not part of the tests: timings depend on the machine.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

RUNS = 5


def time_to_map(page, url: str, polygons: int = 40) -> float:
    """Seconds from navigation to all buurt polygons drawn in the map iframe."""
    start = time.perf_counter()
    page.goto(url)
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    paths = frame.locator("path.leaflet-interactive")
    paths.nth(polygons - 1).wait_for(timeout=60_000)
    return time.perf_counter() - start


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        launched = time.perf_counter()
        with running_app(Path(tmp)) as url:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            first = time_to_map(page, f"{url}/kaart")
            results["cold_start_to_map_s"] = time.perf_counter() - launched
            results["first_map_after_start_s"] = first
            warm = []
            for _ in range(RUNS):
                fresh = browser.new_page(viewport={"width": 1280, "height": 800})
                warm.append(time_to_map(fresh, f"{url}/kaart"))
                fresh.close()
            results["warm_time_to_map_median_s"] = statistics.median(warm)
            results["warm_time_to_map_runs_s"] = warm
        browser.close()
    print(f"{'measure':40} {'value':>10}")
    for key, value in results.items():
        if isinstance(value, float):
            print(f"{key:40} {value:10.2f}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(results, indent=2)
    )


if __name__ == "__main__":
    main()
