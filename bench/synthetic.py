"""Synthetic gemeenten for the scale benchmarks: many buurten, plausible shapes, random figures.

Not fictional-looking on purpose: the numbers are uniform noise within each indicator's usual
range; only size and shape matter here.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.catalogue import Catalogue
from analysis.datasets import Dataset, DatasetInfo
from analysis.geometry import display_geometry

# Rough ranges per unit, enough to give every indicator a spread.
RANGES = {"%": (0, 60), "per 1000": (0, 120), "€": (15_000, 60_000), "km": (0.1, 5)}


def tiling(n: int, seed: int = 7) -> gpd.GeoDataFrame:
    """`n` Voronoi buurten tiling a 30 × 30 km square near Utrecht (RD New), as EPSG:4326."""
    rng = np.random.default_rng(seed)
    x0, y0, size = 125_000, 440_000, 30_000
    points = shapely.points(
        rng.uniform(x0, x0 + size, n), rng.uniform(y0, y0 + size, n)
    )
    box = shapely.box(x0, y0, x0 + size, y0 + size)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box)
    polygons = [shapely.intersection(c, box) for c in shapely.get_parts(cells)]
    polygons = [p for p in polygons if not p.is_empty][:n]
    codes = [f"BU8888{i // 10:03d}{i % 10}"[:10] for i in range(len(polygons))]
    wijken = [f"WK8888{i // 40:02d}" for i in range(len(polygons))]
    frame = gpd.GeoDataFrame(
        {
            "buurtcode": codes,
            "buurtnaam": [f"Buurt {i + 1}" for i in range(len(polygons))],
            "wijkcode": wijken,
            "wijknaam": [f"Wijk {w[-2:]}" for w in wijken],
            "gemeentecode": "GM8888",
            "gemeentenaam": "Schaalstad (synthetisch)",
        },
        geometry=polygons,
        crs=28992,
    )
    return frame.to_crs(4326)


def wide_values(codes: list[str], catalogue: Catalogue, seed: int = 7) -> pd.DataFrame:
    """One random value per buurt × catalogue indicator (index buurtcode)."""
    rng = np.random.default_rng(seed)
    columns = {}
    for ind in catalogue.indicators.values():
        low, high = RANGES.get(ind.unit, (0, 1000))
        columns[ind.id] = rng.uniform(low, high, len(codes))
    columns["aantal_inwoners"] = rng.integers(100, 6000, len(codes)).astype(float)
    return pd.DataFrame(columns, index=pd.Index(codes, name="buurtcode"))


def dataset(n: int, catalogue: Catalogue, year: int = 2023) -> Dataset:
    buurten = tiling(n)
    wide = wide_values(buurten["buurtcode"].tolist(), catalogue)
    values = wide.reset_index().melt(
        id_vars="buurtcode", var_name="indicator", value_name="waarde"
    )
    values.insert(1, "jaar", year)
    values["status"] = ""
    info = DatasetInfo(
        id="GM8888-synthetisch", name="Schaalstad (synthetisch)", gemeentecode="GM8888",
        fictional=True, source="bench/synthetic.py", years=(year,),
    )  # fmt: skip
    return Dataset(info, buurten, values, display=display_geometry(buurten))


def wide_catalogue(catalogue: Catalogue, size: int) -> Catalogue:
    """The curated catalogue stretched to `size` indicators by cloning signal indicators
    (the benchmark's '15,000 buurten × 40 indicators')."""
    indicators = {k: i for k, i in catalogue.indicators.items() if i.kind == "curated"}
    signalling = [i for i in catalogue.indicators.values() if i.has_signal]
    k = 0
    while len(indicators) < size:
        base = signalling[k % len(signalling)]
        clone = dataclasses.replace(base, id=f"{base.id}_kopie{k}")
        indicators[clone.id] = clone
        k += 1
    return Catalogue(catalogue.themes, indicators)
