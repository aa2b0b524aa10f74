"""Gemeente values are weighted by the indicator's denominator; suppressed buurten count as missing."""

import math

import pandas as pd
import pytest

from analysis.datasets import load_dataset
from analysis.reference import aggregate, reference_values, weighted_reference, weights
from tests.conftest import CBS_DIR

NAN = float("nan")


def frame(**columns):
    return pd.DataFrame(
        columns, index=[f"BU{i}" for i in range(len(next(iter(columns.values()))))]
    )


@pytest.mark.parametrize(
    "indicator, columns, expected, used, left_out",
    [
        # 10% of 100 households and 30% of 300: 100 of 400 = 25%, not the plain mean of 20%.
        (
            "pct_huishoudens_laag_inkomen",
            {
                "aantal_huishoudens": [100.0, 300.0],
                "pct_huishoudens_laag_inkomen": [10.0, 30.0],
            },
            25.0,
            2,
            0,
        ),
        # A suppressed buurt is left out and counted, never treated as zero.
        (
            "pct_huishoudens_laag_inkomen",
            {
                "aantal_huishoudens": [100.0, 300.0, 50.0],
                "pct_huishoudens_laag_inkomen": [10.0, 30.0, NAN],
            },
            25.0,
            2,
            1,
        ),
        # Weighted by inhabitants.
        (
            "wmo_clienten_per_1000",
            {
                "aantal_inwoners": [1000.0, 3000.0],
                "wmo_clienten_per_1000": [40.0, 80.0],
            },
            70.0,
            2,
            0,
        ),
        # A buurt without a weight is left out too.
        (
            "wmo_clienten_per_1000",
            {"aantal_inwoners": [1000.0, NAN], "wmo_clienten_per_1000": [40.0, 80.0]},
            40.0,
            1,
            1,
        ),
        # Counts are summed.
        ("aantal_inwoners", {"aantal_inwoners": [1000.0, 3000.0, NAN]}, 4000.0, 2, 1),
        # Density: total inhabitants over total land area (area = inhabitants / density).
        (
            "bevolkingsdichtheid",
            {
                "aantal_inwoners": [1000.0, 1000.0],
                "bevolkingsdichtheid": [1000.0, 4000.0],
            },
            1600.0,
            2,
            0,
        ),
        # Jeugdzorg is weighted by the young up to 23 (0-14 and 8 of the 10 years 15-24:
        # 300 and 500 here), not by all inhabitants.
        (
            "pct_jongeren_jeugdzorg",
            {
                "aantal_inwoners": [1000.0, 1000.0],
                "pct_0_15": [10.0, 30.0],
                "pct_15_25": [25.0, 25.0],
                "pct_jongeren_jeugdzorg": [20.0, 4.0],
            },
            10.0,
            2,
            0,
        ),
    ],
)
def test_weighted_reference(catalogue, indicator, columns, expected, used, left_out):
    ref = weighted_reference(frame(**columns), catalogue)
    assert ref.at[indicator, "value"] == pytest.approx(expected)
    assert ref.at[indicator, "buurten"] == used
    assert ref.at[indicator, "weggelaten"] == left_out


def test_class_indicator_gets_no_gemeente_value(catalogue):
    ref = weighted_reference(frame(mate_stedelijkheid=[1.0, 3.0]), catalogue)
    assert math.isnan(ref.at["mate_stedelijkheid", "value"])


def test_missing_denominator_falls_back_to_a_plain_mean_and_says_so(catalogue):
    ref = weighted_reference(frame(pct_huurwoningen=[20.0, 40.0]), catalogue)
    assert ref.at["pct_huurwoningen", "value"] == pytest.approx(30.0)
    assert "ongewogen" in ref.at["pct_huurwoningen", "basis"]


def test_weights_of_unknown_denominator_is_none():
    assert weights(frame(aantal_inwoners=[1.0]), "geen") is None


def test_demo_gemeente_values_are_consistent(demo, catalogue):
    wide = demo.wide(2023)
    ref = weighted_reference(wide, catalogue)
    assert ref.at["aantal_inwoners", "value"] == wide["aantal_inwoners"].sum()
    low = ref.at["pct_huishoudens_laag_inkomen", "value"]
    assert (
        wide["pct_huishoudens_laag_inkomen"].min()
        < low
        < wide["pct_huishoudens_laag_inkomen"].max()
    )


def test_aggregate_to_wijken_weights_like_the_gemeente(catalogue):
    wide = frame(
        aantal_inwoners=[100.0, 300.0, 50.0],
        aantal_huishoudens=[100.0, 300.0, 20.0],
        pct_huishoudens_laag_inkomen=[10.0, 30.0, NAN],
    )
    groups = pd.Series({"BU0": "WK1", "BU1": "WK1", "BU2": "WK2"})
    out = aggregate(wide, catalogue, groups)
    assert out.at["WK1", "pct_huishoudens_laag_inkomen"] == pytest.approx(25.0)
    assert math.isnan(
        out.at["WK2", "pct_huishoudens_laag_inkomen"]
    )  # suppressed stays so
    assert out.at["WK1", "aantal_inwoners"] == 400.0


def test_published_gemeente_value_wins_and_says_so(catalogue):
    wide = frame(
        aantal_huishoudens=[100.0, 300.0], pct_huishoudens_laag_inkomen=[10.0, 30.0]
    )
    published = pd.DataFrame(
        {
            "code": ["GM0001", "NL00", "GM0001"],
            "indicator": ["pct_huishoudens_laag_inkomen"] * 2 + ["aantal_huishoudens"],
            "waarde": [24.0, 8.0, NAN],
            "status": ["", "", "geheim of onbekend"],
        }
    )
    ref = reference_values(wide, catalogue, published, "GM0001")
    low = ref.loc["pct_huishoudens_laag_inkomen"]
    assert (low["value"], low["berekend"], low["nederland"]) == (24.0, 25.0, 8.0)
    assert low["basis"] == "zoals CBS het publiceert"
    # A suppressed published value does not replace ours.
    assert ref.at["aantal_huishoudens", "value"] == 400.0


@pytest.mark.skipif(not CBS_DIR.exists(), reason="shared CBS data not present")
def test_eindhoven_buurten_add_up_to_the_published_wijken(catalogue):
    """KWB 2022 buurten, aggregated, against the independent Wijk- en buurtkaart 2022 wijken."""
    from analysis.importer import import_cbs

    geo = CBS_DIR / "buurten_GM0772_eindhoven.geojson"
    kwb = CBS_DIR / "kwb_2022.csv"
    import_cbs((geo.read_bytes(), geo.name), (kwb.read_bytes(), kwb.name))
    data = load_dataset("GM0772")
    groups = data.buurten.set_index("buurtcode")["wijkcode"]
    wijken = aggregate(data.wide(2022), catalogue, groups)
    wbk = (
        pd.read_csv(CBS_DIR / "wbk_2022_v1_wijken.csv")
        .set_index("WK_CODE")
        .loc[wijken.index]
    )
    n = groups.value_counts().reindex(wijken.index)
    assert len(wijken) == 20
    # Counts are rounded to 5 per buurt: the sum of n buurten may be off by 2.5 n.
    assert ((wijken["aantal_inwoners"] - wbk["AANT_INW"]).abs() <= 2.5 * n).all()
    assert ((wijken["aantal_huishoudens"] - wbk["AANTAL_HH"]).abs() <= 2.5 * n).all()
    # Shares weighted by inhabitants or households match the published whole percentages.
    assert ((wijken["pct_65_plus"] - wbk["P_65_EO_JR"]).abs() <= 1.0).all()
    assert (
        (wijken["pct_eenpersoonshuishoudens"] - wbk["P_EENP_HH"]).abs() <= 1.0
    ).all()
    assert ((wijken["gem_huishoudensgrootte"] - wbk["GEM_HH_GR"]).abs() <= 0.1).all()
    # A plain mean of buurt percentages would not match as well: weighting matters.
    plain = data.wide(2022).groupby(groups)["pct_65_plus"].mean()
    assert (plain - wbk["P_65_EO_JR"]).abs().max() > (
        wijken["pct_65_plus"] - wbk["P_65_EO_JR"]
    ).abs().max()
