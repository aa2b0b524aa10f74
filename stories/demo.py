"""Read the demo gemeente's stories, initiatives, buurtagenda and network from `data/demo/` (read-only).

Lists (themes, buurtcodes, support) are stored ';'-separated and returned as Python lists.
"""

from __future__ import annotations

import pandas as pd

from analysis.datasets import DEMO_DIR

LIST_COLUMNS = ("themes", "buurtcodes", "target_groups", "support", "offers")


def _read(name: str) -> pd.DataFrame:
    frame = pd.read_csv(DEMO_DIR / name, dtype=str, keep_default_na=False)
    for col in LIST_COLUMNS:
        if col in frame:
            frame[col] = frame[col].map(
                lambda s: [p for p in s.split(";") if p and p != "-"]
            )
    for col in ("lon", "lat"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


def demo_stories() -> pd.DataFrame:
    """One row per story: id, buurtcode, kind, themes (list), title, text, source, voice, date…"""
    return _read("stories.csv")


def demo_initiatives() -> pd.DataFrame:
    """One row per initiative: id, name, description, buurtcodes (list), themes (list), phase…
    and `ladder`, people per bindingsladder rung (list, or None when unknown)."""
    frame = _read("initiatives.csv")
    frame["ladder"] = frame["ladder"].map(
        lambda s: [int(p) for p in s.split(";")] if s else None
    )
    return frame


def demo_agenda() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The buurtagenda of the demo gemeente: (afspraken, their log lines), as stored."""
    afspraken = pd.read_csv(DEMO_DIR / "agenda.csv", dtype=str, keep_default_na=False)
    log = pd.read_csv(DEMO_DIR / "agenda_log.csv", dtype=str, keep_default_na=False)
    return afspraken, log


# The network file has the columns of a `cli.py network export` (Dutch); the table's are English.
NETWORK_NAMES = {
    "naam": "name", "categorie": "category", "aanbod": "offers", "thema": "themes",
    "adres": "address", "beschrijving": "description",
}  # fmt: skip


def demo_network() -> pd.DataFrame:
    """One row per partner or vindplaats, as stored (lists as lists, lon/lat as numbers)."""
    frame = pd.read_csv(DEMO_DIR / "network.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(columns=NETWORK_NAMES)
    for col in LIST_COLUMNS:
        if col in frame:
            frame[col] = frame[col].map(lambda s: [p for p in s.split(";") if p])
    for col in ("lon", "lat"):
        frame[col] = pd.to_numeric(frame[col])
    return frame


def demo_talents() -> pd.DataFrame:
    """The talents residents offered at the demo's werksessies: stories of kind talent, some
    with the dream they want to help with (`helps`)."""
    return _read("talents.csv")
