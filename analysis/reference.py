"""Reference values: the gemeente value of each indicator, weighted by its denominator.

A gemeente's share of low-income households is the share of *all its households*, not the
plain mean of its buurten's percentages; suppressed buurten are left out and counted.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import Catalogue


def weights(wide: pd.DataFrame, denominator: str) -> pd.Series | None:
    """The weight per buurt for a catalogue denominator, or None where values are not combined.

    >>> import pandas as pd
    >>> w = weights(pd.DataFrame({"aantal_inwoners": [100.0, 300.0]}), "inwoners")
    >>> w.tolist()
    [100.0, 300.0]
    """
    col = wide.get
    if denominator == "inwoners":
        return col("aantal_inwoners")
    if denominator == "huishoudens":
        return col("aantal_huishoudens")
    if denominator == "woningen":
        return col("woningvoorraad")
    if denominator == "jongeren":
        if "aantal_inwoners" in wide and "pct_0_15" in wide:
            return wide["aantal_inwoners"] * wide["pct_0_15"] / 100
        return None
    if denominator == "oppervlakte":  # land area in km², from inhabitants and density
        if "aantal_inwoners" in wide and "bevolkingsdichtheid" in wide:
            return wide["aantal_inwoners"] / wide["bevolkingsdichtheid"]
        return None
    return None


def weighted_reference(wide: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Gemeente value per indicator from buurt values.

    Returns a frame indexed by indicator id with `value`, `buurten` (how many buurten count),
    `weggelaten` (how many were suppressed or lacked a weight) and `basis` (Dutch: how it was
    computed). Counts are summed; classes get no gemeente value.
    """
    rows = {}
    for ind in catalogue.indicators.values():
        if ind.id not in wide:
            continue
        values = wide[ind.id]
        if ind.denominator == "som":
            used = values.notna()
            value, basis = values[used].sum(), "opgeteld over de buurten"
        elif ind.denominator == "geen":
            used = values.notna() & False
            value, basis = float("nan"), "klasse: geen gemeentewaarde"
        else:
            w = weights(wide, ind.denominator)
            if w is None:
                w, basis = (
                    pd.Series(1.0, index=values.index),
                    "ongewogen gemiddelde (noemer ontbreekt)",
                )
            else:
                basis = f"gewogen naar {ind.denominator}"
            used = values.notna() & w.notna() & (w > 0)
            total = w[used].sum()
            value = (
                (values[used] * w[used]).sum() / total if total > 0 else float("nan")
            )
        rows[ind.id] = {
            "value": float(value),
            "buurten": int(used.sum()),
            "weggelaten": int(len(values) - used.sum()),
            "basis": basis,
        }
    return pd.DataFrame.from_dict(rows, orient="index")
