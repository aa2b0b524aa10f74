"""The buurt's network: partners (who offers what, on which themes, for which buurten) and
vindplaatsen (where residents are), in the stories' database (table `network`, migration 12).

A point is a WGS84 lat/lon; an import may give RD New x/y instead, which is converted. Where
no buurten are named, the point says which buurt it lies in (`locate`, from the gemeente's
own geometry): a sociale-kaart export knows addresses, not buurtcodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from analysis.catalogue import load_catalogue
from stories.privacy import describe, find_identifiers
from stories.store import RecordStore
from stories.themes import suggest_themes
from stories.validation import LAT_RANGE, LON_RANGE, joined, parse_themes

SORTS = {"partner": "Partner", "vindplaats": "Vindplaats"}
CATEGORIES = {
    "partner": (
        "vereniging", "stichting", "school", "zorg en welzijn", "woningcorporatie",
        "ondernemer", "kerk of moskee", "overheid", "anders",
    ),
    "vindplaats": (
        "bankje of plein", "winkel", "schoolplein", "gebedshuis", "sportclub",
        "speeltuin of park", "buurthuis", "anders",
    ),
}  # fmt: skip
# Words a sociale kaart uses for its categories → ours (the first that occurs wins).
CATEGORY_WORDS = {
    "partner": [
        ("verenig", "vereniging"), ("club", "vereniging"), ("stichting", "stichting"),
        ("school", "school"), ("onderwijs", "school"), ("zorg", "zorg en welzijn"),
        ("welzijn", "zorg en welzijn"), ("huisarts", "zorg en welzijn"),
        ("corporatie", "woningcorporatie"), ("wonen", "woningcorporatie"),
        ("winkel", "ondernemer"), ("bedrijf", "ondernemer"), ("ondernem", "ondernemer"),
        ("kerk", "kerk of moskee"), ("moskee", "kerk of moskee"),
        ("gemeente", "overheid"), ("overheid", "overheid"),
    ],
    "vindplaats": [
        ("bank", "bankje of plein"), ("plein", "bankje of plein"), ("winkel", "winkel"),
        ("supermarkt", "winkel"), ("schoolplein", "schoolplein"), ("school", "schoolplein"),
        ("kerk", "gebedshuis"), ("moskee", "gebedshuis"), ("sport", "sportclub"),
        ("speeltuin", "speeltuin of park"), ("park", "speeltuin of park"),
        ("buurthuis", "buurthuis"), ("wijkcentrum", "buurthuis"),
    ],
}  # fmt: skip
# What a partner offers; the first four are *ontwikkelplaatsen*, where a resident can grow.
OFFERS = (
    "vrijwilligerswerk", "stage", "leerwerkplek", "betaald werk", "ruimte", "expertise",
    "geld",
)  # fmt: skip
DEVELOPMENT = OFFERS[:4]
MAX_NAME, MAX_TEXT, MAX_CONTACT = 120, 1000, 120
NETWORK_COLUMNS = [
    "id", "dataset", "soort", "name", "category", "description", "offers", "themes",
    "buurtcodes", "address", "postcode", "contact", "lon", "lat", "created", "updated",
]  # fmt: skip
LIST_COLUMNS = ("offers", "themes", "buurtcodes")
TYPES = {
    "lon": sa.Float(), "lat": sa.Float(), "created": sa.DateTime(), "updated": sa.DateTime(),
}  # fmt: skip
network = sa.table(
    "network", *(sa.column(c, TYPES.get(c, sa.String())) for c in NETWORK_COLUMNS)
)

Locate = Callable[[float, float], str | None]  # (lon, lat) → buurtcode, None outside


@dataclass
class NetworkItemIn:
    """A partner or vindplaats as entered or imported, before it has an id."""

    soort: str
    name: str
    category: str
    buurtcodes: list[str]
    themes: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    description: str = ""
    address: str = ""
    postcode: str = ""
    contact: str = ""
    lon: float | None = None
    lat: float | None = None


def _number(value: object, label: str, errors: list[str]) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().replace(",", ".")
    if text in ("", "nan"):
        return None
    try:
        return float(text)
    except ValueError:
        errors.append(f"{label} '{value}' is geen getal.")
        return None


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(lon, lat) of an RD New point (EPSG:28992), the way PDOK and the BAG give addresses.

    >>> [round(v, 4) for v in rd_to_wgs84(155000, 463000)]  # Amersfoort, RD's origin
    [5.3872, 52.1552]
    """
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(x, y)
    return float(lon), float(lat)


def read_point(raw: dict, errors: list[str]) -> tuple[float | None, float | None]:
    """(lon, lat) from `lat`/`lon` (WGS84) or RD `x`/`y`; (None, None) without a point."""
    lon = _number(raw.get("lon"), "Lengtegraad (lon)", errors)
    lat = _number(raw.get("lat"), "Breedtegraad (lat)", errors)
    x = _number(raw.get("x"), "RD-coördinaat x", errors)
    y = _number(raw.get("y"), "RD-coördinaat y", errors)
    if errors:
        return None, None
    if lon is None and lat is None and (x is not None or y is not None):
        if x is None or y is None:
            errors.append("Geef voor een RD-punt zowel x als y.")
            return None, None
        if not (0 <= x <= 300_000 and 289_000 <= y <= 629_000):
            errors.append(f"Het RD-punt ({x:.0f}, {y:.0f}) ligt niet in Nederland.")
            return None, None
        lon, lat = rd_to_wgs84(x, y)
    if (lon is None) != (lat is None):
        errors.append("Geef voor een plek zowel lat als lon, of geen van beide.")
        return None, None
    if lon is not None and not (
        LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]
    ):
        errors.append(f"De plek ({lat}, {lon}) ligt niet in Nederland.")
        return None, None
    return lon, lat


def _category(value: object, soort: str) -> str:
    """Ours as given, else the first word a sociale kaart uses for it, else 'anders'."""
    text = str(value or "").strip().lower()
    if text in CATEGORIES[soort]:
        return text
    for word, ours in CATEGORY_WORDS[soort]:
        if word in text:
            return ours
    return "anders"


def validate_network(
    raw: dict, buurtcodes: set[str], locate: Locate | None = None
) -> tuple[NetworkItemIn | None, list[str]]:
    """(item, []) when everything is right, else (None, Dutch messages, one per problem).

    Themes left empty are suggested from the name, category and description (a sociale kaart
    has none); a partner or vindplaats without named buurten lands in the buurt its point
    lies in."""
    themes_known = load_catalogue().themes
    errors: list[str] = []
    soort = str(raw.get("soort") or "partner").strip().lower()
    if soort not in SORTS:
        errors.append(f"Soort '{soort}' onbekend. Kies uit: partner, vindplaats.")
        soort = "partner"
    name = str(raw.get("name") or "").strip()
    if not name:
        errors.append("De naam ontbreekt.")
    elif len(name) > MAX_NAME:
        errors.append(f"De naam is te lang ({len(name)} tekens; hooguit {MAX_NAME}).")
    description = str(raw.get("description") or "").strip()
    if len(description) > MAX_TEXT:
        errors.append(
            f"De beschrijving is te lang ({len(description)} tekens; hooguit {MAX_TEXT})."
        )
    contact = str(raw.get("contact") or "").strip()
    if len(contact) > MAX_CONTACT:
        errors.append(f"Het contact is te lang (hooguit {MAX_CONTACT} tekens).")
    for label, text in (
        ("Naam", name),
        ("Beschrijving", description),
        ("Contact", contact),
    ):
        if findings := find_identifiers(text):
            errors.append(
                f"{label}: {describe(findings)} Noem een rol (bijvoorbeeld "
                "'coördinator vrijwilligers') in plaats van iemands gegevens."
            )
    category = _category(raw.get("category"), soort)
    offers = [o for o in parse_themes(raw.get("offers")) if o != "-"]
    if unknown := [o for o in offers if o not in OFFERS]:
        errors.append(f"Aanbod '{unknown[0]}' onbekend. Kies uit: {', '.join(OFFERS)}.")
    if offers and soort == "vindplaats":
        errors.append("Een vindplaats biedt niets aan; maak er een partner van.")
    themes = list(dict.fromkeys(parse_themes(raw.get("themes"))))
    if unknown := [t for t in themes if t not in themes_known]:
        errors.append(
            f"Onbekend thema '{unknown[0]}'. Kies uit: {', '.join(themes_known)}."
        )
    elif not themes:
        themes = suggest_themes(f"{name}. {category}. {description}")
    lon, lat = read_point(raw, errors)
    codes = list(dict.fromkeys(c.upper() for c in parse_themes(raw.get("buurtcodes"))))
    if unknown := [c for c in codes if c not in buurtcodes]:
        errors.append(f"Buurtcode '{unknown[0]}' hoort niet bij deze gemeente.")
    if not codes and not errors:
        found = locate(lon, lat) if (locate and lon is not None) else None
        if found:
            codes = [found]
        elif lon is not None:
            errors.append(
                f"Het punt ({lat:.5f}, {lon:.5f}) ligt in geen enkele buurt van deze "
                "gemeente; geef de buurtcodes die de partner bedient."
            )
        else:
            errors.append(
                "Geef een plek (lat/lon of RD x/y) of de buurten waar het bij hoort."
            )
    if errors:
        return None, errors
    return (
        NetworkItemIn(
            soort,
            name,
            category,
            codes,
            themes,
            list(dict.fromkeys(offers)),
            description,
            str(raw.get("address") or "").strip()[:200],
            str(raw.get("postcode") or "").strip().upper().replace(" ", "")[:6],
            contact,
            lon,
            lat,
        ),  # fmt: skip
        [],
    )


class NetworkStore(RecordStore):
    """Partners and vindplaatsen of all datasets, in the stories' database."""

    table = network
    noun = "netwerk"
    missing = "Deze partner of vindplaats bestaat niet (meer); misschien al verwijderd."

    def to_row(
        self, dataset: str, item: NetworkItemIn, now: datetime, record_id: str
    ) -> dict:
        return {
            "id": record_id, "dataset": dataset, "soort": item.soort, "name": item.name,
            "category": item.category, "description": item.description,
            "offers": joined(item.offers), "themes": joined(item.themes),
            "buurtcodes": joined(item.buurtcodes), "address": item.address,
            "postcode": item.postcode, "contact": item.contact, "lon": item.lon,
            "lat": item.lat, "created": now, "updated": now,
        }  # fmt: skip

    def query(self, dataset: str) -> pd.DataFrame:
        """A dataset's partners and vindplaatsen by soort and name; lists as lists."""
        q = (
            sa.select(network)
            .where(network.c.dataset == dataset)
            .order_by(network.c.soort, network.c.name, network.c.id)
        )
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(q).mappings().all(), columns=NETWORK_COLUMNS
            )
        for col in LIST_COLUMNS:
            frame[col] = frame[col].map(
                lambda s: [p for p in (s or "").split(";") if p]
            )
        return frame


def as_input(row: dict) -> NetworkItemIn:
    """A stored item (a `query` row) back as input, e.g. to edit it."""
    return NetworkItemIn(
        row["soort"], row["name"], row["category"], list(row["buurtcodes"]),
        list(row["themes"]), list(row["offers"]), row["description"], row["address"],
        row["postcode"], row["contact"],
        None if pd.isna(row["lon"]) else float(row["lon"]),
        None if pd.isna(row["lat"]) else float(row["lat"]),
    )  # fmt: skip
