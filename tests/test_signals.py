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


def test_spread_rule_limit_and_rank_worked_by_hand(catalogue):
    # Income per inhabitant (× € 1.000), spread rule: mean 30, population sd of the five
    # values √40 = 6,32; the limit below is 30 − 6,32 = 23,68, i.e. € 23.675.
    result = run(catalogue, "gem_inkomen_per_inwoner", [20.0, 30.0, 30.0, 30.0, 40.0])
    assert result.at["BU1", "limit"] == pytest.approx(30 - 40**0.5)
    assert result.at["BU1", "reason"] == (
        "€ 20.000 tegen € 30.000 in de gemeente: slechter, buiten de gewone spreiding "
        "tussen buurten (hoger is beter). Aandacht onder € 23.675; laagste van 5."
    )
    assert result.at["BU5", "rank"] == "hoogste van 5"
    assert result.at["BU2", "rank"] == "" and pd.isna(result.at["BU2", "limit"])


def test_position_grades_within_the_ordinary_spread(catalogue):
    # 26 is 0,63 sd below 30: not beyond the limit, but more than half-way: iets slechter.
    result = run(catalogue, "gem_inkomen_per_inwoner", [20.0, 26.0, 30.0, 34.0, 40.0])
    assert list(result["signal"]) == [
        "aandacht",
        "gemiddeld",
        "gemiddeld",
        "gemiddeld",
        "kracht",
    ]
    assert list(result["position"]) == [
        "aandacht", "iets slechter", "gemiddeld", "iets beter", "kracht",
    ]  # fmt: skip


def check_limits(signals):
    """Where a buurt has a verdict, its value lies beyond the limit the reason names; where it
    has none, it does not. (Published zeros of a rounded count are judged as the 0-4 people
    they stand for, not as 0: left out.)"""
    judged = signals[signals["signal"].notna() & signals["limit"].notna()]
    judged = judged[judged["value"] != 0]
    above = judged["value"] > judged["reference"]
    beyond = (above & (judged["value"] > judged["limit"])) | (
        ~above & (judged["value"] < judged["limit"])
    )
    flagged = judged["signal"].isin(["kracht", "aandacht"])
    assert len(judged) > 100
    assert (beyond == flagged).all(), judged[beyond != flagged]


def test_limits_say_where_the_verdict_begins_in_the_demo(demo, catalogue):
    from analysis.signals import dataset_signals

    check_limits(dataset_signals(demo, 2023, catalogue)[1])


def test_woensel_west_reason_names_limit_rank_and_position(catalogue):
    from tests.conftest import CBS_DIR, import_eindhoven

    if not (CBS_DIR / "kwb_2022.csv").exists():
        pytest.skip("../shared/data/cbs ontbreekt")
    from analysis.datasets import load_dataset
    from analysis.signals import dataset_signals

    import_eindhoven()
    data = load_dataset("GM0772")
    signals = dataset_signals(data, 2022, catalogue)[1]
    check_limits(signals)
    code = data.buurten.set_index("buurtnaam").at["Woensel-West", "buurtcode"]
    row = signals.set_index(["buurtcode", "indicator"]).loc[
        (code, "pct_huishoudens_laag_inkomen")
    ]
    # Visibly high but within the ordinary spread: it says so, with the limit and the rank.
    assert row["signal"] == "gemiddeld" and row["position"] == "iets slechter"
    assert row["reason"].startswith(
        "9,1% tegen 5,3% in de gemeente: hoger, maar binnen de gewone spreiding"
    )
    assert (
        f"Aandacht boven {catalogue['pct_huishoudens_laag_inkomen'].format(row['limit'])} bij deze buurtgrootte"
        in row["reason"]
    )
    assert row["limit"] > 9.1
    assert "e hoogste van " in row["reason"]
