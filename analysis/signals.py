"""Statistical signals per buurt × indicator: kracht, gemiddeld or aandacht.

Two rules, each stated in one Dutch sentence next to its signals (`RULES`):
- *trechter*: a share or rate with a known base (households, inhabitants, youths, homes) is
  judged against funnel-plot limits that narrow as the base grows, adjusted for the real
  spread between buurten (`analysis/funnel.py`);
- *spreiding*: an average without a base (income per inhabitant, WOZ value, distances) is
  judged by the spread of the buurt values: more than one standard deviation off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, Indicator, format_number
from analysis.datasets import Dataset
from analysis.funnel import Z95, Funnel, fit_funnel
from analysis.reference import reference_values, weights

SIGNALS = ("kracht", "gemiddeld", "aandacht")
SIGNAL_COLUMNS = [
    "buurtcode",
    "indicator",
    "theme",
    "value",
    "reference",
    "difference",
    "signal",
    "reason",
    "rule",
    "position",
    "limit",
    "rank",
]
# Shares and rates: the value divided by this is a share of the base.
RATE_SCALES = {"%": 100.0, "per 1.000": 1000.0}
COUNTED = ("inwoners", "huishoudens", "woningen", "jongeren")
BASE_WORDS = {
    "inwoners": "inwoners",
    "huishoudens": "huishoudens",
    "woningen": "woningen",
    "jongeren": "jongeren tot 23 jaar",
}
# The funnel's normal approximation needs at least this many expected cases (and non-cases)
# in a buurt; below it a percentage rests on a handful of people and gets no verdict.
MIN_EXPECTED = 10


def rate_base(wide: pd.DataFrame, ind: Indicator) -> tuple[float, pd.Series] | None:
    """(scale, base per buurt) for a share or rate with a counted denominator; None for an
    average, a count or a class (those keep the spread rule).

    The base is CBS's own where CBS publishes both a count and the share (count ÷ share:
    for youth care its young people up to 23); otherwise the catalogue's denominator.

    >>> from analysis.catalogue import load_catalogue
    >>> cat = load_catalogue()
    >>> wide = pd.DataFrame({"aantal_huishoudens": [250.0, 8000.0]})
    >>> scale, base = rate_base(wide, cat["pct_huishoudens_laag_inkomen"])
    >>> scale, base.tolist()
    (100.0, [250.0, 8000.0])
    >>> rate_base(wide, cat["gem_inkomen_per_inwoner"]) is None
    True
    """
    if ind.unit not in RATE_SCALES or ind.denominator not in COUNTED:
        return None
    scale = RATE_SCALES[ind.unit]
    base = weights(wide, ind.denominator)
    if ind.count and ind.count in wide and ind.id in wide:
        share = wide[ind.id].astype(float) / scale
        with np.errstate(divide="ignore", invalid="ignore"):
            implied = wide[ind.count].astype(float) / share
        usable = (wide[ind.count] > 0) & (share > 0) & np.isfinite(implied)
        fallback = base if base is not None else pd.Series(np.nan, index=wide.index)
        base = implied.where(usable, fallback)
    return None if base is None else (scale, base)


def base_problems(n: np.ndarray, target: float, ind: Indicator) -> np.ndarray:
    """Why a buurt gets no funnel verdict on `ind` (None where it may): no base, or too few
    people for the share to mean something (fewer than MIN_EXPECTED expected cases)."""
    words = BASE_WORDS.get(ind.denominator, ind.denominator)
    problems = np.full(len(n), None, dtype=object)
    with np.errstate(invalid="ignore"):
        unknown = ~(n > 0)
        small = ~unknown & (
            (n * target < MIN_EXPECTED) | (n * (1 - target) < MIN_EXPECTED)
        )
    problems[unknown] = f"geen oordeel: het aantal {words} is niet bekend of 0"
    problems[small] = [
        f"geen oordeel: te weinig {words} (ongeveer {format_number(v, 0)}) voor een "
        "betrouwbaar cijfer"
        for v in n[small]
    ]
    return problems


@dataclass(frozen=True)
class SignalRule:
    """A buurt is *kracht* or *aandacht* on an indicator when it differs from the gemeente by
    more than `sd_factor` standard deviations of the buurt values (in the better or worse
    direction), and by at least the indicator's `min_difference`."""

    sd_factor: float = 1.0
    min_inwoners: int = 200

    def rule_sentence(self, rule: str) -> str:
        """The one sentence for one rule ('trechter' or 'spreiding')."""
        if rule == "trechter":
            return (
                "Trechterregel: de buurt ligt buiten de gewone spreiding tussen buurten, "
                "dus buiten de grenzen rond de gemeentewaarde waarbinnen 95 van de 100 "
                "buurten blijven door toeval en die spreiding samen; die grenzen zijn "
                "ruimer naarmate de buurt minder inwoners, huishoudens of jongeren heeft."
            )
        sd = format_number(self.sd_factor, 1).removesuffix(",0")
        return (
            f"Spreidingsregel: de buurt wijkt meer dan {sd} standaardafwijking van de "
            "buurten af van het gemeentegemiddelde."
        )

    def sentence(self) -> str:
        return (
            "Kracht of aandacht, in de goede of de slechte richting. Voor aandelen en "
            "cijfers per 1.000 (met een bekend aantal huishoudens, inwoners of jongeren): "
            + self.rule_sentence("trechter")[len("Trechterregel: ") :].rstrip(".")
            + ". Voor gemiddelden (inkomen, WOZ-waarde, afstanden): "
            + self.rule_sentence("spreiding")[len("Spreidingsregel: ") :].rstrip(".")
            + f". Geen signaal bij geheime cijfers, bij achtergrondcijfers en bij buurten "
            f"met minder dan {self.min_inwoners} inwoners."
        )


def judged(
    wide: pd.DataFrame, ind: Indicator, rule: SignalRule | None = None
) -> np.ndarray:
    """Which buurten may get a signal on `ind`: a published value and at least the rule's
    minimum of inhabitants."""
    rule = rule or SignalRule()
    inwoners = wide.get("aantal_inwoners", pd.Series(float("nan"), index=wide.index))
    return wide[ind.id].notna().to_numpy() & (inwoners >= rule.min_inwoners).to_numpy()


def funnel_for(
    wide: pd.DataFrame, ind: Indicator, reference: float, eligible: np.ndarray
) -> tuple[Funnel, float, np.ndarray] | None:
    """(funnel, scale, base per buurt) when `ind` is judged by the funnel rule: a share or
    rate with a base, a gemeente value strictly between 0 and 100 %, two buurten or more."""
    rate = rate_base(wide, ind)
    if rate is None:
        return None
    scale, base = rate
    values, n = wide[ind.id].to_numpy(float), base.to_numpy(float)
    target = reference / scale
    if not 0 < target < 1:
        return None
    ok = eligible & pd.isna(base_problems(n, target, ind))
    if ok.sum() < 2:
        return None
    funnel = fit_funnel(values[ok] / scale, n[ok], target, ind.count_precision)
    return funnel, scale, n


def rounding_slack(ind: Indicator, scale: float) -> float:
    """Half of CBS's rounding of the figure itself, as a share (0.1 % → 0.0005). The
    rounding of a count it is derived from is noise in the funnel (`chance_variance`)."""
    return ind.precision / 2 / scale


def funnel_z(
    funnel: Funnel, ind: Indicator, share: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The funnel z-score per buurt (NaN where it gets none) and why it gets none."""
    problems = base_problems(n, funnel.target, ind)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = funnel.z(share, n, rounding_slack(ind, RATE_SCALES[ind.unit]))
    z[pd.notna(problems)] = np.nan
    return z, problems


@dataclass(frozen=True)
class Scores:
    """What `signal_scores` decides for one indicator: per buurt a score in the better
    direction (beyond ±1 is kracht/aandacht), which rule made it, why a buurt gets none, and
    the published values at which the verdict changes (`low`, `high`: a buurt strictly below
    `low` or above `high` gets a verdict; they depend on the base under the funnel rule)."""

    score: np.ndarray
    rule: str
    problems: np.ndarray
    low: np.ndarray
    high: np.ndarray


def signal_scores(
    wide: pd.DataFrame,
    ind: Indicator,
    reference: float,
    eligible: np.ndarray,
    rule: SignalRule = SignalRule(),
) -> Scores:
    """A score per buurt, in the better direction (the raw direction for context figures),
    scaled so that beyond ±1 is kracht/aandacht, with the rule, the reasons for no score and
    the limits (`Scores`).

    Funnel for a share with a base: the adjusted z-score over 1.96. Spread otherwise: the
    difference over one standard deviation of the eligible buurten. Either way a difference
    smaller than the indicator's `min_difference` stays inside ±1.
    """
    values = wide[ind.id].to_numpy(float)
    diff = values - reference
    sign = ind.direction or 1
    found = funnel_for(wide, ind, reference, eligible)
    used = "spreiding" if found is None else "trechter"
    problems = np.full(len(values), None, dtype=object)
    if found is not None:
        funnel, scale, n = found
        score, problems = funnel_z(funnel, ind, values / scale, n)
        score = score / Z95
        # The published values beyond which the rounded figure is outside the funnel.
        slack = rounding_slack(ind, scale)
        with np.errstate(divide="ignore", invalid="ignore"):
            lo, hi = funnel.limits(n)
        low, high = (lo - slack) * scale, (hi + slack) * scale
        low[pd.notna(problems)] = high[pd.notna(problems)] = np.nan
    else:
        spread = values[eligible].std() if eligible.any() else float("nan")
        margin = rule.sd_factor * spread
        with np.errstate(divide="ignore", invalid="ignore"):
            score = diff / margin if margin > 0 else np.zeros_like(diff)
        low = np.full(len(values), reference - margin)
        high = np.full(len(values), reference + margin)
    if ind.min_difference > 0:
        cap = np.abs(diff) / ind.min_difference
        score = np.sign(score) * np.minimum(np.abs(score), cap)
        low = np.fmin(low, reference - ind.min_difference)
        high = np.fmax(high, reference + ind.min_difference)
    return Scores(score * sign, used, problems, low, high)


POSITIONS = {
    # direction-aware: red always means aandacht
    1: ["aandacht", "iets slechter", "gemiddeld", "iets beter", "kracht"],
    # context indicators: only higher or lower, no judgement
    0: ["veel lager", "lager", "gemiddeld", "hoger", "veel hoger"],
}


def positions(score: np.ndarray, direction: int) -> np.ndarray:
    """The graded position per score: the outer classes are exactly the verdicts (beyond
    ±1); half of that splits off 'iets beter'/'iets slechter'. NaN scores get None."""
    worst, worse, middle, better, best = POSITIONS[1 if direction else 0]
    # Strict inequalities at the limit, exactly as buurt_signals decides kracht/aandacht.
    conditions = [score > 1, score > 0.5, score < -1, score < -0.5]
    out = np.select(conditions, [best, better, worst, worse], default=middle)
    out = out.astype(object)
    out[np.isnan(score)] = None
    return out


def ranks(values: np.ndarray, reference: float, eligible: np.ndarray) -> np.ndarray:
    """Per buurt its place among the judged buurten, counted from the end it lies towards:
    '3e hoogste van 92' above the gemeente, '2e laagste van 92' below; '' otherwise.

    >>> ranks(np.array([5.0, 9.0, 7.0, 1.0]), 6.0, np.array([True, True, True, False])).tolist()
    ['laagste van 3', 'hoogste van 3', '2e hoogste van 3', '']
    """
    ordered = np.sort(values[eligible])
    out = np.full(len(values), "", dtype=object)
    total = len(ordered)
    if total < 2:
        return out
    higher = total - np.searchsorted(ordered, values, "right") + 1
    lower = np.searchsorted(ordered, values, "left") + 1
    for i in np.flatnonzero(eligible):
        if values[i] > reference:
            out[i] = _place(higher[i], "hoogste", total)
        elif values[i] < reference:
            out[i] = _place(lower[i], "laagste", total)
    return out


def _place(place: int, end: str, total: int) -> str:
    """'3e laagste van 92'; the first is just 'hoogste van 92'.

    >>> _place(1, "hoogste", 92), _place(3, "laagste", 92)
    ('hoogste van 92', '3e laagste van 92')
    """
    return f"{end} van {total}" if place == 1 else f"{place}e {end} van {total}"


def buurt_signals(
    wide: pd.DataFrame,
    status: pd.DataFrame,
    reference: pd.DataFrame,
    catalogue: Catalogue,
    rule: SignalRule = SignalRule(),
    reasons: bool = True,
) -> pd.DataFrame:
    """Signal per buurt × indicator that has a direction.

    Parameters
    ----------
    wide, status : values and missing-reasons of one year, index buurtcode (see `Dataset`).
    reference : output of `weighted_reference` for the same year.

    Returns
    -------
    Long frame with `SIGNAL_COLUMNS`; `signal` is None where no signal may be given, and
    `reason` then says why ('geheim', 'minder dan 200 inwoners'). `position` grades the
    buurt (`POSITIONS`: 'iets slechter' within the ordinary spread), `limit` is the value at
    which the verdict on the buurt's side of the gemeente begins, `rank` its place ('3e
    hoogste van 92'). With `reasons=False` the reason of a buurt that does get a signal and
    its rank are left empty: writing 300,000 Dutch sentences for a national table takes
    longer than deciding the signals.
    """
    inwoners = wide.get("aantal_inwoners", pd.Series(float("nan"), index=wide.index))
    too_small = ~(inwoners >= rule.min_inwoners).to_numpy()
    small_reason = f"minder dan {rule.min_inwoners} inwoners"
    parts = []
    # Whole columns at a time (numpy), not buurt by buurt: a national table has 15,000 buurten.
    for ind in catalogue.indicators.values():
        if not ind.has_signal or ind.id not in wide or ind.id not in reference.index:
            continue
        values, ref = wide[ind.id].to_numpy(float), reference.at[ind.id, "value"]
        missing = np.isnan(values)
        eligible = ~missing & ~too_small
        scores = signal_scores(wide, ind, ref, eligible, rule)
        unsigned = missing | too_small | np.isnan(scores.score)
        position = positions(scores.score, ind.direction)
        position[unsigned] = None
        # The verdict is the position's outer class (beyond ±1), gemiddeld otherwise.
        verdict = (position == "kracht") | (position == "aandacht")
        signal = np.where(verdict, position, "gemiddeld").astype(object)
        signal[unsigned] = None
        limit = np.where(values > ref, scores.high, scores.low)
        limit[unsigned | (values == ref)] = np.nan
        why = np.full(len(values), small_reason, dtype=object)
        if ind.id in status:
            told = status[ind.id].to_numpy(object)
        else:
            told = np.full(len(values), "", dtype=object)
        why[missing] = [t or "niet beschikbaar" for t in told[missing]]
        place = np.full(len(values), "", dtype=object)
        if reasons:
            place = ranks(values, ref, eligible & ~unsigned)
            why[eligible] = _reasons(
                ind,
                values[eligible],
                ref,
                signal[eligible],
                limit[eligible],
                place[eligible],
                scores.rule,
            )
        else:
            why[eligible] = ""
        unjudged = eligible & pd.notna(scores.problems)
        why[unjudged] = scores.problems[unjudged]
        parts.append(
            (ind, values, ref, signal, why, scores.rule, position, limit, place)
        )
    if not parts:
        return pd.DataFrame(columns=SIGNAL_COLUMNS)
    n = len(wide.index)

    def texts(i: int) -> pd.Series:
        # object, not pandas' string type: converting 300,000 texts costs 0.2 s
        return pd.Series(np.concatenate([p[i] for p in parts]), dtype=object)

    values = np.concatenate([p[1] for p in parts])
    refs = np.repeat([p[2] for p in parts], n)
    return pd.DataFrame(
        {
            "buurtcode": np.tile(wide.index.to_numpy(), len(parts)),
            "indicator": np.repeat([p[0].id for p in parts], n),
            "theme": np.repeat([p[0].theme for p in parts], n),
            "value": values,
            "reference": refs,
            "difference": values - refs,
            "signal": texts(3),
            "reason": texts(4),
            "rule": np.repeat([p[5] for p in parts], n),
            "position": texts(6),
            "limit": np.concatenate([p[7] for p in parts]),
            "rank": texts(8),
        }
    )


VERDICTS = {
    "kracht": "beter, buiten de gewone spreiding tussen buurten",
    "aandacht": "slechter, buiten de gewone spreiding tussen buurten",
    "hoger": "hoger, maar binnen de gewone spreiding tussen buurten",
    "lager": "lager, maar binnen de gewone spreiding tussen buurten",
    "gelijk": "gelijk aan de gemeente",
}
# How often a 95 % rule flags a buurt when only chance is at work (bench/calibration.py).
BY_CHANCE = 0.05


def _reasons(
    ind: Indicator,
    values: np.ndarray,
    ref: float,
    signals: np.ndarray,
    limits: np.ndarray,
    places: np.ndarray,
    rule: str,
) -> list[str]:
    """'9,1% tegen 5,3% in de gemeente: hoger, maar binnen de gewone spreiding tussen
    buurten (lager is beter). Aandacht boven 9,8% bij deze buurtgrootte; 3e hoogste van
    92.' The value, the gemeente, the verdict in words, the limit that applied on the
    buurt's side and its place."""
    direction = "hoger is beter" if ind.direction > 0 else "lager is beter"
    tail = {
        key: f" tegen {ind.format(ref)} in de gemeente: {verdict} ({direction})."
        for key, verdict in VERDICTS.items()
    }
    # Which verdict lies beyond the limit above and below the gemeente.
    beyond = {True: "Kracht" if ind.direction > 0 else "Aandacht"}
    beyond[False] = "Aandacht" if ind.direction > 0 else "Kracht"
    size = " bij deze buurtgrootte" if rule == "trechter" else ""
    texts = ind.format_many(values.tolist())
    bounds = ind.format_many(limits.tolist())
    out = []
    for text, value, signal, limit, bound, place in zip(
        texts, values, signals, limits, bounds, places
    ):
        key = signal
        if signal == "gemiddeld":
            key = "hoger" if value > ref else "lager" if value < ref else "gelijk"
        line = text + tail.get(key, ".")
        extra = []
        if not np.isnan(limit):
            if bound == text:  # at the display's precision the two would look equal
                bound = ind.format_many([limit], finer=1)[0]
            side = "boven" if value > ref else "onder"
            extra.append(f"{beyond[value > ref]} {side} {bound}{size}")
        if place:
            extra.append(place)
        if extra:
            line += " " + "; ".join(extra) + "."
        out.append(line)
    return out


def chance_sentence(judged: int, flagged: int | None = None) -> str:
    """How many verdicts chance alone gives among this many buurten, in words.

    >>> chance_sentence(116, 9)
    'Hier vallen 9 van de 116 buurten buiten de grenzen; door toeval alleen zouden het er ongeveer 6 zijn.'
    """
    expected = round(BY_CHANCE * judged)
    if flagged is None:
        return (
            f"Bij {judged} buurten vallen er door toeval alleen al ongeveer {expected} "
            "buiten de grenzen."
        )
    return (
        f"Hier vallen {flagged} van de {judged} buurten buiten de grenzen; door toeval "
        f"alleen zouden het er ongeveer {expected} zijn."
    )


def signals_by_chance(signals: pd.DataFrame) -> str:
    """Next to a count of signals: how many of them chance alone would give. Only the
    funnel rule is a chance test; its signals also need the minimum difference, so chance
    gives at most about 2.5 % on each side. '' when no signal was judged by the funnel.

    >>> frame = pd.DataFrame({"rule": ["trechter"] * 200, "signal": ["kracht"] * 9
    ...     + ["aandacht"] * 21 + ["gemiddeld"] * 170})
    >>> signals_by_chance(frame)
    'Van 200 oordelen met de trechterregel zijn er 9 kracht en 21 aandacht; door toeval alleen zouden het er hooguit ongeveer 5 van elk zijn.'
    """
    funnel = signals[(signals["rule"] == "trechter") & signals["signal"].notna()]
    if funnel.empty:
        return ""
    counted = funnel["signal"].value_counts()
    per_side = round(BY_CHANCE / 2 * len(funnel))
    return (
        f"Van {len(funnel)} oordelen met de trechterregel zijn er "
        f"{counted.get('kracht', 0)} kracht en {counted.get('aandacht', 0)} aandacht; "
        f"door toeval alleen zouden het er hooguit ongeveer {per_side} van elk zijn."
    )


def dataset_signals(
    data: Dataset, year: int, catalogue: Catalogue, rule: SignalRule = SignalRule()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference values, signals) of one dataset and year: the gemeente and Nederland values
    (CBS's own where published) and every buurt's signal against them."""
    wide = data.wide(year)
    reference = reference_values(
        wide, catalogue, data.published_for(year), data.info.gemeentecode
    )
    return reference, buurt_signals(wide, data.status(year), reference, catalogue, rule)


def theme_picture(signals: pd.DataFrame) -> pd.DataFrame:
    """Per buurt × theme: how many indicators say kracht and how many say aandacht."""
    counted = signals[signals["signal"].isin(["kracht", "aandacht"])]
    table = counted.pivot_table(
        index=["buurtcode", "theme"],
        columns="signal",
        values="indicator",
        aggfunc="count",
        fill_value=0,
    )
    return table.reindex(columns=["kracht", "aandacht"], fill_value=0).reset_index()


def deviation_classes(
    values: pd.Series,
    reference: float,
    indicator: Indicator,
    wide: pd.DataFrame,
    rule: SignalRule = SignalRule(),
) -> pd.Series:
    """A class per buurt for the 'afwijking van gemeentegemiddelde' map.

    The outer classes follow the signal rule exactly (kracht/aandacht, by the funnel or the
    spread rule, as `buurt_signals`); half that score splits off 'iets beter'/'iets slechter'.
    Missing values and buurten under the population minimum get None. For context indicators
    the classes say higher or lower, not better or worse.
    """
    frame = wide.reindex(values.index).assign(**{indicator.id: values})
    inwoners = frame.get("aantal_inwoners", pd.Series(float("nan"), index=values.index))
    too_small = ~(inwoners >= rule.min_inwoners)
    eligible = (values.notna() & ~too_small).to_numpy()
    score = signal_scores(frame, indicator, reference, eligible, rule).score
    out = pd.Series(positions(score, indicator.direction), index=values.index)
    out[~eligible] = None
    return out
