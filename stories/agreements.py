"""What wijkteam and gemeente agreed for a buurt in the focusgesprek: focus themes, ambition
and activities. One record per buurt, kept in the stories' database (migration 5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from stories.audit import Actor, record
from stories.errors import StoreError
from stories.privacy import describe, find_identifiers
from stories.store import writer

MAX_TEXT = 2000
agreements = sa.table(
    "agreements",
    sa.column("dataset", sa.String()),
    sa.column("buurtcode", sa.String()),
    sa.column("focus_themes", sa.String()),
    sa.column("ambition", sa.String()),
    sa.column("activities", sa.String()),
    sa.column("updated", sa.DateTime()),
)


@dataclass
class Agreement:
    focus_themes: list[str] = field(default_factory=list)
    ambition: str = ""
    activities: str = ""
    updated: datetime | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.focus_themes or self.ambition.strip() or self.activities.strip()
        )


def check_agreement(agreement: Agreement, themes: dict[str, str]) -> list[str]:
    """Dutch messages for what is wrong; [] when it can be stored."""
    errors = []
    if unknown := [t for t in agreement.focus_themes if t not in themes]:
        errors.append(f"Onbekend thema '{unknown[0]}'.")
    for label, text in (
        ("Ambitie", agreement.ambition),
        ("Activiteiten", agreement.activities),
    ):
        if len(text) > MAX_TEXT:
            errors.append(
                f"{label} is te lang ({len(text)} tekens; hooguit {MAX_TEXT})."
            )
        if findings := find_identifiers(text):
            errors.append(f"{label}: {describe(findings)} Haal het weg.")
    return errors


class AgreementStore:
    """The focusgesprek's agreements per buurt. Like every store it writes only with an
    actor who may edit records, and each save leaves its line in the audit log."""

    def __init__(self, engine: Engine, actor: Actor | None = None):
        self.engine = engine
        self.actor = actor

    def get(self, dataset: str, buurtcode: str) -> Agreement:
        query = sa.select(agreements).where(
            (agreements.c.dataset == dataset) & (agreements.c.buurtcode == buurtcode)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return Agreement()
        themes = [t for t in row["focus_themes"].split(";") if t]
        return Agreement(themes, row["ambition"], row["activities"], row["updated"])

    def save(self, dataset: str, buurtcode: str, agreement: Agreement) -> None:
        """Replace the buurt's record and log it, in one transaction (the old one stays on
        failure)."""
        actor = writer(self.actor, "edit_records")
        where = (agreements.c.dataset == dataset) & (
            agreements.c.buurtcode == buurtcode
        )
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.delete(agreements).where(where))
                conn.execute(
                    sa.insert(agreements).values(
                        dataset=dataset,
                        buurtcode=buurtcode,
                        focus_themes=";".join(agreement.focus_themes),
                        ambition=agreement.ambition.strip(),
                        activities=agreement.activities.strip(),
                        updated=datetime.now().replace(microsecond=0),
                    )  # fmt: skip
                )
                record(conn, actor, "changed", dataset, 1, f"afspraken {buurtcode}")
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"Opslaan is mislukt; de vorige afspraken zijn bewaard. ({exc.__class__.__name__})"
            ) from exc
