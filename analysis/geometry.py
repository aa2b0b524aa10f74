"""Buurt geometry from CBS/PDOK files: read, check the CRS, drop water, repair, simplify.

Everything is stored in EPSG:4326; metric work (simplification, areas) happens in RD New
(EPSG:28992). The full geometry is kept for analysis and export, a simplified copy for the screen.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from analysis.datasets import AREA_COLUMNS
from analysis.errors import AnalysisError

RD = "EPSG:28992"
WGS84 = "EPSG:4326"
GEOMETRY_SUFFIXES = (".gpkg", ".geojson", ".json", ".zip", ".shp")
# Column names for the same thing across PDOK, the WBK shapefiles and municipal layers.
CODE_NAMES = ("buurtcode", "bu_code", "statcode", "code")
NAME_NAMES = ("buurtnaam", "bu_naam", "statnaam", "naam", "name")
WIJKCODE_NAMES = ("wijkcode", "wk_code")
WIJKNAAM_NAMES = ("wijknaam", "wk_naam")
GEMEENTENAAM_NAMES = ("gemeentenaam", "gm_naam")
WATER_NAMES = ("water", "h2o")
# Coordinate ranges that identify a CRS when a file does not say (the Netherlands, generously).
RD_RANGE = (-7_000, 289_000, 300_000, 629_000)
WGS84_RANGE = (3.0, 50.5, 7.5, 53.8)


@dataclass
class GeometryRead:
    """Buurten (EPSG:4326, AREA_COLUMNS + geometry), their attribute table, and what happened."""

    buurten: gpd.GeoDataFrame
    attributes: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _open(data: bytes, filename: str, folder: Path) -> gpd.GeoDataFrame:
    suffix = Path(filename).suffix.lower()
    if suffix not in GEOMETRY_SUFFIXES:
        raise AnalysisError(
            f"{filename}: onbekend kaartbestand. Gebruik een GeoPackage (.gpkg), GeoJSON "
            "(.geojson) of een gezipt shapefile (.zip)."
        )
    path = folder / Path(filename).name
    path.write_bytes(data)
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                shapes = [n for n in archive.namelist() if n.lower().endswith(".shp")]
                archive.extractall(folder / "unzipped")
        except zipfile.BadZipFile as exc:
            raise AnalysisError(f"{filename} is geen geldig zip-bestand.") from exc
        if not shapes:
            raise AnalysisError(f"{filename} bevat geen shapefile (.shp).")
        buurt_shapes = [s for s in shapes if "buurt" in s.lower()]
        path = folder / "unzipped" / (buurt_shapes or shapes)[0]
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        layer = next((n for n in layers if "buurt" in n.lower()), None)
        if layer is None and any(
            ("wijk" in n.lower() or "gemeente" in n.lower()) for n in layers
        ):
            if len(layers) > 1:
                raise AnalysisError(
                    f"{filename} bevat de lagen {', '.join(layers)}, maar geen laag met buurten."
                )
        return gpd.read_file(path, layer=layer or layers[0])
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise AnalysisError(
            f"{filename} kan niet als kaart gelezen worden: {exc}"
        ) from exc


def detect_crs(gdf: gpd.GeoDataFrame) -> tuple[str, str | None]:
    """The CRS of a layer that does not state one, from its coordinate range, with a warning."""
    minx, miny, maxx, maxy = gdf.total_bounds
    for crs, (x0, y0, x1, y1) in ((WGS84, WGS84_RANGE), (RD, RD_RANGE)):
        if x0 <= minx and maxx <= x1 and y0 <= miny and maxy <= y1:
            label = (
                "lengte- en breedtegraden (EPSG:4326)"
                if crs == WGS84
                else "RD New (EPSG:28992)"
            )
            return (
                crs,
                f"Het kaartbestand noemt geen coördinatenstelsel; aangenomen: {label}.",
            )
    raise AnalysisError(
        "Het kaartbestand noemt geen coördinatenstelsel en de coördinaten passen niet bij "
        "Nederland in RD New (EPSG:28992) of in lengte- en breedtegraden (EPSG:4326). "
        "Sla het bestand op met een coördinatenstelsel en probeer het opnieuw."
    )


def repair(geoms: gpd.GeoSeries) -> tuple[gpd.GeoSeries, int]:
    """Make invalid polygons valid, keeping only their polygonal parts; returns the count."""
    invalid = ~geoms.is_valid
    if not invalid.any():
        return geoms, 0
    fixed = geoms.copy()
    made = shapely.make_valid(geoms[invalid].to_numpy())
    polygons = [
        shapely.union_all(
            [
                p
                for p in shapely.get_parts(g)
                if p.geom_type in ("Polygon", "MultiPolygon")
            ]
        )
        for g in made
    ]
    fixed[invalid] = polygons
    return fixed, int(invalid.sum())


def read_geometry(
    data: bytes, filename: str, gemeente: str | None = None
) -> GeometryRead:
    """Read a buurt layer, keep one gemeente's land buurten, and describe what was done.

    `gemeente` (GM code) is required when the file holds more than one gemeente.
    """
    with tempfile.TemporaryDirectory() as tmp:
        raw = _open(data, filename, Path(tmp))
    if raw.empty:
        raise AnalysisError(f"{filename} bevat geen kaartvlakken.")
    notes, warnings = [], []
    minx, miny, maxx, maxy = raw.total_bounds
    degrees_impossible = (
        max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90
    )
    # GeoJSON without a "crs" member is read as EPSG:4326 even when it holds RD metres.
    if raw.crs is None or (raw.crs.is_geographic and degrees_impossible):
        crs, warning = detect_crs(raw)
        raw = raw.set_crs(crs, allow_override=True)
        warnings.append(warning)
    columns = [c for c in raw.columns if c != "geometry"]
    code_col = _pick(columns, CODE_NAMES)
    if code_col is None:
        raise AnalysisError(
            f"{filename}: geen kolom met de CBS-buurtcode gevonden (bijvoorbeeld 'buurtcode' "
            "of 'BU_CODE')."
        )
    raw = raw.assign(buurtcode=raw[code_col].astype("string").str.strip().str.upper())
    raw = raw[raw["buurtcode"].str.match(r"^BU\d{8}$").fillna(False)]
    if raw.empty:
        raise AnalysisError(
            f"{filename}: geen enkele geldige buurtcode (zoals BU07721110)."
        )
    water_col = _pick(columns, WATER_NAMES)
    if water_col is not None:
        water = raw[water_col].astype("string").str.upper().eq("JA").fillna(False)
        if water.any():
            notes.append(f"{int(water.sum())} waterdelen weggelaten.")
        raw = raw[~water]
    raw = raw.assign(gemeentecode="GM" + raw["buurtcode"].str[2:6])
    found = sorted(raw["gemeentecode"].unique())
    if gemeente:
        gemeente = gemeente.upper()
        if gemeente not in found:
            raise AnalysisError(
                f"{filename} bevat geen buurten van gemeente {gemeente}."
            )
        raw = raw[raw["gemeentecode"] == gemeente]
    elif len(found) > 1:
        raise AnalysisError(
            f"{filename} bevat buurten van {len(found)} gemeenten. Kies er één "
            f"(bijvoorbeeld {found[0]})."
        )
    geoms, repaired = repair(raw.geometry)
    if repaired:
        notes.append(f"{repaired} ongeldige kaartvlakken hersteld.")
    raw = raw.set_geometry(geoms)
    empty = raw.geometry.is_empty | raw.geometry.isna()
    if empty.any():
        warnings.append(f"{int(empty.sum())} buurten zonder kaartvlak weggelaten.")
        raw = raw[~empty]
    if raw["buurtcode"].duplicated().any():
        notes.append("Buurten met meer dan één kaartvlak zijn samengevoegd.")
    name_col = _pick(columns, NAME_NAMES)
    wijkcode_col = _pick(columns, WIJKCODE_NAMES)
    wijknaam_col = _pick(columns, WIJKNAAM_NAMES)
    gemnaam_col = _pick(columns, GEMEENTENAAM_NAMES)

    def text(col: str | None, fallback: pd.Series) -> pd.Series:
        if col is None:
            return fallback
        values = raw[col].astype("string").str.strip()
        return values.mask(values.isna() | (values == ""), fallback)

    wijkcode = text(wijkcode_col, "WK" + raw["buurtcode"].str[2:8])
    table = pd.DataFrame(
        {
            "buurtcode": raw["buurtcode"],
            "buurtnaam": text(name_col, raw["buurtcode"]),
            "wijkcode": wijkcode,
            "wijknaam": text(wijknaam_col, "Wijk " + wijkcode.str[-2:]),
            "gemeentecode": raw["gemeentecode"],
            "gemeentenaam": text(gemnaam_col, raw["gemeentecode"]),
        }
    )
    buurten = gpd.GeoDataFrame(table, geometry=raw.geometry.to_numpy(), crs=raw.crs)
    buurten = buurten.dissolve(by="buurtcode", as_index=False, aggfunc="first")
    buurten = (
        buurten[AREA_COLUMNS + ["geometry"]].sort_values("buurtcode").to_crs(WGS84)
    )
    attributes = pd.DataFrame(raw.drop(columns="geometry")).drop_duplicates("buurtcode")
    return GeometryRead(buurten.reset_index(drop=True), attributes, notes, warnings)


def display_geometry(
    buurten: gpd.GeoDataFrame, tolerance_m: float = 3.0, decimals: int = 5
) -> gpd.GeoDataFrame:
    """A lighter copy for the screen: simplified in RD New as one coverage, so neighbouring
    buurten keep sharing their edges, then rounded (5 decimals is about 1 m)."""
    rd = buurten.to_crs(RD)
    simple = shapely.coverage_simplify(rd.geometry.to_numpy(), tolerance_m)
    out = rd.set_geometry(gpd.GeoSeries(simple, index=rd.index, crs=RD)).to_crs(WGS84)
    rounded = shapely.set_precision(out.geometry.to_numpy(), 10.0**-decimals)
    return out.set_geometry(gpd.GeoSeries(rounded, index=out.index, crs=WGS84))


def max_boundary_shift(full: gpd.GeoDataFrame, simple: gpd.GeoDataFrame) -> float:
    """Largest distance in metres between a buurt's full and simplified outline (Hausdorff)."""
    a, b = full.to_crs(RD).geometry.to_numpy(), simple.to_crs(RD).geometry.to_numpy()
    return float(max(shapely.hausdorff_distance(a, b)))


def redrawn(
    old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, share: float = 0.01
) -> list[str]:
    """Buurtcodes in both maps whose area differs by more than `share` of the buurt: the
    part that is in only one of the two outlines (a split, a merge, a moved boundary).
    Simplification and rounding stay far below 1 %."""
    both = sorted(set(old["buurtcode"]) & set(new["buurtcode"]))
    if not both:
        return []
    a = old.set_index("buurtcode").loc[both].to_crs(RD).geometry.to_numpy()
    b = new.set_index("buurtcode").loc[both].to_crs(RD).geometry.to_numpy()
    differ = shapely.area(shapely.symmetric_difference(a, b))
    size = np.maximum(shapely.area(a), shapely.area(b))
    return [code for code, d, s in zip(both, differ, size) if d > share * s]
