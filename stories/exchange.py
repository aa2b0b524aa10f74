"""Import and export stories as CSV or XLSX.

Import: columns found by Dutch or English name, separator and encoding detected, every row
checked; all-or-nothing unless the person chooses to skip bad rows. Export: the current
selection, with spreadsheet formulas neutralised so a story cannot run code in Excel.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd

from analysis.cbs import read_table
from analysis.errors import AnalysisError
from stories.errors import StoreError
from stories.store import StoryStore
from stories.validation import StoryIn, validate_story

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
    valid: list[StoryIn]
    problems: list[tuple[int, list[str]]]  # (line in the file, Dutch messages)
    mapping: dict[str, str]
    ignored: list[str]
    written: int = 0
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)


def map_columns(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """(our field → file column, unused file columns)."""
    mapping = {}
    for header in headers:
        key = header.strip().lower()
        for name, aliases in COLUMNS.items():
            if key in aliases and name not in mapping:
                mapping[name] = header
                break
    return mapping, [h for h in headers if h not in mapping.values()]


def read_stories(data: bytes, filename: str, buurtcodes: set[str]) -> ImportResult:
    """Read and check every row; nothing is written here."""
    try:
        frame = read_table(data, filename)
    except AnalysisError as exc:
        raise StoreError(str(exc)) from exc
    mapping, ignored = map_columns(list(frame.columns))
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        raise StoreError(
            f"{filename}: kolommen ontbreken: {', '.join(DUTCH.get(c, c) for c in missing)}. "
            f"Gevonden: "
            f"{', '.join(frame.columns)}. Gebruik bijvoorbeeld de kolomnamen buurtcode, soort, "
            "thema, tekst, datum en toestemming."
        )
    valid, problems = [], []
    for number, record in enumerate(
        frame.to_dict("records"), start=2
    ):  # line 1 is the header
        story, errors = validate_story(
            {f: record[c] for f, c in mapping.items()}, buurtcodes
        )
        if errors:
            problems.append((number, errors))
        else:
            valid.append(story)
    preview = frame.head(10).rename(columns={c: f for f, c in mapping.items()})
    return ImportResult(len(frame), valid, problems, mapping, ignored, preview=preview)


def import_stories(
    store: StoryStore,
    dataset: str,
    data: bytes,
    filename: str,
    buurtcodes: set[str],
    skip_bad_rows: bool = False,
) -> ImportResult:
    """All-or-nothing import: with any bad row nothing is written, unless `skip_bad_rows`."""
    result = read_stories(data, filename, buurtcodes)
    if result.problems and not skip_bad_rows:
        return result
    if result.valid:
        store.add_many(dataset, result.valid)
        result.written = len(result.valid)
    return result


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_stories(stories: pd.DataFrame, fmt: str = "csv") -> bytes:
    """The given stories (a query result) as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    columns = [
        "buurtcode",
        "kind",
        "themes",
        "title",
        "text",
        "source",
        "voice",
        "date",
        "lon",
        "lat",
    ]
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
        }  # fmt: skip
    )
    out = out.map(neutralise)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        out.to_excel(buffer, index=False)
        return buffer.getvalue()
    return out.to_csv(index=False, sep=";").encode("utf-8-sig")
