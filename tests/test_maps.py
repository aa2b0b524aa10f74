"""The folium map: classes, legend, offline assets, escaping and the selected buurt."""

import re

import pandas as pd
import pytest
from streamlit_folium import _get_header, _get_map_string

from ui.maps import (
    DEVIATION_COLOURS,
    MISSING_COLOUR,
    SEQUENTIAL,
    choropleth,
    deviation_colours,
    deviation_legend,
    legend_items,
    quantile_classes,
    quantile_colours,
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


def quantile_map(buurten, values, ind, classes, **options):
    return choropleth(
        buurten, values, ind, quantile_colours(values, classes), **options
    )


def render(m):
    m.get_root().render()
    return _get_map_string(m), _get_header(m)


def test_map_has_every_buurt_and_no_cdn(demo, catalogue):
    ind = catalogue["pct_huishoudens_laag_inkomen"]
    values = demo.wide(2023)[ind.id]
    m = quantile_map(
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
    m = quantile_map(demo.buurten, values, ind, quantile_classes(values), basemap=True)
    script, _ = render(m)
    assert re.findall(r"https?://[^\"' ]+", script) == [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ]


def test_base_url_prefixes_assets(demo, catalogue):
    ind = catalogue["aantal_inwoners"]
    values = demo.wide(2023)[ind.id]
    m = quantile_map(
        demo.buurten, values, ind, quantile_classes(values), base_url="wijk/"
    )
    assert m.default_js[0][1] == "wijk/app/static/vendor/leaflet/leaflet.js"


def test_names_are_escaped_in_tooltips(demo, catalogue):
    buurten = demo.buurten.copy()
    buurten.loc[0, "buurtnaam"] = '<img src=x onerror="alert(1)">'
    ind = catalogue["aantal_inwoners"]
    values = demo.wide(2023)[ind.id]
    script, _ = render(quantile_map(buurten, values, ind, quantile_classes(values)))
    # The GeoJSON is embedded as JSON, where "&" is written as \u0026.
    assert "<img" not in script
    assert "\\u0026lt;img src=x onerror=\\u0026quot;alert(1)" in script


def test_vendored_assets_exist():
    from pathlib import Path

    static = Path(__file__).resolve().parent.parent / "static" / "vendor"
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "jquery/jquery.min.js"):
        assert (static / name).stat().st_size > 10_000


def test_deviation_map_is_red_for_aandacht(demo, catalogue):
    from analysis.reference import weighted_reference
    from analysis.signals import buurt_signals, deviation_classes

    ind = catalogue["pct_huishoudens_laag_inkomen"]
    wide = demo.wide(2023)
    ref = weighted_reference(wide, catalogue)
    classes = deviation_classes(wide[ind.id], ref.at[ind.id, "value"], ind, wide)
    signals = buurt_signals(wide, demo.status(2023), ref, catalogue)
    own = signals[signals["indicator"] == ind.id].set_index("buurtcode")["signal"]
    # The outer classes are exactly the signals: one rule, two views.
    assert (classes == "aandacht").sum() == (own == "aandacht").sum() > 0
    assert set(classes[own == "kracht"]) == {"kracht"}
    assert classes[own.isna()].isna().all()
    colours = deviation_colours(classes)
    assert set(colours[classes == "aandacht"]) == {DEVIATION_COLOURS["aandacht"]}
    script, _ = render(
        choropleth(demo.buurten, wide[ind.id], ind, colours, notes=classes)
    )
    assert '(aandacht)"' in script  # the class is named in the tooltip
    legend = deviation_legend(classes, ind)
    assert legend[0] == (
        DEVIATION_COLOURS["kracht"],
        "kracht: duidelijk beter dan de gemeente",
    )
    assert "minder dan 200 inwoners" in legend[-1][1]


def test_deviation_for_context_indicators_does_not_judge(demo, catalogue):
    from analysis.reference import weighted_reference
    from analysis.signals import deviation_classes

    ind = catalogue["pct_65_plus"]
    wide = demo.wide(2023)
    ref = weighted_reference(wide, catalogue).at[ind.id, "value"]
    classes = deviation_classes(wide[ind.id], ref, ind, wide)
    assert set(classes.dropna()) <= {
        "veel lager",
        "lager",
        "gemiddeld",
        "hoger",
        "veel hoger",
    }
    assert "veel hoger" in set(classes)  # Bloemenwijk is old


def test_story_layer_escapes_and_hides_points(demo, catalogue):
    import folium
    import shapely

    from ui.maps import add_story_layer, spread_point

    stories = pd.DataFrame(
        {
            "id": ["a", "b"],
            "buurtcode": ["BU99990201", "BU99990201"],
            "kind": ["zorg", "droom"],
            "title": ["<b>kop</b>", ""],
            "text": ['<img src=x onerror="alert(1)">', "Een speeltuin"],
            "lon": [5.85, None],
            "lat": [52.42, None],
        }
    )
    m = folium.Map(tiles=None)
    add_story_layer(m, stories, demo.buurten, hide_exact=False)
    script, _ = render(m)
    assert (
        "<img" not in script
        and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in script
    )
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in [
        src
        for _, src in next(
            c for c in m._children.values() if hasattr(c, "default_js")
        ).default_js
    ]
    assert "[52.42, 5.85]" in script  # the exact point is used
    hidden = folium.Map(tiles=None)
    add_story_layer(hidden, stories, demo.buurten, hide_exact=True)
    assert "[52.42, 5.85]" not in render(hidden)[0]
    # Stories without a point: inside their buurt, spread, and the same on every run.
    shape = demo.buurten.set_index("buurtcode").geometry["BU99990201"]
    points = {spread_point(shape, key) for key in "abcdefgh"}
    assert len(points) == 8 and spread_point(shape, "a") == spread_point(shape, "a")
    assert all(shape.contains(shapely.Point(p)) for p in points)
