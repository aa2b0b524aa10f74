"""The audit log: who did what with residents' stories and the gemeente's data, and when.

Append-only, in the same database as the stories. A change and its log line are written in
the same transaction (`record(conn, ...)`), so there is no change without its line. Nothing
in the app updates or deletes a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime()),
    *(
        sa.column(c, sa.String())
        for c in ("role", "who", "action", "dataset", "detail")
    ),
    sa.column("records", sa.Integer()),
)

# What can happen, as the log says it (Dutch: a beheerder reads it).
ACTIONS = {
    "viewed": "verhalen bekeken",
    "exported": "uitgevoerd",
    "added": "toegevoegd",
    "imported": "ingelezen",
    "changed": "gewijzigd",
    "deleted": "verwijderd",
    "anonymised": "geanonimiseerd",
    "dataset_imported": "gemeente ingeladen",
    "dataset_removed": "gemeente verwijderd",
    "indicators_imported": "eigen indicatoren ingelezen",
    "setting_changed": "instelling gewijzigd",
}
COLUMNS = {
    "at": "wanneer",
    "role": "rol",
    "who": "wie",
    "action": "wat",
    "dataset": "gemeente",
    "records": "aantal",
    "detail": "toelichting",
}


@dataclass(frozen=True)
class Actor:
    """Who the log names: a role and a name (an e-mail address, 'deze computer',
    'deelnemer', 'opdrachtregel')."""

    role: str
    who: str


COMMAND_LINE = Actor("beheerder", "opdrachtregel")


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    dataset: str,
    records: int = 1,
    detail: str = "",
) -> None:
    """Append one line, inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        sa.insert(audit_log),
        {
            "at": datetime.now().replace(microsecond=0),
            "role": actor.role,
            "who": actor.who,
            "action": action,
            "dataset": dataset,
            "records": int(records),
            "detail": detail[:500],
        },
    )


class AuditLog:
    """Reading the log (writing goes through `record`)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def write(
        self, actor: Actor, action: str, dataset: str, records: int = 1, detail=""
    ) -> None:
        """One line on its own (for what changes nothing in the database: a view, an export)."""
        with self.engine.begin() as conn:
            record(conn, actor, action, dataset, records, detail)

    def entries(
        self, dataset: str | None = None, since: date | None = None
    ) -> pd.DataFrame:
        """Lines newest first, with Dutch column names and actions."""
        q = sa.select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        if dataset:
            q = q.where(audit_log.c.dataset == dataset)
        if since:
            q = q.where(audit_log.c.at >= datetime.combine(since, datetime.min.time()))
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(q).mappings().all(), columns=["id", *COLUMNS]
            )
        frame["action"] = frame["action"].map(lambda a: ACTIONS.get(a, a))
        return frame.drop(columns="id").rename(columns=COLUMNS)
