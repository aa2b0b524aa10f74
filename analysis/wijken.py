"""Wijk level: wijken as areas of their own, with CBS's wijk figures where published and
otherwise figures combined from the buurten (weighted like the gemeente value, marked as
computed). A figure that exists per wijk only (a gemeente's own wijk figure) is shown per wijk.

Area frames keep the buurt column names (`buurtcode`, `buurtnaam`) whatever their level, so
that maps, tables and charts take wijken as they take buurten.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.datasets import Dataset
from analysis.geometry import display_geometry
from analysis.reference import aggregate

LEVELS = {"buurt": "Buurten", "wijk": "Wijken"}
COMPUTED = "berekend uit de buurten"
PUBLISHED = "zoals gepubliceerd"


def wijk_areas(data: Dataset) -> gpd.GeoDataFrame:
    """One outline per wijk (its buurten together), simplified for the screen like buurten."""
    merged = data.buurten.dissolve(
        by="wijkcode", aggfunc={"wijknaam": "first", "gemeentecode": "first",
                                "gemeentenaam": "first"},
    ).reset_index()  # fmt: skip
    merged["buurtcode"], merged["buurtnaam"] = merged["wijkcode"], merged["wijknaam"]
    return display_geometry(merged.sort_values("wijkcode").reset_index(drop=True))


@dataclass
class WijkFigures:
    """Values per wijk (index wijkcode, one column per indicator) and where each comes from:
    `source` holds PUBLISHED or COMPUTED per cell (None where there is no figure)."""

    values: pd.DataFrame
    source: pd.DataFrame


def wijk_figures(data: Dataset, year: int, catalogue: Catalogue) -> WijkFigures:
    wide = data.wide(year)
    groups = data.buurten.set_index("buurtcode")["wijkcode"]
    wijken = sorted(groups.unique())
    computed = aggregate(wide, catalogue, groups).reindex(wijken)
    values = computed.copy()
    source = computed.notna().replace({True: COMPUTED, False: None}).astype(object)
    published = data.published_for(year)
    if published is not None and not published.empty:
        rows = published[
            published["code"].isin(wijken) & (published["status"] == "")
            & published["indicator"].isin(list(catalogue.indicators))
        ]  # fmt: skip
        table = rows.pivot(index="code", columns="indicator", values="waarde")
        for column in table:
            given = table[column].dropna()
            if column not in values:
                values[column] = float("nan")
                source[column] = None
            values.loc[given.index, column] = given
            source.loc[given.index, column] = PUBLISHED
    return WijkFigures(values=values.astype(float), source=source)
