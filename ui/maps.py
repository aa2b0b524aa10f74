"""The buurt map as a folium object that needs no request outside the app's own server.

Leaflet and jQuery come from `static/vendor/` (Streamlit static serving) instead of folium's
CDN links; without the optional online base map the background is plain white.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass

import branca
import folium
import folium.plugins
import geopandas as gpd
import jinja2
import numpy as np
import pandas as pd
import shapely

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
    # maxZoom is normally set by a tile layer; without one, MarkerCluster needs it here.
    m = folium.Map(
        tiles=None, zoom_snap=0.25, maxZoom=18
    )  # max_zoom= only reaches tiles
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
            ".leaflet-tooltip{font-size:14px}"
            # Story clusters in neutral white, so they do not compete with the choropleth.
            ".marker-cluster,.marker-cluster div{background:rgba(255,255,255,.85)!important}"
            ".marker-cluster div{border:2px solid #1f2a44;color:#1f2a44;font-weight:700}</style>"
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
    outlined: frozenset[str] = frozenset(),
) -> folium.Map:
    """Buurten filled with `colours` (index buurtcode), with a tooltip and the selection outlined.

    `outlined` buurten (those an initiative serves, say) get a thick dashed border.

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
        # No "className" here: it stops streamlit-folium from reporting clicks on buurten.
        props = feature["properties"]
        chosen = props["buurtcode"] == selected
        served = props["buurtcode"] in outlined
        dash = "10 6" if served else "4 3" if props["kleur"] == MISSING_COLOUR else None
        return {
            "fillColor": props["kleur"],
            "fillOpacity": 0.85,
            "color": "#000000" if chosen or served else OUTLINE,
            "weight": 4 if chosen or served else 1,
            "dashArray": None if chosen else dash,
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


# Verwacht versus werkelijk for outcomes where more is worse (youth care, Wmo, bijstand):
# more than expected in the colour of aandacht, less in that of kracht.
EXPECTED_COLOURS = {
    "meer dan verwacht": DEVIATION_COLOURS["aandacht"],
    "zoals verwacht": DEVIATION_COLOURS["gemiddeld"],
    "minder dan verwacht": DEVIATION_COLOURS["kracht"],
}


def expected_colours(verdicts: pd.Series) -> pd.Series:
    return verdicts.map(lambda v: EXPECTED_COLOURS.get(v, MISSING_COLOUR))


def expected_legend(verdicts: pd.Series) -> list[tuple[str, str]]:
    """Legend for the verwacht-versus-werkelijk map; the verdict also stands in words in
    every tooltip, so nothing rests on colour alone."""
    items = [(colour, verdict) for verdict, colour in EXPECTED_COLOURS.items()]
    judged = verdicts.isin(list(EXPECTED_COLOURS))
    return items + missing_item(
        int((~judged).sum()), "geen oordeel (geheim, te weinig gegevens of inwoners)"
    )


def swatch(colour: str, width: float, height: float, round_: bool = False) -> str:
    """A legend key: a box (or dot) of `colour`, `width` × `height` rem, as inline HTML."""
    shape = "border-radius:50%" if round_ else "border:1px solid #4d4d4d"
    return (
        f'<span style="display:inline-block;width:{width}rem;height:{height}rem;'
        f'background:{colour};{shape}"></span>'
    )


KIND_COLOURS = {"kracht": "#0571b0", "zorg": "#ca0020", "droom": "#7b3294"}
KIND_LABELS = {"kracht": "Kracht", "zorg": "Zorg", "droom": "Droom"}


def spread_point(polygon, key: str) -> tuple[float, float]:
    """A point inside `polygon` that depends only on `key`: stories without a location are
    spread over their buurt (not stacked on its centre), the same way on every run."""
    rng = np.random.default_rng(int(hashlib.sha256(key.encode()).hexdigest()[:12], 16))
    minx, miny, maxx, maxy = polygon.bounds
    for _ in range(200):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if polygon.contains(shapely.Point(x, y)):
            return x, y
    point = polygon.representative_point()
    return point.x, point.y


def add_story_layer(
    m: folium.Map,
    stories: pd.DataFrame,
    buurten: gpd.GeoDataFrame,
    hide_exact: bool,
    base_url: str = "",
    quotes: bool = True,
) -> None:
    """Stories as small circles coloured by kind, clustered where dense, the quote in a popup.

    With `hide_exact`, recorded points are not used: every story is spread within its buurt.
    Without `quotes` the dots say only kind and buurt. All user text is HTML-escaped: popups
    and tooltips render HTML.
    """
    prefix = f"{base_url.rstrip('/')}/{VENDOR}" if base_url else f"/{VENDOR}"
    cluster = folium.plugins.MarkerCluster(
        name="Verhalen", options={"maxClusterRadius": 40, "disableClusteringAtZoom": 16}
    )
    cluster.default_js = [
        ("markerclusterjs", f"{prefix}/markercluster/leaflet.markercluster.js")
    ]
    cluster.default_css = [
        ("markerclustercss", f"{prefix}/markercluster/MarkerCluster.css"),
        (
            "markerclusterdefaultcss",
            f"{prefix}/markercluster/MarkerCluster.Default.css",
        ),
    ]
    shapes = buurten.set_index("buurtcode").geometry
    names = buurten.set_index("buurtcode")["buurtnaam"]
    for story in stories.to_dict("records"):
        code = story["buurtcode"]
        if code not in shapes.index:
            continue
        exact = not hide_exact and pd.notna(story["lon"]) and pd.notna(story["lat"])
        lon, lat = (
            (story["lon"], story["lat"])
            if exact
            else spread_point(shapes[code], str(story["id"]))
        )
        kind = KIND_LABELS.get(story["kind"], story["kind"])
        title = f"<b>{html.escape(story['title'])}</b><br>" if story["title"] else ""
        quote = f"<br>{title}“{html.escape(story['text'])}”" if quotes else ""
        popup = (
            f"<div style='max-width:18rem'><b>{kind}</b> · {html.escape(names[code])}"
            f"{quote}</div>"
        )
        folium.CircleMarker(
            location=[lat, lon],
            radius=7,
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=KIND_COLOURS.get(story["kind"], "#555555"),
            fill_opacity=0.95,
            popup=folium.Popup(popup, max_width=320),
            tooltip=f"{kind} · {html.escape(names[code])}",
        ).add_to(cluster)
    cluster.add_to(m)


# Okabe & Ito's qualitative palette (colour-blind safe), one colour per theme in catalogue order.
THEME_PALETTE = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    "#999999",
]  # fmt: skip


def theme_colours(themes: list[str]) -> dict[str, str]:
    return {t: THEME_PALETTE[i % len(THEME_PALETTE)] for i, t in enumerate(themes)}


def initiative_icon(colour: str, size: int = 16) -> str:
    """A diamond, so initiatives never look like the round story dots."""
    return (
        f'<div style="width:{size}px;height:{size}px;background:{colour};'
        f'border:2px solid #ffffff;outline:1.5px solid #1f2a44;transform:rotate(45deg)"></div>'
    )


def add_initiative_layer(
    m: folium.Map,
    initiatives: pd.DataFrame,
    buurten: gpd.GeoDataFrame,
    colours: dict[str, str],
    theme_labels: dict[str, str],
) -> None:
    """Initiatives as diamonds in the colour of their first theme, at their own location or
    inside the first buurt they serve; the popup names phase, themes and buurten served.
    User text is HTML-escaped."""
    shapes = buurten.set_index("buurtcode").geometry
    names = buurten.set_index("buurtcode")["buurtnaam"]
    layer = folium.FeatureGroup(name="Initiatieven")
    for item in initiatives.to_dict("records"):
        served = [c for c in item["buurtcodes"] if c in shapes.index]
        if not served:
            continue
        if pd.notna(item["lon"]) and pd.notna(item["lat"]):
            lon, lat = item["lon"], item["lat"]
        else:
            lon, lat = spread_point(shapes[served[0]], str(item["id"]))
        theme = item["themes"][0] if item["themes"] else ""
        popup = (
            f"<div style='max-width:20rem'><b>{html.escape(item['name'])}</b><br>"
            f"Fase: {html.escape(item['phase'])} · "
            f"{html.escape(', '.join(theme_labels.get(t, t) for t in item['themes']))}<br>"
            f"Voor: {html.escape(', '.join(names[c] for c in served))}"
            + (
                f"<br><i>{html.escape(item['description'])}</i>"
                if item["description"]
                else ""
            )
            + "</div>"
        )
        folium.Marker(
            location=[lat, lon],
            icon=folium.DivIcon(
                html=initiative_icon(colours.get(theme, "#555555")),
                icon_size=(16, 16),
                icon_anchor=(8, 8),
                class_name="initiatief",
            ),
            popup=folium.Popup(popup, max_width=340),
            tooltip=f"{html.escape(item['name'])} ({html.escape(item['phase'])})",
        ).add_to(layer)
    layer.add_to(m)
