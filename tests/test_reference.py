"""Gemeente values are weighted by the indicator's denominator; suppressed buurten count as missing."""

import math

import pandas as pd
import pytest

from analysis.reference import weighted_reference, weights

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
        # Jeugdzorg is weighted by the young, not by all inhabitants.
        (
            "pct_jongeren_jeugdzorg",
            {
                "aantal_inwoners": [1000.0, 1000.0],
                "pct_0_15": [10.0, 30.0],
                "pct_jongeren_jeugdzorg": [20.0, 4.0],
            },
            8.0,
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
