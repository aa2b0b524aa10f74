"""The Tellen table and charts, on the demo."""

import pandas as pd
import pytest

from analysis.compare import comparison_table, reason_table
from analysis.reference import reference_values
from analysis.signals import buurt_signals
from ui.charts import (
    NO_SIGNAL,
    POSITION_COLOURS,
    SIGNAL_COLOURS,
    distribution_chart,
    ranking_chart,
    scatter_chart,
)


@pytest.fixture(scope="module")
def year_2023(demo, catalogue):
    wide, status = demo.wide(2023), demo.status(2023)
    ref = reference_values(wide, catalogue, demo.published_for(2023), "GM9999")
    signals = buurt_signals(wide, status, ref, catalogue)
    names = demo.buurten.set_index("buurtcode")["buurtnaam"]
    return wide, status, ref, signals, names


def test_one_buurt_table(catalogue, year_2023):
    wide, status, ref, signals, names = year_2023
    table = comparison_table(
        wide, status, ref, signals, catalogue, ["BU99990201"], names.to_dict()
    )
    assert list(table.columns) == [
        "Thema", "Indicator", "Oude Haven", "Gemeente", "Nederland", "Oordeel", "Toelichting",
    ]  # fmt: skip
    row = table.set_index("Indicator").loc["Huishoudens met een laag inkomen"]
    assert row["Oude Haven"] == "15,4%" and row["Nederland"] == "8,0%"
    # Higher than the gemeente, and the reason says so, though not beyond the spread.
    assert row["Oordeel"] == "gemiddeld (iets slechter)" and row["Toelichting"] == (
        "15,4% tegen 9,8% in de gemeente: hoger, maar binnen de gewone spreiding tussen "
        "buurten (lager is beter). Aandacht boven 20,7% bij deze buurtgrootte; 2e hoogste "
        "van 38."
    )
    income = table.set_index("Indicator").loc["Gemiddeld inkomen per inwoner"]
    assert income["Oordeel"] == "aandacht" and (
        "slechter, buiten de gewone spreiding tussen buurten (hoger is beter). Aandacht "
        "onder € " in income["Toelichting"]
    )
    # Grouped by theme in catalogue order.
    themes = table["Thema"].drop_duplicates().tolist()
    assert themes == [t for t in catalogue.themes.values() if t in themes]


def test_compare_buurten_and_missing_reasons(catalogue, year_2023):
    wide, status, ref, signals, names = year_2023
    table = comparison_table(
        wide,
        status,
        ref,
        signals,
        catalogue,
        ["BU99990201", "BU99990803"],
        names.to_dict(),
    )
    row = table.set_index("Indicator").loc["Huishoudens met een laag inkomen"]
    assert row["Oude Haven"] == "15,4% · iets slechter"  # the graded position
    assert row["Bedrijventerrein De Vaart"] == "geheim"  # suppressed, and said so
    income = table.set_index("Indicator").loc["Gemiddeld inkomen per inwoner"]
    assert income["Oude Haven"] == "€ 23.800 · aandacht"
    assert "Oordeel" not in table.columns
    # Their reasons in full, each buurt its own.
    reasons = reason_table(signals, catalogue, "BU99990201").set_index("Indicator")
    assert reasons.at["Huishoudens met een laag inkomen", "Waarom"] == (
        table_reason(signals, "BU99990201", "pct_huishoudens_laag_inkomen")
    )
    assert reasons.at["Huishoudens met een laag inkomen", "Oordeel"] == (
        "gemiddeld (iets slechter)"
    )


def table_reason(signals, code, indicator):
    own = signals[(signals["buurtcode"] == code) & (signals["indicator"] == indicator)]
    return own["reason"].item()


def test_ranking_chart(catalogue, year_2023):
    wide, _, ref, signals, names = year_2023
    ind = catalogue["pct_huishoudens_laag_inkomen"]
    own = signals[signals["indicator"] == ind.id].set_index("buurtcode")["position"]
    fig = ranking_chart(
        wide[ind.id], names, own, ind, ref.at[ind.id, "value"], 8.0, ["BU99990201"]
    )
    bar = fig.data[0]
    assert len(bar.y) == wide[ind.id].notna().sum()  # suppressed buurten are left out
    assert list(bar.y) == sorted(bar.y, reverse=True)
    # Every bar in the colour of its buurt's graded position (light grey without one): Oude
    # Haven, high but within the spread, in the light red of 'iets slechter'.
    by_name = dict(zip(names[own.index], own))
    assert list(bar.marker.color) == [
        POSITION_COLOURS.get(by_name.get(name), NO_SIGNAL) for name in bar.x
    ]
    assert SIGNAL_COLOURS["kracht"] in bar.marker.color  # the two lowest
    assert (
        bar.marker.color[list(bar.x).index("Oude Haven")]
        == (POSITION_COLOURS["iets slechter"])
    )
    texts = [a.text for a in fig.layout.annotations]
    assert (
        "<b>Oude Haven</b>" in texts
        and "gemeente 9,8%" in texts
        and "Nederland 8,0%" in texts
    )


def test_distribution_chart(catalogue, year_2023):
    wide, _, ref, _, names = year_2023
    ind = catalogue["wmo_clienten_per_1000"]
    fig = distribution_chart(
        wide[ind.id], names, ind, ref.at[ind.id, "value"], ["BU99990301"]
    )
    assert len(fig.data[0].x) == wide[ind.id].notna().sum()
    assert "Rozenbuurt" in [a.text for a in fig.layout.annotations]


def test_scatter_low_income_against_bijstand(catalogue, year_2023):
    wide, _, _, _, names = year_2023
    fig, r = scatter_chart(
        wide["bijstand_per_1000"], wide["pct_huishoudens_laag_inkomen"], names,
        catalogue["bijstand_per_1000"], catalogue["pct_huishoudens_laag_inkomen"], ["BU99990201"],
    )  # fmt: skip
    both = wide[["bijstand_per_1000", "pct_huishoudens_laag_inkomen"]].dropna()
    assert r == pytest.approx(both.corr().iloc[0, 1])
    assert r > 0.5 and len(fig.data) == 2  # points and the fitted line


def test_scatter_without_variation_has_no_line(catalogue):
    same = pd.Series([1.0, 1.0, 1.0], index=["A", "B", "C"])
    fig, r = scatter_chart(same, same, pd.Series({"A": "a", "B": "b", "C": "c"}),
                           catalogue["pct_0_15"], catalogue["pct_0_15"])  # fmt: skip
    assert r is None and len(fig.data) == 1
