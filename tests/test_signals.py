"""Signal rule: direction, spread, minimum difference, suppression and the population minimum."""

import pandas as pd
import pytest

from analysis.reference import weighted_reference
from analysis.signals import SignalRule, buurt_signals, theme_picture

NAN = float("nan")
CODES = ["BU1", "BU2", "BU3", "BU4", "BU5"]


def run(catalogue, indicator, values, inwoners=None, status=None, rule=None):
    inwoners = inwoners or [1000.0] * len(values)
    wide = pd.DataFrame(
        {"aantal_inwoners": inwoners, indicator: values}, index=CODES[: len(values)]
    )
    status = pd.DataFrame(
        {indicator: status or ["" if v == v else "geheim" for v in values]},
        index=wide.index,
    )
    ref = weighted_reference(wide, catalogue)
    result = buurt_signals(wide, status, ref, catalogue, rule or SignalRule())
    return result[result["indicator"] == indicator].set_index("buurtcode")


@pytest.mark.parametrize(
    "indicator, values, expected",
    [
        # Higher is worse (low income): the high buurt needs attention, the low one is a strength.
        ("pct_huishoudens_laag_inkomen", [2.0, 10.0, 10.0, 10.0, 18.0],
         ["kracht", "gemiddeld", "gemiddeld", "gemiddeld", "aandacht"]),
        # Higher is better (income): the same numbers, the opposite verdict.
        ("gem_inkomen_per_inwoner", [20.0, 30.0, 30.0, 30.0, 40.0],
         ["aandacht", "gemiddeld", "gemiddeld", "gemiddeld", "kracht"]),
        # Differences under the indicator's minimum (1 percentage point) are no signal,
        # however small the spread.
        ("pct_huishoudens_laag_inkomen", [9.6, 10.0, 10.0, 10.0, 10.4],
         ["gemiddeld"] * 5),
    ],
)  # fmt: skip
def test_direction_and_margin(catalogue, indicator, values, expected):
    result = run(catalogue, indicator, values)
    assert result["signal"].tolist() == expected


def test_context_indicators_get_no_signal(catalogue):
    result = run(catalogue, "pct_65_plus", [5.0, 20.0, 20.0, 20.0, 50.0])
    assert result.empty


def test_suppressed_value_gets_no_signal_and_keeps_its_reason(catalogue):
    result = run(
        catalogue, "pct_huishoudens_laag_inkomen", [2.0, 10.0, NAN, 10.0, 18.0]
    )
    assert result.at["BU3", "signal"] is None
    assert result.at["BU3", "reason"] == "geheim"
    assert result["signal"].notna().sum() == 4


def test_small_buurt_gets_no_signal(catalogue):
    result = run(
        catalogue,
        "pct_huishoudens_laag_inkomen",
        [2.0, 10.0, 10.0, 10.0, 30.0],
        inwoners=[1000.0, 1000.0, 1000.0, 1000.0, 150.0],
    )
    assert result.at["BU5", "signal"] is None
    assert result.at["BU5", "reason"] == "minder dan 200 inwoners"


def test_population_minimum_is_configurable(catalogue):
    result = run(
        catalogue,
        "pct_huishoudens_laag_inkomen",
        [2.0, 10.0, 10.0, 10.0, 30.0],
        inwoners=[1000.0, 1000.0, 1000.0, 1000.0, 150.0],
        rule=SignalRule(min_inwoners=100),
    )
    assert result.at["BU5", "signal"] == "aandacht"


def test_wider_rule_gives_fewer_signals(catalogue):
    values = [2.0, 8.0, 10.0, 12.0, 18.0]
    narrow = run(catalogue, "pct_huishoudens_laag_inkomen", values)
    wide = run(
        catalogue,
        "pct_huishoudens_laag_inkomen",
        values,
        rule=SignalRule(sd_factor=2.0),
    )
    assert (narrow["signal"] != "gemiddeld").sum() > (
        wide["signal"] != "gemiddeld"
    ).sum()


def test_reason_names_the_figures(catalogue):
    result = run(
        catalogue, "pct_huishoudens_laag_inkomen", [2.0, 10.0, 10.0, 10.0, 18.0]
    )
    assert result.at["BU5", "reason"].startswith("18,0% tegen 10,0% in de gemeente")
    assert "lager is beter" in result.at["BU5", "reason"]


def test_rule_sentence_states_the_rule():
    sentence = SignalRule(sd_factor=1.5, min_inwoners=300).sentence()
    assert "1,5 standaardafwijking" in sentence and "300 inwoners" in sentence


def test_theme_picture_counts_per_theme(demo, catalogue):
    wide = demo.wide(2023)
    ref = weighted_reference(wide, catalogue)
    signals = buurt_signals(wide, demo.status(2023), ref, catalogue)
    picture = theme_picture(signals).set_index(["buurtcode", "theme"])
    # Oude Haven, the poorest buurt, asks attention on armoede & schulden: its income is
    # far below. (Its 15,4 % low incomes lie within the demo's wide ordinary spread.)
    assert picture.at[("BU99990201", "bestaanszekerheid"), "aandacht"] >= 1
    assert picture["kracht"].sum() == (signals["signal"] == "kracht").sum()


def test_reasons_can_be_left_out_without_changing_the_signals(demo, catalogue):
    from analysis.reference import reference_values

    wide, status = demo.wide(2023), demo.status(2023)
    reference = reference_values(wide, catalogue, demo.published_for(2023), "GM9999")
    full = buurt_signals(wide, status, reference, catalogue)
    bare = buurt_signals(wide, status, reference, catalogue, reasons=False)
    assert full["signal"].equals(bare["signal"])
    given = full["signal"].notna()
    assert (bare.loc[given, "reason"] == "").all()
    assert full.loc[given, "reason"].str.contains("in de gemeente").all()
    assert bare.loc[~given, "reason"].equals(
        full.loc[~given, "reason"]
    )  # still say why not
