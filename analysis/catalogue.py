"""The indicator catalogue (`data/indicators.toml`): what each figure means and how to use it.

Loaded once, checked on load, so a broken catalogue fails at start-up with a clear message.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from analysis.errors import AnalysisError

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "indicators.toml"
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
    derive: dict | None = field(default=None, hash=False, compare=False)
    # An outcome (youth care, Wmo, bijstand): what its expected value is modelled from, and
    # the count it is made of (which, like the outcome itself, may never be a predictor).
    predictors: tuple[str, ...] = ()
    count: str | None = None
    peer: bool = False  # a context figure for finding comparable buurten

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

    def format_many(self, values) -> list[str]:
        """`format` for many values at once (a national table has 15,000 buurten)."""
        scale, spec, prefix, suffix = self._style()
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
        """Label for a picker: the theme first, so related figures stand together."""
        ind = self.indicators[indicator_id]
        return f"{self.themes[ind.theme]} · {ind.label}"


def format_number(value: float, decimals: int) -> str:
    """Dutch number format: thousands with a dot, decimals with a comma.

    >>> format_number(12345.678, 1)
    '12.345,7'
    """
    return f"{value:,.{decimals}f}".translate(DUTCH)


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
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
    return Catalogue(themes=themes, indicators=indicators)
