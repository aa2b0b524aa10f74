"""Import and export stories, initiatives, the buurtagenda and the network as CSV or XLSX.

Import: columns found by Dutch or English name, separator and encoding detected, every row
checked; all-or-nothing unless the person chooses to skip bad rows. Export: the current
selection, with spreadsheet formulas neutralised so a story cannot run code in Excel.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from analysis.cbs import read_table
from analysis.errors import AnalysisError
from stories.agenda import validate_afspraak
from stories.errors import StoreError
from stories.initiatives import LIST_COLUMNS, validate_initiative
from stories.network import Locate, validate_network
from stories.store import RecordStore, StoryStore
from stories.validation import validate_story

# Our field → the headers people use for it (lower-case; Dutch and English).
COLUMNS = {
    "buurtcode": [
        "buurtcode",
        "buurt",
        "bu_code",
        "code",
        "neighbourhood code",
        "neighbourhood",
    ],
    "kind": ["soort", "kind", "type", "categorie", "kracht/zorg/droom"],
    "themes": ["themes", "thema", "themas", "thema's", "theme"],
    "text": ["text", "tekst", "verhaal", "story", "citaat", "quote"],
    "title": ["title", "titel", "kop"],
    "source": ["source", "bron", "herkomst"],
    "voice": ["voice", "stem", "wie", "verteller", "afzender"],
    "date": ["date", "datum", "wanneer"],
    "lon": ["lon", "lng", "longitude", "lengtegraad"],
    "lat": ["lat", "latitude", "breedtegraad"],
    "consent": ["consent", "toestemming", "akkoord"],
    "helps": ["helpt bij droom", "helpt bij", "helps"],
}
REQUIRED = ("buurtcode", "kind", "themes", "text", "date", "consent")
DUTCH = {
    "kind": "soort",
    "themes": "thema",
    "text": "tekst",
    "date": "datum",
    "consent": "toestemming",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ImportResult:
    """What an import found and did; `written` is 0 when anything was refused."""

    rows: int
    valid: list  # StoryIn or InitiativeIn
    problems: list[tuple[int, list[str]]]  # (line in the file, Dutch messages)
    mapping: dict[str, str]
    ignored: list[str]
    written: int = 0
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class RecordKind:
    """How to read one kind of record (stories, initiatives) from a spreadsheet."""

    columns: dict[str, list[str]]  # our field → headers people use for it (lower-case)
    required: tuple[str, ...]
    dutch: dict[str, str]  # our field → its Dutch name, for messages
    validate: Callable[[dict, set[str]], tuple[object, list[str]]]
    hint: str  # which headers to use, for the 'columns missing' message


def map_columns(
    headers: list[str], columns: dict[str, list[str]] = COLUMNS
) -> tuple[dict[str, str], list[str]]:
    """(our field → file column, unused file columns)."""
    mapping = {}
    for header in headers:
        key = header.strip().lower()
        for name, aliases in columns.items():
            if key in aliases and name not in mapping:
                mapping[name] = header
                break
    return mapping, [h for h in headers if h not in mapping.values()]


def read_records(
    data: bytes, filename: str, kind: RecordKind, buurtcodes: set[str]
) -> ImportResult:
    """Read and check every row; nothing is written here."""
    try:
        frame = read_table(data, filename)
    except AnalysisError as exc:
        raise StoreError(str(exc)) from exc
    mapping, ignored = map_columns(list(frame.columns), kind.columns)
    missing = [c for c in kind.required if c not in mapping]
    if missing:
        raise StoreError(
            f"{filename}: kolommen ontbreken: "
            f"{', '.join(kind.dutch.get(c, c) for c in missing)}. "
            f"Gevonden: {', '.join(frame.columns)}. {kind.hint}"
        )
    valid, problems = [], []
    # Line 1 is the header.
    for number, record in enumerate(frame.to_dict("records"), start=2):
        item, errors = kind.validate(
            {f: record[c] for f, c in mapping.items()}, buurtcodes
        )
        if errors:
            problems.append((number, errors))
        else:
            valid.append(item)
    preview = frame.head(10).rename(columns={c: f for f, c in mapping.items()})
    return ImportResult(len(frame), valid, problems, mapping, ignored, preview=preview)


def import_records(
    store: RecordStore,
    dataset: str,
    data: bytes,
    filename: str,
    kind: RecordKind,
    buurtcodes: set[str],
    skip_bad_rows: bool = False,
) -> ImportResult:
    """All-or-nothing import: with any bad row nothing is written, unless `skip_bad_rows`."""
    result = read_records(data, filename, kind, buurtcodes)
    if result.problems and not skip_bad_rows:
        return result
    if result.valid:
        store.add_many(dataset, result.valid, action="imported")
        result.written = len(result.valid)
    return result


STORIES = RecordKind(
    COLUMNS,
    REQUIRED,
    DUTCH,
    lambda raw, codes: validate_story(raw, codes),
    "Gebruik bijvoorbeeld de kolomnamen buurtcode, soort, thema, tekst, datum en toestemming.",
)
INITIATIVES = RecordKind(
    {
        "name": ["name", "naam", "initiatief", "titel"],
        "description": ["description", "beschrijving", "omschrijving", "toelichting"],
        "buurtcodes": ["buurtcodes", "buurtcode", "buurten", "buurt", "bu_code"],
        "themes": ["themes", "thema", "themas", "thema's", "theme"],
        "target_groups": ["target_groups", "doelgroep", "doelgroepen", "target group"],
        "phase": ["phase", "fase", "status"],
        "initiator": ["initiator", "initiatiefnemer", "door"],
        "wijkteam_role": ["wijkteam_role", "rol", "rol wijkteam", "role"],
        "support": ["support", "steun", "ondersteuning"],
        "ladder": ["ladder", "bindingsladder"],
        "lon": COLUMNS["lon"],
        "lat": COLUMNS["lat"],
        "start_date": ["start_date", "start", "startdatum", "sinds", "begonnen"],
    },
    ("name", "buurtcodes", "themes", "phase"),
    {"name": "naam", "buurtcodes": "buurtcodes", "themes": "thema", "phase": "fase"},
    validate_initiative,
    "Gebruik bijvoorbeeld de kolomnamen naam, buurtcodes, thema en fase.",
)


# The buurtagenda's columns, as `export_agenda` writes them (Dutch) and people name them.
AGENDA_DUTCH = {
    "area": "gebied", "themes": "thema", "what": "wat", "why": "waarom",
    "grounds": "aanleiding", "who": "wie", "initiative_id": "initiatief",
    "wijkteam_role": "rol wijkteam", "start_date": "startdatum",
    "contact_date": "contactmoment", "status": "status", "origin": "herkomst",
    "origin_ref": "herkomst verwijzing", "year": "jaar van de cijfers",
}  # fmt: skip
AGENDA = RecordKind(
    {
        "area": ["gebied", "buurtcode", "wijkcode", "buurt", "wijk", "area"],
        "themes": ["thema", "themas", "thema's", "themes", "theme"],
        "what": ["wat", "afspraak", "what", "actie"],
        "why": ["waarom", "why", "reden"],
        "grounds": ["aanleiding", "grounds", "signalen"],
        "who": ["wie", "who", "partner", "uitvoerder"],
        "initiative_id": ["initiatief", "initiative_id", "initiatief-id"],
        "wijkteam_role": ["rol wijkteam", "rol", "wijkteam_role", "role"],
        "start_date": ["startdatum", "start", "start_date", "begin"],
        "contact_date": ["contactmoment", "contact", "contact_date", "volgend contact"],
        "status": ["status", "stand"],
        "origin": ["herkomst", "origin", "bron"],
        "origin_ref": ["herkomst verwijzing", "origin_ref"],
        "year": ["jaar van de cijfers", "jaar", "year"],
    },
    ("area", "themes", "what"),
    {"area": "gebied", "themes": "thema", "what": "wat"},
    validate_afspraak,
    "Gebruik bijvoorbeeld de kolomnamen gebied (buurt- of wijkcode), thema, wat, wie, "
    "startdatum, contactmoment en status.",
)


# The network's columns, as `export_network` writes them (Dutch) and a sociale kaart names them.
NETWORK_DUTCH = {
    "soort": "soort", "name": "naam", "category": "categorie", "offers": "aanbod",
    "themes": "thema", "buurtcodes": "buurtcodes", "address": "adres", "postcode": "postcode",
    "contact": "contact", "description": "beschrijving", "lat": "lat", "lon": "lon",
}  # fmt: skip
NETWORK_COLUMNS = {
    "soort": ["soort", "sort"],
    "name": ["naam", "name", "organisatie", "organisatienaam", "titel"],
    "category": ["categorie", "category", "rubriek", "soort organisatie", "branche"],
    "offers": ["aanbod", "offers", "biedt"],
    "themes": ["thema", "themas", "thema's", "themes", "theme"],
    "buurtcodes": ["buurtcodes", "buurtcode", "buurten", "bu_code"],
    "address": ["adres", "address", "straat", "straat en huisnummer"],
    "postcode": ["postcode", "zip", "postal code"],
    "contact": ["contact", "contactrol", "contactpersoon (rol)"],
    "description": ["beschrijving", "omschrijving", "description", "toelichting"],
    "lat": COLUMNS["lat"],
    "lon": COLUMNS["lon"],
    "x": ["x", "rd_x", "x_rd", "rdx", "x-coördinaat", "x-coordinaat"],
    "y": ["y", "rd_y", "y_rd", "rdy", "y-coördinaat", "y-coordinaat"],
}  # fmt: skip


def network_kind(locate: Locate | None) -> RecordKind:
    """How to read partners and vindplaatsen, each placed in its buurt by `locate`."""
    return RecordKind(
        NETWORK_COLUMNS,
        ("name",),
        {"name": "naam"},
        lambda raw, codes: validate_network(raw, codes, locate),
        "Gebruik bijvoorbeeld de kolomnamen soort, naam, categorie, adres, postcode en lat/lon "
        "(of RD x/y).",
    )


def export_network(items: pd.DataFrame, fmt: str = "csv") -> bytes:
    """The given partners and vindplaatsen (a query result) as CSV or XLSX that
    `network_kind` reads back; points as WGS84 lat/lon."""
    out = items[list(NETWORK_DUTCH)].copy()
    for col in ("offers", "themes", "buurtcodes"):
        out[col] = out[col].map(";".join)
    for col in ("lat", "lon"):
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.6f}")
    return spreadsheet(out.rename(columns=NETWORK_DUTCH), fmt)


def read_stories(data: bytes, filename: str, buurtcodes: set[str]) -> ImportResult:
    """Read and check every story row; nothing is written here."""
    return read_records(data, filename, STORIES, buurtcodes)


def import_stories(
    store: StoryStore,
    dataset: str,
    data: bytes,
    filename: str,
    buurtcodes: set[str],
    skip_bad_rows: bool = False,
) -> ImportResult:
    """All-or-nothing story import (see `import_records`)."""
    return import_records(
        store, dataset, data, filename, STORIES, buurtcodes, skip_bad_rows
    )


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def spreadsheet(out: pd.DataFrame, fmt: str = "csv") -> bytes:
    """CSV (UTF-8 with BOM, for Excel; ';'-separated) or XLSX, formulas neutralised: every
    download of a table goes through here."""
    out = out.map(neutralise)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        out.to_excel(buffer, index=False)
        return buffer.getvalue()
    return out.to_csv(index=False, sep=";").encode("utf-8-sig")


def export_stories(stories: pd.DataFrame, fmt: str = "csv") -> bytes:
    """The given stories (a query result) as CSV or XLSX, with Dutch headers."""
    columns = [
        "id", "buurtcode", "kind", "themes", "title", "text", "source", "voice", "date",
        "lon", "lat", "helps",
    ]  # fmt: skip
    out = stories[columns].copy()
    out["themes"] = out["themes"].map(";".join)
    out["toestemming"] = "ja"  # only stories with consent are ever stored
    out = out.rename(
        columns={
            "kind": "soort",
            "themes": "thema",
            "title": "titel",
            "text": "tekst",
            "source": "bron",
            "voice": "stem",
            "date": "datum",
            "helps": "helpt bij droom",
        }  # fmt: skip
    )
    return spreadsheet(out, fmt)


def export_initiatives(initiatives: pd.DataFrame, fmt: str = "csv") -> bytes:
    """The given initiatives (a query result) as CSV or XLSX that `INITIATIVES` reads back."""
    dutch = {
        "name": "naam", "description": "beschrijving", "buurtcodes": "buurtcodes",
        "themes": "thema", "target_groups": "doelgroep", "phase": "fase",
        "initiator": "initiatiefnemer", "wijkteam_role": "rol wijkteam", "support": "steun",
        "ladder": "bindingsladder", "lon": "lon", "lat": "lat", "start_date": "startdatum",
    }  # fmt: skip
    out = initiatives[list(dutch)].copy()
    for col in LIST_COLUMNS:
        out[col] = out[col].map(";".join)
    out["ladder"] = out["ladder"].map(lambda rungs: ";".join(map(str, rungs or [])))
    return spreadsheet(out.rename(columns=dutch), fmt)


def export_agenda(afspraken: pd.DataFrame, fmt: str = "csv") -> bytes:
    """The given afspraken (a query result) as CSV or XLSX that `AGENDA` reads back."""
    out = afspraken[list(AGENDA_DUTCH)].copy()
    out["themes"] = out["themes"].map(";".join)
    out["year"] = out["year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
    for column in ("start_date", "contact_date"):
        out[column] = out[column].map(lambda d: "" if pd.isna(d) else d.isoformat())
    return spreadsheet(out.rename(columns=AGENDA_DUTCH), fmt)
