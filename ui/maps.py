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
    if n_missing:
        label = "buurt" if n_missing == 1 else "buurten"
        items.append(
            (
                MISSING_COLOUR,
                f"geen cijfer: geheim of niet beschikbaar ({n_missing} {label})",
            )
        )
    return items


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
    classes: Classes,
    selected: str | None = None,
    base_url: str = "",
    basemap: bool = False,
) -> folium.Map:
    """Buurten coloured by `values` (index buurtcode), with a tooltip and the selection outlined.

    Names are HTML-escaped: Leaflet tooltips render HTML, and names can come from uploads.
    """
    minx, miny, maxx, maxy = buurten.total_bounds
    m = base_map([[miny, minx], [maxy, maxx]], base_url=base_url, basemap=basemap)
    aligned = values.reindex(buurten["buurtcode"]).to_numpy()
    layer = gpd.GeoDataFrame(
        {
            "buurtcode": buurten["buurtcode"].to_numpy(),
            # One short line ("Oude Haven: 15,4%"), so the tooltip fits near the map's edge.
            "tooltip": [
                f"{html.escape(name)}: "
                + (indicator.format(v) if not pd.isna(v) else "geen cijfer")
                for name, v in zip(buurten["buurtnaam"], aligned)
            ],
            "kleur": [classes.colour(v) for v in aligned],
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
