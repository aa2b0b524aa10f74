"""Terugblik (doorwerking): how the figures an afspraak answered moved since it was made.

A buurt's change between two years is judged as its level is (`analysis.signals`): against the
gemeente's change, with limits that allow for chance in a buurt of this size and for the
ordinary spread of changes between buurten. For a share with a base, on the arcsine scale:
the buurt's change minus the gemeente's, over √(chance then + chance now + τ²), τ² read off
the buurten's changes as `analysis.funnel.tail_spread` reads it; otherwise a change more than
one standard deviation of the buurten's changes from the gemeente's. The words say
*samenhang*: a figure that moved where something was done, never that the afspraak moved it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, Indicator
from analysis.funnel import Z95, _overdispersion, angle, chance_variance, tail_spread
from analysis.signals import RATE_SCALES, rate_base
from analysis.trend import breaks

CHANGE_WORDS = {
    1: "meer verbeterd dan de gemeente",
    -1: "meer verslechterd dan de gemeente",
    0: "zoals in de gemeente (binnen de gewone verschillen)",
}
CONTEXT_WORDS = {1: "meer gestegen dan de gemeente", -1: "meer gedaald dan de gemeente"}
MOST_FIGURES = 4


def change_verdicts(
    then: pd.DataFrame,
    now: pd.DataFrame,
    ind: Indicator,
    reference_then: float,
    reference_now: float,
    broken: pd.Series | None = None,
) -> pd.DataFrame:
    """Per area (the index of `then`): its value then and now, its change, the gemeente's, a
    score (beyond ±1 is a change beyond chance and the ordinary spread, in the better
    direction for a figure with one) and `why` where there is no judgement.

    >>> from analysis.catalogue import Indicator
    >>> ind = Indicator("x", "X", "jeugd", "%", -1, "inwoners", "d", "s")
    >>> then = pd.DataFrame({"x": [10.0] * 20, "aantal_inwoners": 4000.0})
    >>> now = then.assign(x=[10.3, 9.7] * 9 + [10.0, 6.0])  # one buurt fell 4 points
    >>> t = change_verdicts(then, now, ind, 10.0, 9.8)
    >>> t["verdict"].tolist()[-2:]
    ['zoals in de gemeente (binnen de gewone verschillen)', 'meer verbeterd dan de gemeente']
    """
    codes = then.index
    before = then[ind.id].astype(float) if ind.id in then else pd.Series(np.nan, codes)
    after = (
        now[ind.id].astype(float).reindex(codes)
        if ind.id in now
        else pd.Series(np.nan, codes)
    )
    broken = (
        pd.Series(None, index=codes, dtype=object)
        if broken is None
        else broken.reindex(codes)
    )
    change = after - before
    gemeente = reference_now - reference_then
    why = pd.Series(None, index=codes, dtype=object)
    why[before.isna() | after.isna()] = "geen cijfer in een van beide jaren"
    why[broken.notna()] = broken[broken.notna()]
    score = pd.Series(np.nan, index=codes)
    usable = why.isna() & pd.notna(gemeente)
    rate_then, rate_now = rate_base(then, ind), rate_base(now, ind)
    if rate_then is not None and rate_now is not None and usable.any():
        scale = RATE_SCALES[ind.unit]
        n1 = rate_then[1].reindex(codes).astype(float)
        n2 = rate_now[1].reindex(codes).astype(float)
        ok = usable & (n1 > 0) & (n2 > 0)
        why[usable & ~ok] = "het aantal mensen achter het cijfer is niet bekend"
        p1, p2 = before[ok] / scale, after[ok] / scale
        distance = (angle(p2) - angle(p1)) - (
            angle(reference_now / scale) - angle(reference_then / scale)
        )
        rounding = ind.count_precision
        chance = chance_variance(n1[ok], p1, rounding) + chance_variance(
            n2[ok], p2, rounding
        )
        if ok.sum() >= 2:
            _, beyond = _overdispersion(np.asarray(distance), np.asarray(chance))
            tau2 = tail_spread(distance, chance) if beyond > 0 else 0.0
            score[ok] = distance / np.sqrt(chance + tau2) / Z95
    elif usable.sum() >= 2:
        gap = change[usable] - gemeente
        spread = float(change[usable].std())
        # Every area changed alike (often: not at all): none stands out.
        score[usable] = gap / spread if spread > 0 else 0.0
    why[why.isna() & score.isna()] = (
        "geen gemeentecijfer in een van beide jaren"
        if pd.isna(gemeente)
        else "te weinig buurten met een cijfer om te vergelijken"
    )
    score = score * (ind.direction or 1)
    words = CHANGE_WORDS if ind.direction else {**CHANGE_WORDS, **CONTEXT_WORDS}
    verdict = score.map(
        lambda s: None if pd.isna(s) else words[int(np.sign(s)) if abs(s) > 1 else 0]
    )
    return pd.DataFrame(
        {
            "from_value": before,
            "to_value": after,
            "change": change,
            "gemeente_change": gemeente,
            "score": score,
            "verdict": verdict,
            "why": why,
        }  # fmt: skip
    )


def answered(
    signals_then: pd.DataFrame, area: str, themes: list[str], catalogue: Catalogue
) -> list[str]:
    """The figures an afspraak answered: on its themes, with a good and a bad side, those the
    area was worse on when it was made (aandacht first, then 'iets slechter'), else those
    furthest from the gemeente; at most MOST_FIGURES."""
    rows = signals_then[
        (signals_then["buurtcode"] == area)
        & signals_then["theme"].isin(themes)
        & signals_then["signal"].notna()
        & signals_then["indicator"].map(lambda i: bool(catalogue[i].direction))
    ].copy()
    if rows.empty:
        return []
    rank = {"aandacht": 0, "iets slechter": 1}
    rows["order"] = rows["position"].map(rank).fillna(2)
    rows["distance"] = -(rows["difference"] / rows["reference"].abs()).abs()
    rows = rows.sort_values(["order", "distance"], kind="stable")
    return rows["indicator"].head(MOST_FIGURES).tolist()


@dataclass
class Moved:
    """One figure of one afspraak: then, now and the verdict on the change, in words."""

    label: str
    then: str
    now: str
    gemeente: str
    verdict: str


@dataclass
class Look:
    """What the terugblik says about one afspraak."""

    afspraak: dict
    entries: list[dict]
    figures: list[Moved] = field(default_factory=list)
    note: str = ""  # why there are no figures to compare, when there are none
    stories: dict[str, int] = field(default_factory=dict)
    started: list[str] = field(default_factory=list)


def _format(ind: Indicator, value: float) -> str:
    return "–" if pd.isna(value) else ind.format(value)


def figures_moved(
    area_data,
    area: str,
    themes: list[str],
    made_year: int,
    last_year: int,
    catalogue: Catalogue,
    signals_for,
) -> tuple[list[Moved], str]:
    """(the figures an afspraak answered, then and now, judged; a note when there are none).
    `area_data` is the dataset whose areas include `area` (the gemeente, or its wijken);
    `signals_for(year)` gives (reference, signals) for it."""
    if made_year not in area_data.years or made_year >= last_year:
        return [], (
            f"Er zijn nog geen cijfers van na {made_year} ingeladen: vergelijken kan "
            "pas met een nieuwer jaar."
            if made_year >= last_year
            else f"De cijfers van {made_year} zijn niet ingeladen."
        )
    ref_then, signals_then = signals_for(made_year)
    ref_now, _ = signals_for(last_year)
    wanted = answered(signals_then, area, themes, catalogue)
    if not wanted:
        return [], "Geen cijfers op deze thema's met een oordeel in die buurt."
    broken = breaks(area_data.changes, [area], made_year, last_year)
    then, now = area_data.wide(made_year), area_data.wide(last_year)
    out = []
    for indicator_id in wanted:
        ind = catalogue[indicator_id]
        r1 = ref_then["value"].get(indicator_id, float("nan"))
        r2 = ref_now["value"].get(indicator_id, float("nan"))
        table = change_verdicts(then, now, ind, r1, r2, broken.reindex(then.index))
        row = table.loc[area]
        verdict = (
            row["verdict"]
            if pd.notna(row["verdict"])
            else f"niet te vergelijken: {row['why']}"
        )
        out.append(
            Moved(
                ind.label,
                f"{_format(ind, row['from_value'])} ({made_year})",
                f"{_format(ind, row['to_value'])} ({last_year})",
                f"{_format(ind, r1)} → {_format(ind, r2)}",
                verdict,
            )
        )
    return out, ""


def made_in(afspraak: dict, years: list[int]) -> int:
    """The figures' year an afspraak was made against: its own, else the last loaded year up
    to the year it was made in, else the first loaded year."""
    if pd.notna(afspraak.get("year")):
        return int(afspraak["year"])
    made = pd.Timestamp(afspraak["created"]).year
    return max((y for y in years if y <= made), default=min(years))


def look_back(
    afspraken: pd.DataFrame,
    entries: pd.DataFrame,
    stories: pd.DataFrame,
    initiatives: pd.DataFrame,
    since,
    until,
    catalogue: Catalogue,
    areas: dict,
) -> list[Look]:
    """Per afspraak that existed by `until`: its log lines from `since` to `until`, the figures
    it answered then and now, the stories told on its themes in its area since it was made,
    and the initiatives started there on its themes since.

    `areas` maps a level ('buurt', 'wijk') to (dataset, signals_for, buurten per area): the
    gemeente and its wijken, so an afspraak for a wijk is looked at with the wijk figures.
    """
    looks = []
    chosen = afspraken[
        afspraken["created"].map(lambda c: pd.Timestamp(c).date() <= until)
    ]
    for afspraak in chosen.to_dict("records"):
        level = "wijk" if afspraak["area"].startswith("WK") else "buurt"
        area_data, signals_for, members = areas[level]
        last = max(area_data.years)
        moved, note = figures_moved(
            area_data, afspraak["area"], afspraak["themes"],
            made_in(afspraak, area_data.years), last, catalogue, signals_for,
        )  # fmt: skip
        start = pd.Timestamp(afspraak["created"]).date()
        own = entries[
            (entries["agenda_id"] == afspraak["id"])
            & _between(entries["at"], since, until)
        ]
        buurten = members.get(afspraak["area"], [afspraak["area"]])
        told = stories[
            stories["buurtcode"].isin(buurten)
            & _shares(stories["themes"], afspraak["themes"])
            & _between(stories["date"], start, until)
        ]
        started = initiatives[
            _shares(initiatives["buurtcodes"], buurten)
            & _shares(initiatives["themes"], afspraak["themes"])
            & _between(initiatives["start_date"], start, until)
        ]
        looks.append(
            Look(
                afspraak,
                own.to_dict("records"),
                moved,
                note,
                told["kind"].value_counts().to_dict(),
                started["name"].tolist(),
            )  # fmt: skip
        )
    return looks


def _between(days: pd.Series, first, last) -> pd.Series:
    """Which dates (None allowed) lie from `first` to `last`, both included."""
    return days.map(lambda d: d is not None and pd.notna(d) and first <= d <= last)


def _shares(lists: pd.Series, wanted) -> pd.Series:
    """Which lists have an item in common with `wanted`."""
    wanted = set(wanted)
    return lists.map(lambda items: bool(wanted & set(items)))
