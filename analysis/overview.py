"""The gemeente at a glance: strongest krachten and zorgen per theme, and where to start.

Joins statistical signals (tellen) with story counts (vertellen) per theme and per buurt.
"""

from __future__ import annotations

import pandas as pd


def story_counts(stories: pd.DataFrame) -> pd.DataFrame:
    """Stories per buurt × theme × kind (a story with two themes counts for both)."""
    exploded = stories[["buurtcode", "kind", "themes"]].explode("themes")
    exploded = exploded.rename(columns={"themes": "theme"}).dropna(subset=["theme"])
    return (
        exploded.groupby(["buurtcode", "theme", "kind"])
        .size()
        .rename("n")
        .reset_index()
    )


# What each rule flags on one side when nothing stands out: the funnel's 95 % limits leave
# 2.5 % per side to chance; one standard deviation leaves 15.9 % per side of a normal spread.
RULE_SHARE = {"trechter": 0.025, "spreiding": 0.159}


def theme_summary(
    signals: pd.DataFrame,
    stories: pd.DataFrame,
    themes: dict[str, str],
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Per theme: buurten with a statistical kracht / aandacht, and kracht / zorg / droom stories.

    Returns a frame indexed by theme id (all themes, in catalogue order) with the columns
    `label`, `buurten_kracht`, `buurten_aandacht`, `kracht`, `zorg`, `droom`; and per side
    (`beyond_kracht`, `beyond_aandacht`) how many verdicts there are beyond what the rule
    gives when nothing stands out (`RULE_SHARE` of the judged buurten, per indicator), and
    (`cijfers_kracht`, `cijfers_aandacht`) the indicators behind them, most verdicts first,
    named by `labels` ('Gemiddeld inkomen per inwoner (12)').
    """
    flagged = signals[signals["signal"].isin(["kracht", "aandacht"])]
    buurten = (
        flagged.groupby(["theme", "signal"])["buurtcode"]
        .nunique()
        .unstack(fill_value=0)
        .reindex(columns=["kracht", "aandacht"], fill_value=0)
        .add_prefix("buurten_")
    )
    told = (
        story_counts(stories)
        .pivot_table(
            index="theme", columns="kind", values="n", aggfunc="sum", fill_value=0
        )
        .reindex(columns=["kracht", "zorg", "droom"], fill_value=0)
    )
    table = pd.DataFrame({"label": pd.Series(themes)}).join(buurten).join(told)
    table = table.fillna(0).astype({c: int for c in table.columns if c != "label"})
    if "indicator" in signals and "rule" in signals:
        judged = signals[signals["signal"].notna()]
        per = judged.groupby(["theme", "indicator", "rule"]).agg(
            judged=("signal", "size"),
            kracht=("signal", lambda s: int((s == "kracht").sum())),
            aandacht=("signal", lambda s: int((s == "aandacht").sum())),
        )
        share = per.index.get_level_values("rule").map(RULE_SHARE).fillna(0.0)
        for side in ("kracht", "aandacht"):
            excess = (per[side] - per["judged"] * share).clip(lower=0)
            table[f"beyond_{side}"] = (
                excess.groupby(level="theme").sum().reindex(table.index).fillna(0.0)
            )
            counted = per[per[side] > 0][side].sort_values(ascending=False)
            table[f"cijfers_{side}"] = [
                _named(
                    counted[counted.index.get_level_values("theme") == theme], labels
                )
                for theme in table.index
            ]
    return table


def _named(counted: pd.Series, labels: dict[str, str] | None, most: int = 3) -> str:
    """'Inkomen (20), Vermogen (13) en 4 andere cijfers': the figures with most verdicts."""
    parts = [f"{(labels or {}).get(i, i)} ({n})" for (_, i, _), n in counted.items()]
    if len(parts) > most:
        rest = len(parts) - most
        return (
            ", ".join(parts[:most])
            + f" en {rest} {'ander cijfer' if rest == 1 else 'andere cijfers'}"
        )
    return ", ".join(parts)


def where_to_start(
    signals: pd.DataFrame,
    stories: pd.DataFrame,
    buurten: pd.DataFrame,
    n: int = 5,
    groups: pd.Series | None = None,
) -> pd.DataFrame:
    """The buurten where figures and stories together point at most concerns.

    Score = indicators with *aandacht* + zorg stories. Each row names the theme that carries
    most of that score. Ties go to the buurt with more inhabitants' stories overall.
    With `groups` (buurtcode → wijkcode) the same per wijk: `buurten` then holds the wijken
    as areas (analysis/wijken), and a wijk counts what its buurten count.
    """
    if groups is not None:
        signals = signals.assign(buurtcode=signals["buurtcode"].map(groups))
        stories = stories.assign(buurtcode=stories["buurtcode"].map(groups))
    need = (
        signals[signals["signal"] == "aandacht"].groupby(["buurtcode", "theme"]).size()
    )
    counts = story_counts(stories)
    zorg = counts[counts["kind"] == "zorg"].groupby(["buurtcode", "theme"])["n"].sum()
    per_theme = pd.DataFrame({"aandacht": need, "zorgen": zorg}).fillna(0)
    per_theme["score"] = per_theme["aandacht"] + per_theme["zorgen"]
    per_buurt = per_theme.groupby(level="buurtcode")[
        ["aandacht", "zorgen", "score"]
    ].sum()
    top_theme = (
        per_theme["score"].groupby(level="buurtcode").idxmax().map(lambda key: key[1])
    )
    per_buurt["thema"] = top_theme
    per_buurt["verhalen"] = (
        counts.groupby("buurtcode")["n"].sum().reindex(per_buurt.index).fillna(0)
    )
    per_buurt = per_buurt.join(
        buurten.set_index("buurtcode")[["buurtnaam", "wijknaam"]]
    )
    per_buurt = per_buurt.sort_values(["score", "verhalen"], ascending=False).head(n)
    return per_buurt.astype(
        {"aandacht": int, "zorgen": int, "score": int}
    ).reset_index()
