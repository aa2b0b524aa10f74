"""Check a story before it is stored: every rule gives a specific Dutch message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from analysis.catalogue import load_catalogue
from stories.model import SOURCES, VOICES
from stories.privacy import describe, find_identifiers

MAX_TEXT = 4000
KIND_WORDS = {
    "kracht": "kracht", "krachten": "kracht", "strength": "kracht", "sterk": "kracht",
    "zorg": "zorg", "zorgen": "zorg", "concern": "zorg", "probleem": "zorg",
    "droom": "droom", "dromen": "droom", "dream": "droom", "wens": "droom",
    "talent": "talent", "talenten": "talent", "inbreng": "talent",
}  # fmt: skip
YES = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
NO = {"nee", "n", "no", "false", "onwaar", "0", ""}
# The Netherlands, generously: points outside are typing errors.
LON_RANGE, LAT_RANGE = (3.0, 7.5), (50.5, 53.8)


@dataclass
class StoryIn:
    """A story as entered or imported, before it has an id."""

    buurtcode: str
    kind: str
    themes: list[str]
    text: str
    source: str
    voice: str
    date: date
    title: str = ""
    lon: float | None = None
    lat: float | None = None
    consent: bool = False
    helps: str = ""  # a talent: the id of the dream (a story) it offers to help with
    warnings: list[str] = field(default_factory=list)


def parse_date(value: object) -> date | None:
    """A date from 2024-03-05, 5-3-2024, 05/03/2024 or a date/datetime object."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in (
        "%Y-%m-%d",
        "%d-%m-%Y",
        "%d/%m/%Y",
        "%d.%m.%Y",
        "%Y-%m-%d %H:%M:%S",
    ):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def joined(items: list[str]) -> str:
    """A list as stored: ';a;b;' (so a LIKE '%;a;%' finds one item), '' when empty."""
    return ";" + ";".join(items) + ";" if items else ""


def parse_themes(value: object) -> list[str]:
    """Themes from a list or a text with ';', ',' or '|' between them."""
    if isinstance(value, list | tuple):
        items = value
    else:
        items = re.split(r"[;,|]", str(value or ""))
    return [t.strip().lower() for t in items if t and t.strip()]


def validate_story(
    raw: dict, buurtcodes: set[str], today: date | None = None
) -> tuple[StoryIn | None, list[str]]:
    """(story, []) when everything is right, else (None, Dutch messages, one per problem)."""
    themes_known = load_catalogue().themes
    today = today or date.today()
    errors: list[str] = []
    code = str(raw.get("buurtcode") or "").strip().upper()
    if not code:
        errors.append("Buurtcode ontbreekt.")
    elif code not in buurtcodes:
        errors.append(f"Buurtcode '{code}' hoort niet bij deze gemeente.")
    kind = KIND_WORDS.get(str(raw.get("kind") or "").strip().lower())
    if kind is None:
        errors.append(
            f"Soort '{raw.get('kind') or ''}' onbekend: kies kracht, zorg, droom of talent."
        )
    themes = parse_themes(raw.get("themes"))
    unknown = [t for t in themes if t not in themes_known]
    if not themes:
        errors.append("Kies minstens één thema.")
    elif unknown:
        errors.append(
            f"Onbekend thema '{unknown[0]}'. Kies uit: {', '.join(themes_known)}."
        )
    text = str(raw.get("text") or "").strip()
    if not text:
        errors.append("De tekst van het verhaal is leeg.")
    elif len(text) > MAX_TEXT:
        errors.append(f"De tekst is te lang ({len(text)} tekens; hooguit {MAX_TEXT}).")
    elif findings := find_identifiers(text):
        errors.append(
            f"{describe(findings)} Haal het weg voordat je het verhaal bewaart "
            "(namen, adressen en nummers van bewoners horen er niet in)."
        )
    title = str(raw.get("title") or "").strip()
    if title and find_identifiers(title):
        errors.append(f"Titel: {describe(find_identifiers(title))} Haal het weg.")
    source = str(raw.get("source") or "anders").strip().lower()
    if source not in SOURCES:
        errors.append(f"Bron '{source}' onbekend. Kies uit: {', '.join(SOURCES)}.")
    voice = str(raw.get("voice") or "bewoner").strip().lower()
    if voice not in VOICES:
        errors.append(f"Stem '{voice}' onbekend. Kies uit: {', '.join(VOICES)}.")
    when = parse_date(raw.get("date"))
    if when is None:
        errors.append(
            f"Datum '{raw.get('date') or ''}' is geen geldige datum (gebruik jjjj-mm-dd of dd-mm-jjjj)."
        )
    elif when > today:
        errors.append(f"Datum {when:%d-%m-%Y} ligt in de toekomst.")
    lon, lat, problems = location_errors(raw.get("lon"), raw.get("lat"))
    errors += problems
    consent = raw.get("consent")
    consent = (
        consent
        if isinstance(consent, bool)
        else str(consent or "").strip().lower() in YES
    )
    if not consent:
        errors.append(
            "Toestemming ontbreekt: een verhaal wordt alleen bewaard als de verteller dat goed vindt."
        )
    helps = str(raw.get("helps") or "").strip()
    if helps in ("nan", "-"):
        helps = ""
    if helps and kind != "talent":
        errors.append("Alleen een talent kan bij een droom horen ('helpt bij droom').")
    elif len(helps) > 36:
        errors.append(f"'Helpt bij droom' is geen verhaal-id: '{helps[:40]}…'.")
    if errors:
        return None, errors
    return (
        StoryIn(
            code, kind, themes, text, source, voice, when, title, lon, lat, True, helps
        ),
        [],
    )


def location_errors(
    lon_value: object, lat_value: object
) -> tuple[float | None, float | None, list[str]]:
    """(lon, lat, Dutch problems) for an optional point; both or neither, in the Netherlands."""
    lon, lat = _number(lon_value), _number(lat_value)
    if (lon is None) != (lat is None):
        return (
            lon,
            lat,
            ["Geef voor een plek zowel lengte- als breedtegraad, of geen van beide."],
        )
    if lon is not None and not (
        LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]
    ):
        return lon, lat, [f"De plek ({lat}, {lon}) ligt niet in Nederland."]
    return lon, lat, []


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return float("nan")  # caught by the range check as 'not in the Netherlands'
