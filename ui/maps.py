"""The buurt map as a folium object that needs no request outside the app's own server.

Leaflet and jQuery come from `static/vendor/` (Streamlit static serving) instead of folium's
CDN links; without the optional online base map the background is plain white.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import branca
import folium
import geopandas as gpd
import jinja2
import numpy as np
import pandas as pd

from analysis.catalogue import Indicator

# ColorBrewer YlGnBu, 5 classes: sequential and safe for colour-blind readers.
SEQUENTIAL = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
MISSING_COLOUR = "#d9d9d9"
# Deviation from the gemeente: ColorBrewer RdBu (colour-blind safe), red always means
# aandacht; for context indicators PuOr, which says higher or lower without judging.
DEVIATION_COLOURS = {
    "aandacht": "#ca0020", "iets slechter": "#f4a582", "gemiddeld": "#f7f7f7",
    "iets beter": "#92c5de", "kracht": "#0571b0",
    "veel lager": "#5e3c99", "lager": "#b2abd2", "hoger": "#fdb863", "veel hoger": "#e66101",
}  # fmt: skip
DEVIATION_LABELS = {
    "aandacht": "aandacht: duidelijk slechter dan de gemeente",
    "iets slechter": "iets slechter",
    "iets beter": "iets beter",
    "kracht": "kracht: duidelijk beter dan de gemeente",
    "veel lager": "duidelijk lager dan de gemeente",
    "veel hoger": "duidelijk hoger dan de gemeente",
}
OUTLINE = "#4d4d4d"
VENDOR = "app/static/vendor"
BASEMAP_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
BASEMAP_ATTRIBUTION = "&copy; OpenStreetMap-bijdragers"


class MetricScale(branca.element.MacroElement):
    """A scale bar in metres only (folium's own also shows feet)."""

    _template = jinja2.Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


@dataclass(frozen=True)
class Classes:
    """Quantile classes of one indicator: `edges` has one more entry than `colours`."""

    edges: list[float]
    colours: list[str]

    def colour(self, value: float) -> str:
        if pd.isna(value):
            return MISSING_COLOUR
        index = int(np.searchsorted(self.edges[1:-1], value, side="right"))
        return self.colours[index]


def quantile_classes(values: pd.Series, k: int = 5) -> Classes:
    """Up to `k` classes with about as many buurten each; fewer when values repeat.

    >>> quantile_classes(pd.Series([1.0, 2.0, 3.0, 4.0]), k=2).edges
    [1.0, 2.5, 4.0]
    """
    present = values.dropna().astype(float)
    if present.empty:
        return Classes(edges=[], colours=[])
    edges = sorted(set(np.quantile(present, np.linspace(0, 1, k + 1)).round(6)))
    if len(edges) == 1:
        edges = [edges[0], edges[0]]
    n = len(edges) - 1
    # Spread the palette over the classes we have, keeping its light and dark ends.
    colours = [
        SEQUENTIAL[round(i * (len(SEQUENTIAL) - 1) / max(n - 1, 1))] for i in range(n)
    ]
    return Classes(edges=[float(e) for e in edges], colours=colours)


def legend_items(
    classes: Classes, indicator: Indicator, n_missing: int
) -> list[tuple[str, str]]:
    """(colour, Dutch label) per class, plus the grey 'no figure' entry when it occurs."""
    items = []
    for i, colour in enumerate(classes.colours):
        low, high = classes.edges[i], classes.edges[i + 1]
        items.append((colour, f"{indicator.format(low)} – {indicator.format(high)}"))
    return items + missing_item(n_missing)


def missing_item(
    n_missing: int, why: str = "geheim of niet beschikbaar"
) -> list[tuple[str, str]]:
    if not n_missing:
        return []
    label = "buurt" if n_missing == 1 else "buurten"
    return [(MISSING_COLOUR, f"geen cijfer: {why} ({n_missing} {label})")]


def deviation_legend(classes: pd.Series, indicator: Indicator) -> list[tuple[str, str]]:
    """Legend for the deviation map: the five classes, then buurten without a class."""
    from analysis.signals import DEVIATION_CLASSES

    order = DEVIATION_CLASSES[1 if indicator.direction else 0]
    items = [
        (DEVIATION_COLOURS[c], DEVIATION_LABELS.get(c, c)) for c in reversed(order)
    ]
    return items + missing_item(
        int(classes.isna().sum()), "geheim, niet beschikbaar of minder dan 200 inwoners"
    )


def base_map(
    bounds: list[list[float]], base_url: str = "", basemap: bool = False
) -> folium.Map:
    """An empty Leaflet map fitted to `bounds`, loading its scripts from this app only."""
    m = folium.Map(tiles=None, zoom_snap=0.25)
    MetricScale().add_to(m)
    prefix = f"{base_url.rstrip('/')}/{VENDOR}" if base_url else f"/{VENDOR}"
    # Replace folium's CDN assets (Leaflet, jQuery, Bootstrap, Font Awesome) with ours.
    m.default_js = [
        ("leaflet", f"{prefix}/leaflet/leaflet.js"),
        ("jquery", f"{prefix}/jquery/jquery.min.js"),
    ]
    m.default_css = [("leaflet_css", f"{prefix}/leaflet/leaflet.css")]
    m.get_root().header.add_child(
        branca.element.Element(
            "<style>.leaflet-container{background:#ffffff;font-size:14px}"
            ".leaflet-tooltip{font-size:14px}</style>"
        )
    )
    if basemap:
        folium.TileLayer(
            BASEMAP_URL, attr=BASEMAP_ATTRIBUTION, name="Achtergrondkaart"
        ).add_to(m)
    m.fit_bounds(bounds)
    return m


def choropleth(
    buurten: gpd.GeoDataFrame,
    values: pd.Series,
    indicator: Indicator,
    colours: pd.Series,
    selected: str | None = None,
    base_url: str = "",
    basemap: bool = False,
    notes: pd.Series | None = None,
) -> folium.Map:
    """Buurten filled with `colours` (index buurtcode), with a tooltip and the selection outlined.

    The tooltip reads "Oude Haven: 15,4%", plus the buurt's `notes` entry in brackets where
    given. Names are HTML-escaped: Leaflet tooltips render HTML, and names can come from uploads.
    """
    minx, miny, maxx, maxy = buurten.total_bounds
    m = base_map([[miny, minx], [maxy, maxx]], base_url=base_url, basemap=basemap)
    codes = buurten["buurtcode"]
    aligned = values.reindex(codes).to_numpy()
    extra = (
        notes.reindex(codes).to_numpy() if notes is not None else [None] * len(codes)
    )
    fill = colours.reindex(codes).fillna(MISSING_COLOUR).to_numpy()
    layer = gpd.GeoDataFrame(
        {
            "buurtcode": codes.to_numpy(),
            # One short line, so the tooltip fits near the map's edge.
            "tooltip": [
                f"{html.escape(name)}: "
                + (indicator.format(v) if not pd.isna(v) else "geen cijfer")
                + (f" ({html.escape(str(e))})" if isinstance(e, str) else "")
                for name, v, e in zip(buurten["buurtnaam"], aligned, extra)
            ],
            "kleur": fill,
        },
        geometry=buurten.geometry.to_numpy(),
        crs=buurten.crs,
    )

    def style(feature: dict) -> dict:
        props = feature["properties"]
        chosen = props["buurtcode"] == selected
        return {
            "fillColor": props["kleur"],
            "fillOpacity": 0.85,
            "color": "#000000" if chosen else OUTLINE,
            "weight": 4 if chosen else 1,
            "dashArray": "4 3" if props["kleur"] == MISSING_COLOUR else None,
        }

    folium.GeoJson(
        layer,
        name="Buurten",
        style_function=style,
        highlight_function=lambda _: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=False),
    ).add_to(m)
    return m


def quantile_colours(values: pd.Series, classes: Classes) -> pd.Series:
    return values.map(classes.colour)


def deviation_colours(classes: pd.Series) -> pd.Series:
    return classes.map(lambda c: DEVIATION_COLOURS.get(c, MISSING_COLOUR))
