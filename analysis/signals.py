"""Statistical signals per buurt × indicator: kracht, gemiddeld or aandacht.

One rule, stated in one Dutch sentence next to every signal (see `SignalRule.sentence`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, Indicator, format_number
from analysis.datasets import Dataset
from analysis.reference import reference_values

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
]


@dataclass(frozen=True)
class SignalRule:
    """A buurt is *kracht* or *aandacht* on an indicator when it differs from the gemeente by
    more than `sd_factor` standard deviations of the buurt values (in the better or worse
    direction), and by at least the indicator's `min_difference`."""

    sd_factor: float = 1.0
    min_inwoners: int = 200

    def sentence(self) -> str:
        sd = format_number(self.sd_factor, 1).removesuffix(",0")
        return (
            f"Kracht of aandacht: de buurt wijkt meer dan {sd} standaardafwijking af van het "
            f"gemeentegemiddelde, in de goede of de slechte richting. Geen signaal bij geheime "
            f"cijfers, bij achtergrondcijfers en bij buurten met minder dan "
            f"{self.min_inwoners} inwoners."
        )


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
        spread = values[eligible].std() if eligible.any() else float("nan")
        diff = values - ref
        better = diff * ind.direction
        margin = max(rule.sd_factor * spread, ind.min_difference)
        signal = np.full(len(values), "gemiddeld", dtype=object)
        signal[better > margin] = "kracht"
        signal[better < -margin] = "aandacht"
        signal[missing | too_small] = None
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
        parts.append((ind, values, ref, diff, signal, why))
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
    inwoners: pd.Series,
    rule: SignalRule = SignalRule(),
) -> pd.Series:
    """A class per buurt for the 'afwijking van gemeentegemiddelde' map.

    The outer classes follow the signal rule exactly (kracht/aandacht); half that margin splits
    off 'iets beter'/'iets slechter'. Missing values and buurten under the population minimum
    get None. For context indicators the classes say higher or lower, not better or worse.
    """
    too_small = ~(inwoners.reindex(values.index) >= rule.min_inwoners)
    eligible = values.notna() & ~too_small
    margin = max(
        rule.sd_factor * values[eligible].std(ddof=0), indicator.min_difference
    )
    score = (values - reference) * (indicator.direction or 1)
    worst, worse, middle, better, best = DEVIATION_CLASSES[
        1 if indicator.direction else 0
    ]
    # Strict inequalities at the margin, exactly as buurt_signals decides kracht/aandacht.
    conditions = [
        score > margin,
        score > margin / 2,
        score < -margin,
        score < -margin / 2,
    ]
    out = pd.Series(
        np.select(conditions, [best, better, worst, worse], default=middle),
        index=values.index,
        dtype=object,
    )
    out[~eligible] = None
    return out
