"""A gemeente's own indicators (GGD Gezondheidsmonitor, Veiligheidsmonitor, Wmo or schuldhulp
registrations): a template to fill in, and an all-or-nothing import.

The file has a sheet `cijfers` (a column `buurtcode` or `wijkcode`, optionally `jaar`, then one
column per indicator) and a sheet `indicatoren` that describes each indicator column
(DESCRIPTION_COLUMNS). A CSV holds only the figures; its description is given separately.
Every problem is reported per row in Dutch, and nothing is written unless all is well.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace

import pandas as pd

from analysis.catalogue import DENOMINATORS, Catalogue, Indicator
from analysis.cbs import NIET_BESCHIKBAAR, parse_column, read_table, uses_decimal_comma
from analysis.datasets import VALUE_COLUMNS, Dataset, save_dataset
from analysis.errors import AnalysisError

FIGURES, DESCRIPTIONS = "cijfers", "indicatoren"
DESCRIPTION_COLUMNS = [
    "kolom",
    "label",
    "thema",
    "eenheid",
    "richting",
    "noemer",
    "bron",
]
DIRECTION_WORDS = {
    "1": 1, "+1": 1, "hoger is beter": 1,
    "-1": -1, "hoger is slechter": -1,
    "0": 0, "neutraal": 0, "achtergrond": 0,
}  # fmt: skip
PREFIX = "eigen_"
MAX_PROBLEMS = 20


@dataclass
class OwnImport:
    """What an own-indicator import read and stored."""

    indicators: list[Indicator]
    year: int
    areas: int
    level: str  # "buurt" or "wijk"
    missing: int

    def lines(self) -> list[str]:
        names = ", ".join(
            f"{i.label} ({i.unit}, bron: {i.source})" for i in self.indicators
        )
        out = [
            f"{len(self.indicators)} eigen indicatoren ingelezen voor {self.year}: {names}.",
            f"{self.areas} {self.level}en met cijfers.",
        ]
        if self.missing:
            out.append(f"{self.missing} lege cellen tellen als 'niet beschikbaar'.")
        return out


def indicator_id(column: str) -> str:
    """`eigen_` plus the column name in lower case, letters and digits only.

    >>> indicator_id("Eenzaamheid (%)")
    'eigen_eenzaamheid'
    """
    return PREFIX + re.sub(r"[^a-z0-9]+", "_", column.strip().lower()).strip("_")


def template(data: Dataset, catalogue: Catalogue) -> bytes:
    """The XLSX to fill in: every buurt of the gemeente, an example column and its
    description, and a sheet explaining the choices."""
    year = data.years[-1]
    figures = pd.DataFrame(
        {
            "buurtcode": data.buurten["buurtcode"],
            "buurtnaam": data.buurten["buurtnaam"],
            "jaar": year,
            "eenzaamheid": pd.NA,
        }
    )
    described = pd.DataFrame(
        [["eenzaamheid", "Ernstig eenzaam", "ontmoeting", "%", -1, "inwoners",
          f"GGD Gezondheidsmonitor {year}"]],
        columns=DESCRIPTION_COLUMNS,
    )  # fmt: skip
    return workbook(figures, described, catalogue)


def own_levels(data: Dataset) -> list[str]:
    """The levels ('buurt', 'wijk') at which this gemeente has own figures."""
    ids = {i.id for i in data.own}
    levels = ["buurt"] if data.values["indicator"].isin(ids).any() else []
    published = data.published
    if published is not None and published["indicator"].isin(ids).any():
        levels.append("wijk")
    return levels


def export(data: Dataset, catalogue: Catalogue, level: str = "buurt") -> bytes:
    """The gemeente's own figures of one level in the template's form, ready to be imported
    again."""
    ids = {i.id: i.labels[0] for i in data.own}  # back to the column names of the file
    if level == "wijk":
        rows = data.published.rename(columns={"code": "wijkcode"})
    else:
        rows = data.values
    rows = rows[rows["indicator"].isin(ids)]
    if rows.empty:
        raise AnalysisError(f"Deze gemeente heeft geen eigen cijfers per {level}.")
    figures = (
        rows.pivot_table(
            index=[f"{level}code", "jaar"],
            columns="indicator",
            values="waarde",
            dropna=False,
        )  # fmt: skip
        .rename(columns=ids)
        .reset_index()
    )
    shown = [i for i in data.own if i.id in set(rows["indicator"])]
    described = pd.DataFrame(
        [[i.labels[0], i.label, i.theme, i.unit, i.direction, i.denominator, i.source]
         for i in shown],
        columns=DESCRIPTION_COLUMNS,
    )  # fmt: skip
    return workbook(figures, described, catalogue)


def workbook(
    figures: pd.DataFrame, described: pd.DataFrame, catalogue: Catalogue
) -> bytes:
    explanation = pd.DataFrame(
        {
            "veld": DESCRIPTION_COLUMNS,
            "uitleg": [
                "De naam van de kolom in het blad 'cijfers'.",
                "De naam zoals het dashboard hem toont.",
                "Een van: "
                + ", ".join(f"{k} ({v})" for k, v in catalogue.themes.items()),
                "Bijvoorbeeld %, aantal, per 1.000 inwoners.",
                "1 als hoger beter is, -1 als hoger slechter is, 0 als het achtergrond is.",
                "Waarmee buurten worden gewogen tot een gemeentecijfer: "
                + ", ".join(DENOMINATORS)
                + ".",
                "Waar het cijfer vandaan komt, met jaar.",
            ],
        }
    )
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as xlsx:
        figures.to_excel(xlsx, sheet_name=FIGURES, index=False)
        described.to_excel(xlsx, sheet_name=DESCRIPTIONS, index=False)
        explanation.to_excel(xlsx, sheet_name="uitleg", index=False)
    return out.getvalue()


def read_sheets(
    content: bytes, filename: str
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The figures and, from an XLSX, the description sheet (None from a CSV)."""
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        return read_table(content, filename), None
    try:
        sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, dtype=str)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise AnalysisError(
            f"{filename} is geen leesbaar Excel-bestand: {exc}"
        ) from exc
    named = {name.strip().lower(): sheet.fillna("") for name, sheet in sheets.items()}
    if FIGURES not in named:
        raise AnalysisError(
            f"{filename} heeft geen blad '{FIGURES}'. Gebruik het sjabloon van de pagina Data."
        )
    return named[FIGURES], named.get(DESCRIPTIONS)


def describe(
    described: pd.DataFrame | None, columns: list[str], catalogue: Catalogue
) -> tuple[list[Indicator], list[str]]:
    """One Indicator per figure column, from its description row; and the problems."""
    if described is None:
        return [], [
            "De beschrijving van de indicatoren ontbreekt (blad 'indicatoren')."
        ]
    described = described.rename(columns=lambda c: str(c).strip().lower())
    if absent := [c for c in DESCRIPTION_COLUMNS if c not in described.columns]:
        return [], [f"In de beschrijving ontbreken de kolommen: {', '.join(absent)}."]
    by_column = {str(r["kolom"]).strip(): r for _, r in described.iterrows()}
    themes = {**{t: t for t in catalogue.themes},
              **{label.lower(): t for t, label in catalogue.themes.items()}}  # fmt: skip
    indicators, problems = [], []
    for column in columns:
        row = by_column.get(column)
        if row is None:
            problems.append(
                f"Kolom '{column}' heeft geen beschrijving in 'indicatoren'."
            )
            continue
        wrong = [f for f in ("label", "eenheid", "bron") if not str(row[f]).strip()]
        theme = themes.get(str(row["thema"]).strip().lower())
        direction = DIRECTION_WORDS.get(
            str(row["richting"]).strip().lower().removesuffix(".0")
        )
        denominator = str(row["noemer"]).strip().lower()
        wrong += ["thema"] if theme is None else []
        wrong += ["richting (1, -1 of 0)"] if direction is None else []
        wrong += ["noemer"] if denominator not in DENOMINATORS else []
        if wrong:
            problems.append(
                f"Beschrijving van '{column}': {', '.join(wrong)} ontbreekt of klopt niet."
            )
            continue
        indicators.append(
            Indicator(
                id=indicator_id(column), label=str(row["label"]).strip(), theme=theme,
                unit=str(row["eenheid"]).strip(), direction=direction,
                denominator=denominator,
                definition=f"Eigen cijfer van de gemeente (kolom '{column}' in het bestand).",
                source=str(row["bron"]).strip(), kind="own", labels=(column,), period="eigen",
            )
        )  # fmt: skip
    return indicators, problems


def import_own(
    file: tuple[bytes, str],
    data: Dataset,
    catalogue: Catalogue,
    year: int | None = None,
    described: pd.DataFrame | None = None,
) -> OwnImport:
    """Check everything, then add the indicators to the dataset in one write.

    `described` is the description for a CSV (an XLSX brings its own sheet). Raises
    AnalysisError listing every problem (row numbers as in the spreadsheet); nothing is
    written then."""
    content, filename = file
    if data.info.fictional:
        raise AnalysisError(
            "De voorbeeldgemeente krijgt geen eigen cijfers. Laad eerst je eigen gemeente in."
        )
    figures, sheet = read_sheets(content, filename)
    described = sheet if sheet is not None else described
    figures = figures.rename(columns=lambda c: str(c).strip())
    lower = {c.lower(): c for c in figures.columns}
    level = "buurt" if "buurtcode" in lower else "wijk" if "wijkcode" in lower else None
    if level is None:
        raise AnalysisError(
            f"{filename}: een kolom 'buurtcode' of 'wijkcode' is nodig."
        )
    code_column = lower[f"{level}code"]
    year_column = lower.get("jaar")
    columns = [c for c in figures.columns
               if c not in (code_column, year_column) and not c.lower().endswith("naam")]  # fmt: skip
    if not columns:
        raise AnalysisError(
            f"{filename}: geen kolommen met cijfers naast de {level}code."
        )
    problems = []
    indicators, described_problems = describe(described, columns, catalogue)
    problems += described_problems
    known = set(data.buurten[f"{level}code"])
    codes = figures[code_column].astype(str).str.strip().str.upper()
    rows = pd.Series(range(2, len(figures) + 2), index=figures.index)  # as in Excel
    for row, code in zip(rows, codes):
        if code not in known:
            problems.append(
                f"Rij {row}: {level}code '{code}' hoort niet bij {data.info.name}."
            )
    # Own figures belong to a year the gemeente's CBS figures have: the map and the signals
    # show one year at a time.
    loaded = ", ".join(str(y) for y in data.years)
    if year_column:
        years = pd.to_numeric(figures[year_column], errors="coerce")
        problems += [f"Rij {r}: jaar '{v}' is geen ingelezen jaar ({loaded})."
                     for r, v, y in zip(rows, figures[year_column], years)
                     if y not in data.years]  # fmt: skip
    elif year is None:
        problems.append(
            "Geef het jaar op: een kolom 'jaar' of het jaar bij het inlezen."
        )
        years = pd.Series(0, index=figures.index)
    else:
        years = pd.Series(year, index=figures.index)
        if year not in data.years:
            problems.append(f"Jaar {year} is geen ingelezen jaar ({loaded}).")
    comma = uses_decimal_comma(figures[columns])
    parsed = {}
    for column in columns:
        values, status, _ = parse_column(figures[column], comma)
        text = figures[column].astype(str).str.strip()
        bad = (status == NIET_BESCHIKBAAR) & (text != "")
        problems += [f"Rij {r}, kolom '{column}': '{t}' is geen getal."
                     for r, t in zip(rows[bad], text[bad])]  # fmt: skip
        parsed[column] = values
    if (
        not problems
        and (twice := pd.DataFrame({"c": codes, "j": years}).duplicated()).any()
    ):
        problems += [f"Rij {r}: {c} staat er voor dit jaar al eerder in."
                     for r, c in zip(rows[twice], codes[twice])]  # fmt: skip
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        raise AnalysisError(
            f"{filename} is niet ingelezen; er is niets veranderd. "
            + " ".join(shown)
            + (f" En nog {more} problemen." if more else "")
        )
    by_column = {i.labels[0]: i for i in indicators}
    long = pd.concat(
        pd.DataFrame({"code": codes.to_numpy(), "jaar": years.astype(int).to_numpy(),
                      "indicator": by_column[c].id, "waarde": parsed[c].to_numpy(dtype=float)})
        for c in columns
    )  # fmt: skip
    long["status"] = long["waarde"].isna().map({True: NIET_BESCHIKBAAR, False: ""})
    store(data, indicators, long, level)
    return OwnImport(indicators, int(long["jaar"].max()), codes.nunique(), level,
                     int(long["waarde"].isna().sum()))  # fmt: skip


def store(
    data: Dataset, indicators: list[Indicator], long: pd.DataFrame, level: str
) -> None:
    """Replace these indicators' figures for these years, keep everything else, and write
    the dataset at once. Wijk figures go with CBS's own area figures (`published`)."""
    ids, years = {i.id for i in indicators}, set(long["jaar"])

    def without(table: pd.DataFrame | None) -> pd.DataFrame | None:
        if table is None:
            return None
        return table[~(table["indicator"].isin(ids) & table["jaar"].isin(years))]

    values, published = without(data.values), without(data.published)
    if level == "buurt":
        values = pd.concat(
            [values, long.rename(columns={"code": "buurtcode"})[VALUE_COLUMNS]]
        )
    else:
        published = pd.concat([published, long[published.columns]])
    own = [i for i in data.own if i.id not in ids] + indicators
    save_dataset(
        replace(data, values=values.reset_index(drop=True),
                published=published.reset_index(drop=True), own=own),
        expected=data.version,
    )  # fmt: skip
