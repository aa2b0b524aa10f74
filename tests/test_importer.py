"""Importing a gemeente: real CBS files, years that combine, all-or-nothing, the report."""

import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.datasets import datasets_dir, list_datasets, load_dataset, remove_dataset
from analysis.errors import AnalysisError
from analysis.importer import import_cbs
from tests.conftest import CBS_DIR

needs_cbs = pytest.mark.skipif(
    not CBS_DIR.exists(), reason="shared CBS data not present"
)


def cbs_file(name: str) -> tuple[bytes, str]:
    return (CBS_DIR / name).read_bytes(), name


@pytest.fixture(scope="module")
def demo_files(demo):
    """The demo gemeente as a buurt GeoJSON and an OData-style KWB CSV per year."""
    geometry = (demo.buurten.to_json().encode(), "buurten.geojson")
    names = {
        "aantal_inwoners": "AantalInwoners_5",
        "pct_huishoudens_laag_inkomen": "HuishoudensMetEenLaagInkomen_78",
    }

    def stats(year: int) -> tuple[bytes, str]:
        wide = demo.wide(year)[list(names)].rename(columns=names)
        wide = wide.astype(object).where(wide.notna(), ".")
        csv = wide.rename_axis("Codering_3").reset_index().to_csv(index=False, sep=";")
        return csv.encode(), f"kwb_{year}.csv"

    return geometry, stats


@needs_cbs
def test_real_eindhoven_imports_completely():
    report = import_cbs(
        cbs_file("buurten_GM0772_eindhoven.geojson"), cbs_file("kwb_2022.csv")
    )
    assert (report.dataset_id, report.year, report.buurten) == ("GM0772", 2022, 116)
    assert report.without_geometry == [] and report.without_statistics == []
    assert len(report.recognised) >= 20
    data = load_dataset("GM0772")
    kwb = pd.read_csv(CBS_DIR / "kwb_2022.csv")
    kwb = kwb[kwb["Gemeentenaam_1"] == "Eindhoven"].set_index("WijkenEnBuurten")
    wide, status = data.wide(2022), data.status(2022)
    assert (
        wide.at["BU07721110", "aantal_inwoners"]
        == kwb.at["BU07721110", "AantalInwoners_5"]
    )
    # Every empty cell in the source is a missing value with a reason, never zero.
    empty = kwb["HuishoudensMetEenLaagInkomen_78"].isna()
    assert wide["pct_huishoudens_laag_inkomen"].isna().sum() == empty.sum() > 0
    assert (
        status.loc[empty[empty].index, "pct_huishoudens_laag_inkomen"]
        == "geheim of onbekend"
    ).all()
    assert report.missing["pct_huishoudens_laag_inkomen"] == empty.sum()
    # Derived: bijstand per 1,000 inhabitants.
    expected = (
        kwb.at["BU07721110", "PersonenPerSoortUitkeringBijstand_83"]
        / kwb.at["BU07721110", "AantalInwoners_5"]
        * 1000
    )
    assert wide.at["BU07721110", "bijstand_per_1000"] == pytest.approx(
        expected, abs=0.05
    )
    assert data.display is not None and len(data.display) == 116


@needs_cbs
def test_real_ermelo_geopackage_brings_its_own_statistics():
    report = import_cbs(cbs_file("wijkenbuurten_2021_GM0233_buurten.gpkg"))
    assert (report.dataset_id, report.name, report.year) == ("GM0233", "Ermelo", 2021)
    assert report.buurten == 16  # 17 features, one of them water
    assert "1 waterdelen weggelaten." in report.notes
    assert report.recognised["aantal_inwoners"] == "aantal_inwoners"
    # This early release leaves inhabitants empty: missing, with a reason, not zero.
    assert report.missing["aantal_inwoners"] == 16


def test_years_combine_into_one_dataset(demo_files):
    geometry, stats = demo_files
    import_cbs(geometry, stats(2022))
    report = import_cbs(geometry, stats(2023), name="Voorbeeld echt")
    assert report.years == [2022, 2023]
    data = load_dataset("GM9999")
    assert data.years == [2022, 2023] and data.info.name == "Voorbeeld echt"
    # Re-importing a year replaces it instead of doubling it.
    import_cbs(geometry, stats(2023))
    again = load_dataset("GM9999")
    assert len(again.values) == len(data.values)


def test_failed_import_leaves_existing_data_untouched(demo_files):
    geometry, stats = demo_files
    import_cbs(geometry, stats(2022))
    folder = datasets_dir() / "GM9999"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(AnalysisError, match="geen enkele kolom herkend"):
        import_cbs(geometry, (b"buurtcode;katten\nBU99990101;3\n", "kwb_2023.csv"))
    with pytest.raises(AnalysisError, match="geen enkele buurt van gemeente GM9999"):
        import_cbs(
            geometry, (b"buurtcode;aantal_inwoners\nBU07721110;3\n", "kwb_2023.csv")
        )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in datasets_dir().iterdir()] == [
        "GM9999"
    ]  # no temporary leftovers


def test_year_is_required(demo_files):
    geometry, _ = demo_files
    with pytest.raises(AnalysisError, match="Geef het jaar op"):
        import_cbs(
            geometry, (b"buurtcode;aantal_inwoners\nBU99990101;3\n", "cijfers.csv")
        )


def test_report_names_buurten_on_one_side_only(demo_files):
    geometry, _ = demo_files
    data = b"buurtcode;aantal_inwoners\nBU99990101;3\nBU99990199;4\n"
    report = import_cbs(geometry, (data, "kwb_2023.csv"))
    assert report.without_geometry == ["BU99990199"]
    assert len(report.without_statistics) == 39
    text = "\n".join(report.lines(load_catalogue()))
    assert "1 buurten met cijfers maar zonder kaartvlak: BU99990199" in text
    assert "39 buurten op de kaart zonder cijfers" in text


def test_remove(demo_files):
    geometry, stats = demo_files
    import_cbs(geometry, stats(2022))
    assert [i.id for i in list_datasets()] == ["demo", "GM9999"]
    remove_dataset("GM9999")
    assert [i.id for i in list_datasets()] == ["demo"]
    with pytest.raises(AnalysisError, match="bestaat niet"):
        remove_dataset("GM9999")
    with pytest.raises(AnalysisError, match="kan niet worden verwijderd"):
        remove_dataset("demo")
