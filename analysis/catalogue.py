"""The indicator catalogue: what each figure means and how to use it.

Two files, both data: `data/indicators.toml`, the curated indicators (theme, direction,
denominator, signals), and `data/cbs_kwb.csv`, every other numeric variable of CBS's
Kerncijfers wijken en buurten with CBS's title, unit and definition. Those are *overige
CBS-cijfers*: context only (no signal) until someone curates them into the TOML file.
Loaded once, checked on load, so a broken catalogue fails at start-up with a clear message.
"""

from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from analysis.errors import AnalysisError

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "indicators.toml"
CBS_PATH = CATALOGUE_PATH.with_name("cbs_kwb.csv")
# Where an indicator comes from: curated here, another CBS figure, or the gemeente's own.
KINDS = {"curated": "gecureerd", "cbs": "overig CBS", "own": "eigen"}
DIRECTIONS = (-1, 0, 1)
DENOMINATORS = (
    "inwoners",
    "huishoudens",
    "woningen",
    "jongeren",
    "oppervlakte",
    "som",
    "geen",
)


# The date or period a figure describes, per kind (an indicator's `period`; `{jaar}` is the
# year of the figures). CBS's tabeltoelichting of the Kerncijfers wijken en buurten: income
# "over het verslagjaar", of "de bevolking van Nederland op 1 januari van het verslagjaar";
# population, households and the housing stock on 1 januari (the definitions say so). Where
# CBS states its own date per figure only in the toelichting, the text says so, not a guess.
PERIODS = {
    "1 januari": "1 januari {jaar}",
    "inkomen": "inkomen over {jaar}, van wie op 1 januari {jaar} in Nederland woonde",
    "jaar": "het hele jaar {jaar}",
    "cbs": "verslagjaar {jaar}; de peildatum staat in de CBS-toelichting bij de tabel",
    "eigen": "{jaar}, zoals de gemeente het aanleverde",
}

DUTCH = str.maketrans(",.", ".,")  # 12,345.6 → 12.345,6


@dataclass(frozen=True)
class Indicator:
    """One figure: its Dutch label, theme, unit, direction and how to weight it."""

    id: str
    label: str
    theme: str
    unit: str
    direction: int
    denominator: str
    definition: str
    source: str
    key: bool = False
    min_difference: float = 0.0
    odata: tuple[str, ...] = ()
    odata_count: tuple[str, ...] = ()
    gpkg: tuple[str, ...] = ()
    wbk: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    count_base: str = "aantal_inwoners"
    # How CBS rounds what it publishes: the figure itself (in its own unit), and for a figure
    # derived from a count, that count (in people). A verdict must hold for every value the
    # rounded figure can stand for (analysis/signals.py).
    precision: float = 0.0
    count_precision: float = 0.0
    derive: dict | None = field(default=None, hash=False, compare=False)
    # An outcome (youth care, Wmo, bijstand): what its expected value is modelled from, and
    # the count it is made of (which, like the outcome itself, may never be a predictor).
    predictors: tuple[str, ...] = ()
    count: str | None = None
    peer: bool = False  # a context figure for finding comparable buurten
    kind: str = "curated"  # see KINDS
    # CBS's own chapter (Bevolking, Wonen, ...) of an overige CBS-cijfer.
    group: str = ""
    period: str = "cbs"  # see PERIODS

    def reference_period(self, year: int) -> str:
        """The date or period the figure describes: '1 januari 2022', 'inkomen over 2022, …'."""
        return PERIODS[self.period].format(jaar=year)

    @property
    def is_outcome(self) -> bool:
        return bool(self.predictors)

    @property
    def has_signal(self) -> bool:
        """Context-only indicators (direction 0) never get a kracht/aandacht signal."""
        return self.direction != 0

    def _style(self) -> tuple[float, str, str, str]:
        """(scale, number format, prefix, suffix) for this indicator's unit."""
        if self.unit in ("aantal", "klasse"):
            return 1, ",.0f", "", ""
        if self.unit.endswith("per km²"):
            return 1, ",.0f", "", f" {self.unit}"
        if self.unit == "× € 1.000":
            return 1000, ",.0f", "€ ", ""
        return 1, ",.1f", "", "%" if self.unit == "%" else f" {self.unit}"

    @property
    def decimals(self) -> int:
        """Decimals shown for this indicator (in tables that keep the number sortable)."""
        return int(self._style()[1][-2])

    def format(self, value: float | None) -> str:
        """The value as a Dutch reader expects it, with its unit (``"12,3%"``, ``"2.150"``)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return self.format_many([value])[0]

    def format_range(self, low: float, high: float) -> str:
        """A class of values with its unit once: '53,1 – 60,2 per 1.000', '€ 23.800 – 28.000'.

        >>> Indicator("x", "x", "t", "per 1.000", 0, "inwoners", "", "").format_range(53.1, 60.2)
        '53,1 – 60,2 per 1.000'
        """
        _, _, prefix, suffix = self._style()
        first, last = self.format_many([low, high])
        return f"{first.removesuffix(suffix)} – {last.removeprefix(prefix)}"

    def format_many(self, values, finer: int = 0) -> list[str]:
        """`format` for many values at once (a national table has 15,000 buurten); `finer`
        adds decimals (a limit that would look equal to the value it is compared with)."""
        scale, spec, prefix, suffix = self._style()
        if finer:
            spec = f"{spec[:-2]}{int(spec[-2]) + finer}f"
        return [
            "–"
            if v != v
            else prefix + format(v * scale, spec).translate(DUTCH) + suffix
            for v in values
        ]


@dataclass(frozen=True)
class Catalogue:
    """Themes (id → Dutch label) and indicators (id → Indicator), in catalogue order."""

    themes: dict[str, str]
    indicators: dict[str, Indicator]

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self.indicators[indicator_id]

    def option_label(self, indicator_id: str) -> str:
        """Label for a picker: the figure's name first (a narrow list cuts off the end), then
        its kind when not curated, then its theme (pickers list them by theme, `picker_order`;
        typing a theme's name finds its figures)."""
        ind = self.indicators[indicator_id]
        kind = "" if ind.kind == "curated" else f" ({KINDS[ind.kind]})"
        return f"{ind.label}{kind} · {self.themes[ind.theme]}"

    def with_own(self, own: list[Indicator]) -> Catalogue:
        """This catalogue plus a gemeente's own indicators (after everything else)."""
        if not own:
            return self
        return Catalogue(self.themes, {**self.indicators, **{i.id: i for i in own}})

    def picker_order(self, ids) -> list[str]:
        """`ids` grouped by theme (in theme order), curated before the others."""
        theme = {t: i for i, t in enumerate(self.themes)}
        kind = {k: i for i, k in enumerate(KINDS)}
        position = {i: n for n, i in enumerate(self.indicators)}
        return sorted(
            ids,
            key=lambda i: (theme[self[i].theme], kind[self[i].kind], position[i]),
        )


def format_number(value: float, decimals: int) -> str:
    """Dutch number format: thousands with a dot, decimals with a comma.

    >>> format_number(12345.678, 1)
    '12.345,7'
    """
    return f"{value:,.{decimals}f}".translate(DUTCH)


def read_cbs_variables(
    path: Path, themes: dict[str, str], known: dict[str, Indicator]
) -> dict[str, Indicator]:
    """The other KWB variables (`data/cbs_kwb.csv`), leaving out any a curated indicator
    already reads (by its OData name, as a value or as a count)."""
    taken = {n.lower() for i in known.values() for n in (*i.odata, *i.odata_count)}
    found: dict[str, Indicator] = {}
    try:
        with path.open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
    except OSError as exc:
        raise AnalysisError(f"{path.name} is niet te lezen: {exc}") from exc
    for row in rows:
        if row["odata"].lower() in taken:
            continue
        where = f"{path.name}, variabele {row['id']}"
        if row["id"] in known or row["id"] in found:
            raise AnalysisError(f"{where}: komt twee keer voor.")
        if row["thema"] not in themes or row["noemer"] not in DENOMINATORS:
            raise AnalysisError(f"{where}: onbekend thema of onbekende noemer.")
        if row["periode"] not in PERIODS:
            raise AnalysisError(f"{where}: onbekende peildatum '{row['periode']}'.")
        found[row["id"]] = Indicator(
            id=row["id"], label=row["label"], theme=row["thema"], unit=row["eenheid"],
            direction=0, denominator=row["noemer"], definition=row["definitie"],
            source="CBS Kerncijfers wijken en buurten", odata=(row["odata"],),
            kind="cbs", group=row["groep"], period=row["periode"],
        )  # fmt: skip
    return found


@cache
def load_catalogue(
    path: Path = CATALOGUE_PATH, cbs_path: Path | None = CBS_PATH
) -> Catalogue:
    """Read and check the catalogue; raises AnalysisError naming the faulty entry."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AnalysisError(
            f"De indicatorcatalogus {path.name} is niet te lezen: {exc}"
        ) from exc
    themes = dict(raw.get("themes", {}))
    indicators: dict[str, Indicator] = {}
    for entry in raw.get("indicator", []):
        entry = dict(entry)
        for name in ("odata", "odata_count", "gpkg", "wbk", "labels", "predictors"):
            entry[name] = tuple(entry.get(name, ()))
        try:
            ind = Indicator(**entry)
        except TypeError as exc:
            raise AnalysisError(
                f"Indicator {entry.get('id', '?')} in de catalogus: {exc}"
            ) from exc
        problems = []
        if ind.id in indicators:
            problems.append("komt twee keer voor")
        if ind.theme not in themes:
            problems.append(f"onbekend thema '{ind.theme}'")
        if ind.direction not in DIRECTIONS:
            problems.append("richting moet -1, 0 of 1 zijn")
        if ind.denominator not in DENOMINATORS:
            problems.append(f"onbekende noemer '{ind.denominator}'")
        if ind.period not in PERIODS:
            problems.append(f"onbekende peildatum '{ind.period}'")
        if problems:
            raise AnalysisError(
                f"Indicator '{ind.id}' in de catalogus: " + "; ".join(problems)
            )
        indicators[ind.id] = ind
    for ind in indicators.values():
        if leaks := {ind.id, ind.count} & set(ind.predictors):
            raise AnalysisError(
                f"Indicator '{ind.id}' wordt voorspeld uit zichzelf ({', '.join(leaks)}): "
                "de uitkomst en haar aantal mogen nooit voorspellers zijn."
            )
        if unknown := set(ind.predictors) - set(indicators):
            raise AnalysisError(
                f"Indicator '{ind.id}' heeft onbekende voorspellers: "
                + ", ".join(sorted(unknown))
            )
        if ind.derive and not {
            ind.derive.get("numerator"),
            ind.derive.get("denominator"),
        } <= set(indicators):
            raise AnalysisError(
                f"Indicator '{ind.id}' wordt berekend uit onbekende indicatoren."
            )
    if cbs_path is not None:
        indicators.update(read_cbs_variables(cbs_path, themes, indicators))
    return Catalogue(themes=themes, indicators=indicators)
