"""Statistical signals per buurt × indicator: kracht, gemiddeld or aandacht.

One rule, stated in one Dutch sentence next to every signal (see `SignalRule.sentence`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, Indicator, format_number

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
) -> pd.DataFrame:
    """Signal per buurt × indicator that has a direction.

    Parameters
    ----------
    wide, status : values and missing-reasons of one year, index buurtcode (see `Dataset`).
    reference : output of `weighted_reference` for the same year.

    Returns
    -------
    Long frame with `SIGNAL_COLUMNS`; `signal` is None where no signal may be given, and
    `reason` then says why ('geheim', 'minder dan 200 inwoners').
    """
    inwoners = wide.get("aantal_inwoners", pd.Series(float("nan"), index=wide.index))
    too_small = ~(inwoners >= rule.min_inwoners)
    frames = []
    for ind in catalogue.indicators.values():
        if not ind.has_signal or ind.id not in wide or ind.id not in reference.index:
            continue
        values, ref = wide[ind.id], reference.at[ind.id, "value"]
        eligible = values.notna() & ~too_small
        spread = values[eligible].std(ddof=0)
        diff = values - ref
        better = diff * ind.direction
        margin = max(rule.sd_factor * spread, ind.min_difference)
        signal = pd.Series("gemiddeld", index=values.index, dtype=object)
        signal[better > margin] = "kracht"
        signal[better < -margin] = "aandacht"
        reasons = (
            status[ind.id] if ind.id in status else pd.Series("", index=values.index)
        )
        signals, why = [], []
        for code, value in values.items():
            if pd.isna(value):
                signals.append(None)
                why.append(reasons.get(code) or "niet beschikbaar")
            elif too_small[code]:
                signals.append(None)
                why.append(f"minder dan {rule.min_inwoners} inwoners")
            else:
                signals.append(signal[code])
                why.append(_reason(ind, value, ref, signal[code]))
        frame = pd.DataFrame(
            {
                "buurtcode": values.index,
                "indicator": ind.id,
                "theme": ind.theme,
                "value": values.to_numpy(),
                "reference": ref,
                "difference": diff.to_numpy(),
                "signal": pd.Series(signals, dtype=object),
                "reason": why,
            }
        )
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=SIGNAL_COLUMNS)
    return pd.concat(frames, ignore_index=True)[SIGNAL_COLUMNS]


def _reason(ind: Indicator, value: float, ref: float, signal: str) -> str:
    verdict = {
        "kracht": "duidelijk beter dan gemiddeld",
        "aandacht": "duidelijk slechter dan gemiddeld",
        "gemiddeld": "niet duidelijk anders dan gemiddeld",
    }[signal]
    direction = "hoger is beter" if ind.direction > 0 else "lager is beter"
    return f"{ind.format(value)} tegen {ind.format(ref)} in de gemeente: {verdict} ({direction})."


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
