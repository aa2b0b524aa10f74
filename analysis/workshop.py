"""What the werksessie shows: a short spoken-style summary per buurt, the order to step
through the buurten, which buurten the privacy-safe view hides, and the ranking of dreams.

Pure functions over the dataset's signals, the stories and the initiatives; no Streamlit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from analysis.catalogue import Catalogue
from analysis.coverage import count_phrase, serving
from analysis.profile import strongest

PER_LIST = 3  # krachten, zorgen, initiatives: what a room can take in at once
STORY_PHRASES = {
    "kracht": "Bewoners vertellen over {theme} als kracht ({n})",
    "zorg": "Bewoners maken zich zorgen over {theme} ({n})",
}


@dataclass
class Summary:
    buurtcode: str
    buurtnaam: str
    intro: str
    krachten: list[str] = field(default_factory=list)
    zorgen: list[str] = field(default_factory=list)
    initiatives: list[str] = field(default_factory=list)


def hidden_buurten(stories: pd.DataFrame, buurtcodes, min_stories: int) -> set[str]:
    """Buurten with fewer than `min_stories` stories: so few that a story could point at a
    person. The privacy-safe view leaves them out."""
    return hidden_by_counts(
        stories["buurtcode"].value_counts(), buurtcodes, min_stories
    )


def hidden_by_counts(
    counts: Mapping[str, int], buurtcodes, min_stories: int
) -> set[str]:
    """`hidden_buurten` from the number of stories per buurt (what the phone page has)."""
    return {c for c in buurtcodes if counts.get(c, 0) < min_stories}


def step_order(buurten: pd.DataFrame, hidden: set[str] = frozenset()) -> list[str]:
    """The buurten to step through, wijk by wijk and by name, without the hidden ones."""
    ordered = buurten.sort_values(["wijknaam", "buurtnaam"])
    return [c for c in ordered["buurtcode"] if c not in hidden]


def step(order: list[str], current: str | None, delta: int) -> str | None:
    """The buurt `delta` places from `current` (going round); the first when `current` is
    not in the order (hidden meanwhile, or nothing chosen yet)."""
    if not order:
        return None
    if current not in order:
        return order[0]
    return order[(order.index(current) + delta) % len(order)]


def _told(own: pd.DataFrame, kind: str, themes: dict[str, str]) -> list[str]:
    counts = Counter(t for ts in own.loc[own["kind"] == kind, "themes"] for t in ts)
    return [
        STORY_PHRASES[kind].format(
            theme=themes.get(t, t).lower(), n=count_phrase(n, "verhaal", "verhalen")
        )
        for t, n in counts.most_common(PER_LIST)
    ]


def _mix(figures: list[str], told: list[str]) -> list[str]:
    """At most PER_LIST points: figures first, but always room for what residents say."""
    first = figures[: PER_LIST - 1] + told[:1]
    rest = figures[PER_LIST - 1 :] + told[1:]
    return (first + rest)[:PER_LIST]


def buurt_summary(
    buurt: pd.Series,
    inwoners: str | None,
    signals: pd.DataFrame,
    stories: pd.DataFrame,
    initiatives: pd.DataFrame,
    catalogue: Catalogue,
) -> Summary:
    """What to say about one buurt in a room: who lives there, two or three krachten and
    zorgen (from the figures and from the stories), and the initiatives already at work.

    `buurt` is the buurt's row (buurtcode, buurtnaam, wijknaam); `signals` the gemeente's
    signals table; `stories` and `initiatives` the gemeente's store rows.
    """
    code = buurt["buurtcode"]
    sig = signals[signals["buurtcode"] == code].set_index("indicator")
    own = stories[stories["buurtcode"] == code]
    kinds = own["kind"].value_counts()
    if own.empty:
        told = "Er zijn nog geen verhalen van bewoners uit deze buurt."
    else:
        parts = [
            count_phrase(int(kinds.get("kracht", 0)), "kracht", "krachten"),
            count_phrase(int(kinds.get("zorg", 0)), "zorg", "zorgen"),
            count_phrase(int(kinds.get("droom", 0)), "droom", "dromen"),
        ]
        told = (
            f"Bewoners vertelden {count_phrase(len(own), 'verhaal', 'verhalen')}: "
            f"{', '.join(parts[:2])} en {parts[2]}."
        )
    running = serving(initiatives, [code])
    running = running[running["phase"] != "gestopt"].sort_values(
        "phase", key=lambda p: p.map({"actief": 0, "opstart": 1, "idee": 2})
    )
    named = [f"{r.name} ({r.phase})" for r in running.head(PER_LIST).itertuples()]
    if len(running) > PER_LIST:
        named.append(f"en nog {len(running) - PER_LIST} andere")
    return Summary(
        buurtcode=code,
        buurtnaam=buurt["buurtnaam"],
        intro=f"{buurt['buurtnaam']} ligt in wijk {buurt['wijknaam']}"
        + (f" en heeft {inwoners} inwoners. " if inwoners else ". ")
        + told,
        krachten=_mix(
            strongest(sig, catalogue, "kracht"), _told(own, "kracht", catalogue.themes)
        ),
        zorgen=_mix(
            strongest(sig, catalogue, "aandacht"), _told(own, "zorg", catalogue.themes)
        ),
        initiatives=named,
    )


def rank_dreams(entries: pd.DataFrame) -> pd.DataFrame:
    """The werksessie's dreams by dots, most first; equal dots share a place (1, 2, 2, 4),
    and among equals the earliest dream comes first. `helpers`: how many talents offered
    in the werksessie help with the dream."""
    dreams = entries[entries["kind"] == "droom"].sort_values(
        ["votes", "created", "id"], ascending=[False, True, True]
    )
    talents = entries[entries["kind"] == "talent"]
    offered = talents.get("helps", pd.Series(dtype=str)).value_counts()
    return dreams.assign(
        place=dreams["votes"].rank(method="min", ascending=False).astype(int),
        helpers=dreams["id"].map(offered).fillna(0).astype(int),
    )


def helpers_words(n: int) -> str:
    """'12 mensen willen helpen', '' for none.

    >>> helpers_words(1), helpers_words(12), helpers_words(0)
    ('1 persoon wil helpen', '12 mensen willen helpen', '')
    """
    if not n:
        return ""
    return f"{n} {'persoon wil' if n == 1 else 'mensen willen'} helpen"
