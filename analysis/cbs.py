"""Read CBS statistics tables (Kerncijfers wijken en buurten) in the shapes people get them.

StatLine/OData CSV (`;`, quoted, `.` for missing, decimal commas), home-made CSV/XLSX, and the
attribute table of the Wijk- en buurtkaart. Columns are matched through the catalogue's aliases;
CBS's markers for missing values become a reason, never a number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.errors import AnalysisError

GEHEIM = "geheim"
NIET_BESCHIKBAAR = "niet beschikbaar"
ONBEKEND = "geheim of onbekend"  # the source does not say which
# Numeric sentinels: GeoPackage/PDOK 2023+ and the shapefiles/DBFs up to 2022.
SENTINELS = {
    -99995.0: GEHEIM,
    -99997.0: NIET_BESCHIKBAAR,
    -99999999.0: ONBEKEND,
    -99999997.0: ONBEKEND,
}
# StatLine symbols: "." unknown/unreliable/secret, "x" secret, "-" nil (zero).
SYMBOLS = {"": ONBEKEND, ".": ONBEKEND, "x": GEHEIM, "nan": ONBEKEND, "none": ONBEKEND}
CODE_PATTERN = re.compile(r"^(BU|WK|GM)\d{4}|^NL00")
NAME_COLUMNS = ("gemeentenaam_1", "gemeentenaam", "gm_naam")
# CBS's boundary-change marker (KWB, and the Wijk- en buurtkaart): see boundary_changes.
CHANGE_COLUMNS = (
    "indelingswijzigingwijkenbuurten",
    "indelingswijziginggemeentewijkbuurt",
)
# Describe the area rather than measure it: never reported as unused.
AREA_ATTRIBUTES = (
    "id", "buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "bu_code",
    "bu_naam", "wk_code", "wk_naam", "gm_code", "water", "h2o", "jaarstatcode", "jrstatcode",
    "jaar", "soortregio_2", "codering_3", "wijkenenbuurten", "statcode", "statnaam",
    "meestvoorkomendepostcode", *CHANGE_COLUMNS,
)  # fmt: skip
LONG_COLUMNS = ["code", "indicator", "waarde", "status"]


@dataclass
class StatisticsTable:
    """Values of one year in long form, with what was recognised and what was not.

    `values` has columns code (BU/WK/GM…), indicator, waarde (float or NaN), status ('' or
    the reason the value is missing).
    """

    values: pd.DataFrame
    year: int | None
    recognised: dict[str, str]
    ignored: list[str]
    code_column: str
    gemeentenamen: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)  # see boundary_changes


def decode(data: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM) or, failing that, Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """A CSV or XLSX file as a frame of strings; raises AnalysisError in Dutch on bad input."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for broken files
            raise AnalysisError(
                f"{filename} is geen leesbaar Excel-bestand (.xlsx): {exc}"
            ) from exc
        return frame.fillna("")
    if suffix not in (".csv", ".txt", ".tsv"):
        raise AnalysisError(
            f"{filename}: onbekend bestandstype '{suffix or '(geen)'}'. "
            "Gebruik een CSV- of Excel-bestand (.csv, .xlsx)."
        )
    text = decode(data)
    if not text.strip():
        raise AnalysisError(f"{filename} is leeg.")
    first = text.splitlines()[0]
    try:
        sep = csv.Sniffer().sniff(first, delimiters=";,\t").delimiter
    except csv.Error:
        sep = ","
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quotechar='"'
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise AnalysisError(f"{filename} is geen geldig CSV-bestand: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def uses_decimal_comma(frame: pd.DataFrame) -> bool:
    """True when numbers are written the Dutch way (12,5), as in some StatLine exports."""
    sample = frame.select_dtypes(include=["object", "string"]).head(500)
    cells = pd.Series(sample.to_numpy().ravel(), dtype="string").str.strip()
    comma = cells.str.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d+|-?\d+,\d+").sum()
    dot = cells.str.fullmatch(r"-?\d+\.\d+").sum()
    return bool(comma > dot)


def parse_column(
    column: pd.Series, decimal_comma: bool
) -> tuple[pd.Series, pd.Series, int]:
    """Numbers and missing-reasons of one column, and how many cells were not a number."""
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype(float)
        status = pd.Series("", index=column.index, dtype=object)
        status[values.isna()] = ONBEKEND
        unreadable = 0
    else:
        text = column.astype("string").fillna("").str.strip()
        symbol = text.str.lower().map(SYMBOLS)
        cleaned = text.str.replace(" ", "", regex=False)
        if decimal_comma:
            cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".")
        cleaned = cleaned.mask(text == "-", "0")  # StatLine "-" is nil
        values = pd.to_numeric(cleaned, errors="coerce").astype(float)
        status = pd.Series(symbol.fillna("").to_numpy(dtype=object), index=column.index)
        bad = values.isna() & symbol.isna()
        unreadable = int(bad.sum())
        status[bad] = NIET_BESCHIKBAAR
    for sentinel, reason in SENTINELS.items():
        hit = np.isclose(values.to_numpy(), sentinel)
        status[hit] = reason
    values = values.mask(status != "")
    return values, status, unreadable


def find_code_column(frame: pd.DataFrame, filename: str) -> str:
    """The column holding CBS area codes (BU…/WK…/GM…): the one with most buurtcodes."""
    best, best_count = None, 0
    for col in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[col]):
            continue
        codes = frame[col].astype("string").str.strip()
        count = int(codes.str.match(r"^BU\d{8}$").sum())
        if count > best_count:
            best, best_count = col, count
    if best is None:
        raise AnalysisError(
            f"{filename}: geen kolom met CBS-buurtcodes gevonden (zoals BU07721110). "
            "Zet de buurtcode in een eigen kolom, bijvoorbeeld 'buurtcode'."
        )
    return best


def find_year(frame: pd.DataFrame, filename: str, year: int | None) -> int | None:
    """The statistics year from the file itself, from the caller, or from the file name."""
    for col in frame.columns:
        key = col.lower()
        if key in ("jaar", "perioden", "jaarstatcode", "jrstatcode"):
            found = frame[col].astype("string").str.extract(r"^\s*(\d{4})")[0].dropna()
            if not found.empty:
                return int(found.mode().iloc[0])
    if year is not None:
        return year
    match = re.search(r"(?<!\d)(20\d\d)(?!\d)", Path(filename).name)
    return int(match.group(1)) if match else None


def bare_name(column: str) -> str:
    """An OData column name without the number CBS gives it in one year, lower-case.

    >>> bare_name("AantalInwoners_5")
    'aantalinwoners'
    """
    return re.sub(r"_\d+$", "", column.strip().lower())


def boundary_changes(frame: pd.DataFrame, codes: pd.Series) -> dict[str, int]:
    """CBS's marker per area: 1 unchanged since last year, 2 re-coded but the same area,
    3 boundary changed (KWB column IndelingswijzigingGemeenteWijkBuurt)."""
    column = next((c for c in frame.columns if bare_name(c) in CHANGE_COLUMNS), None)
    if column is None:
        return {}
    marker = pd.to_numeric(frame[column], errors="coerce")
    return {c: int(m) for c, m in zip(codes, marker) if m in (1, 2, 3)}


def alias_lookup(
    catalogue: Catalogue,
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(exact name → id, OData name without suffix → id, OData count name → id), lower-case."""
    exact, odata, counts = {}, {}, {}
    for ind in catalogue.indicators.values():
        for name in (ind.id, ind.label, *ind.gpkg, *ind.wbk, *ind.labels):
            exact.setdefault(name.lower(), ind.id)
        for name in ind.odata:
            odata.setdefault(name.lower(), ind.id)
        for name in ind.odata_count:
            counts.setdefault(name.lower(), ind.id)
    return exact, odata, counts


def match_columns(
    columns: list[str], catalogue: Catalogue
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Map file columns to indicators.

    Returns (indicator → column holding its value, indicator → column holding a count to be
    turned into its percentage, ignored columns). A direct value wins over a count.
    """
    exact, odata, counts = alias_lookup(catalogue)
    direct: dict[str, str] = {}
    from_count: dict[str, str] = {}
    ignored = []
    seen: dict[str, int] = {}
    for col in columns:
        key = col.strip().lower()
        bare = bare_name(col)
        # CBS repeats a few names under another heading (electricity, then gas, per type of
        # house): the second one is known in the catalogue as 'name#2'.
        seen[bare] = seen.get(bare, 0) + 1
        if seen[bare] > 1:
            bare = f"{bare}#{seen[bare]}"
        ind = exact.get(key) or odata.get(bare) or odata.get(key)
        if ind and ind not in direct:
            direct[ind] = col
        elif (ind := counts.get(bare) or counts.get(key)) and ind not in from_count:
            from_count[ind] = col
        else:
            ignored.append(col)
    ignored += [c for i, c in from_count.items() if i in direct]
    from_count = {i: c for i, c in from_count.items() if i not in direct}
    return direct, from_count, ignored


def statistics_from_frame(
    frame: pd.DataFrame,
    catalogue: Catalogue,
    filename: str,
    year: int | None = None,
) -> StatisticsTable:
    """Recognise codes, year and indicators in a table and return its values in long form."""
    if frame.empty:
        raise AnalysisError(f"{filename} bevat geen rijen.")
    code_col = find_code_column(frame, filename)
    codes = frame[code_col].astype("string").str.strip().str.upper()
    keep = codes.str.match(CODE_PATTERN.pattern).fillna(False).to_numpy()
    frame, codes = frame[keep], codes[keep]
    if codes.duplicated().any():
        dupes = ", ".join(codes[codes.duplicated()].unique()[:5])
        raise AnalysisError(
            f"{filename}: deze codes komen meer dan eens voor: {dupes}."
        )
    skip = {code_col.lower(), *NAME_COLUMNS, *AREA_ATTRIBUTES}
    direct, from_count, ignored = match_columns(
        [
            c
            for c in frame.columns
            if bare_name(c) not in skip and c.lower() not in skip
        ],
        catalogue,
    )
    if not direct and not from_count:
        raise AnalysisError(
            f"{filename}: geen enkele kolom herkend als indicator. Gebruik de kolomnamen van "
            "CBS (zoals AantalInwoners_5 of aantal_inwoners) of de namen uit de catalogus."
        )
    comma = uses_decimal_comma(frame)
    parsed, warnings = {}, []
    for ind, col in direct.items():
        values, status, unreadable = parse_column(frame[col], comma)
        parsed[ind] = (values, status)
        if unreadable:
            warnings.append(
                f"Kolom '{col}': {unreadable} cellen zijn geen getal en tellen als niet beschikbaar."
            )
    for ind, col in from_count.items():
        base = catalogue[ind].count_base
        if base not in parsed:
            ignored.append(col)
            continue
        count, count_status = parse_column(frame[col], comma)[:2]
        base_values, base_status = parsed[base]
        pct = (count / base_values.where(base_values > 0) * 100).round(1)
        status = count_status.where(count_status != "", base_status)
        status[pct.isna() & (status == "")] = NIET_BESCHIKBAAR
        parsed[ind] = (pct.mask(status != ""), status)
        direct[ind] = f"{col} / {direct[base]}"
    rows = [
        pd.DataFrame(
            {
                "code": codes.to_numpy(),
                "indicator": ind,
                "waarde": values.to_numpy(dtype=float),
                "status": status.to_numpy(dtype=object),
            }
        )
        for ind, (values, status) in parsed.items()
    ]
    names = {}
    name_col = next((c for c in frame.columns if c.lower() in NAME_COLUMNS), None)
    if name_col:
        names = dict(zip(codes.str[2:6], frame[name_col].astype(str).str.strip()))
    return StatisticsTable(
        values=pd.concat(rows, ignore_index=True)[LONG_COLUMNS],
        year=find_year(frame, filename, year),
        recognised={ind: direct[ind] for ind in parsed},
        ignored=ignored,
        code_column=code_col,
        gemeentenamen=names,
        warnings=warnings,
        changes=boundary_changes(frame, codes),
    )


def read_statistics(
    data: bytes, filename: str, catalogue: Catalogue, year: int | None = None
) -> StatisticsTable:
    """Read a KWB statistics file (CSV or XLSX) into a StatisticsTable."""
    return statistics_from_frame(read_table(data, filename), catalogue, filename, year)
