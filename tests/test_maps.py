"""The map: classes, legend, geometry encoding, offline assets, escaping and the selection."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from ui.maps import (
    CHOSEN,
    DEVIATION_COLOURS,
    MISSING_COLOUR,
    NO_FIGURE,
    OUTLINED,
    SEQUENTIAL,
    STEP,
    buurt_style,
    deviation_colours,
    deviation_legend,
    encode_shapes,
    legend_items,
    quantile_classes,
    quantile_colours,
    quantile_words,
    spread_point,
    story_points,
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
    values = pd.Series([1.2, 3.9, float("nan"), 2.5], index=["a", "b", "c", "d"])
    assert quantile_colours(values, classes).to_dict() == {
        "a": SEQUENTIAL[0],
        "b": SEQUENTIAL[-1],
        "c": MISSING_COLOUR,
        "d": SEQUENTIAL[-1],  # an edge belongs to the class above it
    }
    assert quantile_words(values, classes).tolist() == [
        "klasse 1 van 2", "klasse 2 van 2", "geen cijfer", "klasse 2 van 2",
    ]  # fmt: skip


def test_legend_labels_and_missing_entry(catalogue):
    ind = catalogue["pct_huishoudens_laag_inkomen"]
    items = legend_items(quantile_classes(pd.Series([1.0, 2.0, 3.0, 4.0]), k=2), ind, 3)
    assert items[0] == (SEQUENTIAL[0], "1,0 – 2,5%")  # the unit once
    assert items[-1][0] == MISSING_COLOUR and "3 buurten" in items[-1][1]


def quantile_style(buurten, values, ind, **options):
    colours = quantile_colours(values, quantile_classes(values))
    return buurt_style(buurten, values, ind, colours, **options)


def decode(shapes: dict) -> list[list[list[np.ndarray]]]:
    """What the map (templates/buurten.js.j2) does with the steps: add them up from the
    origin."""
    origin = np.array(shapes["origin"])
    return [
        [
            [
                origin + np.cumsum(np.reshape(r, (-1, 2)), axis=0) * shapes["step"]
                for r in p
            ]
            for p in polygons
        ]
        for polygons in shapes["rings"]
    ]


def test_shapes_decode_to_the_outlines_within_half_a_step(demo):
    shapes = encode_shapes(demo.map_geometry)
    assert shapes["codes"] == demo.map_geometry["buurtcode"].tolist()
    for geometry, polygons in zip(demo.map_geometry.geometry, decode(shapes)):
        parts = shapely.get_parts(geometry)
        assert len(parts) == len(polygons)
        for part, rings in zip(parts, polygons):
            expected = [part.exterior, *part.interiors]
            assert len(rings) == len(expected)
            for ring, points in zip(expected, rings):
                original = np.asarray(ring.coords)[:-1]
                assert np.abs(points - original).max() <= STEP / 2 + 1e-9


def test_style_has_one_entry_per_buurt_and_outlines_the_choice(demo, catalogue):
    ind = catalogue["pct_huishoudens_laag_inkomen"]
    values = demo.wide(2023)[ind.id]
    codes = demo.buurten["buurtcode"].tolist()
    style = quantile_style(
        demo.buurten, values, ind, selected=codes[3], outlined=frozenset(codes[5:7])
    )
    assert len(style["fill"]) == len(style["tip"]) == len(style["mark"]) == len(codes)
    missing = values.reindex(codes).isna().tolist()
    assert [f == MISSING_COLOUR for f in style["fill"]] == missing
    assert style["mark"][3] == CHOSEN and style["mark"][5:7] == [OUTLINED, OUTLINED]
    assert style["mark"].count(NO_FIGURE) == sum(
        missing[:3] + missing[4:5] + missing[7:]
    )


def test_the_basemap_address_is_the_only_online_part():
    js = Path(__file__).resolve().parent.parent / "ui" / "templates" / "buurten.js.j2"
    assert re.findall(r"https?://[^\"' ]+", js.read_text()) == [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ]


def test_the_outlines_are_published_once_under_their_content(demo):
    """The map fetches its outlines by an address that names their content: the browser
    keeps them for good, and other outlines get another address."""
    from ui.assets import PUBLISHED
    from ui.maps import Shapes

    shapes = Shapes.of(demo.map_geometry)
    url = shapes.url()
    assert url == f"/kaartvormen/{shapes.name}"
    answer = PUBLISHED[shapes.name]
    assert json.loads(answer.plain[0]) == encode_shapes(demo.map_geometry)
    assert b"immutable" in dict(answer.plain[1])[b"cache-control"]
    assert Shapes.of(demo.map_geometry.iloc[:5]).name != shapes.name
    assert shapes.bounds[0][0] < shapes.bounds[1][0]  # south below north


def test_names_are_escaped_in_tooltips(demo, catalogue):
    buurten = demo.buurten.copy()
    buurten.loc[0, "buurtnaam"] = '<img src=x onerror="alert(1)">'
    ind = catalogue["aantal_inwoners"]
    values = demo.wide(2023)[ind.id]
    tip = quantile_style(buurten, values, ind)["tip"][0]
    assert tip.startswith("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;: ")


def test_vendored_assets_exist():
    static = Path(__file__).resolve().parent.parent / "static" / "vendor"
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css"):
        assert (static / name).stat().st_size > 10_000


def test_deviation_map_is_red_for_aandacht(demo, catalogue):
    from analysis.reference import weighted_reference
    from analysis.signals import buurt_signals, deviation_classes

    ind = catalogue["gem_inkomen_per_inwoner"]
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
    tips = buurt_style(demo.buurten, wide[ind.id], ind, colours, notes=classes)["tip"]
    assert any(t.endswith("(aandacht)") for t in tips)  # the class in words
    legend = deviation_legend(classes, ind)
    assert legend[0] == (
        DEVIATION_COLOURS["kracht"],
        "kracht: beter, buiten de gewone spreiding",
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
    oldest = wide[ind.id].idxmax()  # in Bloemenwijk
    assert classes[oldest] in {"hoger", "veel hoger"}
    assert classes[wide[ind.id].idxmin()] in {"lager", "veel lager"}


def test_story_points_escape_and_hide_points(demo):
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
    points = story_points(stories, demo.buurten, hide_exact=False)
    popup = points[0][4]
    assert (
        "<img" not in popup
        and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in popup
    )
    assert "&lt;b&gt;kop&lt;/b&gt;" in popup
    assert points[0][:2] == [52.42, 5.85]  # the exact point is used
    hidden = story_points(stories, demo.buurten, hide_exact=True)
    assert hidden[0][:2] != [52.42, 5.85]
    quiet = story_points(stories, demo.buurten, hide_exact=True, quotes=False)
    assert all("speeltuin" not in p[4] and "img" not in p[4] for p in quiet)
    # Stories without a point: inside their buurt, spread, and the same on every run.
    shape = demo.buurten.set_index("buurtcode").geometry["BU99990201"]
    spread = {spread_point(shape, key) for key in "abcdefgh"}
    assert len(spread) == 8 and spread_point(shape, "a") == spread_point(shape, "a")
    assert all(shape.contains(shapely.Point(p)) for p in spread)
    assert shape.contains(shapely.Point(hidden[0][1], hidden[0][0]))
