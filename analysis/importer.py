"""Import a real gemeente: buurt geometry plus KWB statistics become a stored dataset.

All-or-nothing: everything is read and checked before anything is written, and the dataset is
swapped in atomically, so a failed import leaves the existing datasets untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from analysis.catalogue import Catalogue, load_catalogue
from analysis.cbs import StatisticsTable, read_statistics, statistics_from_frame
from analysis.datasets import (
    CHANGE_COLUMNS,
    PUBLISHED_COLUMNS,
    VALUE_COLUMNS,
    Dataset,
    DatasetInfo,
    add_derived,
    check_values,
    dataset_exists,
    load_dataset,
    save_dataset,
)
from analysis.errors import AnalysisError
from analysis.geometry import (
    display_geometry,
    max_boundary_shift,
    read_geometry,
    redrawn,
)

CBS_SOURCE = "CBS Kerncijfers wijken en buurten"


@dataclass
class ImportReport:
    """What an import read, recognised, left out and changed: shown to the user in Dutch."""

    dataset_id: str
    name: str
    year: int
    files: list[str]
    buurten: int
    recognised: dict[str, str]
    ignored: list[str]
    missing: dict[str, int]
    without_geometry: list[str]
    without_statistics: list[str]
    years: list[int]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    geojson_bytes_full: int = 0
    geojson_bytes_display: int = 0
    max_shift_m: float = 0.0

    def lines(self, catalogue: Catalogue) -> list[str]:
        """The report as short Dutch lines (plain text, for the CLI and the Data page)."""
        years = ", ".join(str(y) for y in self.years)
        curated = {
            i: c for i, c in self.recognised.items() if catalogue[i].kind != "cbs"
        }
        others = [i for i in self.recognised if i not in curated]
        out = [
            f"Ingelezen: {', '.join(self.files)}",
            f"Dataset {self.dataset_id} ({self.name}), jaar {self.year}; jaren nu: {years}.",
            f"{self.buurten} buurten met kaartvlak.",
            f"{len(curated)} indicatoren herkend: "
            + ", ".join(f"{catalogue[i].label} ({c})" for i, c in curated.items()),
        ]
        if others:
            out.append(
                f"{len(others)} overige CBS-cijfers herkend (als achtergrond, zonder "
                "signaal): " + ", ".join(catalogue[i].label for i in others)
            )
        if self.ignored:
            out.append(
                f"{len(self.ignored)} kolommen niet gebruikt: {', '.join(self.ignored)}"
            )
        total = sum(self.missing.values())
        if total:
            worst = sorted(self.missing.items(), key=lambda kv: -kv[1])[:5]
            out.append(
                f"{total} waarden ontbreken (geheim of niet beschikbaar), het meest bij: "
                + ", ".join(f"{catalogue[i].label} ({n})" for i, n in worst)
            )
        if self.without_geometry:
            out.append(
                f"{len(self.without_geometry)} buurten met cijfers maar zonder kaartvlak: "
                + ", ".join(self.without_geometry[:10])
            )
        if self.without_statistics:
            out.append(
                f"{len(self.without_statistics)} buurten op de kaart zonder cijfers: "
                + ", ".join(self.without_statistics[:10])
            )
        out += self.notes + [f"Let op: {w}" for w in self.warnings]
        out.append(
            f"Kaart voor het scherm vereenvoudigd: {self.geojson_bytes_full // 1000} kB → "
            f"{self.geojson_bytes_display // 1000} kB, grenzen hooguit "
            f"{self.max_shift_m:.1f} m verschoven."
        )
        out.append(f"Klaar in {self.seconds:.1f} s.")
        return out


def import_cbs(
    geometry: tuple[bytes, str],
    statistics: tuple[bytes, str] | None = None,
    name: str | None = None,
    year: int | None = None,
    gemeente: str | None = None,
    source: str = CBS_SOURCE,
    catalogue: Catalogue | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> ImportReport:
    """Read, check, combine with earlier years of the same gemeente, and store.

    `geometry` and `statistics` are (file content, file name). Without a statistics file the
    statistics are taken from the geometry's attributes (as in the CBS GeoPackage).
    Raises AnalysisError (Dutch) before writing anything when the input is not usable.
    """
    started = time.perf_counter()
    catalogue = catalogue or load_catalogue()
    progress(f"Kaart lezen: {geometry[1]}")
    geo = read_geometry(*geometry, gemeente=gemeente)
    buurten = geo.buurten
    code = str(buurten["gemeentecode"].iloc[0])
    files = [geometry[1]]
    notes, warnings = list(geo.notes), list(geo.warnings)
    if statistics is not None:
        progress(f"Cijfers lezen: {statistics[1]}")
        table = read_statistics(*statistics, catalogue, year=year)
        files.append(statistics[1])
    else:
        try:
            table = statistics_from_frame(geo.attributes, catalogue, geometry[1], year)
        except AnalysisError as exc:
            raise AnalysisError(
                f"{geometry[1]} bevat geen cijfers die we herkennen. Voeg een bestand met de "
                f"Kerncijfers wijken en buurten toe. ({exc})"
            ) from exc
    warnings += table.warnings
    year = year or table.year
    if year is None:
        raise AnalysisError(
            "Uit de bestanden blijkt niet over welk jaar de cijfers gaan. Geef het jaar op."
        )
    values, published = split_areas(table, code)
    if values.empty:
        raise AnalysisError(
            f"In de cijfers staat geen enkele buurt van gemeente {code}. "
            "Horen de kaart en de cijfers bij dezelfde gemeente?"
        )
    stats_codes = set(values["code"])
    map_codes = set(buurten["buurtcode"])
    gemeentenaam = str(buurten["gemeentenaam"].iloc[0])
    if gemeentenaam == code and code[2:6] in table.gemeentenamen:
        gemeentenaam = table.gemeentenamen[code[2:6]]
        buurten = buurten.assign(gemeentenaam=gemeentenaam)
    values = values.rename(columns={"code": "buurtcode"}).assign(jaar=year)
    values = add_derived(check_values(values[VALUE_COLUMNS], catalogue), catalogue)
    # CBS's own gemeente/wijk rows get the same derived figures (bijstand per 1.000, ...).
    published = published.rename(columns={"code": "buurtcode"}).assign(jaar=year)
    published = add_derived(
        check_values(published[VALUE_COLUMNS], catalogue), catalogue
    )
    published = published.rename(columns={"buurtcode": "code"})[PUBLISHED_COLUMNS]

    # CBS's own marker: 2 re-coded, 3 boundary changed since the year before.
    marked = {2: "code", 3: "grens"}
    changes = pd.DataFrame(
        [(c, year, marked[m]) for c, m in table.changes.items() if c in map_codes and m in marked],
        columns=CHANGE_COLUMNS,
    )  # fmt: skip
    dataset_id = code
    previous = None
    if dataset_exists(dataset_id):
        previous = load_dataset(dataset_id, catalogue)
        values = pd.concat([previous.values[previous.values["jaar"] != year], values])
        if previous.published is not None and not previous.published.empty:
            published = pd.concat(
                [previous.published[previous.published["jaar"] != year], published]
            )
        # The outlines themselves, where both maps have the buurt: a changed one breaks the
        # trend from the later of the two maps' years on.
        later = [y for y in previous.years if y > year]
        moved = redrawn(previous.buurten, buurten)
        if moved:
            notes.append(
                f"{len(moved)} buurten hebben andere grenzen dan in de eerder ingelezen "
                f"kaart: {', '.join(moved[:10])}. Hun ontwikkeling wordt niet over die "
                "grens heen getekend."
            )
        changes = pd.concat(
            [
                previous.changes[previous.changes["jaar"] != year],
                changes,
                pd.DataFrame(
                    [(c, min(later) if later else year, "grens") for c in moved],
                    columns=CHANGE_COLUMNS,
                ),
            ]
        ).drop_duplicates(["buurtcode", "jaar"])
        if later:  # keep the newest year's boundaries
            buurten = previous.buurten
            notes.append(f"De kaart van {max(previous.years)} blijft in gebruik.")
    progress("Kaart vereenvoudigen voor het scherm en opslaan")
    display = display_geometry(buurten)
    years = sorted(int(y) for y in values["jaar"].unique())
    info = DatasetInfo(
        id=dataset_id,
        name=name or (previous.info.name if previous else gemeentenaam),
        gemeentecode=code,
        fictional=False,
        source=source,
        years=tuple(years),
        imported=datetime.now().isoformat(timespec="seconds"),
    )
    save_dataset(
        Dataset(
            info=info,
            buurten=buurten,
            values=values.reset_index(drop=True),
            display=display,
            published=published.reset_index(drop=True),
            changes=changes.reset_index(drop=True),
            own=previous.own if previous else [],
        ),
        # Another import of this gemeente that lands first wins; this one is refused.
        expected=previous.version if previous else None,
    )
    this_year = values[values["jaar"] == year]
    missing = this_year[this_year["status"] != ""].groupby("indicator").size()
    return ImportReport(
        dataset_id=dataset_id,
        name=info.name,
        year=year,
        files=files,
        buurten=len(buurten),
        recognised=table.recognised,
        ignored=table.ignored,
        missing={k: int(v) for k, v in missing.items()},
        without_geometry=sorted(stats_codes - map_codes),
        without_statistics=sorted(map_codes - stats_codes),
        years=years,
        notes=notes,
        warnings=warnings,
        seconds=time.perf_counter() - started,
        geojson_bytes_full=len(buurten.to_json()),
        geojson_bytes_display=len(display.to_json()),
        max_shift_m=max_boundary_shift(buurten, display),
    )


def split_areas(
    table: StatisticsTable, gemeentecode: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """This gemeente's buurt values, and the gemeente/wijk values CBS publishes itself."""
    number = gemeentecode[2:6]
    values = table.values
    own = values["code"].str[2:6] == number
    buurt = own & values["code"].str.startswith("BU")
    nederland = values["code"] == "NL00"
    return values[buurt], values[(own & ~buurt) | nederland]
