"""The buurtagenda: afspraken that carry what was agreed into action, and what happened to them
(table `agenda` with its log `agenda_log`, migration 9).

An afspraak belongs to one buurt or one wijk: what will be done, why (the signals and stories
it answers, kept as they read on the day it was made), who (an initiative, a partner, the
wijkteam in its rolwijzer role), a start date, the next contact moment and a status. Its log
says what happened since; a log line marked as a success is what the *Vieren* view shows.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from analysis.catalogue import load_catalogue
from stories.audit import record
from stories.errors import StoreError
from stories.model import ROLES
from stories.privacy import describe, find_identifiers
from stories.store import RecordStore, saving
from stories.validation import joined, parse_date, parse_themes

STATUSES = ("gepland", "bezig", "gelukt", "gestopt")
OPEN = ("gepland", "bezig")
ORIGINS = ("zelf", "focusgesprek", "rolwijzer", "werksessie")
ENTRY_KINDS = {"verloop": "Verloop", "succes": "Succes"}
MAX_WHAT, MAX_TEXT, MAX_WHO = 300, 2000, 200
AGENDA_COLUMNS = [
    "id", "dataset", "area", "themes", "what", "why", "grounds", "who", "initiative_id",
    "wijkteam_role", "start_date", "contact_date", "status", "origin", "origin_ref", "year",
    "created", "updated",
]  # fmt: skip
ENTRY_COLUMNS = [
    "id",
    "agenda_id",
    "dataset",
    "at",
    "kind",
    "text",
    "with_whom",
    "created",
]
TYPES = {
    "start_date": sa.Date(), "contact_date": sa.Date(), "year": sa.Integer(),
    "created": sa.DateTime(), "updated": sa.DateTime(), "at": sa.Date(),
}  # fmt: skip
agenda = sa.table(
    "agenda", *(sa.column(c, TYPES.get(c, sa.String())) for c in AGENDA_COLUMNS)
)
agenda_log = sa.table(
    "agenda_log", *(sa.column(c, TYPES.get(c, sa.String())) for c in ENTRY_COLUMNS)
)


@dataclass
class AfspraakIn:
    """An afspraak as entered or imported, before it has an id."""

    area: str  # a buurtcode or a wijkcode
    themes: list[str]
    what: str
    status: str = "gepland"
    why: str = ""
    grounds: str = ""  # the figures and stories it answers, as they read that day
    who: str = ""  # a partner organisation or a role, never a resident's name
    initiative_id: str = ""
    wijkteam_role: str = "geen"
    start_date: date | None = None
    contact_date: date | None = None
    origin: str = "zelf"
    origin_ref: str = ""  # what it came from: a rolwijzer cell, a dream's id
    year: int | None = None  # the year of the figures when it was made


@dataclass
class EntryIn:
    """A line in an afspraak's log: what happened, or a success to celebrate."""

    at: date
    text: str
    kind: str = "verloop"
    with_whom: str = ""


def _dated(value: object, label: str, errors: list[str]) -> date | None:
    if str(value if value is not None else "").strip() in ("", "nan", "NaT", "None"):
        return None
    found = parse_date(value)
    if found is None:
        errors.append(
            f"{label} '{value}' is geen geldige datum (gebruik jjjj-mm-dd of dd-mm-jjjj)."
        )
    return found


def _text(value: object) -> str:
    text = (
        "" if value is None or (isinstance(value, float) and value != value) else value
    )
    return str(text).strip()


def _check_texts(fields, errors: list[str]) -> None:
    """Each (label, text, most characters): not too long, and no contact details."""
    for label, text, most in fields:
        if len(text) > most:
            errors.append(f"{label} is te lang ({len(text)} tekens; hooguit {most}).")
        if findings := find_identifiers(text):
            errors.append(
                f"{label}: {describe(findings)} Haal het weg; contactgegevens van bewoners "
                "horen niet op de agenda."
            )


def validate_afspraak(
    raw: dict, areas: set[str]
) -> tuple[AfspraakIn | None, list[str]]:
    """(afspraak, []) when everything is right, else (None, Dutch messages, one per problem).
    `areas`: the gemeente's buurtcodes and wijkcodes."""
    themes_known = load_catalogue().themes
    errors: list[str] = []
    area = _text(raw.get("area")).upper()
    if not area:
        errors.append("Kies de buurt of wijk van de afspraak.")
    elif area not in areas:
        errors.append(f"Buurt- of wijkcode '{area}' hoort niet bij deze gemeente.")
    themes = list(dict.fromkeys(parse_themes(raw.get("themes"))))
    if not themes:
        errors.append("Kies minstens één thema.")
    elif unknown := [t for t in themes if t not in themes_known]:
        errors.append(
            f"Onbekend thema '{unknown[0]}'. Kies uit: {', '.join(themes_known)}."
        )
    what, why, grounds, who = (
        _text(raw.get(k)) for k in ("what", "why", "grounds", "who")
    )
    if not what:
        errors.append("Zeg wat er gaat gebeuren (het veld 'wat').")
    _check_texts(
        (("Wat", what, MAX_WHAT), ("Waarom", why, MAX_TEXT),
         ("Aanleiding", grounds, MAX_TEXT), ("Wie", who, MAX_WHO)),
        errors,
    )  # fmt: skip
    status = _text(raw.get("status")).lower() or "gepland"
    if status not in STATUSES:
        errors.append(f"Status '{status}' onbekend. Kies uit: {', '.join(STATUSES)}.")
    role = _text(raw.get("wijkteam_role")).lower() or "geen"
    if role not in ROLES:
        errors.append(
            f"Rol van het wijkteam '{role}' onbekend. Kies uit: {', '.join(ROLES)}."
        )
    origin = _text(raw.get("origin")).lower() or "zelf"
    if origin not in ORIGINS:
        errors.append(f"Herkomst '{origin}' onbekend. Kies uit: {', '.join(ORIGINS)}.")
    start = _dated(raw.get("start_date"), "Startdatum", errors)
    contact = _dated(raw.get("contact_date"), "Contactmoment", errors)
    if start and contact and contact < start:
        errors.append("Het contactmoment ligt voor de startdatum.")
    year = None
    if _text(raw.get("year")) not in ("", "nan"):
        try:
            year = int(float(_text(raw.get("year"))))
        except ValueError:
            errors.append(f"Jaar '{raw.get('year')}' is geen jaartal.")
    if errors:
        return None, errors
    return (
        AfspraakIn(
            area,
            themes,
            what,
            status,
            why,
            grounds,
            who,
            _text(raw.get("initiative_id")),
            role,
            start,
            contact,
            origin,
            _text(raw.get("origin_ref")),
            year,
        ),  # fmt: skip
        [],
    )


def validate_entry(raw: dict) -> tuple[EntryIn | None, list[str]]:
    errors: list[str] = []
    at = _dated(raw.get("at"), "Datum", errors)
    if at is None and not errors:
        errors.append("Geef de datum van wat er gebeurde.")
    text, with_whom = _text(raw.get("text")), _text(raw.get("with_whom"))
    if not text:
        errors.append("Schrijf kort op wat er gebeurde.")
    _check_texts((("Wat", text, MAX_TEXT), ("Met wie", with_whom, MAX_WHO)), errors)
    kind = _text(raw.get("kind")).lower() or "verloop"
    if kind not in ENTRY_KINDS:
        errors.append(f"Soort '{kind}' onbekend. Kies uit: {', '.join(ENTRY_KINDS)}.")
    if errors:
        return None, errors
    return EntryIn(at, text, kind, with_whom), []


class AgendaStore(RecordStore):
    """Every gemeente's afspraken and their logs, in the stories' database."""

    table = agenda
    noun = "afspraak"
    missing = "Deze afspraak bestaat niet (meer); ze is misschien al verwijderd."

    def to_row(
        self, dataset: str, item: AfspraakIn, now: datetime, record_id: str
    ) -> dict:
        return {
            "id": record_id, "dataset": dataset, "area": item.area,
            "themes": joined(item.themes), "what": item.what, "why": item.why,
            "grounds": item.grounds, "who": item.who, "initiative_id": item.initiative_id,
            "wijkteam_role": item.wijkteam_role, "start_date": item.start_date,
            "contact_date": item.contact_date, "status": item.status,
            "origin": item.origin, "origin_ref": item.origin_ref, "year": item.year,
            "created": now, "updated": now,
        }  # fmt: skip

    def query(self, dataset: str) -> pd.DataFrame:
        """A gemeente's afspraken, next contact moment first; themes as lists."""
        q = (
            sa.select(agenda)
            .where(agenda.c.dataset == dataset)
            .order_by(agenda.c.contact_date, agenda.c.created, agenda.c.id)
        )
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(q).mappings().all(), columns=AGENDA_COLUMNS
            )
        frame["themes"] = frame["themes"].map(
            lambda s: [t for t in (s or "").split(";") if t]
        )
        return frame

    def entries(self, dataset: str) -> pd.DataFrame:
        """Every log line of a gemeente's afspraken, newest first."""
        q = (
            sa.select(agenda_log)
            .where(agenda_log.c.dataset == dataset)
            .order_by(agenda_log.c.at.desc(), agenda_log.c.created.desc())
        )
        with self.engine.connect() as conn:
            return pd.DataFrame(conn.execute(q).mappings().all(), columns=ENTRY_COLUMNS)

    def add_entry(self, agenda_id: str, entry: EntryIn) -> str:
        """A log line on one afspraak (audited; a medewerker's work)."""
        actor = self._writer("edit_records")
        entry_id = str(uuid.uuid4())
        with saving(self.engine) as conn:
            dataset = self._dataset_of(conn, agenda_id)
            conn.execute(
                sa.insert(agenda_log).values(
                    id=entry_id, agenda_id=agenda_id, dataset=dataset, at=entry.at,
                    kind=entry.kind, text=entry.text, with_whom=entry.with_whom,
                    created=datetime.now().replace(microsecond=0),
                )
            )  # fmt: skip
            record(conn, actor, "added", dataset, 1,
                   f"{ENTRY_KINDS[entry.kind].lower()} bij afspraak {agenda_id}")  # fmt: skip
        return entry_id

    def set_status(self, agenda_id: str, status: str) -> None:
        if status not in STATUSES:
            raise StoreError(f"Status '{status}' onbekend.")
        actor = self._writer("edit_records")
        with saving(self.engine) as conn:
            dataset = self._dataset_of(conn, agenda_id)
            conn.execute(
                sa.update(agenda)
                .where(agenda.c.id == agenda_id)
                .values(status=status, updated=datetime.now().replace(microsecond=0))
            )
            record(conn, actor, "changed", dataset, 1,
                   f"afspraak {agenda_id}: status {status}")  # fmt: skip


def as_input(row: dict) -> AfspraakIn:
    """A stored afspraak (a `query` row) back as input, e.g. to edit it."""

    def day(value):
        return value if isinstance(value, date) and pd.notna(value) else None

    return AfspraakIn(
        row["area"], list(row["themes"]), row["what"], row["status"], row["why"] or "",
        row["grounds"] or "", row["who"] or "", row["initiative_id"] or "",
        row["wijkteam_role"] or "geen", day(row["start_date"]), day(row["contact_date"]),
        row["origin"] or "zelf", row["origin_ref"] or "",
        None if pd.isna(row["year"]) else int(row["year"]),
    )  # fmt: skip


# --- what needs doing ------------------------------------------------------------------------


def due(afspraken: pd.DataFrame, today: date) -> pd.DataFrame:
    """Open afspraken whose contact moment is this month or has passed, earliest first.

    >>> rows = pd.DataFrame({"status": ["gepland", "gelukt", "bezig", "bezig"],
    ...     "contact_date": [date(2026, 11, 2), date(2026, 11, 2), date(2026, 12, 30),
    ...                      date(2027, 1, 4)]})
    >>> due(rows, date(2026, 12, 3)).index.tolist()
    [0, 2]
    """
    month_end = (pd.Timestamp(today) + pd.offsets.MonthEnd(0)).date()
    contact = afspraken["contact_date"]
    is_due = afspraken["status"].isin(OPEN) & contact.notna()
    is_due &= contact.map(lambda d: pd.notna(d) and d <= month_end)
    return afspraken[is_due].sort_values("contact_date", kind="stable")


def unnamed(afspraken: pd.DataFrame) -> pd.DataFrame:
    """Open afspraken without anyone named: no partner, no initiative, no wijkteam role."""
    nobody = (
        afspraken["who"].fillna("").str.strip().eq("")
        & afspraken["initiative_id"].fillna("").eq("")
        & afspraken["wijkteam_role"].fillna("geen").eq("geen")
    )
    return afspraken[afspraken["status"].isin(OPEN) & nobody]


def successes(entries: pd.DataFrame, afspraken: pd.DataFrame) -> pd.DataFrame:
    """The success lines, newest first, with their afspraak's area, themes and what."""
    wins = entries[entries["kind"] == "succes"]
    about = afspraken.set_index("id")[["area", "themes", "what"]]
    return wins.join(about, on="agenda_id", how="inner")


# --- werkgroepen: who signs up for an afspraak or a dream --------------------------------------

werkgroep = sa.table(
    "werkgroep",
    *(
        sa.column(c, sa.DateTime() if c == "created" else sa.String())
        for c in (
            "id",
            "dataset",
            "workshop_id",
            "target_kind",
            "target_id",
            "first_name",
            "contact",
            "created",
        )
    ),  # fmt: skip
)
TARGETS = ("afspraak", "droom")
PHONE = re.compile(r"^(\+31|0031|0)[1-9][0-9]{8}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


@dataclass
class SignUp:
    """One person in a werkgroep: a first name, and a way to reach them only with consent."""

    target_kind: str
    target_id: str
    first_name: str
    contact: str = ""


def validate_sign_up(raw: dict) -> tuple[SignUp | None, list[str]]:
    """(sign-up, []) or (None, Dutch messages). The contact (06-nummer or e-mail) is kept
    only with explicit consent; without it, none is asked for and none is stored."""
    errors: list[str] = []
    name = _text(raw.get("first_name"))
    if not name:
        errors.append("Vul je voornaam in.")
    elif len(name) > 40 or not re.fullmatch(r"[^\W\d_]([^\W\d_]|['\- .])*", name):
        errors.append(
            "Alleen je voornaam, zonder cijfers of tekens (hooguit 40 letters)."
        )
    contact = re.sub(r"[\s\-()]", "", _text(raw.get("contact")))
    if raw.get("consent"):
        if not contact:
            errors.append(
                "Vul een telefoonnummer of e-mailadres in, of vink de toestemming uit."
            )
        elif not (PHONE.match(contact) or EMAIL.match(contact)):
            errors.append(
                "Dit is geen telefoonnummer (zoals 0612345678) of e-mailadres."
            )
    else:
        contact = ""  # no consent: nothing to reach them by is kept
    kind = _text(raw.get("target_kind"))
    if kind not in TARGETS or not _text(raw.get("target_id")):
        errors.append("Kies de afspraak of droom waarvoor je je aanmeldt.")
    if errors:
        return None, errors
    return SignUp(kind, _text(raw.get("target_id")), name, contact), []


def sign_up_counts(engine, dataset: str) -> dict[str, int]:
    """How many people signed up per afspraak or dream (no names: the projector shows
    these)."""
    q = (
        sa.select(werkgroep.c.target_id, sa.func.count())
        .where(werkgroep.c.dataset == dataset)
        .group_by(werkgroep.c.target_id)
    )
    with engine.connect() as conn:
        return {target: int(n) for target, n in conn.execute(q)}


def sign_ups(engine, dataset: str, target_id: str) -> pd.DataFrame:
    """The people in one werkgroep, first names and contacts: personal data. The page that
    shows them checks the role and logs the view."""
    q = (
        sa.select(werkgroep.c.first_name, werkgroep.c.contact, werkgroep.c.created)
        .where(werkgroep.c.dataset == dataset, werkgroep.c.target_id == target_id)
        .order_by(werkgroep.c.created)
    )
    with engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(q).mappings().all(),
            columns=["first_name", "contact", "created"],
        )
