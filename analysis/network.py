"""What a buurt already has to connect to a need: partners with an offer on the theme in or near
it, residents' talents, and the vindplaatsen where its residents can be found.

Distances are in metres in RD New, from a partner's point to the buurt's outline (0 inside);
a partner also counts for the buurten it says it serves, wherever its address is.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import shapely

from analysis.geometry import RD, WGS84

NEAR_M = 1000  # a partner this close to a buurt's edge is 'near' it
SHOWN = 2  # partners and vindplaatsen named in one suggestion


def locator(buurten: gpd.GeoDataFrame) -> Callable[[float, float], str | None]:
    """A function (lon, lat) → the buurtcode of the buurt the point lies in, None outside."""
    shapes = buurten.to_crs(WGS84) if buurten.crs else buurten
    codes = shapes["buurtcode"].to_numpy()
    tree = shapely.STRtree(shapes.geometry.to_numpy())

    def locate(lon: float, lat: float) -> str | None:
        hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
        return str(codes[min(hits)]) if len(hits) else None

    return locate


def distances(buurten: gpd.GeoDataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Metres from every item (with a point) to every buurt within `NEAR_M`, and 0 for the
    buurten it serves: columns id, buurtcode, metres."""
    rows = [
        {"id": item["id"], "buurtcode": code, "metres": 0.0}
        for item in items.to_dict("records")
        for code in item["buurtcodes"]
    ]
    placed = items.dropna(subset=["lon", "lat"])
    if len(placed):
        points = gpd.GeoSeries(
            gpd.points_from_xy(placed["lon"], placed["lat"]), crs=WGS84
        ).to_crs(RD)
        outlines = buurten.to_crs(RD)
        for item_id, point in zip(placed["id"], points):
            near = outlines.distance(point)
            for code, metres in zip(outlines["buurtcode"], near):
                if metres <= NEAR_M:
                    rows.append({"id": item_id, "buurtcode": code, "metres": metres})
    frame = pd.DataFrame(rows, columns=["id", "buurtcode", "metres"])
    return frame.groupby(["id", "buurtcode"], as_index=False)["metres"].min()


def metres_words(metres: float) -> str:
    """'in de buurt', '300 m', '1,2 km': how far, rounded the way people say it.

    >>> [metres_words(m) for m in (0, 260, 960, 1240)]
    ['in de buurt', '300 m', '1,0 km', '1,2 km']
    """
    if metres < 50:
        return "in de buurt"
    if metres < 950:
        return f"{round(metres, -2):.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


def links(
    buurten: gpd.GeoDataFrame, network: pd.DataFrame, themes: list[str]
) -> pd.DataFrame:
    """Per buurt × theme what can be connected: `partners` (phrases such as 'Stichting X
    (vrijwilligerswerk; 500 m)', nearest first) and `vindplaatsen` (names, those on the
    theme first). Only partners with an offer count; a vindplaats counts in its own buurt."""
    index = pd.MultiIndex.from_product(
        [buurten["buurtcode"], themes], names=["buurtcode", "theme"]
    )
    out = pd.DataFrame(index=index)
    out["partners"] = [[] for _ in range(len(out))]
    out["vindplaatsen"] = [[] for _ in range(len(out))]
    if network.empty:
        return out
    near = distances(buurten, network).merge(network, on="id", suffixes=("", "_item"))
    partners = near[(near["soort"] == "partner") & (near["offers"].map(len) > 0)]
    for row in partners.sort_values(["metres", "name"]).itertuples():
        for theme in row.themes:
            if (row.buurtcode, theme) in out.index:
                offer = ", ".join(row.offers[:2])
                out.at[(row.buurtcode, theme), "partners"].append(
                    f"{row.name} ({offer}; {metres_words(row.metres)})"
                )
    places = network[network["soort"] == "vindplaats"].explode("buurtcodes")
    for row in places.itertuples():
        for theme in themes:
            if (row.buurtcodes, theme) in out.index:
                out.at[(row.buurtcodes, theme), "vindplaatsen"].append(
                    (theme not in row.themes, row.name)
                )
    out["vindplaatsen"] = out["vindplaatsen"].map(  # on the theme first, then by name
        lambda cell: [name for _, name in sorted(cell)]
    )
    return out


def connect_phrase(cell: dict) -> str:
    """'Te verbinden: X (…) en 3 bewoners met een talent hiervoor; bewoners vind je bij Y'
    for one buurt × theme, '' when there is nothing to connect."""
    partners = list(cell.get("partners") or [])
    talents = int(cell.get("talent") or 0)
    parts = partners[:SHOWN]
    if len(partners) > SHOWN:
        parts.append(f"{len(partners) - SHOWN} andere partners")
    if talents:
        parts.append(
            f"{talents} {'bewoner' if talents == 1 else 'bewoners'} met een talent hiervoor"
        )
    if not parts:
        return ""
    places = list(cell.get("vindplaatsen") or [])[:SHOWN]
    phrase = "te verbinden: " + (
        parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    )
    if places:
        phrase += f"; bewoners vind je bij {' en '.join(places)}"
    return phrase
