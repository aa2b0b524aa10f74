"""Datasets: the buurten of one gemeente with their statistics per year.

The demo gemeente ships in `data/demo/`. Imported gemeenten are kept as named parts
(GeoParquet, Parquet, JSON) by a store: `FileDatasets` under `data_dir()/datasets/<GMcode>/`
(the default), or, for a shared installation, stories.dataset_store.DatabaseDatasets. Either
way a gemeente is written all at once.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.catalogue import Catalogue, Indicator, load_catalogue
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
PUBLISHED_COLUMNS = ["code", "jaar", "indicator", "waarde", "status"]
# A buurt that is not the same area as the year before, from `jaar` on: its code changed
# ('code') or its boundary did ('grens'). Trends are not drawn across such a year.
CHANGE_COLUMNS = ["buurtcode", "jaar", "wijziging"]


def data_dir() -> Path:
    """Where the app writes (databases, imported datasets, caches): `WIJK_DATA_DIR` or `./var`."""
    path = Path(os.environ.get("WIJK_DATA_DIR") or ROOT / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def datasets_dir() -> Path:
    return data_dir() / "datasets"


@dataclass(frozen=True)
class DatasetInfo:
    """What the dataset picker shows before anything heavy is loaded."""

    id: str
    name: str
    gemeentecode: str
    fictional: bool
    source: str
    years: tuple[int, ...] = ()
    imported: str = ""


@dataclass
class Dataset:
    """Buurt geometry (EPSG:4326) and long-format values with a missing-reason per value.

    `values` has one row per (buurtcode, jaar, indicator): `waarde` is a float or NaN, and
    `status` is empty for a published value or the reason it is missing ('geheim', 'niet
    beschikbaar', ...), so that suppressed stays suppressed all the way to the screen.
    """

    info: DatasetInfo
    buurten: gpd.GeoDataFrame
    values: pd.DataFrame
    display: gpd.GeoDataFrame | None = None  # simplified geometry for the screen
    published: pd.DataFrame | None = None  # gemeente/wijk values as CBS publishes them
    changes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS)
    )
    own: list[Indicator] = field(default_factory=list)  # the gemeente's own indicators
    version: float = 0.0  # as the store had it when read (see save_dataset)
    # wide() per year, kept: a map restyle asks for the same year many times.
    _wide: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.values["jaar"].unique())

    def loaded_year(self, year: int | None = None) -> int:
        """`year`, or the latest without one; a Dutch error for a year that is not loaded."""
        year = year or self.years[-1]
        if year not in self.years:
            loaded = ", ".join(str(y) for y in self.years)
            raise AnalysisError(f"Geen cijfers over {year}. Ingeladen jaren: {loaded}.")
        return year

    @property
    def gemeentenaam(self) -> str:
        return str(self.buurten["gemeentenaam"].iloc[0])

    @property
    def map_geometry(self) -> gpd.GeoDataFrame:
        """The geometry to draw: the simplified copy where there is one."""
        return self.display if self.display is not None else self.buurten

    def wide(self, year: int) -> pd.DataFrame:
        """Values of one year: index buurtcode (all buurten), one column per indicator."""
        if year not in self._wide:
            rows = self.values[self.values["jaar"] == year]
            table = rows.pivot(index="buurtcode", columns="indicator", values="waarde")
            self._wide[year] = table.reindex(self.buurten["buurtcode"]).astype(float)
        return self._wide[year].copy()  # callers may add columns

    def published_for(self, year: int) -> pd.DataFrame | None:
        """CBS's own area values (gemeente, wijken, Nederland) of one year, if any."""
        if self.published is None or self.published.empty:
            return None
        return self.published[self.published["jaar"] == year]

    def status(self, year: int) -> pd.DataFrame:
        """Missing-reasons of one year, aligned with `wide(year)`; '' where published."""
        rows = self.values[self.values["jaar"] == year]
        table = rows.pivot(index="buurtcode", columns="indicator", values="status")
        return table.reindex(self.buurten["buurtcode"]).fillna("niet beschikbaar")


def catalogue_for(data: Dataset, base: Catalogue | None = None) -> Catalogue:
    """The catalogue with this gemeente's own indicators added."""
    return (base or load_catalogue()).with_own(data.own)


def pool_members(info: DatasetInfo, year: int) -> list[DatasetInfo]:
    """The gemeenten a regional model or comparison pools with this one: every loaded one
    with this year, real with real and the fictional demo with itself."""
    return [
        i for i in list_datasets() if i.fictional == info.fictional and year in i.years
    ]


def pooled_wide(datasets: list[Dataset], year: int) -> pd.DataFrame:
    """The buurten of several gemeenten in one table for one year (for a regional model and
    for comparable buurten), with buurtnaam and gemeentenaam; each buurt once."""
    parts = []
    for data in datasets:
        if year not in data.years:
            continue
        names = data.buurten.set_index("buurtcode")[["buurtnaam", "gemeentenaam"]]
        parts.append(data.wide(year).join(names))
    if not parts:
        return pd.DataFrame()
    pooled = pd.concat(parts)
    return pooled[~pooled.index.duplicated()]


DEMO_INFO = DatasetInfo(
    id=DEMO_ID,
    name="Voorbeeldstad (fictief)",
    gemeentecode="GM9999",
    fictional=True,
    source="Fictieve demogegevens, gemaakt met data/demo/build_demo.py",
    years=(2022, 2023),
)


def info_from_json(text: str | bytes) -> DatasetInfo:
    raw = json.loads(text)
    return DatasetInfo(**{**raw, "years": tuple(raw.get("years", ()))})


def info_to_json(info: DatasetInfo) -> str:
    return json.dumps(
        {**asdict(info), "years": list(info.years)}, ensure_ascii=False, indent=1
    )


def dataset_parts(dataset: Dataset) -> dict[str, bytes]:
    """The dataset as named files (GeoParquet, Parquet, JSON): how every store keeps it."""

    def parquet(frame) -> bytes:
        out = io.BytesIO()
        frame.to_parquet(out, index=isinstance(frame, gpd.GeoDataFrame))
        return out.getvalue()

    published = dataset.published
    if published is None:
        published = pd.DataFrame(columns=PUBLISHED_COLUMNS)
    return {
        "buurten.parquet": parquet(dataset.buurten),
        "display.parquet": parquet(dataset.map_geometry),
        "values.parquet": parquet(dataset.values),
        "published.parquet": parquet(published),
        "changes.parquet": parquet(dataset.changes.astype({"jaar": int})),
        "own.json": json.dumps(
            [asdict(i) for i in dataset.own], ensure_ascii=False, indent=1
        ).encode(),
    }


def dataset_from_parts(
    info: DatasetInfo, parts: dict[str, bytes], version: float
) -> Dataset:
    """The dataset from its named files; raises AnalysisError in Dutch when one is damaged."""

    def frame(name: str, geo: bool = False):
        read = gpd.read_parquet if geo else pd.read_parquet
        return read(io.BytesIO(parts[name]))

    try:
        return Dataset(
            info=info,
            buurten=frame("buurten.parquet", geo=True),
            values=frame("values.parquet"),
            display=frame("display.parquet", geo=True),
            published=frame("published.parquet"),
            changes=frame("changes.parquet")
            if "changes.parquet" in parts  # datasets from before 2026-12
            else pd.DataFrame(columns=CHANGE_COLUMNS),
            own=[
                Indicator(
                    **{
                        k: tuple(v) if isinstance(v, list) else v
                        for k, v in raw.items()
                    }
                )
                for raw in json.loads(parts.get("own.json", b"[]"))
            ],
            version=version,
        )
    except (KeyError, OSError, ValueError, TypeError) as exc:
        raise AnalysisError(
            f"Dataset '{info.id}' is beschadigd ({exc}). Verwijder hem en laad hem opnieuw in."
        ) from exc


class FileDatasets:
    """Imported gemeenten as folders in the data directory (the laptop default): each one
    written into a fresh folder that is then swapped in by renaming, so a failure halfway
    leaves the previous version intact. (stories.dataset_store keeps them in the database.)"""

    def infos(self) -> list[DatasetInfo]:
        found = []
        for meta in sorted(datasets_dir().glob("GM*/meta.json")):
            try:
                found.append(self._info(meta.parent))
            except (OSError, ValueError, TypeError):
                continue  # a damaged folder is skipped here and reported by load
        return found

    @staticmethod
    def _info(folder: Path) -> DatasetInfo:
        return info_from_json((folder / "meta.json").read_text(encoding="utf-8"))

    def where(self) -> str:
        return str(datasets_dir())

    def version(self, dataset_id: str) -> float:
        meta = datasets_dir() / dataset_id / "meta.json"
        return meta.stat().st_mtime if meta.exists() else 0.0

    def load(self, dataset_id: str) -> Dataset | None:
        folder = datasets_dir() / dataset_id
        if not (folder / "meta.json").exists():
            return None
        try:
            info = self._info(folder)
            parts = {
                p.name: p.read_bytes()
                for p in folder.iterdir()
                if p.name != "meta.json"
            }
        except (OSError, ValueError, TypeError) as exc:
            raise AnalysisError(
                f"Dataset '{dataset_id}' is beschadigd ({exc}). Verwijder hem en laad hem "
                "opnieuw in."
            ) from exc
        return dataset_from_parts(info, parts, self.version(dataset_id))

    def save(self, dataset: Dataset, expected: float | None) -> None:
        root = datasets_dir()
        root.mkdir(parents=True, exist_ok=True)
        final = root / dataset.info.id
        tmp = root / f".tmp-{dataset.info.id}-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            for name, content in dataset_parts(dataset).items():
                (tmp / name).write_bytes(content)
            (tmp / "meta.json").write_text(info_to_json(dataset.info), encoding="utf-8")
            old = root / f".old-{dataset.info.id}-{uuid.uuid4().hex}"
            if final.exists():
                final.rename(old)
            tmp.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def remove(self, dataset_id: str) -> bool:
        folder = datasets_dir() / dataset_id
        if not (folder / "meta.json").exists():
            return False
        trash = datasets_dir() / f".old-{dataset_id}-{uuid.uuid4().hex}"
        folder.rename(
            trash
        )  # gone from the list at once, even if deleting takes a while
        shutil.rmtree(trash, ignore_errors=True)
        return True


_store = FileDatasets()


def use_store(store) -> None:
    """Where imported gemeenten are kept from now on: FileDatasets (the default) or
    stories.dataset_store.DatabaseDatasets (a shared installation)."""
    global _store
    _store = store


def list_datasets() -> list[DatasetInfo]:
    """All datasets the app can show: the demo first, then imported gemeenten by name."""
    return [DEMO_INFO, *sorted(_store.infos(), key=lambda i: i.name)]


def dataset_version(dataset_id: str) -> str:
    """Where and at which version the dataset is kept: changes whenever it is re-imported or
    removed, and differs between stores (a cache key)."""
    return f"{_store.where()}#{_store.version(dataset_id)}"


def stored_version(dataset_id: str) -> float | None:
    """The version the store keeps for an imported gemeente (what `save_dataset` expects),
    or None when it has none; without reading the gemeente itself."""
    return _store.version(dataset_id) or None


def dataset_exists(dataset_id: str) -> bool:
    return dataset_id == DEMO_ID or stored_version(dataset_id) is not None


def load_dataset(dataset_id: str, catalogue: Catalogue | None = None) -> Dataset:
    """Load a dataset by id; raises AnalysisError with a Dutch message when it is unknown."""
    if dataset_id == DEMO_ID:
        return load_demo(catalogue or load_catalogue())
    found = _store.load(dataset_id)
    if found is None:
        known = ", ".join(d.id for d in list_datasets())
        raise AnalysisError(
            f"Dataset '{dataset_id}' bestaat niet. Beschikbaar: {known}."
        )
    return found


def load_demo(catalogue: Catalogue) -> Dataset:
    buurten = gpd.read_file(DEMO_DIR / "buurten.geojson")[AREA_COLUMNS + ["geometry"]]
    values = pd.read_csv(
        DEMO_DIR / "kerncijfers.csv",
        dtype={"buurtcode": str, "indicator": str, "status": str},
        keep_default_na=False,
        na_values={"waarde": [""]},
    )
    values = add_derived(check_values(values, catalogue), catalogue)
    published = pd.read_csv(
        DEMO_DIR / "nederland.csv",
        dtype={"code": str, "status": str},
        keep_default_na=False,
    )
    return Dataset(info=DEMO_INFO, buurten=buurten, values=values, published=published)


def save_dataset(dataset: Dataset, expected: float | None = None) -> None:
    """Store a dataset all at once. `expected` is the version it was read at (None for a new
    gemeente): in a shared database, a save over a newer version is refused in Dutch."""
    _store.save(dataset, expected)


def remove_dataset(dataset_id: str) -> None:
    """Delete an imported dataset; the demo cannot be removed."""
    if dataset_id == DEMO_ID:
        raise AnalysisError(
            "De voorbeeldgemeente hoort bij de app en kan niet worden verwijderd."
        )
    if not dataset_id.startswith("GM") or not _store.remove(dataset_id):
        raise AnalysisError(f"Dataset '{dataset_id}' bestaat niet.")


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
