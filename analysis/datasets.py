"""Datasets: the buurten of one gemeente with their statistics per year.

The demo gemeente ships in `data/demo/`; everything the app writes lives under `data_dir()`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.catalogue import Catalogue, load_catalogue
from analysis.errors import AnalysisError

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"
DEMO_ID = "demo"
AREA_COLUMNS = [
    "buurtcode",
    "buurtnaam",
    "wijkcode",
    "wijknaam",
    "gemeentecode",
    "gemeentenaam",
]
VALUE_COLUMNS = ["buurtcode", "jaar", "indicator", "waarde", "status"]


def data_dir() -> Path:
    """Where the app writes (databases, imported datasets, caches): `WIJK_DATA_DIR` or `./var`."""
    path = Path(os.environ.get("WIJK_DATA_DIR") or ROOT / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class DatasetInfo:
    """What the dataset picker shows before anything heavy is loaded."""

    id: str
    name: str
    gemeentecode: str
    fictional: bool
    source: str


@dataclass
class Dataset:
    """Buurt geometry (EPSG:4326) and long-format values with a missing-reason per value.

    `values` has one row per (buurtcode, jaar, indicator): `waarde` is a float or NaN, and
    `status` is empty for a published value or the reason it is missing ('geheim', 'niet
    beschikbaar'), so that suppressed stays suppressed all the way to the screen.
    """

    info: DatasetInfo
    buurten: gpd.GeoDataFrame
    values: pd.DataFrame

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.values["jaar"].unique())

    @property
    def gemeentenaam(self) -> str:
        return str(self.buurten["gemeentenaam"].iloc[0])

    def wide(self, year: int) -> pd.DataFrame:
        """Values of one year: index buurtcode (all buurten), one column per indicator."""
        rows = self.values[self.values["jaar"] == year]
        table = rows.pivot(index="buurtcode", columns="indicator", values="waarde")
        return table.reindex(self.buurten["buurtcode"]).astype(float)

    def status(self, year: int) -> pd.DataFrame:
        """Missing-reasons of one year, aligned with `wide(year)`; '' where published."""
        rows = self.values[self.values["jaar"] == year]
        table = rows.pivot(index="buurtcode", columns="indicator", values="status")
        return table.reindex(self.buurten["buurtcode"]).fillna("niet beschikbaar")


DEMO_INFO = DatasetInfo(
    id=DEMO_ID,
    name="Voorbeeldstad (fictief)",
    gemeentecode="GM9999",
    fictional=True,
    source="Fictieve demogegevens, gemaakt met data/demo/build_demo.py",
)


def list_datasets() -> list[DatasetInfo]:
    """All datasets the app can show; the demo is always there."""
    return [DEMO_INFO]


def load_dataset(dataset_id: str, catalogue: Catalogue | None = None) -> Dataset:
    """Load a dataset by id; raises AnalysisError with a Dutch message when it is unknown."""
    if dataset_id != DEMO_ID:
        known = ", ".join(d.id for d in list_datasets())
        raise AnalysisError(
            f"Dataset '{dataset_id}' bestaat niet. Beschikbaar: {known}."
        )
    catalogue = catalogue or load_catalogue()
    buurten = gpd.read_file(DEMO_DIR / "buurten.geojson")[AREA_COLUMNS + ["geometry"]]
    values = pd.read_csv(
        DEMO_DIR / "kerncijfers.csv",
        dtype={"buurtcode": str, "indicator": str, "status": str},
        keep_default_na=False,
        na_values={"waarde": [""]},
    )
    values = add_derived(check_values(values, catalogue), catalogue)
    return Dataset(info=DEMO_INFO, buurten=buurten, values=values)


def check_values(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Keep catalogue indicators only and make sure a missing value always has a reason."""
    values = values[VALUE_COLUMNS]
    values = values[values["indicator"].isin(list(catalogue.indicators))].copy()
    values["waarde"] = pd.to_numeric(values["waarde"], errors="coerce").astype(float)
    values["status"] = values["status"].fillna("").astype(str)
    unexplained = values["waarde"].isna() & (values["status"] == "")
    values.loc[unexplained, "status"] = "niet beschikbaar"
    values.loc[values["status"] != "", "waarde"] = float("nan")
    return values


def add_derived(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Compute catalogue indicators that are a ratio of two others (e.g. bijstand per 1.000).

    A derived value is missing when its numerator is, with the numerator's reason.
    """
    derived = []
    for ind in catalogue.indicators.values():
        if not ind.derive or (values["indicator"] == ind.id).any():
            continue
        num, den = ind.derive["numerator"], ind.derive["denominator"]
        parts = values[values["indicator"].isin([num, den])]
        table = parts.pivot_table(
            index=["buurtcode", "jaar"],
            columns="indicator",
            values="waarde",
            dropna=False,
        )
        reasons = parts[parts["indicator"] == num].set_index(["buurtcode", "jaar"])[
            "status"
        ]
        if num not in table or den not in table:
            continue
        ratio = (
            table[num] / table[den].where(table[den] > 0) * ind.derive.get("factor", 1)
        )
        rows = pd.DataFrame({"waarde": ratio.round(1)}).reset_index()
        rows["indicator"] = ind.id
        rows["status"] = reasons.reindex(ratio.index).fillna("").to_numpy()
        rows.loc[rows["waarde"].isna() & (rows["status"] == ""), "status"] = (
            "niet beschikbaar"
        )
        derived.append(rows[VALUE_COLUMNS])
    return pd.concat([values, *derived], ignore_index=True)
