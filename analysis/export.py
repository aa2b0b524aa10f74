"""Every figure out as data: each buurt and wijk × each indicator, as numbers, with the
verdict and its reason, for a spreadsheet (XLSX, CSV) or a GIS (GeoPackage).

Numbers stay numbers (no units, no "53,1 per 1.000"); a missing figure stays empty, with
why it is missing in its `_toelichting` column; codes come before names.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.catalogue import Catalogue, Indicator
from analysis.datasets import Dataset
from analysis.errors import AnalysisError
from analysis.signals import dataset_signals
from analysis.wijken import wijk_areas, wijk_figures

FORMATS = {
    "xlsx": "Excel (XLSX): buurten, wijken en de definities, elk op een eigen blad",
    "csv": "CSV in Nederlandse notatie: puntkomma tussen de kolommen, decimale komma",
    "csv-plain": "CSV in internationale notatie: komma tussen de kolommen, decimale punt",
    "gpkg": "GeoPackage voor QGIS of ArcGIS: buurten en wijken met hun grenzen "
    "(RD New, EPSG:28992) en de buurten ook in WGS 84 (EPSG:4326)",
}
SUFFIXES = {"xlsx": ".xlsx", "csv": ".csv", "csv-plain": ".csv", "gpkg": ".gpkg"}
DIRECTION_WORDS = {1: "hoger is beter", -1: "lager is beter", 0: "achtergrondcijfer"}
RD_NEW = 28992


def exported_indicators(wide: pd.DataFrame, catalogue: Catalogue) -> list[Indicator]:
    """The indicators this year has a value or a reason for, in catalogue order."""
    return [ind for ind in catalogue.indicators.values() if ind.id in wide]


def buurt_table(data: Dataset, year: int, catalogue: Catalogue) -> pd.DataFrame:
    """One row per buurt: codes and names, then per indicator its value, and where it has
    a direction its verdict (`_oordeel`), graded position (`_positie`); for every
    indicator `_toelichting`: the reason of the verdict, or why the figure is missing."""
    wide, status = data.wide(year), data.status(year)
    _, signals = dataset_signals(data, year, catalogue)
    by = signals.set_index(["indicator", "buurtcode"])
    codes = data.buurten["buurtcode"]
    columns: dict[str, object] = {
        "buurtcode": codes.to_numpy(),
        "buurtnaam": data.buurten["buurtnaam"].to_numpy(),
        "wijkcode": data.buurten["wijkcode"].to_numpy(),
        "wijknaam": data.buurten["wijknaam"].to_numpy(),
        "jaar": year,
    }
    judged = set(signals["indicator"])
    for ind in exported_indicators(wide, catalogue):
        values = wide[ind.id]  # in the order of data.buurten, like `codes`
        columns[ind.id] = values.to_numpy()
        if ind.id in judged:
            own = by.loc[ind.id].reindex(codes)
            columns[f"{ind.id}_oordeel"] = own["signal"].to_numpy()
            columns[f"{ind.id}_positie"] = own["position"].to_numpy()
            columns[f"{ind.id}_toelichting"] = own["reason"].fillna("").to_numpy()
        else:  # a figure without a direction: only why it is missing, where it is
            told = status.get(ind.id, pd.Series("niet beschikbaar", index=wide.index))
            columns[f"{ind.id}_toelichting"] = told.where(values.isna(), "").to_numpy()
    return pd.DataFrame(columns)


def wijk_table(data: Dataset, year: int, catalogue: Catalogue) -> pd.DataFrame:
    """One row per wijk: its values (CBS's own where published, otherwise combined from the
    buurten as the gemeente value is) and per indicator where the value comes from."""
    figures = wijk_figures(data, year, catalogue)
    names = data.buurten.drop_duplicates("wijkcode").set_index("wijkcode")["wijknaam"]
    codes = figures.values.index
    columns: dict[str, object] = {
        "wijkcode": codes.to_numpy(),
        "wijknaam": names.reindex(codes).to_numpy(),
        "jaar": year,
    }
    for ind in exported_indicators(figures.values, catalogue):
        columns[ind.id] = figures.values[ind.id].to_numpy()
        columns[f"{ind.id}_bron"] = (
            figures.source[ind.id].fillna("geen cijfer").to_numpy()
        )
    return pd.DataFrame(columns)


def definitions(data: Dataset, year: int, catalogue: Catalogue) -> pd.DataFrame:
    """Per exported indicator: its name, theme, unit, direction, definition and source, the
    year of the figures and the date or period they describe (catalogue.PERIODS)."""
    rows = [
        {
            "indicator": ind.id,
            "naam": ind.label,
            "thema": catalogue.themes.get(ind.theme, ind.theme),
            "eenheid": ind.unit,
            "richting": DIRECTION_WORDS[ind.direction],
            "definitie": ind.definition,
            "bron": ind.source,
            "jaar van de cijfers": year,
            "peildatum of periode": ind.reference_period(year),
        }
        for ind in exported_indicators(data.wide(year), catalogue)
    ]
    return pd.DataFrame(rows)


def about(data: Dataset, year: int) -> pd.DataFrame:
    """The sheet that says what the file is."""
    lines = [
        ("Gemeente", f"{data.info.name} ({data.info.gemeentecode})"),
        ("Jaar", str(year)),
        ("Gemaakt op", date.today().strftime("%d-%m-%Y")),
        ("Bron", data.info.source),
        ("Buurten", "één rij per buurt; per cijfer de waarde, het oordeel, de positie en "
         "de toelichting (ook waarom een cijfer ontbreekt)"),
        ("Wijken", "één rij per wijk; per cijfer de waarde en waar die vandaan komt"),
        ("Lege cel", "geen cijfer: de reden staat in de kolom _toelichting"),
    ]  # fmt: skip
    if data.info.fictional:
        lines.insert(
            0, ("Let op", "fictieve gegevens, alleen om het dashboard te tonen")
        )
    return pd.DataFrame(lines, columns=["", "toelichting"])


def export_bytes(data: Dataset, year: int, catalogue: Catalogue, fmt: str) -> bytes:
    """The whole export of one gemeente and year in `fmt` (see FORMATS)."""
    if fmt not in FORMATS:
        raise AnalysisError(
            f"Onbekend formaat '{fmt}'. Kies uit: {', '.join(FORMATS)}."
        )
    data.loaded_year(year)
    buurten = buurt_table(data, year, catalogue)
    if fmt == "csv":
        return buurten.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    if fmt == "csv-plain":
        return buurten.to_csv(index=False).encode("utf-8")
    wijken = wijk_table(data, year, catalogue)
    if fmt == "xlsx":
        out = io.BytesIO()
        with pd.ExcelWriter(out, engine="openpyxl") as book:
            about(data, year).to_excel(book, sheet_name="Over dit bestand", index=False)
            buurten.to_excel(
                book, sheet_name="Buurten", index=False, freeze_panes=(1, 2)
            )
            wijken.to_excel(book, sheet_name="Wijken", index=False, freeze_panes=(1, 2))
            definitions(data, year, catalogue).to_excel(
                book, sheet_name="Definities", index=False, freeze_panes=(1, 1)
            )
        return out.getvalue()
    return _geopackage(data, buurten, wijken)


def _geopackage(data: Dataset, buurten: pd.DataFrame, wijken: pd.DataFrame) -> bytes:
    """Layers `buurten` and `wijken` in RD New, `buurten_wgs84` in WGS 84: the full CBS
    geometry (not the simplified one drawn on screen)."""
    shapes = data.buurten[["buurtcode", "geometry"]]
    buurt_layer = gpd.GeoDataFrame(
        buurten, geometry=shapes.set_index("buurtcode").loc[buurten["buurtcode"]]
        .geometry.to_numpy(), crs=data.buurten.crs,
    )  # fmt: skip
    areas = wijk_areas(data).set_index("wijkcode")
    wijk_layer = gpd.GeoDataFrame(
        wijken, geometry=areas.loc[wijken["wijkcode"]].geometry.to_numpy(),
        crs=areas.crs,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        buurt_layer.to_crs(RD_NEW).to_file(path, layer="buurten", driver="GPKG")
        wijk_layer.to_crs(RD_NEW).to_file(path, layer="wijken", driver="GPKG")
        buurt_layer.to_crs(4326).to_file(path, layer="buurten_wgs84", driver="GPKG")
        return path.read_bytes()
