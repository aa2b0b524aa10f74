"""Every figure out as data: the tables, the three formats, and `cli.py export` on a
gemeente in files, in SQLite and in PostgreSQL."""

import io

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from analysis.datasets import catalogue_for, load_dataset
from analysis.errors import AnalysisError
from analysis.export import buurt_table, export_bytes
from analysis.signals import dataset_signals
from cli import main
from tests.conftest import CBS_DIR, import_eindhoven
from tests.test_gedeelde_opslag import import_gemeente


def test_buurt_table_holds_numbers_verdicts_and_reasons(demo, catalogue):
    table = buurt_table(demo, 2023, catalogue).set_index("buurtcode")
    wide, status = demo.wide(2023), demo.status(2023)
    _, signals = dataset_signals(demo, 2023, catalogue)
    assert list(table.columns[:4]) == ["buurtnaam", "wijkcode", "wijknaam", "jaar"]
    for ind_id in wide:
        pd.testing.assert_series_equal(
            table[ind_id], wide[ind_id], check_names=False, check_index_type=False
        )
    # A missing figure stays empty, with why it is missing beside it.
    code = "BU99990803"
    assert pd.isna(table.at[code, "pct_huishoudens_laag_inkomen"])
    assert (
        table.at[code, "pct_huishoudens_laag_inkomen_toelichting"]
        == (status.at[code, "pct_huishoudens_laag_inkomen"])
    )
    own = signals.set_index(["buurtcode", "indicator"])
    row = own.loc[("BU99990201", "pct_huishoudens_laag_inkomen")]
    assert (
        table.at["BU99990201", "pct_huishoudens_laag_inkomen_oordeel"]
        == (row["signal"])
    )
    assert table.at["BU99990201", "pct_huishoudens_laag_inkomen_positie"] == (
        "iets slechter"
    )
    assert (
        table.at["BU99990201", "pct_huishoudens_laag_inkomen_toelichting"]
        == (row["reason"])
    )
    assert "None" not in table.astype(str).to_numpy().ravel().tolist()


def test_csv_dutch_and_plain_read_back_to_the_same_numbers(demo, catalogue):
    expected = buurt_table(demo, 2023, catalogue)
    dutch = export_bytes(demo, 2023, catalogue, "csv").decode("utf-8-sig")
    assert dutch.splitlines()[0].startswith(
        "buurtcode;buurtnaam;wijkcode;wijknaam;jaar"
    )
    assert "15,4;" in dutch  # Oude Haven's low incomes, with a decimal comma
    plain = export_bytes(demo, 2023, catalogue, "csv-plain").decode()
    for text, options in ((dutch, {"sep": ";", "decimal": ","}), (plain, {})):
        back = pd.read_csv(io.StringIO(text), **options)
        assert back["buurtcode"].tolist() == expected["buurtcode"].tolist()
        pd.testing.assert_series_equal(
            back["pct_huishoudens_laag_inkomen"],
            expected["pct_huishoudens_laag_inkomen"],
        )


def test_xlsx_has_buurten_wijken_and_definitions(demo, catalogue):
    sheets = pd.read_excel(
        io.BytesIO(export_bytes(demo, 2023, catalogue, "xlsx")), sheet_name=None
    )
    assert list(sheets) == ["Over dit bestand", "Buurten", "Wijken", "Definities"]
    assert len(sheets["Buurten"]) == 40
    assert len(sheets["Wijken"]) == demo.buurten["wijkcode"].nunique()
    definitions = sheets["Definities"].set_index("indicator")
    assert definitions.at["pct_huishoudens_laag_inkomen", "eenheid"] == "%"
    assert definitions.at["pct_huishoudens_laag_inkomen", "richting"] == (
        "lager is beter"
    )
    assert set(definitions.index) <= set(sheets["Buurten"].columns)
    assert definitions.at["pct_huishoudens_laag_inkomen", "peildatum of periode"] == (
        "inkomen over 2023, van wie op 1 januari 2023 in Nederland woonde"
    )
    assert definitions.at["aantal_inwoners", "peildatum of periode"] == "1 januari 2023"


def test_export_refuses_a_wrong_format_or_year_in_dutch(demo, catalogue):
    with pytest.raises(AnalysisError, match="Onbekend formaat 'pdf'"):
        export_bytes(demo, 2023, catalogue, "pdf")
    with pytest.raises(AnalysisError, match="Geen cijfers over 1999"):
        export_bytes(demo, 1999, catalogue, "csv")


def test_cli_export_from_the_shared_database(
    database_url, demo, tmp_path, monkeypatch, capsys
):
    import_gemeente(demo)  # in files: the CLI moves it into the database first
    monkeypatch.setenv("WIJK_DATABASE_URL", database_url)
    for fmt, name in (("xlsx", "a.xlsx"), ("gpkg", "a.gpkg"), ("csv", "a.csv")):
        path = tmp_path / name
        argv = ["export", "--gemeente", "GM9999", "--format", fmt]
        assert main([*argv, "--output", str(path)]) == 0, capsys.readouterr().err
        assert f"geschreven naar {path}" in capsys.readouterr().out
    stored = load_dataset("GM9999")
    cat = catalogue_for(stored)
    layer = gpd.read_file(tmp_path / "a.gpkg", layer="buurten")
    assert layer.crs.to_epsg() == 28992 and len(layer) == 40
    assert layer["pct_huishoudens_laag_inkomen"].tolist() == pytest.approx(
        stored.wide(2023)["pct_huishoudens_laag_inkomen"].tolist(), nan_ok=True
    )
    assert (
        gpd.read_file(tmp_path / "a.gpkg", layer="buurten_wgs84").crs.to_epsg() == 4326
    )
    assert len(pd.read_excel(tmp_path / "a.xlsx", sheet_name="Buurten")) == 40
    back = pd.read_csv(tmp_path / "a.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert back.columns.tolist() == buurt_table(stored, 2023, cat).columns.tolist()
    # A wrong ending or a missing folder: a Dutch error, and no file.
    assert (
        main(["export", "--gemeente", "GM9999", "--output", str(tmp_path / "b.csv")])
        == 2
    )
    assert "eindigt op .xlsx" in capsys.readouterr().err
    missing = tmp_path / "nergens" / "c.xlsx"
    assert main(["export", "--gemeente", "GM9999", "--output", str(missing)]) == 2
    assert "bestaat niet" in capsys.readouterr().err and not missing.exists()


def test_eindhoven_geopackage_has_every_buurt_and_indicator(catalogue, tmp_path):
    if not (CBS_DIR / "kwb_2022.csv").exists():
        pytest.skip("../shared/data/cbs ontbreekt")
    import_eindhoven()
    data = load_dataset("GM0772")
    path = tmp_path / "eindhoven.gpkg"
    path.write_bytes(export_bytes(data, 2022, catalogue_for(data), "gpkg"))
    assert [name for name, _ in pyogrio.list_layers(path)] == [
        "buurten", "wijken", "buurten_wgs84",
    ]  # fmt: skip
    layer = gpd.read_file(path, layer="buurten")
    assert len(layer) == 116 and layer.crs.to_epsg() == 28992
    assert set(data.wide(2022).columns) <= set(layer.columns)
    # Full CBS outlines: the areas add up to the gemeente's (within a hundredth).
    assert layer.area.sum() == pytest.approx(
        data.buurten.to_crs(28992).area.sum(), rel=0.01
    )


def test_map_image_has_title_legend_and_source(demo, catalogue):
    from ui.map_image import colouring_of, map_image

    ind = "pct_huishoudens_laag_inkomen"
    colours = colouring_of(demo, 2023, catalogue, ind, "afwijking")
    svg = map_image(demo, 2023, catalogue, ind, colours, "svg").decode()
    for text in (
        "Huishoudens met een laag inkomen per buurt, Voorbeeldstad (fictief), 2023",
        "kracht: beter, buiten de gewone",
        "Bron: CBS Kerncijfers wijken en buurten, 2023",
        "Peildatum: inkomen over 2023, van wie op 1 januari 2023 in Nederland woonde.",
        "Fictieve gegevens",
    ):
        assert text.replace("&", "&amp;") in svg, text
    # Every buurt a shape in its own colour: the Kaart's colours, not new ones.
    for colour in set(colours.colours.dropna()):
        assert colour.lower() in svg.lower()
    with pytest.raises(AnalysisError, match="Onbekende kleuring"):
        colouring_of(demo, 2023, catalogue, ind, "regenboog")


def test_cli_map_png_in_print_quality(
    database_url, demo, tmp_path, monkeypatch, capsys
):
    from PIL import Image

    import_gemeente(demo)
    monkeypatch.setenv("WIJK_DATABASE_URL", database_url)
    path = tmp_path / "kaart.png"
    argv = [
        "map",
        "--gemeente",
        "GM9999",
        "--indicator",
        "pct_huishoudens_laag_inkomen",
    ]
    assert main([*argv, "--kleuren", "afwijking", "--output", str(path)]) == 0
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width >= 1600
    assert main([*argv, "--output", str(tmp_path / "kaart.jpg")]) == 2
    assert "eindigt op .png of .svg" in capsys.readouterr().err
