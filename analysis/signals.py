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
]
# Shares and rates: the value divided by this is a share of the base.
RATE_SCALES = {"%": 100.0, "per 1.000": 1000.0}
COUNTED = ("inwoners", "huishoudens", "woningen", "jongeren")


def rate_base(wide: pd.DataFrame, ind: Indicator) -> tuple[float, pd.Series] | None:
    """(scale, base per buurt) for a share or rate with a counted denominator; None for an
    average, a count or a class (those keep the spread rule).

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
    base = weights(wide, ind.denominator)
    return None if base is None else (RATE_SCALES[ind.unit], base)


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
                "Trechterregel: de buurt ligt buiten de 95%-grenzen rond de gemeentewaarde; "
                "die grenzen zijn ruimer naarmate de buurt minder inwoners of huishoudens "
                "heeft, en houden rekening met de gewone spreiding tussen buurten."
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
    ok = eligible & (n > 0)
    if ok.sum() < 2 or not 0 < reference / scale < 1:
        return None
    return fit_funnel(values[ok] / scale, n[ok], reference / scale), scale, n


def signal_scores(
    wide: pd.DataFrame,
    ind: Indicator,
    reference: float,
    eligible: np.ndarray,
    rule: SignalRule = SignalRule(),
) -> tuple[np.ndarray, str]:
    """A score per buurt, in the better direction (the raw direction for context figures),
    scaled so that beyond ±1 is kracht/aandacht; and which rule made it.

    Funnel for a share with a base: the adjusted z-score over 1.96. Spread otherwise: the
    difference over one standard deviation of the eligible buurten. Either way a difference
    smaller than the indicator's `min_difference` stays inside ±1.
    """
    values = wide[ind.id].to_numpy(float)
    diff = values - reference
    sign = ind.direction or 1
    found = funnel_for(wide, ind, reference, eligible)
    used = "spreiding" if found is None else "trechter"
    if found is not None:
        funnel, scale, n = found
        with np.errstate(divide="ignore", invalid="ignore"):
            score = funnel.z(values / scale, n) / Z95
    else:
        spread = values[eligible].std() if eligible.any() else float("nan")
        margin = rule.sd_factor * spread
        with np.errstate(divide="ignore", invalid="ignore"):
            score = diff / margin if margin > 0 else np.zeros_like(diff)
    if ind.min_difference > 0:
        cap = np.abs(diff) / ind.min_difference
        score = np.sign(score) * np.minimum(np.abs(score), cap)
    return score * sign, used


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
    `reason` then says why ('geheim', 'minder dan 200 inwoners'). With `reasons=False` the
    reason of a buurt that does get a signal is left empty: writing 300,000 Dutch sentences for
    a national table takes longer than deciding the signals.
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
        diff = values - ref
        score, used = signal_scores(wide, ind, ref, eligible, rule)
        signal = np.full(len(values), "gemiddeld", dtype=object)
        signal[score > 1] = "kracht"
        signal[score < -1] = "aandacht"
        signal[missing | too_small | np.isnan(score)] = None
        why = np.full(len(values), small_reason, dtype=object)
        if ind.id in status:
            told = status[ind.id].to_numpy(object)
        else:
            told = np.full(len(values), "", dtype=object)
        why[missing] = [t or "niet beschikbaar" for t in told[missing]]
        if reasons:
            why[eligible] = _reasons(ind, values[eligible], ref, signal[eligible])
        else:
            why[eligible] = ""
        parts.append((ind, values, ref, diff, signal, why, used))
    if not parts:
        return pd.DataFrame(columns=SIGNAL_COLUMNS)
    n = len(wide.index)
    return pd.DataFrame(
        {
            "buurtcode": np.tile(wide.index.to_numpy(), len(parts)),
            "indicator": np.repeat([p[0].id for p in parts], n),
            "theme": np.repeat([p[0].theme for p in parts], n),
            "value": np.concatenate([p[1] for p in parts]),
            "reference": np.repeat([p[2] for p in parts], n),
            "difference": np.concatenate([p[3] for p in parts]),
            "signal": pd.Series(np.concatenate([p[4] for p in parts]), dtype=object),
            # object, not pandas' string type: converting 300,000 texts costs 0.2 s
            "reason": pd.Series(np.concatenate([p[5] for p in parts]), dtype=object),
            "rule": np.repeat([p[6] for p in parts], n),
        }
    )


VERDICTS = {
    "kracht": "duidelijk beter dan gemiddeld",
    "aandacht": "duidelijk slechter dan gemiddeld",
    "gemiddeld": "niet duidelijk anders dan gemiddeld",
}


def _reasons(
    ind: Indicator, values: np.ndarray, ref: float, signals: np.ndarray
) -> list[str]:
    """'18,0% tegen 10,0% in de gemeente: duidelijk slechter dan gemiddeld (lager is beter).'"""
    direction = "hoger is beter" if ind.direction > 0 else "lager is beter"
    tail = {
        signal: f" tegen {ind.format(ref)} in de gemeente: {verdict} ({direction})."
        for signal, verdict in VERDICTS.items()
    }
    return [
        text + tail[s] for text, s in zip(ind.format_many(values.tolist()), signals)
    ]


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


DEVIATION_CLASSES = {
    # direction-aware: red always means aandacht
    1: ["aandacht", "iets slechter", "gemiddeld", "iets beter", "kracht"],
    # context indicators: only higher or lower, no judgement
    0: ["veel lager", "lager", "gemiddeld", "hoger", "veel hoger"],
}


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
    score, _ = signal_scores(frame, indicator, reference, eligible, rule)
    worst, worse, middle, better, best = DEVIATION_CLASSES[
        1 if indicator.direction else 0
    ]
    # Strict inequalities at the limit, exactly as buurt_signals decides kracht/aandacht.
    conditions = [score > 1, score > 0.5, score < -1, score < -0.5]
    out = pd.Series(
        np.select(conditions, [best, better, worst, worse], default=middle),
        index=values.index,
        dtype=object,
    )
    out[~eligible | np.isnan(score)] = None
    return out
