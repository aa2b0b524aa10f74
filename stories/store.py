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

from stories.access import allowed
from stories.audit import Actor, record
from stories.errors import StoreError
from stories.validation import StoryIn

STORY_COLUMNS = [
    "id", "dataset", "buurtcode", "kind", "themes", "title", "text", "source", "voice", "date",
    "lon", "lat", "consent", "created", "updated", "anonymised", "helps",
]  # fmt: skip
TYPES = {
    "date": sa.Date(), "lon": sa.Float(), "lat": sa.Float(), "consent": sa.Boolean(),
    "created": sa.DateTime(), "updated": sa.DateTime(), "anonymised": sa.DateTime(),
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
    text: str = (
        ""  # in the text or title, or a story's id (a resident asks about theirs)
    )


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
        "helps": story.helps,
        "created": now,
        "updated": now,
    }


def writer(actor: Actor | None, permission: str | None) -> Actor:
    """The actor, once it is clear they may do this: the check every write makes on the
    server, whatever the page showed. A store without an actor reads but never writes;
    `permission` None is a write anyone with an actor may do (a werksessie entry)."""
    if actor is None:
        raise ValueError("a store writes only with an actor, for the audit log")
    if permission is not None and not allowed(actor.role, permission):
        raise StoreError(
            "Dit mag je niet doen met jouw rol. Vraag de beheerder als je het nodig hebt."
        )
    return actor


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
    one transaction, so a failed import leaves nothing behind. Every write is logged in the
    audit log, in the same transaction, under the store's actor: a store without one reads
    but refuses to write.
    """

    table: sa.TableClause
    noun = "verhaal"
    missing = "Dit verhaal bestaat niet (meer); het is misschien al verwijderd."

    def __init__(self, engine: Engine, actor: Actor | None = None):
        self.engine = engine
        self.actor = actor

    def _writer(self, permission: str) -> Actor:
        return writer(self.actor, permission)

    def _dataset_of(self, conn, record_id: str) -> str:
        found = conn.execute(
            sa.select(self.table.c.dataset).where(self.table.c.id == record_id)
        ).scalar()
        if found is None:
            raise StoreError(self.missing)
        return found

    def to_row(self, dataset: str, record, now: datetime, record_id: str) -> dict:
        raise NotImplementedError

    def add(self, dataset: str, record) -> str:
        return self.add_many(dataset, [record])[0]

    def add_many(self, dataset: str, batch: list, action: str = "added") -> list[str]:
        """Store a batch in one transaction: all of it, or (on any error) none of it."""
        actor = self._writer("edit_records")
        now = datetime.now().replace(microsecond=0)
        rows = [self.to_row(dataset, r, now, str(uuid.uuid4())) for r in batch]
        with saving(self.engine) as conn:
            for start in range(0, len(rows), 1000):
                conn.execute(sa.insert(self.table), rows[start : start + 1000])
            detail = f"{self.noun} {rows[0]['id']}" if len(rows) == 1 else self.noun
            record(conn, actor, action, dataset, len(rows), detail)
        return [r["id"] for r in rows]

    def update(self, record_id: str, record_in) -> None:
        actor = self._writer("edit_records")
        values = self.to_row(
            "", record_in, datetime.now().replace(microsecond=0), record_id
        )
        for key in ("id", "dataset", "created"):
            values.pop(key)
        table = self.table
        with self.engine.begin() as conn:
            dataset = self._dataset_of(conn, record_id)
            conn.execute(
                sa.update(table).where(table.c.id == record_id).values(**values)
            )
            record(conn, actor, "changed", dataset, 1, f"{self.noun} {record_id}")

    def delete(self, record_id: str) -> None:
        actor = self._writer("delete_records")
        with self.engine.begin() as conn:
            dataset = self._dataset_of(conn, record_id)
            conn.execute(sa.delete(self.table).where(self.table.c.id == record_id))
            record(conn, actor, "deleted", dataset, 1, f"{self.noun} {record_id}")

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

    def per_buurt(self, dataset: str) -> dict[str, int]:
        """How many stories each buurt has (only counts: for the phone's privacy-safe list)."""
        query = (
            sa.select(self.table.c.buurtcode, sa.func.count())
            .where(self.table.c.dataset == dataset)
            .group_by(self.table.c.buurtcode)
        )
        with self.engine.connect() as conn:
            return {code: int(n) for code, n in conn.execute(query)}

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
                    stories.c.id == where.text.strip().lower(),
                )
            )
        q = q.order_by(stories.c.date.desc(), stories.c.created.desc())
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(q).mappings().all(), columns=STORY_COLUMNS
            )
        frame["themes"] = frame["themes"].map(lambda s: [t for t in s.split(";") if t])
        return frame
