"""The folium map: classes, legend, offline assets, escaping and the selected buurt."""

import re

import pandas as pd
import pytest
from streamlit_folium import _get_header, _get_map_string

from ui.maps import (
    MISSING_COLOUR,
    SEQUENTIAL,
    choropleth,
    legend_items,
    quantile_classes,
)


@pytest.mark.parametrize(
    "values, k, edges",
    [
        ([1.0, 2.0, 3.0, 4.0], 2, [1.0, 2.5, 4.0]),
        ([5.0, 5.0, 5.0], 5, [5.0, 5.0]),  # one value: one class
        ([1.0, 1.0, 1.0, 9.0], 4, [1.0, 3.0, 9.0]),  # repeated edges collapse
        ([1.0, None, 3.0], 2, [1.0, 2.0, 3.0]),  # missing values are left out
        ([], 5, []),
    ],
)
def test_quantile_classes(values, k, edges):
    assert quantile_classes(pd.Series(values, dtype=float), k).edges == edges


def test_class_colours_keep_the_palette_ends():
    classes = quantile_classes(pd.Series([1.0, 2.0, 3.0, 4.0]), k=2)
    assert classes.colours == [SEQUENTIAL[0], SEQUENTIAL[-1]]
    assert classes.colour(1.2) == SEQUENTIAL[0]
    assert classes.colour(3.9) == SEQUENTIAL[-1]
    assert classes.colour(float("nan")) == MISSING_COLOUR


def test_legend_labels_and_missing_entry(catalogue):
    ind = catalogue["pct_huishoudens_laag_inkomen"]
    items = legend_items(quantile_classes(pd.Series([1.0, 2.0, 3.0, 4.0]), k=2), ind, 3)
    assert items[0] == (SEQUENTIAL[0], "1,0% – 2,5%")
    assert items[-1][0] == MISSING_COLOUR and "3 buurten" in items[-1][1]


def render(m):
    m.get_root().render()
    return _get_map_string(m), _get_header(m)


def test_map_has_every_buurt_and_no_cdn(demo, catalogue):
    ind = catalogue["pct_huishoudens_laag_inkomen"]
    values = demo.wide(2023)[ind.id]
    m = choropleth(
        demo.buurten, values, ind, quantile_classes(values), selected="BU99990201"
    )
    script, header = render(m)
    assert script.count('"type": "Feature"') == len(demo.buurten)
    # Assets come from this server only.
    assert [src for _, src in m.default_js] == [
        "/app/static/vendor/leaflet/leaflet.js",
        "/app/static/vendor/jquery/jquery.min.js",
    ]
    assert not re.search(r"https?://", script + header)
    # Suppressed buurten are grey, the selected one outlined in black.
    assert MISSING_COLOUR in script and '"weight": 4' in script


def test_basemap_is_optional_and_the_only_online_part(demo, catalogue):
    ind = catalogue["aantal_inwoners"]
    values = demo.wide(2023)[ind.id]
    m = choropleth(demo.buurten, values, ind, quantile_classes(values), basemap=True)
    script, _ = render(m)
    assert re.findall(r"https?://[^\"' ]+", script) == [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ]


def test_base_url_prefixes_assets(demo, catalogue):
    ind = catalogue["aantal_inwoners"]
    values = demo.wide(2023)[ind.id]
    m = choropleth(
        demo.buurten, values, ind, quantile_classes(values), base_url="wijk/"
    )
    assert m.default_js[0][1] == "wijk/app/static/vendor/leaflet/leaflet.js"


def test_names_are_escaped_in_tooltips(demo, catalogue):
    buurten = demo.buurten.copy()
    buurten.loc[0, "buurtnaam"] = '<img src=x onerror="alert(1)">'
    ind = catalogue["aantal_inwoners"]
    values = demo.wide(2023)[ind.id]
    script, _ = render(choropleth(buurten, values, ind, quantile_classes(values)))
    # The GeoJSON is embedded as JSON, where "&" is written as \u0026.
    assert "<img" not in script
    assert "\\u0026lt;img src=x onerror=\\u0026quot;alert(1)" in script


def test_vendored_assets_exist():
    from pathlib import Path

    static = Path(__file__).resolve().parent.parent / "static" / "vendor"
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "jquery/jquery.min.js"):
        assert (static / name).stat().st_size > 10_000
