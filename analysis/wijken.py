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


def wijk_dataset(data: Dataset, catalogue: Catalogue) -> Dataset:
    """The gemeente with its wijken as the areas: every year's wijk figures (`wijk_figures`)
    as values, the wijk outlines as geometry, the buurt column names kept (see above). What
    works per buurt then works per wijk as it is: signals (a wijk judged among the wijken,
    with its own base), the profile, the coverage of stories and initiatives (their
    buurtcodes mapped to wijkcodes with `per_wijk`)."""
    areas = wijk_areas(data)
    parts = []
    for year in data.years:
        figures = wijk_figures(data, year, catalogue).values
        long = (
            figures.rename_axis("buurtcode")
            .reset_index()
            .melt(id_vars="buurtcode", var_name="indicator", value_name="waarde")
        )
        long.insert(1, "jaar", year)
        long["status"] = (
            long["waarde"].isna().map({True: "niet beschikbaar", False: ""})
        )
        parts.append(long)
    columns = [c for c in data.buurten.columns if c in areas.columns]
    return Dataset(
        info=data.info,
        buurten=areas[columns].reset_index(drop=True),
        values=pd.concat(parts, ignore_index=True),
        display=areas,
        published=data.published,
        own=data.own,
    )


def per_wijk(
    data: Dataset, stories: pd.DataFrame, initiatives: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stories and initiatives with their buurtcodes replaced by the wijkcodes (an
    initiative serving two buurten of one wijk serves that wijk once)."""
    wijk = data.buurten.set_index("buurtcode")["wijkcode"]
    stories = stories.assign(buurtcode=stories["buurtcode"].map(wijk))
    initiatives = initiatives.assign(
        buurtcodes=initiatives["buurtcodes"].map(
            lambda codes: sorted({wijk[c] for c in codes if c in wijk.index})
        )
    )
    return stories, initiatives
