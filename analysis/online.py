"""Fetch a gemeente from the internet: the KWB table from CBS open data (through `cbsodata`)
and the buurt polygons from PDOK's CBS wijken-en-buurten WFS.

The results are handed to the same importer as uploaded files. Base addresses can be changed
with WIJK_CBS_URL and WIJK_PDOK_URL (a mirror or proxy; the tests use a local server).
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from collections.abc import Callable
from urllib.parse import urlparse

import cbsodata
import pandas as pd
import requests

from analysis.errors import AnalysisError

# CBS table ids of the Kerncijfers wijken en buurten, one table per year.
KWB_TABLES = {
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
}
CBS_URL = "https://opendata.cbs.nl"
PDOK_URL = "https://service.pdok.nl/cbs/wijkenbuurten/{year}/wfs/v1_0"
PDOK_PAGE = 1000
TIMEOUT = 60
_reachable: dict[str, tuple[float, bool]] = {}


def cbs_url() -> str:
    return os.environ.get("WIJK_CBS_URL", CBS_URL)


def pdok_url(year: int) -> str:
    return os.environ.get("WIJK_PDOK_URL", PDOK_URL).format(year=year)


def online_available(timeout: float = 1.5) -> bool:
    """Can this machine reach CBS open data? Checked at most once a minute."""
    parsed = urlparse(cbs_url())
    host, port = (
        parsed.hostname or "",
        parsed.port or (443 if parsed.scheme == "https" else 80),
    )
    checked, ok = _reachable.get(host, (0.0, False))
    if time.monotonic() - checked < 60:
        return ok
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        ok = True
    except OSError:
        ok = False
    _reachable[host] = (time.monotonic(), ok)
    return ok


OFFLINE_HINT = (
    "Laad de bestanden zelf in: de Wijk- en buurtkaart en de Kerncijfers van cbs.nl, op de "
    "pagina Data onder 'Uit bestanden' of met `python cli.py import-cbs --geometry … --stats …`."
)


def _failed(service: str, exc: Exception) -> AnalysisError:
    """One Dutch sentence for a failed request, without the request's long address: no
    connection is said plainly, with the way round it; anything else names only its kind."""
    host = urlparse(cbs_url() if service == "CBS" else pdok_url(2022)).hostname
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        timeout = isinstance(exc, requests.Timeout)
        why = "antwoordt niet op tijd" if timeout else "is niet bereikbaar"
        return AnalysisError(
            f"{service} ({host}) {why}: deze computer is niet online, of het netwerk laat "
            f"{host} niet door. {OFFLINE_HINT}"
        )
    # cbsodata raises its own HTTPError, with the code only in its text.
    code = (
        getattr(exc.response, "status_code", None)
        if isinstance(exc, requests.HTTPError)
        else None
    )
    code = code or next(
        iter(re.findall(r"\b(\d{3}) (?:Client|Server) Error", str(exc))), None
    )
    if code:
        return AnalysisError(
            f"{service} ({host}) antwoordde met foutcode {code}. "
            f"Probeer het later opnieuw. {OFFLINE_HINT}"
        )
    return AnalysisError(
        f"{service} ({host}) gaf een antwoord dat we niet kunnen lezen "
        f"({type(exc).__name__}). {OFFLINE_HINT}"
    )


def check_request(gemeente: str, year: int) -> tuple[str, str]:
    code = gemeente.strip().upper()
    if not re.fullmatch(r"GM\d{4}", code):
        raise AnalysisError(
            f"'{gemeente}' is geen gemeentecode. Een gemeentecode is zoals GM0772."
        )
    if year not in KWB_TABLES:
        years = ", ".join(str(y) for y in KWB_TABLES)
        raise AnalysisError(f"Voor {year} kennen we geen CBS-tabel. Kies uit: {years}.")
    return code, KWB_TABLES[year]


def fetch_statistics(gemeente: str, year: int) -> tuple[bytes, str]:
    """The KWB rows of one gemeente (its buurten, wijken and itself) as CSV bytes."""
    code, table = check_request(gemeente, year)
    number = code[2:]
    query = (
        f"startswith(WijkenEnBuurten,'BU{number}') or startswith(WijkenEnBuurten,'WK{number}')"
        f" or WijkenEnBuurten eq 'GM{number}' or WijkenEnBuurten eq 'NL00'"
    )
    parsed = urlparse(cbs_url())
    old_https = cbsodata.options.use_https
    cbsodata.options.use_https = parsed.scheme == "https"
    try:
        rows = cbsodata.get_data(
            table, filters=query, catalog_url=parsed.netloc, timeout=TIMEOUT
        )
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise _failed("CBS", exc) from exc
    finally:
        cbsodata.options.use_https = old_https
    if not rows:
        raise AnalysisError(f"CBS-tabel {table} heeft geen buurten van {code}.")
    return pd.DataFrame(rows).to_csv(index=False).encode(
        "utf-8"
    ), f"kwb_{year}_{code}.csv"


def fetch_buurten(gemeente: str, year: int) -> tuple[bytes, str]:
    """The buurt polygons of one gemeente from PDOK (WFS 2.0, GeoJSON, RD New), all pages."""
    code, _ = check_request(gemeente, year)
    fes = (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
        f"<fes:ValueReference>gemeentecode</fes:ValueReference><fes:Literal>{code}</fes:Literal>"
        "</fes:PropertyIsEqualTo></fes:Filter>"
    )
    features: list[dict] = []
    while True:
        params = {
            "service": "WFS",
            "version": "2.0.0",
            "request": "GetFeature",
            "typeNames": "wijkenbuurten:buurten",
            "outputFormat": "application/json",
            "srsName": "EPSG:28992",
            "count": PDOK_PAGE,
            "startIndex": len(features),
            "filter": fes,
        }
        try:
            response = requests.get(pdok_url(year), params=params, timeout=TIMEOUT)
            response.raise_for_status()
            page = response.json()["features"]
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise _failed("PDOK", exc) from exc
        features += page
        if len(page) < PDOK_PAGE:
            break
    if not features:
        raise AnalysisError(f"PDOK heeft voor {year} geen buurten van {code}.")
    collection = {
        "type": "FeatureCollection",
        # We asked for RD New; say so, so the reader does not have to guess.
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }
    return json.dumps(collection).encode("utf-8"), f"buurten_{year}_{code}.geojson"


def fetch_gemeente(
    gemeente: str, year: int, progress: Callable[[str], None] = lambda _: None
) -> tuple[tuple[bytes, str], tuple[bytes, str]]:
    """(geometry, statistics) as (bytes, file name) pairs, ready for `import_cbs`."""
    check_request(gemeente, year)
    progress(f"Buurtkaart {year} ophalen bij PDOK…")
    geometry = fetch_buurten(gemeente, year)
    progress(f"Kerncijfers {year} ophalen bij CBS ({KWB_TABLES[year]})…")
    statistics = fetch_statistics(gemeente, year)
    return geometry, statistics
