"""The bewaartermijn: residents' stories are kept no longer than needed (AVG).

Per gemeente a term in months (24 unless a beheerder sets another). A story whose date lies
further back is anonymised: its text, title, teller and exact point go, its date becomes the
first of its month; kind, themes, buurt and source stay, so every count per buurt × theme ×
kind stays right. Runs at start-up and with `python cli.py retention`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from analysis.datasets import DEMO_INFO
from stories.agenda import werkgroep
from stories.audit import Actor, record
from stories.errors import StoreError
from stories.store import saving, stories, writer

DEFAULT_MONTHS = 24
MONTHS_RANGE = (1, 120)
# Made-up stories are no personal data: the demo gemeente keeps its examples whole at start-up.
EXEMPT_AT_START = {DEMO_INFO.gemeentecode}

settings = sa.table(
    "dataset_settings",
    sa.column("dataset", sa.String()),
    sa.column("retention_months", sa.Integer()),
    sa.column("updated", sa.DateTime()),
)


def cutoff(today: date, months: int) -> date:
    """Stories dated before this day are past the term.

    >>> cutoff(date(2026, 3, 31), 24), cutoff(date(2026, 3, 31), 1)
    (datetime.date(2024, 3, 31), datetime.date(2026, 2, 28))
    """
    return (pd.Timestamp(today) - pd.DateOffset(months=months)).date()


@dataclass(frozen=True)
class RetentionPlan:
    dataset: str
    months: int
    cutoff: date
    due: int  # stories past the term, not yet anonymised
    next_month: int  # stories that reach the term within a month from today


class Retention:
    """The term per gemeente, and anonymising what is past it."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def months(self, dataset: str) -> int:
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(settings.c.retention_months).where(
                    settings.c.dataset == dataset
                )
            ).scalar()
        return int(found) if found else DEFAULT_MONTHS

    def set_months(self, dataset: str, months: int, actor: Actor) -> None:
        writer(actor, "set_retention")
        low, high = MONTHS_RANGE
        if not low <= int(months) <= high:
            raise StoreError(f"Kies een bewaartermijn van {low} tot {high} maanden.")
        before = self.months(dataset)
        now = datetime.now().replace(microsecond=0)
        with saving(self.engine) as conn:
            done = conn.execute(
                sa.update(settings)
                .where(settings.c.dataset == dataset)
                .values(retention_months=int(months), updated=now)
            )
            if done.rowcount == 0:
                conn.execute(
                    sa.insert(settings),
                    {
                        "dataset": dataset,
                        "retention_months": int(months),
                        "updated": now,
                    },
                )
            record(
                conn, actor, "setting_changed", dataset, 0,
                f"bewaartermijn van {before} naar {int(months)} maanden",
            )  # fmt: skip

    def _open(self, dataset: str):
        return sa.and_(stories.c.dataset == dataset, stories.c.anonymised.is_(None))

    def plan(self, dataset: str, today: date) -> RetentionPlan:
        months = self.months(dataset)
        edge = cutoff(today, months)
        soon = cutoff((pd.Timestamp(today) + pd.DateOffset(months=1)).date(), months)
        count = sa.select(sa.func.count()).select_from(stories)
        with self.engine.connect() as conn:
            due = conn.execute(
                count.where(self._open(dataset), stories.c.date < edge)
            ).scalar_one()
            coming = conn.execute(
                count.where(
                    self._open(dataset), stories.c.date >= edge, stories.c.date < soon
                )
            ).scalar_one()
        return RetentionPlan(dataset, months, edge, int(due), int(coming))

    def apply(self, dataset: str, today: date, actor: Actor) -> int:
        """Anonymise the stories past the term and remove the sign-ups for werkgroepen made
        before it, each with one audit line; returns how many records were touched."""
        writer(actor, "set_retention")
        edge = cutoff(today, self.months(dataset))
        now = datetime.now().replace(microsecond=0)
        with saving(self.engine) as conn:
            past = conn.execute(
                sa.select(stories.c.id, stories.c.date).where(
                    self._open(dataset), stories.c.date < edge
                )
            ).all()
            for story_id, told in past:
                conn.execute(
                    sa.update(stories)
                    .where(stories.c.id == story_id)
                    .values(
                        title="", text="", voice="", lon=None, lat=None,
                        date=told.replace(day=1), anonymised=now, updated=now,
                    )
                )  # fmt: skip
            if past:
                record(
                    conn, actor, "anonymised", dataset, len(past),
                    f"bewaartermijn: verhalen van voor {edge:%d-%m-%Y}",
                )  # fmt: skip
            # Sign-ups for a werkgroep (a first name, perhaps a phone number): removed whole.
            gone = conn.execute(
                sa.delete(werkgroep).where(
                    werkgroep.c.dataset == dataset,
                    werkgroep.c.created < datetime.combine(edge, datetime.min.time()),
                )
            ).rowcount
            if gone:
                record(
                    conn, actor, "deleted", dataset, gone,
                    f"bewaartermijn: aanmeldingen voor werkgroepen van voor {edge:%d-%m-%Y}",
                )  # fmt: skip
        return len(past) + gone

    def apply_everywhere(self, today: date, actor: Actor) -> dict[str, int]:
        """At start-up: every gemeente that has stories (but the fictional one)."""
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(stories.c.dataset).distinct()).scalars()
            datasets = [d for d in found if d not in EXEMPT_AT_START]
        return {d: n for d in datasets if (n := self.apply(d, today, actor))}
