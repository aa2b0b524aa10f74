"""The Tellen table: chosen buurten against gemeente and Nederland, indicator by indicator.

Pure assembly of what the Tellen page shows and downloads, in Dutch, with units.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import Catalogue
from analysis.reference import nederland_text


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
    is missing), gemeente and Nederland. One buurt: its signal and the reason in two columns;
    several buurten: 'kracht'/'aandacht' written beside the value, to keep the table narrow."""
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
            signal = sig["signal"].get((code, ind.id))
            if len(codes) > 1 and signal in ("kracht", "aandacht"):
                text = f"{text} · {signal}"  # compact: the signal beside the value
            row[names[code]] = text
        row["Gemeente"] = ind.format(reference["value"].get(ind.id))
        row["Nederland"] = nederland_text(reference, ind)
        if len(codes) == 1:
            key = (codes[0], ind.id)
            found = key in sig.index
            row["Signaal"] = (sig.at[key, "signal"] or "geen") if found else "–"
            row["Toelichting"] = (
                sig.at[key, "reason"] if found else "Achtergrondcijfer: geen signaal."
            )
        rows.append(row)
    return pd.DataFrame(rows)
