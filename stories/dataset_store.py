"""Gemeenten (datasets) in the database, for a shared installation: every app server on the
same database sees the same gemeenten, an import on one shows on the others at their next
rerun, and a server rebuilt from its image loses nothing.

A dataset is kept as its parts (analysis.datasets.dataset_parts: GeoParquet and Parquet, as in
the data directory) plus a row with what the picker shows and a version number. The version
is the cache key on every server, and the guard against two imports at once: a save names
the version it started from, and only one save from a version can succeed.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from analysis.datasets import (
    Dataset,
    DatasetInfo,
    FileDatasets,
    dataset_from_parts,
    dataset_parts,
    datasets_dir,
    info_from_json,
    info_to_json,
    use_store,
)
from analysis.errors import AnalysisError

# The tables of migration 8 (stories/db.py), as far as this module needs to know them.
DATASETS = sa.table(
    "datasets",
    sa.column("id"),
    sa.column("info"),
    sa.column("version"),
    sa.column("updated"),
)
PARTS = sa.table(
    "dataset_parts", sa.column("dataset"), sa.column("name"), sa.column("content")
)


def busy(name: str) -> AnalysisError:
    return AnalysisError(
        f"{name} is zojuist door iemand anders ingeladen, gewijzigd of verwijderd. Er is "
        "niets veranderd aan de gegevens; bekijk de gemeente opnieuw en laad dan opnieuw in."
    )


class DatabaseDatasets:
    """The imported gemeenten in the stories' database (same interface as FileDatasets)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def infos(self) -> list[DatasetInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(DATASETS.c.info)).scalars().all()
        return [info_from_json(text) for text in rows]

    def version(self, dataset_id: str) -> float:
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(DATASETS.c.version).where(DATASETS.c.id == dataset_id)
            ).scalar()
        return float(found or 0)

    def where(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def load(self, dataset_id: str) -> Dataset | None:
        """One statement, so one version: never the row of one import with parts of another."""
        query = (
            sa.select(
                DATASETS.c.info, DATASETS.c.version, PARTS.c.name, PARTS.c.content
            )
            .join(PARTS, PARTS.c.dataset == DATASETS.c.id)
            .where(DATASETS.c.id == dataset_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:
            return None
        parts = {row.name: row.content for row in rows}
        return dataset_from_parts(
            info_from_json(rows[0].info), parts, float(rows[0].version)
        )

    def save(self, dataset: Dataset, expected: float | None) -> None:
        """Write all parts in one transaction. `expected` is the version the caller read
        (None: the gemeente must be new); a save from an older version is refused."""
        info, parts = dataset.info, dataset_parts(dataset)
        text = info_to_json(info)
        now = datetime.now()
        try:
            with self.engine.begin() as conn:
                if expected is None:
                    conn.execute(
                        sa.insert(DATASETS).values(
                            id=info.id, info=text, version=1, updated=now
                        )
                    )  # two new imports at once: the second fails on the key
                else:
                    changed = conn.execute(
                        sa.update(DATASETS)
                        .where(
                            DATASETS.c.id == info.id,
                            DATASETS.c.version == int(expected),
                        )
                        .values(info=text, version=DATASETS.c.version + 1, updated=now)
                    ).rowcount
                    if changed != 1:
                        raise busy(info.name)
                    conn.execute(sa.delete(PARTS).where(PARTS.c.dataset == info.id))
                conn.execute(
                    sa.insert(PARTS),
                    [
                        {"dataset": info.id, "name": n, "content": c}
                        for n, c in parts.items()
                    ],
                )
        except sa.exc.IntegrityError as exc:
            raise busy(info.name) from exc

    def remove(self, dataset_id: str) -> bool:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(PARTS).where(PARTS.c.dataset == dataset_id))
            gone = conn.execute(sa.delete(DATASETS).where(DATASETS.c.id == dataset_id))
        return gone.rowcount == 1


def use_database(engine: Engine) -> list[DatasetInfo]:
    """Keep gemeenten in this database from now on. Gemeenten still in the data directory
    (an installation from before) move in once: the folder is renamed afterwards, so nothing
    is lost and nothing moves twice. Returns the gemeenten moved."""
    store = DatabaseDatasets(engine)
    moved = []
    folder = datasets_dir()
    files = FileDatasets()
    if folder.exists() and any(folder.glob("GM*/meta.json")):
        known = {i.id for i in store.infos()}
        for info in files.infos():
            if info.id in known:
                continue
            try:
                store.save(files.load(info.id), expected=None)
            except AnalysisError:  # another server, starting at the same time, moved it
                continue
            moved.append(info)
        _set_aside(folder)
    use_store(store)
    return moved


def _set_aside(folder: Path) -> None:
    target = folder.with_name(f"datasets-naar-database-{date.today():%Y%m%d}")
    n = 1
    while target.exists():
        n += 1
        target = folder.with_name(f"datasets-naar-database-{date.today():%Y%m%d}-{n}")
    shutil.move(str(folder), str(target))
