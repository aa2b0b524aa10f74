"""Build the fictional demo gemeente "Voorbeeldstad" (GM9999) into data/demo/.

Run `python data/demo/build_demo.py`; the fixed seed makes the output byte-identical on every run.
Geometry is a two-level Voronoi tiling in RD New (wijken tile the gemeente, buurten tile their wijk);
statistics follow each buurt's hand-set profile with noise, and are suppressed the way CBS does;
stories and initiatives are hand-written Dutch in the *_source.txt files, placed here on the map.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Point, Polygon, mapping

HERE = Path(__file__).resolve().parent
SEED = 20261122
GEMEENTE = ("GM9999", "Voorbeeldstad (fictief)")
# A plausible spot in RD New (EPSG:28992): farmland in Flevoland, far from any real town centre.
CENTRE_RD = (183_000.0, 493_000.0)
YEARS = (2022, 2023)

# Wijk: code suffix, name, seed offset from the centre in metres, and its buurten as
# (name, inhabitants in the latest year, ses -1 poor..+1 rich, age -1 young..+1 old,
#  family 0..1 share of families, density 0 rural..1 inner city).
WIJKEN = [
    (
        "01",
        "Centrum",
        (0, 0),
        [
            ("Binnenstad", 2150, 0.1, -0.2, 0.1, 1.0),
            ("Marktkwartier", 1640, 0.3, 0.0, 0.2, 0.95),
            ("Kerkbuurt", 1180, 0.4, 0.4, 0.3, 0.85),
            ("Stationsbuurt", 2480, -0.3, -0.5, 0.2, 0.9),
            ("Vestingwal", 960, 0.6, 0.5, 0.3, 0.8),
            ("Lange Gracht", 1370, 0.2, 0.1, 0.3, 0.85),
        ],
    ),
    (
        "02",
        "Havenkwartier",
        (1900, -900),
        [
            ("Oude Haven", 3120, -0.9, -0.1, 0.5, 0.8),
            ("Werfbuurt", 2640, -0.8, -0.4, 0.7, 0.75),
            ("Sluiskwartier", 1890, -0.5, 0.1, 0.4, 0.7),
            ("Kanaalbuurt", 2210, -0.6, 0.0, 0.5, 0.7),
            ("Zuiderkade", 1460, -0.2, 0.2, 0.3, 0.65),
        ],
    ),
    (
        "03",
        "Bloemenwijk",
        (-1700, -1200),
        [
            ("Rozenbuurt", 2380, -0.5, 0.8, 0.2, 0.6),
            ("Tulpenbuurt", 2050, -0.3, 0.7, 0.3, 0.6),
            ("Seringenbuurt", 1720, -0.2, 0.6, 0.3, 0.55),
            ("Dahliabuurt", 1930, -0.4, 0.5, 0.4, 0.6),
            ("Irisbuurt", 1560, 0.0, 0.6, 0.3, 0.5),
            ("Lavendelhof", 640, 0.1, 1.0, 0.0, 0.5),
        ],
    ),
    (
        "04",
        "De Akkers",
        (-2200, 700),
        [
            ("Korenakker", 2760, -0.1, -0.2, 0.8, 0.5),
            ("Haverakker", 2490, 0.0, -0.1, 0.8, 0.45),
            ("Vlasakker", 2120, -0.4, -0.3, 0.8, 0.5),
            ("Gerstakker", 1980, 0.2, 0.0, 0.7, 0.45),
            ("De Hooiberg", 1310, 0.3, 0.2, 0.6, 0.4),
            ("Akkerpark", 880, 0.4, 0.3, 0.5, 0.35),
        ],
    ),
    (
        "05",
        "Vaartzicht",
        (600, 2300),
        [
            ("Vaartzicht-Noord", 3480, 0.5, -0.8, 1.0, 0.4),
            ("Vaartzicht-Zuid", 3150, 0.4, -0.7, 0.9, 0.45),
            ("Waterrijk", 2270, 0.7, -0.6, 0.9, 0.35),
            ("Libellebuurt", 1840, 0.3, -0.7, 1.0, 0.4),
            ("Rietkraag", 410, 0.6, -0.9, 1.0, 0.3),
        ],
    ),
    (
        "06",
        "Molenkwartier",
        (-400, -2400),
        [
            ("Molenbuurt", 2230, 0.0, 0.1, 0.5, 0.55),
            ("Korenmolen", 1870, 0.1, 0.2, 0.5, 0.5),
            ("Zaagmolen", 1650, -0.1, 0.0, 0.6, 0.5),
            ("Molenplas", 1420, 0.3, 0.3, 0.5, 0.45),
            ("Watermolen", 1190, 0.2, 0.1, 0.6, 0.45),
        ],
    ),
    (
        "07",
        "Villapark",
        (2200, 1300),
        [
            ("Parkrand", 1520, 0.8, 0.5, 0.5, 0.35),
            ("Beukenlaan", 1180, 0.9, 0.6, 0.5, 0.3),
            ("Eikenhof", 990, 1.0, 0.7, 0.4, 0.25),
            ("Lindenhof", 860, 0.9, 0.8, 0.3, 0.25),
        ],
    ),
    (
        "08",
        "Buitengebied",
        (4300, 2600),
        [
            ("Buurtschap De Hoeve", 365, 0.3, 0.4, 0.6, 0.05),
            ("Polder Noord", 150, 0.4, 0.3, 0.6, 0.02),
            ("Bedrijventerrein De Vaart", 25, -0.2, -0.3, 0.1, 0.1),
        ],
    ),
]
# Rietkraag is new-build: it had this many inhabitants in the first year, and no amenities yet.
NEW_BUILD = {"Rietkraag": 85}

to_wgs84 = Transformer.from_crs(28992, 4326, always_xy=True).transform


def rd_to_wgs84(xy: np.ndarray) -> np.ndarray:
    return np.column_stack(to_wgs84(xy[:, 0], xy[:, 1]))


def gemeente_outline(rng: np.random.Generator) -> Polygon:
    """An irregular blob around the centre, stretched towards the rural north-east."""
    angles = np.linspace(0, 2 * math.pi, 72, endpoint=False)
    phase = rng.uniform(0, 2 * math.pi, 3)
    radius = 3300 * (
        1
        + 0.12 * np.sin(2 * angles + phase[0])
        + 0.07 * np.sin(3 * angles + phase[1])
        + 0.04 * np.sin(5 * angles + phase[2])
    )
    # The rural buurten lie to the north-east: push the boundary out there.
    radius *= 1 + 0.55 * np.exp(-(((angles - 0.55) / 0.45) ** 2))
    cx, cy = CENTRE_RD
    return Polygon(zip(cx + radius * np.cos(angles), cy + radius * np.sin(angles)))


def voronoi_cells(points: list[Point], clip: Polygon) -> list[Polygon]:
    """Voronoi cells of `points`, clipped to `clip`, in the order of `points`."""
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=clip)
    by_point = []
    for p in points:
        cell = next(c for c in cells.geoms if c.contains(p))
        by_point.append(cell.intersection(clip))
    return by_point


def sample_seeds(cell: Polygon, n: int, rng: np.random.Generator) -> list[Point]:
    """`n` well-spread points in `cell`: best-candidate sampling, then Lloyd relaxation."""
    minx, miny, maxx, maxy = cell.bounds
    seeds: list[Point] = []
    while len(seeds) < n:
        candidates = []
        while len(candidates) < 30:
            p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if cell.buffer(-60).contains(p):
                candidates.append(p)
        seeds.append(
            max(
                candidates, key=lambda c: min((c.distance(s) for s in seeds), default=0)
            )
        )
    for _ in range(4):  # Lloyd: move each seed to its cell's centroid for rounder cells
        seeds = [c.centroid for c in voronoi_cells(seeds, cell)]
    return seeds


def build_geometry(rng: np.random.Generator) -> list[dict]:
    outline = gemeente_outline(rng)
    cx, cy = CENTRE_RD
    wijk_seeds = [Point(cx + dx, cy + dy) for _, _, (dx, dy), _ in WIJKEN]
    wijk_cells = voronoi_cells(wijk_seeds, outline)
    buurten = []
    for (wcode, wname, _, profiles), wcell in zip(WIJKEN, wijk_cells):
        seeds = sample_seeds(wcell, len(profiles), rng)
        # Number buurten from the north-west, as people read a map.
        seeds.sort(key=lambda p: (-round(p.y / 400), p.x))
        for i, (_seed, cell) in enumerate(zip(seeds, voronoi_cells(seeds, wcell)), 1):
            name, inw, ses, age, family, density = profiles[i - 1]
            buurten.append(
                {
                    "buurtcode": f"BU9999{wcode}{i:02d}",
                    "buurtnaam": name,
                    "wijkcode": f"WK9999{wcode}",
                    "wijknaam": wname,
                    "geometry_rd": cell,
                    "profile": dict(
                        inw=inw, ses=ses, age=age, family=family, density=density
                    ),
                }
            )
    return shared_edges(buurten)


def shared_edges(buurten: list[dict]) -> list[dict]:
    """Rebuild the cells from one noded set of lines, on a 1 cm grid, so that neighbours
    share exactly the same vertices (no slivers or gaps once coordinates are rounded)."""
    lines = shapely.union_all(
        [b["geometry_rd"].boundary for b in buurten], grid_size=0.01
    )
    faces = list(shapely.polygonize(list(lines.geoms)).geoms)
    assert len(faces) == len(buurten), "the tiling should give one face per buurt"
    for b in buurten:
        b["geometry_rd"] = max(
            faces, key=lambda f: f.intersection(b["geometry_rd"]).area
        )
    return buurten


def _r(x: float, step: float) -> float:
    return round(round(x / step) * step, 6)


def buurt_statistics(b: dict, year: int, rng: np.random.Generator) -> dict[str, float]:
    """Plausible KWB-style figures for one buurt and year, driven by its profile."""
    p = b["profile"]
    ses, age, fam, dens = p["ses"], p["age"], p["family"], p["density"]
    inw = (
        p["inw"]
        if year == YEARS[-1]
        else NEW_BUILD.get(b["buurtnaam"], p["inw"] / 1.012)
    )
    noise = lambda s: rng.normal(0, s)  # noqa: E731
    area_ha = b["geometry_rd"].area / 10_000
    hh_size = np.clip(
        2.15 + 0.55 * fam - 0.35 * age - 0.4 * dens + noise(0.06), 1.4, 3.2
    )
    households = inw / hh_size
    pct_kids = np.clip(14 + 9 * fam - 4 * age - 3 * dens + noise(1.2), 3, 30)
    pct_young = np.clip(11 + 6 * dens * (age < 0) - 2 * age + noise(1.0), 4, 30)
    pct_old = np.clip(18 + 11 * age - 2 * fam + noise(1.5), 3, 45)
    income = np.clip(31 + 9.5 * ses + noise(1.2), 18, 60) * (
        1.045 if year == 2023 else 1
    )
    low_income = np.clip(8.5 - 6.5 * ses + 2 * dens + noise(0.8), 1.0, 25)
    bijstand_rate = np.clip(22 - 19 * ses + 8 * dens + noise(3), 1, 80)
    rental = np.clip(42 - 32 * ses + 22 * dens - 8 * fam + noise(4), 3, 95)
    woz = np.clip(300 + 140 * ses - 20 * dens + noise(12), 140, 800) * (
        1.13 if year == 2023 else 1
    )
    jeugdzorg = np.clip(9.5 - 4 * ses + noise(0.9), 2, 22)
    wmo = np.clip(68 + 45 * age - 22 * ses + noise(6), 15, 200)
    crime = np.clip(38 + 45 * dens**2 - 10 * ses + noise(4), 5, 160)
    centre_km = b["geometry_rd"].centroid.distance(Point(CENTRE_RD)) / 1000
    sparse = b["wijknaam"] in ("Vaartzicht", "Buitengebied")  # few amenities yet
    gp = np.clip(0.5 + 0.25 * centre_km + 0.9 * sparse + noise(0.1), 0.2, 9)
    shop = np.clip(0.4 + 0.15 * centre_km + 0.6 * sparse + noise(0.08), 0.2, 9)
    school = np.clip(0.4 + 0.1 * centre_km + 0.2 * sparse + noise(0.08), 0.2, 9)
    oad = np.clip(300 + 4200 * dens**1.5 + noise(80), 10, 7000)
    jongeren = inw * pct_kids / 100 * 1.2  # roughly the under-18s
    return {
        "aantal_inwoners": _r(inw, 5),
        "pct_0_15": _r(pct_kids, 1),
        "pct_15_25": _r(pct_young, 1),
        "pct_65_plus": _r(pct_old, 1),
        "aantal_huishoudens": _r(households, 5),
        "woningvoorraad": _r(households * rng.uniform(1.01, 1.05), 5),
        "pct_eenpersoonshuishoudens": _r(
            np.clip(100 * (2.6 - hh_size) / 1.4 + 18, 5, 85), 1
        ),
        "pct_huishoudens_met_kinderen": _r(np.clip(12 + 38 * fam - 8 * age, 3, 60), 1),
        "gem_huishoudensgrootte": _r(hh_size, 0.1),
        "bevolkingsdichtheid": _r(inw / (area_ha / 100), 1),
        "gem_inkomen_per_inwoner": _r(income, 0.1),
        "pct_huishoudens_laag_inkomen": _r(low_income, 0.1),
        "pct_huishoudens_sociaal_minimum": _r(
            np.clip(low_income * 0.95 + noise(0.5), 0.8, 25), 0.1
        ),
        # The wider poverty measures follow the low-income share, without noise of their
        # own (drawing none keeps every other figure of the demo as it was).
        "pct_huishoudens_tot_110_sociaal_minimum": _r(
            np.clip(low_income * 1.2, 1, 30), 0.1
        ),
        "pct_huishoudens_tot_120_sociaal_minimum": _r(
            np.clip(low_income * 1.5, 1, 35), 0.1
        ),
        "pct_huishoudens_40_laagste_inkomens": _r(
            np.clip(40 - 22 * ses + 6 * dens, 8, 80), 0.1
        ),
        "pct_personen_40_laagste_inkomens": _r(
            np.clip(38 - 20 * ses + 4 * dens - 3 * age, 8, 80), 0.1
        ),
        "mediaan_vermogen": _r(
            np.clip(60 + 80 * ses + 40 * age - 30 * dens, 2, 400), 1
        ),
        "personen_bijstand": _r(inw * bijstand_rate / 1000, 10),
        "gem_woz_waarde": _r(woz, 1),
        "pct_huurwoningen": _r(rental, 1),
        "pct_corporatiewoningen": _r(rental * np.clip(0.75 - 0.3 * ses, 0.2, 0.95), 1),
        "pct_eengezinswoningen": _r(
            np.clip(70 + 20 * fam - 55 * dens + noise(4), 2, 98), 1
        ),
        "pct_jongeren_jeugdzorg": _r(jeugdzorg, 0.1),
        "aantal_jongeren_jeugdzorg": _r(jongeren * jeugdzorg / 100, 5),
        "wmo_clienten_per_1000": _r(wmo, 1),
        "aantal_wmo_clienten": _r(inw * wmo / 1000, 5),
        "misdrijven_per_1000": _r(crime * (0.96 if year == 2023 else 1), 0.1),
        "pct_laag_opgeleid": _r(np.clip(27 - 14 * ses + noise(2), 5, 55), 1),
        "afstand_huisarts": _r(gp, 0.1),
        "afstand_supermarkt": _r(shop, 0.1),
        "afstand_basisschool": _r(school, 0.1),
        "omgevingsadressendichtheid": _r(oad, 1),
        "mate_stedelijkheid": float(
            1
            if oad >= 2500
            else 2
            if oad >= 1500
            else 3
            if oad >= 1000
            else 4
            if oad >= 500
            else 5
        ),
    }


# CBS suppresses figures about few people. Which figures go, by rule (our reading of the
# KWB "toelichting"): everything but size and location below 50 inhabitants; income and
# education below 200 inhabitants; counts of clients below 10 (and their percentage).
ALWAYS_PUBLISHED = {
    "aantal_inwoners",
    "aantal_huishoudens",
    "woningvoorraad",
    "bevolkingsdichtheid",
    "omgevingsadressendichtheid",
    "mate_stedelijkheid",
    "afstand_huisarts",
    "afstand_supermarkt",
    "afstand_basisschool",
}
INCOME_LIKE = {
    "gem_inkomen_per_inwoner",
    "pct_huishoudens_laag_inkomen",
    "pct_huishoudens_sociaal_minimum",
    "pct_huishoudens_tot_110_sociaal_minimum",
    "pct_huishoudens_tot_120_sociaal_minimum",
    "pct_huishoudens_40_laagste_inkomens",
    "pct_personen_40_laagste_inkomens",
    "mediaan_vermogen",
    "pct_laag_opgeleid",
}
SMALL_COUNTS = {
    "personen_bijstand": ["personen_bijstand"],
    "aantal_jongeren_jeugdzorg": [
        "aantal_jongeren_jeugdzorg",
        "pct_jongeren_jeugdzorg",
    ],
    "aantal_wmo_clienten": ["aantal_wmo_clienten", "wmo_clienten_per_1000"],
}
AMENITIES = {"afstand_huisarts", "afstand_supermarkt", "afstand_basisschool"}


def suppression(stats: dict[str, float], buurtnaam: str, year: int) -> dict[str, str]:
    """Reason per suppressed indicator: 'geheim' or 'niet beschikbaar'."""
    reasons: dict[str, str] = {}
    inw = stats["aantal_inwoners"]
    if inw < 50:
        reasons |= {k: "geheim" for k in stats if k not in ALWAYS_PUBLISHED}
    if inw < 200:
        reasons |= {k: "geheim" for k in INCOME_LIKE}
    for count, hidden in SMALL_COUNTS.items():
        if stats[count] < 10:
            reasons |= {k: "geheim" for k in hidden}
    if buurtnaam in NEW_BUILD and year == YEARS[0]:
        reasons |= {k: "niet beschikbaar" for k in AMENITIES}
    return reasons


def write_geometry(buurten: list[dict], out: Path) -> None:
    features = []
    for b in buurten:
        geom = shapely.set_precision(
            shapely.transform(b["geometry_rd"], rd_to_wgs84), 1e-6
        )
        props = {k: b[k] for k in ("buurtcode", "buurtnaam", "wijkcode", "wijknaam")}
        props |= {"gemeentecode": GEMEENTE[0], "gemeentenaam": GEMEENTE[1]}
        features.append(
            {"type": "Feature", "properties": props, "geometry": mapping(geom)}
        )
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    (out / "buurten.geojson").write_text(
        text.replace('{"type":"Feature"', '\n{"type":"Feature"')
    )


def write_statistics(buurten: list[dict], rng: np.random.Generator, out: Path) -> None:
    rows = []
    for year in YEARS:
        for b in buurten:
            stats = buurt_statistics(b, year, rng)
            reasons = suppression(stats, b["buurtnaam"], year)
            for indicator, value in stats.items():
                status = reasons.get(indicator, "")
                rows.append(
                    [b["buurtcode"], year, indicator, "" if status else value, status]
                )
    with open(out / "kerncijfers.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["buurtcode", "jaar", "indicator", "waarde", "status"])
        w.writerows(rows)


# "Nederland" for the demo: plausible national values, as fictional as the rest of the demo.
NEDERLAND = {
    "aantal_inwoners": 17_590_000, "pct_0_15": 15.6, "pct_15_25": 12.3, "pct_65_plus": 20.0,
    "pct_eenpersoonshuishoudens": 39.0, "pct_huishoudens_met_kinderen": 32.0,
    "gem_huishoudensgrootte": 2.1, "gem_inkomen_per_inwoner": 32.0,
    "pct_huishoudens_laag_inkomen": 8.0, "pct_huishoudens_sociaal_minimum": 7.5,
    "pct_huishoudens_tot_110_sociaal_minimum": 9.0, "pct_huishoudens_tot_120_sociaal_minimum": 11.5,
    "pct_huishoudens_40_laagste_inkomens": 40.0, "pct_personen_40_laagste_inkomens": 40.0,
    "mediaan_vermogen": 70,
    "gem_woz_waarde": 340, "pct_huurwoningen": 42, "pct_corporatiewoningen": 28,
    "pct_eengezinswoningen": 64, "pct_jongeren_jeugdzorg": 9.5, "wmo_clienten_per_1000": 72,
    "misdrijven_per_1000": 45.0, "pct_laag_opgeleid": 26, "afstand_huisarts": 1.1,
    "afstand_supermarkt": 0.9, "afstand_basisschool": 0.7, "bevolkingsdichtheid": 523,
}  # fmt: skip
YEAR_CHANGE = {
    "gem_woz_waarde": 1.12,
    "gem_inkomen_per_inwoner": 1.04,
    "aantal_inwoners": 1.007,
}


def write_nederland(out: Path) -> None:
    with open(out / "nederland.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "jaar", "indicator", "waarde", "status"])
        for year in YEARS:
            for indicator, value in NEDERLAND.items():
                factor = YEAR_CHANGE.get(indicator, 1.0) if year == YEARS[-1] else 1.0
                w.writerow(["NL00", year, indicator, round(value * factor, 1), ""])


def read_source(name: str) -> list[list[str]]:
    """Hand-written records: one per line, fields separated by ' | ', '#' starts a comment."""
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [
        [f.strip() for f in ln.split(" | ")]
        for ln in lines
        if ln.strip() and not ln.startswith("#")
    ]


def point_in(poly: Polygon, rng: np.random.Generator) -> Point:
    minx, miny, maxx, maxy = poly.bounds
    inner = poly.buffer(-40)
    while True:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if inner.contains(p):
            return p


def lonlat(p: Point) -> tuple[float, float]:
    lon, lat = to_wgs84(p.x, p.y)
    return round(lon, 6), round(lat, 6)


def write_stories(buurten: list[dict], rng: np.random.Generator, out: Path) -> None:
    by_name = {b["buurtnaam"]: b for b in buurten}
    start = date(2024, 1, 8)
    records = []
    for i, (buurt, kind, themes, source, voice, title, text) in enumerate(
        read_source("stories_source.txt"), 1
    ):
        b = by_name[buurt]
        day = start + timedelta(days=int(rng.integers(0, 640)))
        # About a third of the stories were told at a known spot (a bench, a square).
        lon = lat = ""
        if rng.random() < 0.35:
            lon, lat = lonlat(point_in(b["geometry_rd"], rng))
        created = f"{day.isoformat()}T{int(rng.integers(9, 21)):02d}:{int(rng.integers(0, 60)):02d}:00"
        records.append(
            [
                f"demo-{i:03d}",
                b["buurtcode"],
                kind,
                themes.replace(",", ";"),
                title.strip("-"),
                text,
                source,
                voice,
                day.isoformat(),
                lon,
                lat,
                "ja",
                created,
                created,
            ]
        )
    with open(out / "stories.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "id",
                "buurtcode",
                "kind",
                "themes",
                "title",
                "text",
                "source",
                "voice",
                "date",
                "lon",
                "lat",
                "consent",
                "created",
                "updated",
            ]
        )
        w.writerows(records)


def write_initiatives(buurten: list[dict], rng: np.random.Generator, out: Path) -> None:
    by_name = {b["buurtnaam"]: b for b in buurten}
    records = []
    for i, rec in enumerate(read_source("initiatives_source.txt"), 1):
        (
            name,
            served,
            themes,
            groups,
            phase,
            initiator,
            role,
            support,
            ladder,
            start,
            desc,
        ) = rec
        served_codes = [by_name[s.strip()]["buurtcode"] for s in served.split(",")]
        home = by_name[served.split(",")[0].strip()]
        lon, lat = lonlat(point_in(home["geometry_rd"], rng))
        records.append(
            [
                f"demo-i{i:02d}",
                name,
                desc,
                ";".join(served_codes),
                themes.replace(",", ";"),
                groups.replace(",", ";"),
                phase,
                initiator,
                role,
                support.replace(",", ";"),
                ladder.strip("-"),
                lon,
                lat,
                start,
            ]
        )
    with open(out / "initiatives.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "id",
                "name",
                "description",
                "buurtcodes",
                "themes",
                "target_groups",
                "phase",
                "initiator",
                "wijkteam_role",
                "support",
                "ladder",
                "lon",
                "lat",
                "start_date",
            ]
        )
        w.writerows(records)


def main(out: Path = HERE) -> None:
    rng = np.random.default_rng(SEED)
    buurten = build_geometry(rng)
    write_geometry(buurten, out)
    write_statistics(buurten, rng, out)
    write_stories(buurten, rng, out)
    write_initiatives(buurten, rng, out)
    write_nederland(out)
    print(f"{len(buurten)} buurten written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
