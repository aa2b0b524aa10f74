"""The buurt map: a folium map drawn by streamlit-folium, its colours, legends and layers.

Leaflet and its marker clusters come from `static/vendor/` (Streamlit static serving; folium's
CDN links replaced): the map needs no request outside the app's own server; without the optional
online base map the background is plain white. The outlines go to the browser once, as quantised
steps by address (`Shapes`); a rerun sends only new colours, tooltips and points (`Opmaak`),
which restyle the map already on screen.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from analysis.catalogue import Indicator
from ui.assets import publish, vendor_url

# The script of `Buurten`, the one piece of the map folium does not write itself.
_BUURTEN_JS = (Path(__file__).parent / "templates" / "buurten.js.j2").read_text(
    encoding="utf-8"
)

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
    "aandacht": "aandacht: slechter, buiten de gewone spreiding",
    "iets slechter": "iets slechter, binnen de gewone spreiding",
    "iets beter": "iets beter, binnen de gewone spreiding",
    "kracht": "kracht: beter, buiten de gewone spreiding",
    "veel lager": "lager, buiten de gewone spreiding",
    "veel hoger": "hoger, buiten de gewone spreiding",
}
# Quantisation of the map geometry: 0.00001° is 1.1 m north-south and 0.7 m east-west here.
STEP = 1e-5


@dataclass(frozen=True)
class Classes:
    """Quantile classes of one indicator: `edges` has one more entry than `colours`."""

    edges: list[float]
    colours: list[str]

    def indices(self, values: pd.Series) -> pd.Series:
        """Each value's class (0 is the lowest), NaN where there is no value; all at once,
        which on 1,000 buurten is most of a restyle's time saved."""
        found = np.searchsorted(self.edges[1:-1], values.to_numpy(float), side="right")
        return pd.Series(found, index=values.index).where(values.notna())


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
    classes: Classes, indicator: Indicator, n_missing: int, level: str = "buurt"
) -> list[tuple[str, str]]:
    """(colour, Dutch label) per class, plus the grey 'no figure' entry when it occurs, counted
    in the map's areas (`level`: buurt or wijk)."""
    items = []
    for i, colour in enumerate(classes.colours):
        low, high = classes.edges[i], classes.edges[i + 1]
        items.append((colour, indicator.format_range(low, high)))
    return items + missing_item(n_missing, level=level)


def missing_item(
    n_missing: int, why: str = "geheim of niet beschikbaar", level: str = "buurt"
) -> list[tuple[str, str]]:
    """The grey legend entry: 'geen cijfer: geheim … (3 wijken)'.

    >>> missing_item(1, level="wijk")[0][1]
    'geen cijfer: geheim of niet beschikbaar (1 wijk)'
    >>> missing_item(0)
    []
    """
    if not n_missing:
        return []
    label = level if n_missing == 1 else f"{level}en"
    return [(MISSING_COLOUR, f"geen cijfer: {why} ({n_missing} {label})")]


def deviation_legend(classes: pd.Series, indicator: Indicator) -> list[tuple[str, str]]:
    """Legend for the deviation map: the five classes, then buurten without a class."""
    from analysis.signals import POSITIONS

    order = POSITIONS[1 if indicator.direction else 0]
    items = [
        (DEVIATION_COLOURS[c], DEVIATION_LABELS.get(c, c)) for c in reversed(order)
    ]
    return items + missing_item(
        int(classes.isna().sum()), "geheim, niet beschikbaar of minder dan 200 inwoners"
    )


def quantile_colours(values: pd.Series, classes: Classes) -> pd.Series:
    palette = dict(enumerate(classes.colours))
    # (as text even when no value has a class, so the grey can go in)
    return classes.indices(values).map(palette).astype(object).fillna(MISSING_COLOUR)


def quantile_words(values: pd.Series, classes: Classes) -> pd.Series:
    """The class of each value in words ("klasse 2 van 5"), so the table says what the
    colour says."""
    words = {
        i: f"klasse {i + 1} van {len(classes.colours)}"
        for i in range(len(classes.colours))
    }
    return classes.indices(values).map(words).astype(object).fillna("geen cijfer")


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


def inline_legend(items: list[tuple[str, str]]) -> None:
    """A legend in one line: a box in each colour with its label."""
    st.markdown(
        " ".join(
            '<span style="display:inline-flex;align-items:center;gap:.3rem;margin-right:1rem">'
            f"{swatch(colour, 1.2, 0.9)}{html.escape(label)}</span>"
            for colour, label in items
        ),
        unsafe_allow_html=True,
    )


KIND_COLOURS = {
    "kracht": "#0571b0", "zorg": "#ca0020", "droom": "#7b3294", "talent": "#1b7837",
}  # fmt: skip
KIND_LABELS = {"kracht": "Kracht", "zorg": "Zorg", "droom": "Droom", "talent": "Talent"}
# The network's own symbols: a square for a partner, a triangle for a vindplaats.
NETWORK_COLOURS = {"partner": "#00585e", "vindplaats": "#b35c00"}


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


def network_icon(soort: str, size: int = 16) -> str:
    """A square (partner) or a triangle (vindplaats), white-edged so it shows on any fill,
    never round like a story or a diamond like an initiative."""
    colour = NETWORK_COLOURS[soort]
    if soort == "partner":
        return (
            f'<span aria-hidden="true" style="display:inline-block;width:{size - 2}px;'
            f"height:{size - 2}px;background:{colour};"
            f'border:2px solid #ffffff;outline:1.5px solid #1f2a44"></span>'
        )
    return (
        f'<svg width="{size + 2}" height="{size + 2}" viewBox="0 0 20 20" aria-hidden="true">'
        f'<polygon points="10,1 19,18 1,18" fill="{colour}" stroke="#ffffff" '
        'stroke-width="2.5" paint-order="stroke"/>'
        '<polygon points="10,1 19,18 1,18" fill="none" stroke="#1f2a44" stroke-width="1"/>'
        "</svg>"
    )


# --- the data the map component draws -------------------------------------------------------


def encode_shapes(buurten: gpd.GeoDataFrame) -> dict:
    """Buurt outlines as whole steps of `STEP` degrees, each ring as [dx, dy, dx, dy, …]
    from the south-west corner: a third of the size of GeoJSON with 5 decimals."""
    x0, y0 = (round(float(v), 5) for v in buurten.total_bounds[:2])
    rings = []
    for geometry in buurten.geometry:
        polygons = shapely.get_parts(geometry)
        rings.append(
            [
                [_steps(ring, x0, y0) for ring in (p.exterior, *p.interiors)]
                for p in polygons
                if not p.is_empty
            ]
        )
    return {
        "codes": buurten["buurtcode"].tolist(),
        "origin": [x0, y0],
        "step": STEP,
        "rings": rings,
    }


def _steps(ring, x0: float, y0: float) -> list[int]:
    points = np.round((np.asarray(ring.coords)[:-1] - [x0, y0]) / STEP).astype(np.int64)
    return np.diff(points, axis=0, prepend=[[0, 0]]).ravel().tolist()


# How a buurt's outline is drawn (templates/buurten.js.j2, polygonStyle).
PLAIN, NO_FIGURE, CHOSEN, OUTLINED = 0, 1, 2, 3


def buurt_style(
    buurten: gpd.GeoDataFrame,
    values: pd.Series,
    indicator,
    colours: pd.Series,
    selected: str | None = None,
    notes: pd.Series | None = None,
    outlined: frozenset[str] = frozenset(),
) -> dict:
    """Fill colour, tooltip and outline per buurt, in the order of `encode_shapes`.

    The tooltip reads "Oude Haven: 15,4%", plus the buurt's `notes` entry in brackets where
    given, so the class is also in words. Names are HTML-escaped: Leaflet tooltips render
    HTML, and names can come from uploads. `outlined` buurten (those an initiative serves)
    get a thick dashed border, the selected one a thick black line.
    """
    codes = buurten["buurtcode"]
    aligned = values.reindex(codes).to_numpy()
    extra = (
        notes.reindex(codes).to_numpy() if notes is not None else [None] * len(codes)
    )
    fill = colours.reindex(codes).fillna(MISSING_COLOUR).tolist()
    return {
        "fill": fill,
        "tip": [
            f"{html.escape(name)}: "
            + (indicator.format(v) if not pd.isna(v) else "geen cijfer")
            + (f" ({html.escape(str(e))})" if isinstance(e, str) else "")
            for name, v, e in zip(buurten["buurtnaam"], aligned, extra)
        ],
        "mark": [
            CHOSEN
            if code == selected
            else OUTLINED
            if code in outlined
            else NO_FIGURE
            if colour == MISSING_COLOUR
            else PLAIN
            for code, colour in zip(codes, fill)
        ],  # fmt: skip
    }


def story_points(
    stories: pd.DataFrame,
    buurten: gpd.GeoDataFrame,
    hide_exact: bool,
    quotes: bool = True,
) -> list[list]:
    """Stories as [lat, lon, colour, tooltip, popup]: small circles coloured by kind, the
    quote in the popup.

    With `hide_exact`, recorded points are not used: every story is spread within its buurt.
    Without `quotes` the dots say only kind and buurt. All user text is HTML-escaped: popups
    and tooltips render HTML.
    """
    shapes = buurten.set_index("buurtcode").geometry
    names = buurten.set_index("buurtcode")["buurtnaam"]
    points = []
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
        colour = KIND_COLOURS.get(story["kind"], "#555555")
        tooltip = f"{kind} · {html.escape(names[code])}"
        points.append([round(lat, 6), round(lon, 6), colour, tooltip, popup])
    return points


def initiative_points(
    initiatives: pd.DataFrame,
    buurten: gpd.GeoDataFrame,
    colours: dict[str, str],
    theme_labels: dict[str, str],
) -> list[list]:
    """Initiatives as [lat, lon, icon, title, popup]: diamonds in the colour of their first
    theme, at their own location or inside the first buurt they serve; the popup names phase,
    themes and buurten served. User text is HTML-escaped."""
    shapes = buurten.set_index("buurtcode").geometry
    names = buurten.set_index("buurtcode")["buurtnaam"]
    points = []
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
        icon = initiative_icon(colours.get(theme, "#555555"))
        # A marker's title is its accessible name and its tooltip; Leaflet sets it as text.
        title = f"{item['name']} ({item['phase']})"
        points.append([round(lat, 6), round(lon, 6), icon, title, popup])
    return points


def network_points(
    items: pd.DataFrame, buurten: gpd.GeoDataFrame, theme_labels: dict[str, str]
) -> list[list]:
    """Partners and vindplaatsen as [lat, lon, icon, title, popup]: at their own point, or
    inside the first buurt they serve. User text is HTML-escaped."""
    shapes = buurten.set_index("buurtcode").geometry
    names = buurten.set_index("buurtcode")["buurtnaam"]
    points = []
    for item in items.to_dict("records"):
        served = [c for c in item["buurtcodes"] if c in shapes.index]
        if pd.notna(item["lon"]) and pd.notna(item["lat"]):
            lon, lat = item["lon"], item["lat"]
        elif served:
            lon, lat = spread_point(shapes[served[0]], str(item["id"]))
        else:
            continue
        what = "Partner" if item["soort"] == "partner" else "Vindplaats"
        details = [f"{what} · {item['category']}"]
        if item["offers"]:
            details.append("Biedt: " + ", ".join(item["offers"]))
        if item["themes"]:
            details.append(", ".join(theme_labels.get(t, t) for t in item["themes"]))
        if served:
            details.append("Voor: " + ", ".join(names[c] for c in served))
        if item["contact"]:
            details.append(f"Contact: {item['contact']}")
        popup = (
            f"<div style='max-width:20rem'><b>{html.escape(item['name'])}</b><br>"
            + "<br>".join(html.escape(d) for d in details)
            + (
                f"<br><i>{html.escape(item['description'])}</i>"
                if item["description"]
                else ""
            )
            + "</div>"
        )
        title = f"{item['name']} ({what.lower()})"
        points.append(
            [round(lat, 6), round(lon, 6), network_icon(item["soort"]), title, popup]
        )
    return points


# --- the map: folium, drawn by streamlit-folium --------------------------------------------


@dataclass(frozen=True)
class Shapes:
    """Outlines of a gemeente's buurten (or wijken) as the map fetches them: `encode_shapes`
    as JSON, published by the app's own server under its content hash (ui/assets.publish), so
    a browser fetches them once and keeps them; a rerun never sends them again."""

    name: str
    body: bytes
    # (south, west), (north, east): where the map first looks
    bounds: tuple[tuple[float, float], tuple[float, float]]

    @classmethod
    def of(cls, areas: gpd.GeoDataFrame) -> Shapes:
        body = json.dumps(encode_shapes(areas), separators=(",", ":")).encode()
        west, south, east, north = (round(float(v), 5) for v in areas.total_bounds)
        name = hashlib.sha256(body).hexdigest()[:24] + ".json"
        return cls(name, body, ((south, west), (north, east)))

    def url(self) -> str:
        return publish(self.name, self.body, st.get_option("server.baseUrlPath"))


class Buurten(JSCSSMixin, MacroElement):
    """The buurt outlines on the folium map, fetched from `url` and drawn once, and what
    updates them: `window.kaart.apply(data)` (see `Opmaak`) restyles the polygons already on
    screen, so the zoom and position stay where the user left them. Also what folium does
    not do by itself: Dutch names for the controls, a Dutch frame title and language, a
    viewport the user may zoom (WCAG 1.4.4), a scale bar in metres only."""

    _template = Template(_BUURTEN_JS)

    def __init__(self, url: str, bounds, vendor: str) -> None:
        super().__init__()
        self._name = "Buurten"
        self.url, self.bounds = url, [list(bounds[0]), list(bounds[1])]
        self.default_js = [
            ("markercluster", f"{vendor}/markercluster/leaflet.markercluster.js")
        ]
        self.default_css = [
            ("markercluster_css", f"{vendor}/markercluster/MarkerCluster.css"),
            (
                "markercluster_default",
                f"{vendor}/markercluster/MarkerCluster.Default.css",
            ),
        ]


class Opmaak(MacroElement):
    """What changes from run to run, as data: the fill, tooltip and outline of every buurt,
    the story and initiative points, the base map, the map's name. streamlit-folium adds it
    to the map already on screen (`feature_group_to_add`); it does not rebuild the map."""

    _template = Template(
        "{% macro script(this, kwargs) %}window.kaart.apply({{ this.data|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = "Opmaak"
        self.data = data


def buurt_map(
    shapes: Shapes,
    style: dict,
    *,
    key: str,
    label: str,
    height: int = 580,
    stories: list[list] | None = None,
    initiatives: list[list] | None = None,
    network: list[list] | None = None,
    basemap: bool = False,
    on_click: Callable[[str], None] | None = None,
) -> None:
    """Draw (or restyle) the map, a folium map in `st_folium`; `on_click(buurtcode)` runs
    before the rerun a click on a buurt starts.

    `label` is the map's name for a screen reader: say what it shows and where the same
    figures stand as a table. The base map (outlines by address, controls) is the same from
    run to run, so streamlit-folium keeps it; only `Opmaak` travels.
    """
    from streamlit_folium import st_folium

    vendor = vendor_url(st.get_option("server.baseUrlPath"))
    base = folium.Map(tiles=None, zoom_control=False, zoom_snap=0.25, font_size="14px")
    base.default_js = [("leaflet", f"{vendor}/leaflet/leaflet.js")]
    base.default_css = [("leaflet_css", f"{vendor}/leaflet/leaflet.css")]
    Buurten(shapes.url(), shapes.bounds, vendor).add_to(base)
    layers = folium.FeatureGroup(name="opmaak", control=False)
    Opmaak(
        {
            "label": label,
            "style": style,
            "stories": stories,
            "initiatives": initiatives,
            "network": network,
            "basemap": basemap,
            "missing": MISSING_COLOUR,
        }
    ).add_to(layers)

    def clicked() -> None:
        drawing = (st.session_state.get(key) or {}).get("last_active_drawing") or {}
        code = (drawing.get("properties") or {}).get("buurtcode")
        if on_click and code:
            on_click(code)

    st_folium(
        base,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        feature_group_to_add=layers,
        on_change=clicked,
        render=False,  # st_folium renders the map itself as well: once is enough
    )


def map_table(
    key: str,
    buurten: gpd.GeoDataFrame,
    values: pd.Series,
    label: str,
    number_format: str,
    words: pd.Series | None = None,
    words_label: str = "Signaal",
    area: str = "buurt",
) -> None:
    """The map as a table, one switch away under it: the same figures per buurt (or wijk),
    sortable, with the colour's meaning in words. For whoever cannot see or use the map.

    Drawn only when asked for: a table grid costs the browser more than half a second, on
    every visit, even folded away in an expander."""
    if not st.toggle(
        "De kaart als tabel",
        key=key,
        help="Dezelfde cijfers per buurt in een tabel die je kunt sorteren.",
    ):
        return
    table = pd.DataFrame(
        {
            f"{area.capitalize()}code": buurten["buurtcode"].to_numpy(),
            area.capitalize(): buurten["buurtnaam"].to_numpy(),
            "Wijk": buurten["wijknaam"].to_numpy(),
            label: values.reindex(buurten["buurtcode"]).to_numpy(),
        }
    )
    if area == "wijk":
        table = table.drop(columns="Wijk")
    if words is not None:
        table[words_label] = words.reindex(buurten["buurtcode"]).fillna("–").to_numpy()
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        # A long indicator name would make its column wider than the map: the header is
        # shortened on screen (in full on hover), the figures stay in view.
        column_config={
            label: st.column_config.NumberColumn(
                format=number_format, width="small", help=label
            )
        },
    )
