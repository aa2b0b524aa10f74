"""Trend per buurt between two years: did it get better or worse, and does it move towards
the gemeente or away from it? Only where the buurt is the same area in both years: across a
new code or a new boundary the trend says so in words instead."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import Indicator

TREND_COLUMNS = [
    "buurtcode", "from_value", "to_value", "change", "gap_from", "gap_to", "richting", "beweging",
    "breuk",
]  # fmt: skip
BREAK_WORDS = {"grens": "grens gewijzigd in {}", "code": "nieuwe buurtcode in {}"}


def breaks(changes: pd.DataFrame, codes, first: int, last: int) -> pd.Series:
    """Per buurt, why its figures of `first` and `last` are not about the same area ('grens
    gewijzigd in 2023', 'nieuwe buurtcode in 2023'), or None where they are.

    `changes` has buurtcode, jaar (the first year of the new situation) and wijziging
    ('grens' or 'code'), as kept with a dataset.

    >>> c = pd.DataFrame({"buurtcode": ["A"], "jaar": [2023], "wijziging": ["grens"]})
    >>> breaks(c, ["A", "B"], 2022, 2023).tolist()
    ['grens gewijzigd in 2023', None]
    >>> breaks(c, ["A"], 2023, 2024).tolist()
    [None]
    """
    between = changes[(changes["jaar"] > first) & (changes["jaar"] <= last)]
    latest = between.sort_values("jaar").groupby("buurtcode").last()
    words = {
        code: BREAK_WORDS[row.wijziging].format(int(row.jaar))
        for code, row in latest.iterrows()
    }
    return pd.Series([words.get(c) for c in codes], index=list(codes), dtype=object)


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
    broken: pd.Series | None = None,
) -> pd.DataFrame:
    """Change per buurt from `old` to `new` (values indexed by buurtcode).

    `broken` (from `breaks`) names the buurten that are another area in the two years: they
    keep both figures but get no change, richting or beweging, and `breuk` says why.

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
    broken = (
        pd.Series(None, index=old.index, dtype=object)
        if broken is None
        else broken.reindex(old.index)
    )
    tol = tolerance(indicator, ref_new)
    change = (new - old).mask(broken.notna())
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
            "breuk": broken.to_numpy(),
        }
    )
    return frame[TREND_COLUMNS]
