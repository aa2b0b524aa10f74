"""Vergelijkbare buurten: the k buurten most like this one, among all loaded gemeenten, and
how it does against them ("beter dan 8 van de 10 vergelijkbare buurten").

Nearest neighbours in the style of the CIPFA and ONS models: each context figure (the
catalogue marks them `peer = true`) becomes a z-score over all buurten; the distance is
Euclidean, equal weights unless the user sets others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue

LOGGED = {"bevolkingsdichtheid"}  # skewed: compared on a log scale


def peer_variables(catalogue: Catalogue) -> list[str]:
    return [i.id for i in catalogue.indicators.values() if i.peer]


def standardised(
    pooled: pd.DataFrame, variables: list[str], min_inwoners: int = 200
) -> pd.DataFrame:
    """z-scores of the context figures for every buurt that has them all (and enough
    inhabitants to be compared)."""
    present = [v for v in variables if v in pooled]
    X = pooled[present].astype(float)
    for name in LOGGED & set(present):
        X[name] = np.log1p(X[name])
    inwoners = pooled.get("aantal_inwoners", pd.Series(np.nan, index=pooled.index))
    X = X[X.notna().all(axis=1) & (inwoners >= min_inwoners)]
    sd = X.std().replace(0, 1)
    return (X - X.mean()) / sd


def nearest(
    z: pd.DataFrame, code: str, k: int = 10, weights: dict[str, float] | None = None
) -> pd.Series:
    """The k buurten nearest to `code` (distance, nearest first), itself left out.

    >>> z = pd.DataFrame({"a": [0.0, 0.1, 2.0, -0.3]}, index=["A", "B", "C", "D"])
    >>> nearest(z, "A", k=2).round(2).to_dict()
    {'B': 0.1, 'D': 0.3}
    """
    if code not in z.index:
        raise KeyError(code)
    w = pd.Series({c: (weights or {}).get(c, 1.0) for c in z.columns}, dtype=float)
    if w.sum() <= 0:
        raise ValueError("at least one weight must be above 0")
    w = w * len(w) / w.sum()  # the same scale whatever the weights add up to
    distance = np.sqrt((((z - z.loc[code]) ** 2) * w).sum(axis=1))
    return distance.drop(code).sort_values(kind="stable").head(k)


def peer_sentence(better: int, peers: int) -> str:
    """'beter dan 8 van de 10 vergelijkbare buurten'; none and all in words."""
    if better == 0:
        return f"beter dan geen van de {peers} vergelijkbare buurten"
    if better == peers:
        return f"beter dan alle {peers} vergelijkbare buurten"
    return f"beter dan {better} van de {peers} vergelijkbare buurten"


def compare_with_peers(
    pooled: pd.DataFrame, code: str, peers: list[str], catalogue: Catalogue
) -> pd.DataFrame:
    """Per indicator with a direction: how many peers (with a figure) this buurt beats.

    Columns: indicator, value, better_than, peers_with_value, sentence.
    """
    rows = []
    for ind in catalogue.indicators.values():
        if not ind.has_signal or ind.id not in pooled:
            continue
        own = pooled.at[code, ind.id]
        theirs = pooled.loc[peers, ind.id].dropna()
        if pd.isna(own) or theirs.empty:
            continue
        better = int(((own - theirs) * ind.direction > 0).sum())
        rows.append(
            {
                "indicator": ind.id,
                "value": own,
                "better_than": better,
                "peers_with_value": len(theirs),
                "sentence": peer_sentence(better, len(theirs)),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["indicator", "value", "better_than", "peers_with_value", "sentence"],
    )
