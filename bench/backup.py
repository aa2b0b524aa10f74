"""Backup and restore benchmark, run by hand: `python bench/backup.py [POSTGRES_URL]`.

Eindhoven (KWB 2022, from ../shared/data/cbs, which it needs)
plus 10,000 stories, in SQLite with the gemeenten in the database. Times `backup` and a
`restore` into an empty SQLite database, and, with a PostgreSQL server URL (a server, not a
database: a throw-away database is made on it), the same from and into PostgreSQL.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CBS_DIR = ROOT.parent / "shared" / "data" / "cbs"


def fill(url: str) -> None:
    from analysis.importer import import_cbs
    from bench.stories import CODES, csv_rows
    from stories.audit import Actor
    from stories.dataset_store import use_database
    from stories.db import make_engine
    from stories.exchange import import_stories
    from stories.store import StoryStore

    engine = make_engine(url)
    use_database(engine)
    files = [((CBS_DIR / n).read_bytes(), n)
             for n in ("buurten_GM0772_eindhoven.geojson", "kwb_2022.csv")]  # fmt: skip
    import_cbs(*files, gemeente="GM0772")
    store = StoryStore(engine, Actor("beheerder", "benchmark"))
    import_stories(store, "GM9999", csv_rows(10_000), "verhalen.csv", set(CODES))


def measure(source: str, target: str, folder: Path) -> dict:
    from stories.backup import backup, restore
    from stories.dataset_store import use_database
    from stories.db import make_engine

    fill(source)
    engine = make_engine(source)
    started = time.perf_counter()
    counts = backup(engine, folder / "backup.zip")
    made = time.perf_counter() - started
    fresh = make_engine(target)
    use_database(fresh)
    started = time.perf_counter()
    restore(fresh, folder / "backup.zip")
    back = time.perf_counter() - started
    return {
        "backup_s": made,
        "restore_s": back,
        "size_mb": (folder / "backup.zip").stat().st_size / 1e6,
        "stories": counts["stories"],
        "gemeenten": counts["gemeenten"],
    }


def main() -> None:
    import sqlalchemy as sa

    server = (
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("WIJK_TEST_POSTGRES_URL")
    )
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["WIJK_DATA_DIR"] = str(folder / "data")
        runs["sqlite → sqlite"] = measure(
            f"sqlite:///{folder / 'a.sqlite'}",
            f"sqlite:///{folder / 'b.sqlite'}",
            folder,
        )
        if server:
            names = [f"bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
            admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                for name in names:
                    conn.execute(sa.text(f"CREATE DATABASE {name}"))
            base = server.rsplit("/", 1)[0]
            try:
                runs["postgresql → postgresql"] = measure(
                    f"{base}/{names[0]}", f"{base}/{names[1]}", folder
                )
            finally:
                with admin.connect() as conn:
                    for name in names:
                        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
    print(f"{'':26} {'back-up':>9} {'terugzetten':>12} {'bestand':>9} {'verhalen':>9}")
    for name, r in runs.items():
        print(f"{name:26} {r['backup_s']:8.2f}s {r['restore_s']:11.2f}s "
              f"{r['size_mb']:7.1f}MB {r['stories']:9}")  # fmt: skip


if __name__ == "__main__":
    main()
