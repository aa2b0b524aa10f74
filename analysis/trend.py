"""Trend per buurt between two years: did it get better or worse, and does it move towards
the gemeente or away from it?"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import Indicator

TREND_COLUMNS = [
    "buurtcode", "from_value", "to_value", "change", "gap_from", "gap_to", "richting", "beweging",
]  # fmt: skip


def tolerance(indicator: Indicator, reference: float) -> float:
    """Changes smaller than this count as 'gelijk': half the indicator's minimum difference,
    or 1% of the gemeente value for indicators without one."""
    if indicator.min_difference > 0:
        return indicator.min_difference / 2
    return 0.01 * abs(reference) if pd.notna(reference) else 0.0


def buurt_trend(
    old: pd.Series,
    new: pd.Series,
    ref_old: float,
    ref_new: float,
    indicator: Indicator,
) -> pd.DataFrame:
    """Change per buurt from `old` to `new` (values indexed by buurtcode).

    `richting`: 'beter' / 'slechter' / 'gelijk' (or 'hoger' / 'lager' for context indicators);
    `beweging`: 'naar de gemeente toe' / 'van de gemeente af' / 'even ver', comparing the
    distance to the gemeente value in each year. Both are None when a year has no figure.

    >>> from analysis.catalogue import Indicator
    >>> ind = Indicator("x", "X", "jeugd", "%", -1, "inwoners", "d", "s", min_difference=1.0)
    >>> t = buurt_trend(pd.Series({"A": 12.0}), pd.Series({"A": 10.0}), 8.0, 8.0, ind)
    >>> t.loc[0, ["richting", "beweging"]].tolist()
    ['beter', 'naar de gemeente toe']
    """
    old, new = old.astype(float), new.reindex(old.index).astype(float)
    tol = tolerance(indicator, ref_new)
    change = new - old
    gap_from, gap_to = old - ref_old, new - ref_new
    if indicator.direction:
        better = change * indicator.direction
        richting = better.map(
            lambda b: "beter" if b > tol else "slechter" if b < -tol else "gelijk"
        )
    else:
        richting = change.map(
            lambda c: "hoger" if c > tol else "lager" if c < -tol else "gelijk"
        )
    closer = gap_to.abs() - gap_from.abs()
    beweging = closer.map(
        lambda c: (
            "naar de gemeente toe"
            if c < -tol
            else "van de gemeente af"
            if c > tol
            else "even ver"
        )
    )
    missing = change.isna().to_numpy()
    no_reference = pd.isna(ref_old) or pd.isna(ref_new)
    frame = pd.DataFrame(
        {
            "buurtcode": old.index,
            "from_value": old.to_numpy(),
            "to_value": new.to_numpy(),
            "change": change.to_numpy(),
            "gap_from": gap_from.to_numpy(),
            "gap_to": gap_to.to_numpy(),
            "richting": [None if m else r for m, r in zip(missing, richting)],
            "beweging": [
                None if m or no_reference else b for m, b in zip(missing, beweging)
            ],
        }
    )
    return frame[TREND_COLUMNS]
