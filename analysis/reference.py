"""Reference values: the gemeente value of each indicator, weighted by its denominator.

A gemeente's share of low-income households is the share of *all its households*, not the
plain mean of its buurten's percentages; suppressed buurten are left out and counted.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import Catalogue

# CBS counts youth care for ages 0-22; its age groups are 0-14 and 15-24. Eight of those
# ten years, spread evenly: on Eindhoven 2022 this matches the base CBS's own count ÷ share
# implies to a median ratio of 0.985 (0-14 alone: 1.73 times too small).
YOUTH_15_22 = 0.8


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
    if denominator == "jongeren":  # CBS: young people up to 23 (0-22 years)
        if {"aantal_inwoners", "pct_0_15", "pct_15_25"} <= set(wide):
            share = wide["pct_0_15"] + YOUTH_15_22 * wide["pct_15_25"]
            return wide["aantal_inwoners"] * share / 100
        return None
    if denominator == "oppervlakte":  # land area in km², from inhabitants and density
        if "aantal_inwoners" in wide and "bevolkingsdichtheid" in wide:
            return wide["aantal_inwoners"] / wide["bevolkingsdichtheid"]
        return None
    return None


def _weights_for(wide: pd.DataFrame, denominator: str) -> tuple[pd.Series | None, str]:
    """Weights and a Dutch description of how an indicator is combined over buurten."""
    if denominator == "som":
        return None, "opgeteld over de buurten"
    if denominator == "geen":
        return None, "klasse: geen gemeentewaarde"
    w = weights(wide, denominator)
    if w is None:
        return pd.Series(
            1.0, index=wide.index
        ), "ongewogen gemiddelde (noemer ontbreekt)"
    return w, f"gewogen naar {denominator}"


def _combine(
    values: pd.Series, w: pd.Series | None, denominator: str, groups: pd.Series
):
    """(value per group, buurten used per group) for one indicator."""
    if denominator == "geen":
        used = values.notna() & False
        return pd.Series(float("nan"), index=groups.unique()), used.groupby(
            groups
        ).sum()
    if w is None:  # a count: add up what is published
        used = values.notna()
        return values[used].groupby(groups[used]).sum(), used.groupby(groups).sum()
    used = values.notna() & w.notna() & (w > 0)
    total = w[used].groupby(groups[used]).sum()
    value = (values[used] * w[used]).groupby(groups[used]).sum() / total.where(
        total > 0
    )
    return value, used.groupby(groups).sum()


def aggregate(
    wide: pd.DataFrame, catalogue: Catalogue, groups: pd.Series
) -> pd.DataFrame:
    """Combine buurt values into larger areas (e.g. wijken): one row per group, one column per
    indicator, weighted like the gemeente value. `groups` maps each buurtcode to its area."""
    groups = groups.reindex(wide.index)
    columns = {}
    for ind in catalogue.indicators.values():
        if ind.id in wide:
            w, _ = _weights_for(wide, ind.denominator)
            columns[ind.id] = _combine(wide[ind.id], w, ind.denominator, groups)[0]
    return pd.DataFrame(columns).reindex(groups.dropna().unique())


def weighted_reference(wide: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Gemeente value per indicator from buurt values.

    Returns a frame indexed by indicator id with `value`, `buurten` (how many buurten count),
    `weggelaten` (how many were suppressed or lacked a weight) and `basis` (Dutch: how it was
    computed). Counts are summed; classes get no gemeente value.
    """
    one = pd.Series("gemeente", index=wide.index)
    rows = {}
    for ind in catalogue.indicators.values():
        if ind.id not in wide:
            continue
        w, basis = _weights_for(wide, ind.denominator)
        value, used = _combine(wide[ind.id], w, ind.denominator, one)
        n = int(used.get("gemeente", 0))
        rows[ind.id] = {
            "value": float(value.get("gemeente", float("nan"))),
            "buurten": n,
            "weggelaten": len(wide) - n,
            "basis": basis,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


NEDERLAND = "NL00"
NOT_LOADED = "niet ingelezen"
NEDERLAND_HINT = (
    "Nederland: niet ingelezen. De landelijke waarden komen mee met de import van internet "
    "(CBS), of met een Kerncijfers-bestand waarin de rij Nederland (NL00) staat: vink in "
    "StatLine bij de regio's ook 'Nederland' aan en laad het bestand opnieuw in."
)


def nederland_loaded(reference: pd.DataFrame) -> bool:
    return bool(reference["nederland"].notna().any())


def nederland_text(reference: pd.DataFrame, indicator) -> str:
    """The Nederland value as text: 'niet ingelezen' when the import brought no Nederland
    row at all (not '–', which would look like CBS has no figure)."""
    if not nederland_loaded(reference):
        return NOT_LOADED
    return indicator.format(reference["nederland"].get(indicator.id))


def reference_values(
    wide: pd.DataFrame,
    catalogue: Catalogue,
    published: pd.DataFrame | None = None,
    gemeentecode: str | None = None,
) -> pd.DataFrame:
    """The gemeente value per indicator, preferring the one CBS publishes, plus Nederland.

    `published` holds CBS's own area values of one year (columns code, indicator, waarde,
    status). Adds the columns `berekend` (our weighted value) and `nederland`; where CBS
    publishes the gemeente value, `value` is that one and `basis` says so.
    """
    ref = weighted_reference(wide, catalogue)
    ref["berekend"] = ref["value"]
    ref["nederland"] = float("nan")
    if published is None or published.empty:
        return ref
    ok = published[published["status"] == ""]
    own = ok[ok["code"] == gemeentecode].set_index("indicator")["waarde"]
    own = own[own.index.isin(ref.index)]
    ref.loc[own.index, "value"] = own
    ref.loc[own.index, "basis"] = "zoals CBS het publiceert"
    nl = ok[ok["code"] == NEDERLAND].set_index("indicator")["waarde"]
    ref["nederland"] = nl.reindex(ref.index)
    return ref
