"""The Kaart as an image for a memo or slides: the choropleth with title, legend, source line
and date, in print quality (PNG at 1920 px wide, or SVG), drawn offline with geopandas and
matplotlib in the Kaart's own colours and legend (`ui/maps.py`)."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no screen: a file only

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from analysis.catalogue import Catalogue  # noqa: E402
from analysis.datasets import Dataset  # noqa: E402
from analysis.errors import AnalysisError  # noqa: E402
from analysis.signals import dataset_signals, deviation_classes  # noqa: E402
from ui.maps import (  # noqa: E402
    MISSING_COLOUR,
    deviation_colours,
    deviation_legend,
    expected_colours,
    expected_legend,
    legend_items,
    quantile_classes,
    quantile_colours,
)

COLOURINGS = {
    "klassen": "vijf klassen met ongeveer evenveel buurten",
    "afwijking": "afwijking van de gemeente (rood: aandacht, blauw: kracht)",
    "verwacht": "meer of minder dan verwacht op grond van de bevolking",
}
IMAGE_FORMATS = ("png", "svg")
WIDTH_IN, HEIGHT_IN, DPI = 16.0, 10.0, 120  # 1920 × 1200 px
RD_NEW = 28992


@dataclass(frozen=True)
class Colouring:
    """What the map shows: a colour per buurt, the legend and a line saying what it means."""

    colours: pd.Series  # index buurtcode
    legend: list[tuple[str, str]]
    meaning: str


def colouring_of(
    data: Dataset,
    year: int,
    catalogue: Catalogue,
    indicator_id: str,
    colouring: str,
    expected: pd.Series | None = None,
) -> Colouring:
    """The Kaart's colours and legend for one indicator per buurt. `expected`: the verdicts
    of verwacht versus werkelijk (`analysis.expected`), for that colouring."""
    if indicator_id not in catalogue.indicators:
        raise AnalysisError(f"Onbekend cijfer '{indicator_id}'.")
    if colouring not in COLOURINGS:
        raise AnalysisError(
            f"Onbekende kleuring '{colouring}'. Kies uit: {', '.join(COLOURINGS)}."
        )
    ind = catalogue[indicator_id]
    wide = data.wide(year)
    if indicator_id not in wide or wide[indicator_id].isna().all():
        raise AnalysisError(
            f"{data.info.name} heeft over {year} geen cijfers voor {ind.label}."
        )
    values = wide[indicator_id]
    if colouring == "verwacht":
        if expected is None:
            raise AnalysisError(f"Verwacht is er niet voor {ind.label}.")
        verdicts = expected.reindex(values.index)
        return Colouring(expected_colours(verdicts), expected_legend(verdicts),
                         COLOURINGS[colouring])  # fmt: skip
    if colouring == "afwijking":
        reference, _ = dataset_signals(data, year, catalogue)
        classes = deviation_classes(
            values, reference["value"].get(indicator_id, float("nan")), ind, wide
        )
        return Colouring(deviation_colours(classes), deviation_legend(classes, ind),
                         COLOURINGS[colouring])  # fmt: skip
    classes = quantile_classes(values)
    return Colouring(
        quantile_colours(values, classes),
        legend_items(classes, ind, int(values.isna().sum())),
        COLOURINGS[colouring],
    )


def map_image(
    data: Dataset,
    year: int,
    catalogue: Catalogue,
    indicator_id: str,
    colours: Colouring,
    fmt: str = "png",
) -> bytes:
    """The choropleth of one indicator as PNG or SVG bytes."""
    if fmt not in IMAGE_FORMATS:
        raise AnalysisError(f"Een kaartbeeld is png of svg, niet '{fmt}'.")
    ind = catalogue[indicator_id]
    areas = data.buurten.to_crs(RD_NEW)
    fill = colours.colours.reindex(areas["buurtcode"]).fillna(MISSING_COLOUR)
    missing = data.wide(year)[indicator_id].reindex(areas["buurtcode"]).isna()
    figure, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    try:
        figure.subplots_adjust(left=0.02, right=0.64, top=0.86, bottom=0.08)
        areas.plot(ax=ax, color=fill.to_numpy(), edgecolor="white", linewidth=0.6)
        if missing.any():  # 'geen cijfer' hatched as well as grey: not colour alone
            areas[missing.to_numpy()].plot(
                ax=ax, facecolor="none", edgecolor="#737373", hatch="///", linewidth=0.6
            )
        ax.set_axis_off()
        ax.set_aspect("equal")
        figure.suptitle(
            f"{ind.label} per buurt, {data.info.name}, {year}",
            x=0.02, y=0.97, ha="left", fontsize=22, fontweight="bold",
        )  # fmt: skip
        figure.text(0.02, 0.905, f"{ind.unit} · kleur: {colours.meaning}", fontsize=14)
        handles = [
            Patch(facecolor=colour, edgecolor="#737373", label=textwrap.fill(label, 34))
            for colour, label in colours.legend
        ]
        figure.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(0.66, 0.84),
            frameon=False, fontsize=13, title=ind.unit, title_fontsize=13,
            alignment="left",
        )  # fmt: skip
        figure.text(
            0.02, 0.06, f"Peildatum: {ind.reference_period(year)}.",
            fontsize=11, color="#333333",
        )  # fmt: skip
        figure.text(
            0.02, 0.03,
            f"Bron: {ind.source}, {year}. Grenzen: CBS Wijk- en buurtkaart. "
            f"Gemaakt met Tellen & Vertellen op {date.today().strftime('%d-%m-%Y')}.",
            fontsize=11, color="#333333",
        )  # fmt: skip
        if data.info.fictional:
            figure.text(0.80, 0.03, "Fictieve gegevens", fontsize=11, color="#ca0020")
        out = io.BytesIO()
        figure.savefig(out, format=fmt, dpi=DPI, facecolor="white")
        return out.getvalue()
    finally:
        plt.close(figure)
