"""Citizen initiatives and buurt assets: check one before it is stored, and keep them in the
same database as the stories (table `initiatives`, migration 3).

An initiative serves one or more buurten; its themes are the catalogue's, so the coverage
analysis can set it against the needs that figures and stories show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from analysis.catalogue import load_catalogue
from stories.model import INITIATORS, LADDER, PHASES, ROLES, SUPPORT, TARGET_GROUPS
from stories.privacy import describe, find_identifiers
from stories.store import RecordStore
from stories.validation import joined, location_errors, parse_date, parse_themes

MAX_NAME, MAX_DESCRIPTION = 120, 2000
INITIATIVE_COLUMNS = [
    "id", "dataset", "name", "description", "buurtcodes", "themes", "target_groups", "phase",
    "initiator", "wijkteam_role", "support", "ladder", "lon", "lat", "start_date", "created",
    "updated",
]  # fmt: skip
LIST_COLUMNS = ("buurtcodes", "themes", "target_groups", "support")
TYPES = {
    "lon": sa.Float(), "lat": sa.Float(), "start_date": sa.Date(),
    "created": sa.DateTime(), "updated": sa.DateTime(),
}  # fmt: skip
initiatives = sa.table(
    "initiatives",
    *(sa.column(c, TYPES.get(c, sa.String())) for c in INITIATIVE_COLUMNS),
)


@dataclass
class InitiativeIn:
    """An initiative as entered or imported, before it has an id."""

    name: str
    buurtcodes: list[str]
    themes: list[str]
    phase: str
    description: str = ""
    target_groups: list[str] = field(default_factory=lambda: ["iedereen"])
    initiator: str = "bewoners"
    wijkteam_role: str = "geen"
    support: list[str] = field(default_factory=list)
    ladder: list[int] | None = None  # people per bindingsladder rung, bezoeker first
    lon: float | None = None
    lat: float | None = None
    start_date: date | None = None


def parse_ladder(value: object) -> tuple[list[int] | None, str | None]:
    """(people per rung, None) from '60;25;9;3;1;1'; (None, None) when empty; else an error."""
    if isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        text = str(value if value is not None else "").strip()
        if text in ("", "-", "nan"):
            return None, None
        parts = [p.strip() for p in text.replace(",", ";").replace("|", ";").split(";")]
    if len(parts) != len(LADDER) or not all(p.isdigit() for p in parts):
        return None, (
            f"Bindingsladder '{value}': geef {len(LADDER)} hele getallen met ';' ertussen, "
            f"het aantal mensen per trede ({', '.join(LADDER)}), bijvoorbeeld 40;12;5;2;1;0."
        )
    return [int(p) for p in parts], None


def _choice(value: object, options: tuple[str, ...], default: str, label: str, errors):
    chosen = str(value or "").strip().lower() or default
    if chosen not in options:
        errors.append(f"{label} '{chosen}' onbekend. Kies uit: {', '.join(options)}.")
    return chosen


def _subset(value: object, options: tuple[str, ...], label: str, errors) -> list[str]:
    chosen = [v for v in parse_themes(value) if v != "-"]
    unknown = [v for v in chosen if v not in options]
    if unknown:
        errors.append(
            f"{label} '{unknown[0]}' onbekend. Kies uit: {', '.join(options)}."
        )
    return list(dict.fromkeys(chosen))


def validate_initiative(
    raw: dict, buurtcodes: set[str]
) -> tuple[InitiativeIn | None, list[str]]:
    """(initiative, []) when everything is right, else (None, Dutch messages, one per problem)."""
    themes_known = load_catalogue().themes
    errors: list[str] = []
    name = str(raw.get("name") or "").strip()
    if not name:
        errors.append("De naam van het initiatief ontbreekt.")
    elif len(name) > MAX_NAME:
        errors.append(f"De naam is te lang ({len(name)} tekens; hooguit {MAX_NAME}).")
    description = str(raw.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors.append(
            f"De beschrijving is te lang ({len(description)} tekens; hooguit {MAX_DESCRIPTION})."
        )
    for label, text in (("Naam", name), ("Beschrijving", description)):
        if findings := find_identifiers(text):
            errors.append(
                f"{label}: {describe(findings)} Haal het weg; contactgegevens van bewoners "
                "horen niet in het register."
            )
    codes = [c.upper() for c in parse_themes(raw.get("buurtcodes"))]
    codes = list(dict.fromkeys(codes))
    if not codes:
        errors.append("Kies minstens één buurt waar het initiatief voor werkt.")
    elif unknown := [c for c in codes if c not in buurtcodes]:
        errors.append(f"Buurtcode '{unknown[0]}' hoort niet bij deze gemeente.")
    themes = list(dict.fromkeys(parse_themes(raw.get("themes"))))
    if not themes:
        errors.append("Kies minstens één thema.")
    elif unknown := [t for t in themes if t not in themes_known]:
        errors.append(
            f"Onbekend thema '{unknown[0]}'. Kies uit: {', '.join(themes_known)}."
        )
    phase = str(raw.get("phase") or "").strip().lower()
    if phase not in PHASES:
        errors.append(
            f"Fase '{raw.get('phase') or ''}' onbekend. Kies uit: {', '.join(PHASES)}."
        )
    groups = _subset(raw.get("target_groups"), TARGET_GROUPS, "Doelgroep", errors)
    initiator = _choice(
        raw.get("initiator"), INITIATORS, "bewoners", "Initiatiefnemer", errors
    )
    role = _choice(
        raw.get("wijkteam_role"), ROLES, "geen", "Rol van het wijkteam", errors
    )
    support = _subset(raw.get("support"), SUPPORT, "Steun", errors)
    ladder, problem = parse_ladder(raw.get("ladder"))
    if problem:
        errors.append(problem)
    lon, lat, problems = location_errors(raw.get("lon"), raw.get("lat"))
    errors += problems
    start = None
    if str(raw.get("start_date") or "").strip() not in ("", "nan", "NaT"):
        start = parse_date(raw.get("start_date"))
        if start is None:
            errors.append(
                f"Startdatum '{raw.get('start_date')}' is geen geldige datum "
                "(gebruik jjjj-mm-dd of dd-mm-jjjj)."
            )
    if errors:
        return None, errors
    return (
        InitiativeIn(
            name,
            codes,
            themes,
            phase,
            description,
            groups or ["iedereen"],
            initiator,
            role,
            support,
            ladder,
            lon,
            lat,
            start,
        ),  # fmt: skip
        [],
    )


class InitiativeStore(RecordStore):
    """All initiatives of all datasets, in the stories' database."""

    table = initiatives
    noun = "initiatief"
    missing = "Dit initiatief bestaat niet (meer); het is misschien al verwijderd."

    def to_row(
        self, dataset: str, item: InitiativeIn, now: datetime, record_id: str
    ) -> dict:
        return {
            "id": record_id,
            "dataset": dataset,
            "name": item.name,
            "description": item.description,
            "buurtcodes": joined(item.buurtcodes),
            "themes": joined(item.themes),
            "target_groups": joined(item.target_groups),
            "phase": item.phase,
            "initiator": item.initiator,
            "wijkteam_role": item.wijkteam_role,
            "support": joined(item.support),
            "ladder": ";".join(map(str, item.ladder)) if item.ladder else "",
            "lon": item.lon,
            "lat": item.lat,
            "start_date": item.start_date,
            "created": now,
            "updated": now,
        }

    def query(self, dataset: str) -> pd.DataFrame:
        """A dataset's initiatives by name; list columns as lists, `ladder` as list or None."""
        q = (
            sa.select(initiatives)
            .where(initiatives.c.dataset == dataset)
            .order_by(initiatives.c.name, initiatives.c.id)
        )
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(q).mappings().all(), columns=INITIATIVE_COLUMNS
            )
        for col in LIST_COLUMNS:
            frame[col] = frame[col].map(
                lambda s: [p for p in (s or "").split(";") if p]
            )
        frame["ladder"] = frame["ladder"].map(lambda s: parse_ladder(s)[0])
        return frame


def as_input(row: dict) -> InitiativeIn:
    """A stored initiative (a `query` row) back as input, e.g. to edit one field."""
    return InitiativeIn(
        row["name"], list(row["buurtcodes"]), list(row["themes"]), row["phase"],
        row["description"], list(row["target_groups"]), row["initiator"],
        row["wijkteam_role"], list(row["support"]), row["ladder"],
        None if pd.isna(row["lon"]) else row["lon"],
        None if pd.isna(row["lat"]) else row["lat"],
        row["start_date"] if pd.notna(row["start_date"]) else None,
    )  # fmt: skip
