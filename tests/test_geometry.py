"""Reading buurt layers: formats, CRS cases, water, repair, gemeente choice, simplification."""

import io
import json
import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon

from analysis.errors import AnalysisError
from analysis.geometry import (
    AREA_COLUMNS,
    detect_crs,
    display_geometry,
    max_boundary_shift,
    read_geometry,
)
from tests.conftest import CBS_DIR
from ui.maps import encode_shapes


@pytest.fixture(scope="module")
def layer(demo):
    """Six demo buurten with PDOK attribute names, in RD New."""
    rd = demo.buurten.head(6).to_crs(28992)
    return rd.assign(water="NEE", aantal_inwoners=1000)


def geojson_bytes(gdf: gpd.GeoDataFrame, crs_member: bool = True) -> bytes:
    collection = json.loads(gdf.to_json())  # geopandas writes a "crs" member for RD
    if not crs_member:
        collection.pop("crs", None)
    return json.dumps(collection).encode()


def zipped_shapefile(gdf: gpd.GeoDataFrame, tmp_path, prj: bool = True) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "buurt_2022_v1.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in folder.iterdir():
            if prj or file.suffix != ".prj":
                archive.write(file, file.name)
    return buffer.getvalue()


def gpkg_bytes(layers: dict[str, gpd.GeoDataFrame], tmp_path) -> bytes:
    path = tmp_path / "wijkenbuurten_2023_v1.gpkg"
    for name, gdf in layers.items():
        gdf.to_file(path, layer=name, driver="GPKG")
    return path.read_bytes()


def test_geojson_wgs84(demo):
    read = read_geometry(geojson_bytes(demo.buurten.head(6)), "b.geojson")
    assert list(read.buurten.columns) == AREA_COLUMNS + ["geometry"]
    assert read.buurten.crs.to_epsg() == 4326 and len(read.buurten) == 6
    assert read.warnings == []


def test_geojson_rd_with_crs_member(layer):
    read = read_geometry(geojson_bytes(layer), "b.geojson")
    assert read.warnings == []
    assert read.buurten.total_bounds[0] == pytest.approx(5.76, abs=0.1)  # degrees now


def test_geojson_rd_without_crs_is_detected_with_a_warning(layer):
    read = read_geometry(geojson_bytes(layer, crs_member=False), "b.geojson")
    assert "RD New" in read.warnings[0]
    assert read.buurten.total_bounds[1] == pytest.approx(52.4, abs=0.1)


def test_shapefile_zip_without_prj_in_degrees(demo, tmp_path):
    data = zipped_shapefile(demo.buurten.head(6), tmp_path, prj=False)
    read = read_geometry(data, "buurten.zip")
    assert "EPSG:4326" in read.warnings[0]
    assert len(read.buurten) == 6


def test_shapefile_zip_with_prj(layer, tmp_path):
    read = read_geometry(
        zipped_shapefile(layer, tmp_path), "wijkbuurtkaart_2022_v1.zip"
    )
    assert read.warnings == [] and read.buurten.crs.to_epsg() == 4326


def test_coordinates_outside_the_netherlands_are_refused(layer):
    far = layer.set_geometry(layer.geometry.translate(5_000_000, 0)).set_crs(
        None, allow_override=True
    )
    with pytest.raises(AnalysisError, match="passen niet bij Nederland"):
        detect_crs(far)


def test_gpkg_picks_the_buurten_layer(layer, tmp_path):
    wijken = layer.dissolve("wijkcode", as_index=False)[["wijkcode", "geometry"]]
    data = gpkg_bytes(
        {"gemeenten": wijken.head(1), "wijken": wijken, "buurten": layer}, tmp_path
    )
    assert len(read_geometry(data, "wijkenbuurten_2023_v1.gpkg").buurten) == 6


def test_gpkg_without_buurten_layer(layer, tmp_path):
    wijken = layer.dissolve("wijkcode", as_index=False)[["wijkcode", "geometry"]]
    data = gpkg_bytes({"gemeenten": wijken.head(1), "wijken": wijken}, tmp_path)
    with pytest.raises(AnalysisError, match="geen laag met buurten"):
        read_geometry(data, "wijkenbuurten_2023_v1.gpkg")


def test_water_is_dropped_and_invalid_repaired(layer):
    bowtie = Polygon(
        [(183000, 493000), (183500, 493500), (183500, 493000), (183000, 493500)]
    )
    broken = layer.copy()
    broken.loc[broken.index[0], "geometry"] = bowtie
    broken.loc[broken.index[1], "water"] = "JA"
    read = read_geometry(geojson_bytes(broken), "b.geojson")
    assert len(read.buurten) == 5
    assert read.buurten.is_valid.all()
    assert "1 waterdelen weggelaten." in read.notes
    assert "1 ongeldige kaartvlakken hersteld." in read.notes


def test_several_gemeenten_need_a_choice(layer):
    other = layer.head(2).assign(buurtcode=["BU99980101", "BU99980102"])
    both = gpd.GeoDataFrame(gpd.pd.concat([layer, other]), crs=layer.crs)
    with pytest.raises(AnalysisError, match="2 gemeenten"):
        read_geometry(geojson_bytes(both), "nl.geojson")
    assert (
        len(read_geometry(geojson_bytes(both), "nl.geojson", gemeente="gm9998").buurten)
        == 2
    )
    with pytest.raises(AnalysisError, match="geen buurten van gemeente GM0001"):
        read_geometry(geojson_bytes(both), "nl.geojson", gemeente="GM0001")


def test_missing_names_get_fallbacks(layer):
    bare = layer[["buurtcode", "geometry"]]
    row = read_geometry(geojson_bytes(bare), "b.geojson").buurten.iloc[0]
    assert row["wijkcode"] == "WK" + row["buurtcode"][2:8]
    assert row["gemeentecode"] == "GM9999" and row["buurtnaam"] == row["buurtcode"]


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"{}", "kaart.kml", "onbekend kaartbestand"),
        (b"not a zip", "kaart.zip", "geen geldig zip"),
        (b"{not json", "kaart.geojson", "kan niet als kaart gelezen"),
    ],
)
def test_bad_geometry_files(data, name, message):
    with pytest.raises(AnalysisError, match=message):
        read_geometry(data, name)


def test_no_code_column(layer):
    with pytest.raises(AnalysisError, match="geen kolom met de CBS-buurtcode"):
        read_geometry(geojson_bytes(layer[["buurtnaam", "geometry"]]), "b.geojson")


def test_display_geometry_keeps_neighbours_touching(demo):
    display = display_geometry(demo.buurten, tolerance_m=20)
    rd = display.to_crs(28992)
    union = shapely.union_all(rd.geometry.to_numpy())
    assert rd.area.sum() == pytest.approx(union.area, rel=1e-6)  # no overlaps
    assert len(getattr(union, "interiors", [])) == 0  # no gaps
    assert 0 < max_boundary_shift(demo.buurten, display) <= 25


@pytest.mark.skipif(not CBS_DIR.exists(), reason="shared CBS data not present")
def test_real_eindhoven_simplifies_without_visible_loss():
    path = CBS_DIR / "buurten_GM0772_eindhoven.geojson"
    full = read_geometry(path.read_bytes(), path.name).buurten
    display = display_geometry(full)
    assert len(full) == 116
    assert len(display.to_json()) < len(full.to_json()) / 2.5
    assert max_boundary_shift(full, display) <= 5  # metres: invisible at buurt scale
    # What the browser gets: at least five times smaller than the full GeoJSON.
    shapes = json.dumps(encode_shapes(display), separators=(",", ":"))
    assert len(shapes) * 5 <= len(full.to_json())
