"""Stories in the database: add, edit, delete, query; batches are all-or-nothing."""

from __future__ import annotations

import uuid
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


def _row(
    dataset: str, story: StoryIn, now: datetime, story_id: str | None = None
) -> dict:
    return {
        "id": story_id or str(uuid.uuid4()),
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


class StoryStore:
    """All stories of all datasets, in one database."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, dataset: str, story: StoryIn) -> str:
        return self.add_many(dataset, [story])[0]

    def add_many(self, dataset: str, batch: list[StoryIn]) -> list[str]:
        """Store a batch in one transaction: all of it, or (on any error) none of it."""
        now = datetime.now().replace(microsecond=0)
        rows = [_row(dataset, s, now) for s in batch]
        try:
            with self.engine.begin() as conn:
                for start in range(0, len(rows), 1000):
                    conn.execute(sa.insert(stories), rows[start : start + 1000])
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"Opslaan is mislukt; er is niets bewaard. ({exc.__class__.__name__})"
            ) from exc
        return [r["id"] for r in rows]

    def update(self, story_id: str, story: StoryIn) -> None:
        values = _row("", story, datetime.now().replace(microsecond=0), story_id)
        for key in ("id", "dataset", "created"):
            values.pop(key)
        with self.engine.begin() as conn:
            done = conn.execute(
                sa.update(stories).where(stories.c.id == story_id).values(**values)
            )
        if done.rowcount != 1:
            raise StoreError(
                "Dit verhaal bestaat niet (meer); het is misschien al verwijderd."
            )

    def delete(self, story_id: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(sa.delete(stories).where(stories.c.id == story_id))
        if done.rowcount != 1:
            raise StoreError(
                "Dit verhaal bestaat niet (meer); het is misschien al verwijderd."
            )

    def count(self, dataset: str) -> int:
        with self.engine.connect() as conn:
            query = (
                sa.select(sa.func.count())
                .select_from(stories)
                .where(stories.c.dataset == dataset)
            )
            return int(conn.execute(query).scalar_one())

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
