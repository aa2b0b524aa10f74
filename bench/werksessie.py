"""Load test of a werksessie: N participants send an entry within a minute while the projector
watches. Run by hand: `python bench/werksessie.py [--deelnemers 30] [--binnen 60]`.

Each participant is its own Streamlit session on the real server, driven through Streamlit's
agent API (the browser's rerun path over HTTP: the app's own form, validation and store run).
Thirty Chromium pages would measure this 2-core machine's browser, not the server; the
projector, the one screen that must keep up, is a real Chromium page. Agent-API sessions
have no address, so the server treats them as what they stand for: participants (deelnemer),
who reach only the phone page with the werksessie's join code. Measured: the time from
'Versturen' to the thank-you, whether every entry reached the store (nothing lost, nothing
twice), how soon the projector shows them all, and the server's memory. Results go to
bench/results/ (not in git).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("droom", "kracht", "zorg")
BUURTEN = ("Rozenbuurt", "Tulpenbuurt", "Dahliabuurt", "Binnenstad", "Oude Haven")
THEMES = ("Ontmoeting & eenzaamheid", "Jeugd & opgroeien", "Veiligheid")


def interact(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{url}/_stcore/agent/interact",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def participant(url, join_code, n, start, began, timings, errors):
    """Open the phone page, fill in the form (as a person would, field by field), send."""
    time.sleep(max(0.0, began + start - time.perf_counter()))
    try:
        page = interact(url, {"page": "doemee", "query_params": {"code": [join_code]}})
        session = page["session_id"]
        for field, value in (
            (
                "ws_soort",
                {"droom": "Droom", "kracht": "Kracht", "zorg": "Zorg"}[KINDS[n % 3]],
            ),
            ("ws_buurt", BUURTEN[n % len(BUURTEN)]),
            ("ws_themas", [THEMES[n % len(THEMES)]]),
            ("ws_titel", f"Deelnemer {n}: een idee"),
            ("ws_toestemming", True),
        ):
            interact(url, {"session_id": session, "widget_state": {field: value}})
        sent = time.perf_counter()
        done = interact(
            url, {"session_id": session, "trigger": {"key": "ws_versturen"}}
        )
        timings.append(time.perf_counter() - sent)
        if "Dank je wel" not in json.dumps(done, ensure_ascii=False):
            errors.append(f"deelnemer {n}: geen bevestiging")
    except Exception as exc:  # noqa: BLE001 (counted and reported)
        errors.append(f"deelnemer {n}: {exc.__class__.__name__}: {str(exc)[:200]}")


def run(count: int, within: float) -> dict:
    from playwright.sync_api import sync_playwright

    from bench.run import server_rss_mb
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, running_app

    with (
        tempfile.TemporaryDirectory() as tmp,
        running_app(Path(tmp), extra=("--server.enableAgentApi", "true")) as url,
    ):
        os.environ["WIJK_DATA_DIR"] = str(Path(tmp) / "data")
        from stories.audit import Actor
        from stories.db import make_engine
        from stories.workshop import WorkshopStore

        store = WorkshopStore(make_engine(), Actor("beheerder", "bench"))
        workshop = store.create("GM9999", "Loadtest")
        port = int(url.rsplit(":", 1)[1])
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            projector = browser.new_page(viewport={"width": 1920, "height": 1080})
            projector.goto(f"{url}/werksessie?sessie={workshop.id}&gemeente=demo")
            projector.locator(".ws-feed-head").wait_for(timeout=60_000)
            timings, errors = [], []
            began = time.perf_counter()
            threads = [
                threading.Thread(
                    target=participant,
                    args=(
                        url,
                        workshop.join_code,
                        n,
                        within * n / count,
                        began,
                        timings,
                        errors,
                    ),
                )
                for n in range(count)
            ]
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                projector.wait_for_timeout(200)  # the projector keeps running meanwhile
            all_sent = time.perf_counter() - began
            shown_after = None
            try:
                projector.locator(".ws-feed-head").filter(
                    has_text=f"Net binnen ({count})"
                ).wait_for(timeout=30_000)
                shown_after = time.perf_counter() - began - all_sent
            except Exception:  # noqa: BLE001 (reported as not shown)
                pass
            rss = server_rss_mb(port)
            browser.close()
        entries = store.entries(workshop.id)
    titles = entries["title"].tolist()
    return {
        "participants": count,
        "spread_over_s": within,
        "sent_ok": len(timings),
        "errors": errors,
        "stored": len(entries),
        "stored_unique": len(set(titles)),
        "lost": count - len(set(titles)),
        "send_median_s": statistics.median(timings) if timings else None,
        "send_max_s": max(timings) if timings else None,
        "all_sent_after_s": all_sent,
        "projector_caught_up_after_last_s": shown_after,
        "server_rss_mb": rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deelnemers", type=int, default=30)
    parser.add_argument("--binnen", type=float, default=60.0, help="seconden")
    args = parser.parse_args()
    results = run(args.deelnemers, args.binnen)
    for key, value in results.items():
        print(f"{key:36} {value}")
    out = (
        ROOT / "bench" / "results" / f"werksessie-{time.strftime('%Y%m%d-%H%M%S')}.json"
    )
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
