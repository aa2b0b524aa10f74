"""Vergelijkbare buurten: the k buurten most like this one, among all loaded gemeenten, and
how it does against them ("beter dan 8 van de 10 vergelijkbare buurten").

Nearest neighbours in the style of the CIPFA and ONS models: each context figure (the
catalogue marks them `peer = true`) becomes a z-score over all buurten. The distance is
Mahalanobis's: figures that rise and fall together (one-person households and rented homes,
r = 0,79 in Eindhoven) do not count twice, so urban rental areas do not weigh double. Equal
weights unless the user sets others.

"Beter dan" counts a peer only where the two figures differ by more than chance: for a share
with a base, outside both buurten's chance variance on the funnel's arcsine scale (95 %);
otherwise more than CBS's rounding. The others are too close to call, and said so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, Indicator
from analysis.funnel import Z95, angle, chance_variance, unrounded
from analysis.signals import rate_base

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

    Distance² = dᵀ·S·R⁻¹·S·d for the differences d in z-scores, R their correlation over
    these buurten and S the square roots of the weights: Mahalanobis's distance, weighted.
    With one figure it is the plain difference:

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
    d = (z - z.loc[code]).to_numpy() * np.sqrt(w.to_numpy())
    correlation = np.atleast_2d(np.corrcoef(z.to_numpy(), rowvar=False))
    # A pseudo-inverse: figures that are exact copies of each other count once.
    inverse = np.linalg.pinv(correlation, hermitian=True)
    distance = pd.Series(
        np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", d, inverse, d), 0)), index=z.index
    )
    return distance.drop(code).sort_values(kind="stable").head(k)


def peer_sentence(better: int, peers: int, worse: int | None = None) -> str:
    """'beter dan 3 van de 10 vergelijkbare buurten, slechter dan 2; bij 5 is het verschil
    te klein om iets te zeggen'; none and all in words. Without `worse`, every peer not
    beaten counts as worse."""
    if better == 0:
        said = f"beter dan geen van de {peers} vergelijkbare buurten"
    elif better == peers:
        said = f"beter dan alle {peers} vergelijkbare buurten"
    else:
        said = f"beter dan {better} van de {peers} vergelijkbare buurten"
    if worse is None or better + worse == peers:
        return said
    close = peers - better - worse
    if worse:
        said += f", slechter dan {worse}"
    return f"{said}; bij {close} is het verschil te klein om iets te zeggen"


def distinct(ind: Indicator, pooled: pd.DataFrame, code: str, peers) -> pd.Series:
    """Per peer: does its figure differ from this buurt's by more than chance? For a share
    with a base, outside 1.96 times the two buurten's chance (arcsine scale, rounding of the
    count included); otherwise by more than CBS's rounding of the figure."""
    own, theirs = pooled.at[code, ind.id], pooled.loc[peers, ind.id]
    rate = rate_base(pooled, ind)
    if rate is None:
        return (theirs - own).abs() > ind.precision
    scale, base = rate
    n = base.loc[[code, *peers]].to_numpy(float)
    share = unrounded(
        pooled.loc[[code, *peers], ind.id] / scale, n, ind.count_precision
    )
    chance = chance_variance(n, np.clip(share, 1e-6, 1 - 1e-6), ind.count_precision)
    with np.errstate(invalid="ignore"):
        beyond = np.abs(angle(share[1:]) - angle(share[0])) > Z95 * np.sqrt(
            chance[1:] + chance[0]
        )
    return pd.Series(beyond & np.isfinite(chance[1:]), index=theirs.index)


PEER_COLUMNS = [
    "indicator", "value", "better_than", "worse_than", "too_close", "peers_with_value",
    "sentence",
]  # fmt: skip


def compare_with_peers(
    pooled: pd.DataFrame, code: str, peers: list[str], catalogue: Catalogue
) -> pd.DataFrame:
    """Per indicator with a direction: how many peers (with a figure) this buurt beats and
    trails by more than chance, and how many are too close to call.

    Columns: indicator, value, better_than, worse_than, too_close, peers_with_value,
    sentence.
    """
    rows = []
    for ind in catalogue.indicators.values():
        if not ind.has_signal or ind.id not in pooled:
            continue
        own = pooled.at[code, ind.id]
        with_value = pooled.loc[peers, ind.id].dropna().index
        if pd.isna(own) or with_value.empty:
            continue
        theirs = pooled.loc[with_value, ind.id]
        apart = distinct(ind, pooled, code, list(with_value))
        better = int((((own - theirs) * ind.direction > 0) & apart).sum())
        worse = int((((own - theirs) * ind.direction < 0) & apart).sum())
        rows.append(
            {
                "indicator": ind.id,
                "value": own,
                "better_than": better,
                "worse_than": worse,
                "too_close": len(theirs) - better - worse,
                "peers_with_value": len(theirs),
                "sentence": peer_sentence(better, len(theirs), worse),
            }
        )
    return pd.DataFrame(rows, columns=PEER_COLUMNS)


def peer_question(
    wide: pd.DataFrame,
    code: str,
    name: str,
    catalogue: Catalogue,
    k: int = 10,
    areas: str = "buurten",
) -> str | None:
    """A question for the focusgesprek from the figure on which `code` trails (or, failing
    that, leads) most of its `k` nearest peers by more than chance; None when no figure
    does for more than half of them, or there are too few peers to ask. Distances (to the
    doctor, the school) are where a buurt lies, not what it does: they ask nothing."""
    z = standardised(wide, peer_variables(catalogue))
    if code not in z.index or len(z) < 4:
        return None
    compared = compare_with_peers(
        wide, code, list(nearest(z, code, k).index), catalogue
    )
    compared = compared[[catalogue[i].unit != "km" for i in compared["indicator"]]]
    for column, template in (
        ("worse_than", "{label} is in {name} ongunstiger dan in {count} van de {peers} "
         "{areas} die er het meest op lijken (qua bevolking en wonen): wat doen die "
         "{areas} anders?"),
        ("better_than", "{label} is in {name} gunstiger dan in {count} van de {peers} "
         "{areas} die er het meest op lijken (qua bevolking en wonen): wat werkt hier dat "
         "anderen kunnen leren?"),
    ):  # fmt: skip
        most = compared[compared[column] > compared["peers_with_value"] / 2]
        if len(most):
            row = most.sort_values(column, ascending=False, kind="stable").iloc[0]
            return template.format(
                label=catalogue[row["indicator"]].label, name=name, areas=areas,
                count=int(row[column]), peers=int(row["peers_with_value"]),
            )  # fmt: skip
    return None
