"""A/B of two checkouts, run by hand: `python bench/ab.py OLD_DIR NEW_DIR [--runs N]`.

On a small shared machine the timings drift by tenths of a second within an hour: more than
most changes are worth, so two `bench/run.py` runs an hour apart cannot say whether a change
helped. This starts the app from two checkouts side by side (for example
`git worktree add /tmp/old <commit>`) and one browser measures them in turns, alternating which
goes first: time to map for a returning visitor and in a fresh browser, and the restyle time on
the demo gemeente. Prints the medians; nothing is written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import restyle_time, time_to_map  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

POLYGONS = 40  # the demo gemeente


@contextmanager
def serve(checkout: Path):
    """`streamlit run app.py` in `checkout`, with a data directory of its own; yields the URL."""
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
            cwd=checkout, env={**os.environ, "WIJK_DATA_DIR": data},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def in_turns(runs: int, measure) -> list[list[float]]:
    """`measure(k)` for k = 0 and 1, `runs` times each, alternating which goes first."""
    found = [[], []]
    for i in range(runs):
        for k in (0, 1) if i % 2 == 0 else (1, 0):
            found[k].append(measure(k))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs=2, type=Path)
    parser.add_argument("--runs", type=int, default=12)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack, sync_playwright() as pw:
        urls = [f"{stack.enter_context(serve(c))}/kaart" for c in args.checkouts]

        def launch():
            return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        browser = launch()
        contexts = []
        for url in urls:  # warm up both servers, and a returning visitor for each
            time_to_map(browser, url, POLYGONS)
            contexts.append(
                browser.new_context(viewport={"width": 1280, "height": 800})
            )
            time_to_map(browser, url, POLYGONS, contexts[-1])
        results = {
            "time to map, returning (s)": in_turns(
                args.runs,
                lambda k: time_to_map(browser, urls[k], POLYGONS, contexts[k]),
            ),
            "restyle, demo (s)": in_turns(
                max(2, args.runs // 4),
                lambda k: restyle_time(browser, urls[k], POLYGONS),
            ),
        }
        browser.close()

        def fresh(k: int) -> float:
            new = launch()
            try:
                return time_to_map(new, urls[k], POLYGONS)
            finally:
                new.close()

        results["time to map, fresh browser (s)"] = in_turns(
            max(4, args.runs // 2), fresh
        )
    width = max(len(str(c)) for c in args.checkouts)
    for name, (a, b) in results.items():
        print(
            f"{name:32} {str(args.checkouts[0]):>{width}} {statistics.median(a):6.3f}   "
            f"{str(args.checkouts[1]):>{width}} {statistics.median(b):6.3f}   (n={len(a)})"
        )


if __name__ == "__main__":
    main()
