"""Stories (and, through `RecordStore`, initiatives) in the database: add, edit, delete,
query; batches are all-or-nothing."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from stories.errors import StoreError
from stories.validation import StoryIn

STORY_COLUMNS = [
    "id", "dataset", "buurtcode", "kind", "themes", "title", "text", "source", "voice", "date",
    "lon", "lat", "consent", "created", "updated",
]  # fmt: skip
TYPES = {
    "date": sa.Date(), "lon": sa.Float(), "lat": sa.Float(), "consent": sa.Boolean(),
    "created": sa.DateTime(), "updated": sa.DateTime(),
}  # fmt: skip
# Typed, so SQLite and PostgreSQL hand back the same Python types (dates, not text).
stories = sa.table(
    "stories", *(sa.column(c, TYPES.get(c, sa.String())) for c in STORY_COLUMNS)
)


@dataclass
class StoryFilter:
    """What the Vertellen page filters on; empty means 'all'."""

    buurtcodes: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    voices: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    text: str = ""


def _row(dataset: str, story: StoryIn, now: datetime, story_id: str) -> dict:
    return {
        "id": story_id,
        "dataset": dataset,
        "buurtcode": story.buurtcode,
        "kind": story.kind,
        "themes": ";" + ";".join(story.themes) + ";",
        "title": story.title,
        "text": story.text,
        "source": story.source,
        "voice": story.voice,
        "date": story.date,
        "lon": story.lon,
        "lat": story.lat,
        "consent": True,
        "created": now,
        "updated": now,
    }


@contextmanager
def saving(engine: Engine):
    """A write transaction; a database error becomes one Dutch message, and nothing is kept."""
    try:
        with engine.begin() as conn:
            yield conn
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(
            f"Opslaan is mislukt; er is niets bewaard. ({exc.__class__.__name__})"
        ) from exc


class RecordStore:
    """Add, edit, delete and count the rows of one table, per dataset.

    Subclasses say which table and how a checked record becomes a row; batches are written in
    one transaction, so a failed import leaves nothing behind.
    """

    table: sa.TableClause
    missing = "Dit verhaal bestaat niet (meer); het is misschien al verwijderd."

    def __init__(self, engine: Engine):
        self.engine = engine

    def to_row(self, dataset: str, record, now: datetime, record_id: str) -> dict:
        raise NotImplementedError

    def add(self, dataset: str, record) -> str:
        return self.add_many(dataset, [record])[0]

    def add_many(self, dataset: str, batch: list) -> list[str]:
        """Store a batch in one transaction: all of it, or (on any error) none of it."""
        now = datetime.now().replace(microsecond=0)
        rows = [self.to_row(dataset, r, now, str(uuid.uuid4())) for r in batch]
        with saving(self.engine) as conn:
            for start in range(0, len(rows), 1000):
                conn.execute(sa.insert(self.table), rows[start : start + 1000])
        return [r["id"] for r in rows]

    def update(self, record_id: str, record) -> None:
        values = self.to_row(
            "", record, datetime.now().replace(microsecond=0), record_id
        )
        for key in ("id", "dataset", "created"):
            values.pop(key)
        table = self.table
        with self.engine.begin() as conn:
            done = conn.execute(
                sa.update(table).where(table.c.id == record_id).values(**values)
            )
        if done.rowcount != 1:
            raise StoreError(self.missing)

    def delete(self, record_id: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                sa.delete(self.table).where(self.table.c.id == record_id)
            )
        if done.rowcount != 1:
            raise StoreError(self.missing)

    def count(self, dataset: str) -> int:
        query = (
            sa.select(sa.func.count())
            .select_from(self.table)
            .where(self.table.c.dataset == dataset)
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())


class StoryStore(RecordStore):
    """All stories of all datasets, in one database."""

    table = stories

    def to_row(
        self, dataset: str, story: StoryIn, now: datetime, record_id: str
    ) -> dict:
        return _row(dataset, story, now, record_id)

    def query(self, dataset: str, where: StoryFilter | None = None) -> pd.DataFrame:
        """Stories of a dataset matching the filter, newest first, themes as lists."""
        where = where or StoryFilter()
        q = sa.select(stories).where(stories.c.dataset == dataset)
        for column, chosen in (
            ("buurtcode", where.buurtcodes),
            ("kind", where.kinds),
            ("source", where.sources),
            ("voice", where.voices),
        ):
            if chosen:
                q = q.where(stories.c[column].in_(chosen))
        if where.themes:
            q = q.where(
                sa.or_(*(stories.c.themes.like(f"%;{t};%") for t in where.themes))
            )
        if where.since:
            q = q.where(stories.c.date >= where.since)
        if where.until:
            q = q.where(stories.c.date <= where.until)
        if where.text.strip():
            pattern = f"%{where.text.strip().lower()}%"
            q = q.where(
                sa.or_(
                    sa.func.lower(stories.c.text).like(pattern),
                    sa.func.lower(stories.c.title).like(pattern),
                )
            )
        q = q.order_by(stories.c.date.desc(), stories.c.created.desc())
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(q).mappings().all(), columns=STORY_COLUMNS
            )
        frame["themes"] = frame["themes"].map(lambda s: [t for t in s.split(";") if t])
        return frame
