"""Story store benchmark, run by hand: `python bench/stories.py [DATABASE_URL]`.

Imports 10,000 stories from a CSV file (read, check, store) and times a filtered query over
100,000 stories (median of 5). Prints a table; budgets from the benchmark issue: ≤ 5 s, ≤ 100 ms.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from stories.audit import Actor
from stories.db import make_engine  # noqa: E402
from stories.exchange import import_stories  # noqa: E402
from stories.store import StoryFilter, StoryStore  # noqa: E402
from stories.store import stories as stories_table  # noqa: E402
from stories.validation import StoryIn  # noqa: E402

CODES = [f"BU99990{w}{b:02d}" for w in range(1, 9) for b in range(1, 6)]
KINDS = ["kracht", "zorg", "droom"]
THEMES = ["jeugd", "ontmoeting", "veiligheid", "gezondheid", "taal"]


def csv_rows(n: int) -> bytes:
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=";")
    w.writerow(
        ["buurtcode", "soort", "thema", "tekst", "bron", "stem", "datum", "toestemming"]
    )
    for i in range(n):
        w.writerow([CODES[i % len(CODES)], KINDS[i % 3], THEMES[i % 5],
                    f"Verhaal {i} over de speeltuin en de buren.", "enquête", "bewoner",
                    f"{1 + i % 28:02d}-0{1 + i % 9}-2025", "ja"])  # fmt: skip
    return buffer.getvalue().encode()


def measure(url: str | None = None) -> dict:
    """Seconds to import 10,000 stories, and the median seconds of a filtered query over
    100,000 (5 runs)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{tmp}/bench.sqlite"
        engine = make_engine(url)
        store = StoryStore(engine, Actor("beheerder", "benchmark"))
        # Own dataset ids, removed afterwards: a shared database keeps no bench rows behind,
        # and a second run queries 100,000 stories again, not 200,000.
        run = uuid.uuid4().hex[:8]
        imported, queried = f"BI{run}", f"BQ{run}"
        data = csv_rows(10_000)
        started = time.perf_counter()
        result = import_stories(store, imported, data, "tien.csv", set(CODES))
        import_s = time.perf_counter() - started
        assert result.written == 10_000
        batch = [
            StoryIn(CODES[i % len(CODES)], KINDS[i % 3], [THEMES[i % 5]], f"Verhaal {i} buren",
                    "enquête", "bewoner", date(2025, 1 + i % 12, 1 + i % 28), consent=True)
            for i in range(100_000)
        ]  # fmt: skip
        store.add_many(queried, batch)
        where = StoryFilter(kinds=["zorg"], themes=["jeugd"], buurtcodes=CODES[:10],
                            since=date(2025, 3, 1), text="buren")  # fmt: skip
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            found = store.query(queried, where)
            runs.append(time.perf_counter() - started)
        with engine.begin() as conn:
            conn.execute(
                sa.delete(stories_table).where(
                    stories_table.c.dataset.in_([imported, queried])
                )
            )
        engine.dispose()
    return {
        "database": url.split(":", 1)[0],
        "import_10000_s": import_s,
        "query_100000_median_s": statistics.median(runs),
        "query_found": len(found),
    }


def main(url: str | None) -> None:
    result = measure(url)
    print(f"{'measure':46} {'value':>10} {'budget':>8}")
    label = f"import 10,000 stories ({result['database']})"
    print(f"{label:46} {result['import_10000_s']:9.2f}s {'5 s':>8}")
    median_ms = result["query_100000_median_s"] * 1000
    print(
        f"{'filtered query over 100,000 (median of 5)':46} {median_ms:8.0f}ms {'100 ms':>8}"
    )
    print(f"{'  stories found':46} {result['query_found']:10d}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
