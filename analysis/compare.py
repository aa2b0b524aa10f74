"""The Tellen table: chosen buurten against gemeente and Nederland, indicator by indicator.

Pure assembly of what the Tellen page shows and downloads, in Dutch, with units.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import Catalogue
from analysis.reference import nederland_text


def verdict_words(signal: str | None, position: str | None) -> str:
    """The verdict with its graded position where that says more: 'gemiddeld (iets
    slechter)'; 'geen' without a verdict.

    >>> verdict_words("gemiddeld", "iets slechter"), verdict_words("aandacht", "aandacht")
    ('gemiddeld (iets slechter)', 'aandacht')
    """
    if not signal:
        return "geen"
    if position and position != signal:
        return f"{signal} ({position})"
    return signal


def comparison_table(
    wide: pd.DataFrame,
    status: pd.DataFrame,
    reference: pd.DataFrame,
    signals: pd.DataFrame,
    catalogue: Catalogue,
    codes: list[str],
    names: dict[str, str],
) -> pd.DataFrame:
    """One row per indicator the dataset has, grouped by theme: each buurt's value (or why it
    is missing), gemeente and Nederland. One buurt: its verdict with the graded position
    ('gemiddeld (iets slechter)') and the reason; several buurten: the verdict or position
    written beside the value ('9,1% · iets slechter'), to keep the table narrow (their
    reasons: `reason_table`)."""
    sig = signals.set_index(["buurtcode", "indicator"])
    rows = []
    order = {theme: i for i, theme in enumerate(catalogue.themes)}
    # Grouped by theme (in catalogue order), so related figures stand together.
    for ind in sorted(catalogue.indicators.values(), key=lambda i: order[i.theme]):
        if ind.id not in wide or wide[ind.id].isna().all():
            continue
        row = {"Thema": catalogue.themes[ind.theme], "Indicator": ind.label}
        for code in codes:
            value = wide.at[code, ind.id]
            text = ind.format(value) if pd.notna(value) else status.at[code, ind.id]
            position = sig["position"].get((code, ind.id))
            if len(codes) > 1 and position and position != "gemiddeld":
                text = f"{text} · {position}"  # compact: the position beside the value
            row[names[code]] = text
        row["Gemeente"] = ind.format(reference["value"].get(ind.id))
        row["Nederland"] = nederland_text(reference, ind)
        if len(codes) == 1:
            key = (codes[0], ind.id)
            found = key in sig.index
            row["Oordeel"] = (
                verdict_words(sig.at[key, "signal"], sig.at[key, "position"])
                if found
                else "–"
            )
            row["Toelichting"] = (
                sig.at[key, "reason"] if found else "Achtergrondcijfer: geen oordeel."
            )
        rows.append(row)
    return pd.DataFrame(rows)


def reason_table(
    signals: pd.DataFrame, catalogue: Catalogue, code: str
) -> pd.DataFrame:
    """Per figure with a direction: the buurt's verdict and its reason in full, for reading
    (a table cell would cut the reason off)."""
    own = signals[signals["buurtcode"] == code]
    order = {ind_id: i for i, ind_id in enumerate(catalogue.indicators)}
    own = own.assign(order=own["indicator"].map(order)).sort_values("order")
    return pd.DataFrame(
        {
            "Indicator": [catalogue[i].label for i in own["indicator"]],
            "Oordeel": [
                verdict_words(s, p) for s, p in zip(own["signal"], own["position"])
            ],
            "Waarom": own["reason"].tolist(),
        }
    )
