"""Verwacht versus werkelijk and comparable buurten: a planted outlier is found, a shuffled
outcome is judged 'as expected' for about 95 % of buurten, the outcome never predicts
itself, and peers are the nearest in standardised context figures."""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import mahalanobis

from analysis.catalogue import load_catalogue
from analysis.errors import AnalysisError
from analysis.expected import (
    MIN_BUURTEN,
    VERDICTS,
    expected_values,
    focus_question,
    outcomes,
)
from analysis.peers import compare_with_peers, nearest, peer_variables, standardised
from tests.conftest import CBS_DIR, import_eindhoven

CAT = load_catalogue()
YOUTH = CAT["pct_jongeren_jeugdzorg"]


def synthetic(count: int = 300, seed: int = 0) -> pd.DataFrame:
    """Buurten whose youth care follows low income and single-person households, with
    binomial noise and some real spread between buurten."""
    rng = np.random.default_rng(seed)
    inwoners = rng.integers(1500, 9000, count).astype(float)
    frame = pd.DataFrame(
        {
            "aantal_inwoners": inwoners,
            "pct_0_15": rng.uniform(8, 25, count),
            "pct_15_25": rng.uniform(8, 20, count),
            "pct_huishoudens_laag_inkomen": rng.uniform(3, 30, count),
            "pct_huishoudens_sociaal_minimum": rng.uniform(3, 25, count),
            "bijstand_per_1000": rng.uniform(5, 80, count),
            "pct_huishoudens_met_kinderen": rng.uniform(15, 45, count),
            "pct_eenpersoonshuishoudens": rng.uniform(20, 70, count),
            "bevolkingsdichtheid": rng.uniform(500, 15000, count),
            "pct_huurwoningen": rng.uniform(10, 90, count),
        },
        index=pd.Index([f"BU{i:08d}" for i in range(count)], name="buurtcode"),
    )
    logit = (
        -2.4
        + 0.03 * (frame["pct_huishoudens_laag_inkomen"] - 15)
        + 0.015 * (frame["pct_eenpersoonshuishoudens"] - 45)
        + rng.normal(0, 0.08, count)
    )
    p = 1 / (1 + np.exp(-logit))
    youths = (inwoners * (frame["pct_0_15"] + 0.8 * frame["pct_15_25"]) / 100).round()
    frame["pct_jongeren_jeugdzorg"] = rng.binomial(youths.astype(int), p) / youths * 100
    return frame


def test_a_planted_outlier_is_more_than_expected_and_the_fit_is_reported():
    frame = synthetic()
    outlier = frame["aantal_inwoners"].idxmax()  # a large buurt: a narrow interval
    small = frame["aantal_inwoners"].idxmin()
    frame.loc[[outlier, small], "pct_jongeren_jeugdzorg"] *= 2.5
    result = expected_values(frame, YOUTH)
    assert result.n == len(frame)
    assert result.r2_out_of_sample > 0.5 and result.caveats == []
    row = result.table.loc[outlier]
    assert row["oordeel"] == VERDICTS[0]
    assert row["ondergrens"] < row["verwacht"] < row["bovengrens"] < row["werkelijk"]
    width = result.table["bovengrens"] - result.table["ondergrens"]
    assert width[small] > 1.3 * width[outlier]  # fewer youths: a wider interval
    share = (result.table["oordeel"] != VERDICTS[1]).mean()
    assert share < 0.10


def test_a_shuffled_outcome_is_mostly_as_expected():
    """Permutation test: with the outcome shuffled across buurten the population explains
    nothing, and only about 5 % of buurten fall outside their 95 % interval."""
    frame = synthetic(seed=3)
    rng = np.random.default_rng(11)
    judged = []
    for _ in range(20):
        shuffled = frame.copy()
        shuffled["pct_jongeren_jeugdzorg"] = rng.permutation(
            frame["pct_jongeren_jeugdzorg"].to_numpy()
        )
        result = expected_values(shuffled, YOUTH)
        judged.append((result.table["oordeel"] != VERDICTS[1]).mean())
        assert result.r2_out_of_sample < 0.1
        assert any("weinig" in note for note in result.caveats)
    assert 0.02 < np.mean(judged) < 0.08 and max(judged) <= 0.10


@pytest.mark.skipif(not CBS_DIR.exists(), reason="needs ../shared/data/cbs")
def test_shuffled_real_eindhoven_youth_care_is_mostly_as_expected(eindhoven_2022):
    rng = np.random.default_rng(5)
    judged = []
    for _ in range(20):
        shuffled = eindhoven_2022.copy()
        ok = shuffled["pct_jongeren_jeugdzorg"].notna()
        shuffled.loc[ok, "pct_jongeren_jeugdzorg"] = rng.permutation(
            shuffled.loc[ok, "pct_jongeren_jeugdzorg"].to_numpy()
        )
        verdicts = expected_values(shuffled, YOUTH).table["oordeel"]
        judged.append(verdicts.isin([VERDICTS[0], VERDICTS[2]]).sum() / ok.sum())
    assert np.mean(judged) <= 0.10


@pytest.mark.skipif(not CBS_DIR.exists(), reason="needs ../shared/data/cbs")
def test_real_eindhoven_stays_within_0_and_100_percent_and_uses_cbs_bases(
    eindhoven_2022,
):
    """A model for shares cannot predict a negative rate: every expected value lies
    strictly within 0-100 % and every limit within 0-100 % (a lower limit of 0: nothing
    lies below it). Each buurt's base is CBS's own (count ÷ share);
    for youth care that is the young up to 23, which the age groups approximate."""
    from analysis.reference import weights
    from analysis.signals import rate_base

    for outcome in outcomes(CAT):
        result = expected_values(eindhoven_2022, outcome)
        scale = 100.0 if outcome.unit == "%" else 1000.0
        limits = result.table[["verwacht", "ondergrens", "bovengrens"]].dropna()
        assert len(limits) >= 60, outcome.id
        assert ((limits >= 0) & (limits <= scale)).all().all(), outcome.id
        assert ((limits["verwacht"] > 0) & (limits["verwacht"] < scale)).all()
        assert (limits["ondergrens"] < limits["verwacht"]).all()
        assert (limits["verwacht"] < limits["bovengrens"]).all()
        assert result.r2_range[0] <= result.r2_out_of_sample <= result.r2_range[1]
    _, base = rate_base(eindhoven_2022, YOUTH)
    implied = (
        eindhoven_2022["aantal_jongeren_jeugdzorg"]
        / eindhoven_2022["pct_jongeren_jeugdzorg"]
        * 100
    )
    known = implied.notna() & np.isfinite(implied) & (implied > 0)
    assert np.allclose(base[known], implied[known])
    ratio = (implied[known] / weights(eindhoven_2022, "jongeren")[known]).median()
    assert 0.9 < ratio < 1.1  # 0.985; the 0-14 base of before was 1.73 times too small


@pytest.mark.skipif(not CBS_DIR.exists(), reason="needs ../shared/data/cbs")
def test_a_buurt_with_too_few_young_people_gets_no_youth_care_verdict(eindhoven_2022):
    """BU07724260: 475 inhabitants, none aged 0-14; CBS's count (10, rounded to 5) and
    share (13 %) imply about 77 young people up to 23: fewer than 10 expected cases, so no
    verdict, with the reason, in the signals and in verwacht versus werkelijk."""
    from analysis.reference import weighted_reference
    from analysis.signals import buurt_signals

    code = "BU07724260"
    signals = buurt_signals(
        eindhoven_2022,
        pd.DataFrame(index=eindhoven_2022.index),
        weighted_reference(eindhoven_2022, CAT),
        CAT,
    ).set_index(["buurtcode", "indicator"])
    row = signals.loc[(code, YOUTH.id)]
    assert row["signal"] is None
    assert row["reason"].startswith("geen oordeel: te weinig jongeren tot 23 jaar")
    assert "77" in row["reason"]
    verdict = expected_values(eindhoven_2022, YOUTH).table.at[code, "oordeel"]
    assert verdict == row["reason"]


@pytest.fixture(scope="module")
def eindhoven_2022(tmp_path_factory):
    import os

    from analysis.datasets import load_dataset

    folder = tmp_path_factory.mktemp("ehv")
    old = os.environ.get("WIJK_DATA_DIR")
    os.environ["WIJK_DATA_DIR"] = str(folder)
    try:
        return load_dataset(import_eindhoven().dataset_id).wide(2022)
    finally:
        if old is None:
            os.environ.pop("WIJK_DATA_DIR")
        else:
            os.environ["WIJK_DATA_DIR"] = old


def test_suppressed_figures_get_no_judgement_and_small_models_say_so():
    frame = synthetic(count=20)
    frame.iloc[0, frame.columns.get_loc("pct_jongeren_jeugdzorg")] = np.nan
    frame.iloc[1, frame.columns.get_loc("aantal_inwoners")] = 150
    result = expected_values(frame, YOUTH)
    assert result.table.iloc[0]["oordeel"].startswith("geen oordeel: cijfer ontbreekt")
    # 150 inhabitants: about 27 young people, too few for a share to mean something.
    assert result.table.iloc[1]["oordeel"].startswith(
        "geen oordeel: te weinig jongeren"
    )
    assert pd.isna(result.table.iloc[0]["verwacht"])
    assert result.n == 18 < MIN_BUURTEN
    assert any("maar 18 buurten" in note for note in result.caveats)


def test_the_outcome_and_its_count_never_predict_it():
    """Leakage: in the catalogue, and in what a fitted model actually used."""
    for outcome in outcomes(CAT):
        assert outcome.count and outcome.count in CAT.indicators
        assert {outcome.id, outcome.count}.isdisjoint(outcome.predictors)
    result = expected_values(synthetic(), YOUTH)
    assert {YOUTH.id, YOUTH.count}.isdisjoint(result.predictors)


@pytest.mark.parametrize(
    "leak", ["pct_jongeren_jeugdzorg", "aantal_jongeren_jeugdzorg"]
)
def test_a_catalogue_that_leaks_is_refused(tmp_path: Path, leak):
    from analysis.catalogue import CATALOGUE_PATH

    text = CATALOGUE_PATH.read_text(encoding="utf-8").replace(
        'predictors = ["pct_huishoudens_laag_inkomen", "pct_huishoudens_sociaal_minimum",\n'
        '              "bijstand_per_1000"',
        f'predictors = ["{leak}", "pct_huishoudens_sociaal_minimum",\n'
        '              "bijstand_per_1000"',
        1,
    )
    assert (
        leak in text.split('id = "pct_jongeren_jeugdzorg"')[1].split("[[indicator]]")[0]
    )
    broken = tmp_path / "indicators.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(AnalysisError, match="mogen nooit voorspellers zijn"):
        load_catalogue.__wrapped__(broken)


def test_the_focus_question_asks_and_never_judges():
    more = focus_question("Jeugdzorg", VERDICTS[0])
    assert more == (
        "Jeugdzorg is hoger dan je op grond van de bevolking zou verwachten: wat zien "
        "partners en bewoners?"
    )
    assert "lager" in focus_question("Jeugdzorg", VERDICTS[2])
    assert focus_question("Jeugdzorg", VERDICTS[1]) is None
    assert focus_question("Jeugdzorg", "geen oordeel: cijfer ontbreekt") is None


# --- comparable buurten --------------------------------------------------------------------


def test_peers_are_nearest_in_z_scores_and_weights_change_them(demo):
    wide = demo.wide(2023)
    variables = peer_variables(CAT)
    z = standardised(wide, variables)
    assert np.allclose(z.mean(), 0) and np.allclose(z.std(), 1)
    code = z.index[0]
    found = nearest(z, code, k=10)
    assert len(found) == 10 and code not in found.index
    assert found.is_monotonic_increasing
    # scipy's Mahalanobis distance, with the z-scores' own covariance (their correlation).
    inverse = np.linalg.inv(np.cov(z.to_numpy(), rowvar=False))
    by_scipy = pd.Series(
        {c: mahalanobis(z.loc[c], z.loc[code], inverse) for c in z.index.drop(code)}
    ).nsmallest(10)
    assert list(found.index) == list(by_scipy.index)
    assert np.allclose(found.to_numpy(), by_scipy.to_numpy())
    only_age = nearest(
        z,
        code,
        k=3,
        weights={v: (1.0 if v == "pct_65_plus" else 0.0) for v in variables},
    )
    gaps = (z["pct_65_plus"] - z.at[code, "pct_65_plus"]).abs().drop(code)
    assert set(only_age.index) == set(gaps.nsmallest(3).index)
    with pytest.raises(ValueError):
        nearest(z, code, weights={v: 0.0 for v in variables})


def test_correlated_figures_do_not_count_twice():
    """Two figures that are nearly one (r ≈ 0,99) and a third: Euclidean distance weighs
    the pair double, Mahalanobis's once. B differs from A on the pair only, C on the third
    only, by the same amount: Euclidean calls B farther, Mahalanobis calls them equal."""
    rng = np.random.default_rng(3)
    base = rng.normal(size=400)
    z = pd.DataFrame(
        {
            "a": base,
            "b": base + rng.normal(scale=0.1, size=400),
            "c": rng.normal(size=400),
        }
    )
    z = (z - z.mean()) / z.std()
    z.loc["A"], z.loc["B"], z.loc["C"] = (
        [0.0, 0.0, 0.0],
        [1.0, 1.0, 0.0],
        [0.0, 0.0, 1.0],
    )
    found = nearest(z, "A", k=len(z))
    euclidean = {"B": np.sqrt(2), "C": 1.0}
    assert euclidean["B"] > 1.3 * euclidean["C"]
    assert found["B"] == pytest.approx(found["C"], rel=0.1)


def test_a_peer_within_chance_is_too_close_to_call():
    """Youth care, lower is better. A (8 % of 1,000 young people) against B (10 % of 60:
    6 people; the difference is chance), C (14 % of 2,000) and D (4 % of 2,000)."""
    small = dataclasses.replace(
        CAT, indicators={"pct_jongeren_jeugdzorg": CAT["pct_jongeren_jeugdzorg"]}
    )
    pooled = pd.DataFrame(
        {
            "pct_jongeren_jeugdzorg": [8.0, 10.0, 14.0, 4.0],
            "aantal_jongeren_jeugdzorg": [80.0, 6.0, 280.0, 80.0],
        },
        index=["A", "B", "C", "D"],
    )
    (row,) = compare_with_peers(pooled, "A", ["B", "C", "D"], small).to_dict("records")
    assert (row["better_than"], row["worse_than"], row["too_close"]) == (1, 1, 1)
    assert row["sentence"] == (
        "beter dan 1 van de 3 vergelijkbare buurten, slechter dan 1; bij 1 is het "
        "verschil te klein om iets te zeggen"
    )


def test_better_than_so_many_comparable_buurten():
    pooled = pd.DataFrame(
        {"pct_huishoudens_laag_inkomen": [10.0, 12.0, 8.0, 15.0, np.nan]},
        index=["A", "B", "C", "D", "E"],
    )
    small = dataclasses.replace(
        CAT,
        indicators={
            "pct_huishoudens_laag_inkomen": CAT["pct_huishoudens_laag_inkomen"]
        },
    )
    table = compare_with_peers(pooled, "A", ["B", "C", "D", "E"], small)
    (row,) = table.to_dict("records")
    # Lower is better: A (10 %) beats B (12) and D (15), not C (8); E has no figure.
    assert (row["better_than"], row["peers_with_value"]) == (2, 3)
    assert row["sentence"] == "beter dan 2 van de 3 vergelijkbare buurten"

    # None and all in words; a tie is not better.
    def sentence(code, peers):
        return compare_with_peers(pooled, code, peers, small)["sentence"][0]

    assert sentence("B", ["A", "C"]) == "beter dan geen van de 2 vergelijkbare buurten"
    assert sentence("C", ["A", "B"]) == "beter dan alle 2 vergelijkbare buurten"
    tie = pooled.assign(pct_huishoudens_laag_inkomen=10.0)
    assert compare_with_peers(tie, "A", ["B"], small)["better_than"][0] == 0


def test_a_gemeente_without_the_outcome_gets_no_judgement_and_no_error():
    frame = synthetic(count=40).drop(columns="pct_jongeren_jeugdzorg")
    result = expected_values(frame, YOUTH)
    assert (
        result.n == 0 and result.table["oordeel"].str.startswith("geen oordeel").all()
    )
    assert any("maar 0 buurten" in note for note in result.caveats)
