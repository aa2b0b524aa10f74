"""Funnel limits and the signals that use them: worked values, overdispersion, and the same
deviation judged differently for a large and a small buurt."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.funnel import Z95, Z998, Funnel, chance_variance, fit_funnel
from analysis.reference import weighted_reference
from analysis.signals import buurt_signals


def by_hand(target: float, n: float, z: float) -> tuple[float, float]:
    """sin²(asin(√p0) ± z / (2√n)): the arcsine-scale limits, written out once more."""
    centre, width = math.asin(math.sqrt(target)), z / (2 * math.sqrt(n))
    return math.sin(centre - width) ** 2, math.sin(centre + width) ** 2


@pytest.mark.parametrize(
    "target, n, z, lower, upper",
    [
        # Worked by hand: asin(√0.1) = 0.321751, 1.959964/(2·20) = 0.048999 → sin² of
        # 0.272752 and 0.370750.
        (0.10, 400, Z95, 0.072567, 0.131272),
        (0.10, 400, Z998, by_hand(0.10, 400, Z998)[0], by_hand(0.10, 400, Z998)[1]),
        (0.50, 100, Z95, 0.402628, 0.597372),
        (
            0.02,
            10_000,
            Z95,
            by_hand(0.02, 10_000, Z95)[0],
            by_hand(0.02, 10_000, Z95)[1],
        ),
        # A small base near 0: the lower limit stops at 0 instead of going below it.
        (0.01, 50, Z95, 0.0, by_hand(0.01, 50, Z95)[1]),
    ],
)
def test_limits_match_worked_values(target, n, z, lower, upper):
    lo, hi = Funnel(target, 1.0, 0.0, 50).limits(np.array([float(n)]), z)
    assert lo[0] == pytest.approx(lower, abs=1e-6)
    assert hi[0] == pytest.approx(upper, abs=1e-6)


@pytest.mark.parametrize("target, n", [(0.10, 400), (0.02, 10_000), (0.3, 2_000)])
def test_limits_agree_with_the_exact_binomial(target, n):
    """An independent calculation: the 2.5 % and 97.5 % points of the binomial itself
    (scipy), within one person of the funnel's limits."""
    from scipy.stats import binom

    lo, hi = Funnel(target, 1.0, 0.0, 50).limits(np.array([float(n)]))
    assert abs(lo[0] * n - binom.ppf(0.025, n, target)) <= 1.5
    assert abs(hi[0] * n - binom.ppf(0.975, n, target)) <= 1.5


def test_limits_narrow_as_the_base_grows_and_widen_with_tau2():
    funnel = Funnel(0.12, 1.0, 0.0, 50)
    widths = [np.diff(funnel.limits(np.array([n])), axis=0)[0][0] for n in (250, 8000)]
    assert widths[0] > 5 * widths[1]
    wider = Funnel(0.12, 3.0, 0.0004, 50)
    assert (
        wider.limits(np.array([8000.0]))[1][0] > funnel.limits(np.array([8000.0]))[1][0]
    )
    # Chance alone (the inner lines of Tellen's funnel) is narrower than with the spread.
    assert wider.limits(np.array([8000.0]), spread=False)[1][0] == pytest.approx(
        funnel.limits(np.array([8000.0]))[1][0]
    )


def test_no_overdispersion_when_buurten_differ_by_chance_only():
    rng = np.random.default_rng(1)
    n = rng.integers(200, 5000, size=400).astype(float)
    share = rng.binomial(n.astype(int), 0.15) / n
    funnel = fit_funnel(share, n, 0.15)
    # Clipping the z-scores makes φ a little under 1 for pure chance: no overdispersion.
    assert funnel.phi < 1 and funnel.tau2 == 0
    outside = np.abs(funnel.z(share, n)) > Z95
    assert 0.02 < outside.mean() < 0.08  # about 5 % by chance


def test_overdispersion_is_estimated_and_keeps_flags_near_five_percent():
    rng = np.random.default_rng(2)
    n = rng.integers(500, 8000, size=400).astype(float)
    truth = np.clip(
        rng.normal(0.15, 0.03, size=400), 0.01, 0.99
    )  # real spread: τ = 0.03 on the share, about 0.042 on the arcsine scale
    share = rng.binomial(n.astype(int), truth) / n
    plain = Funnel(0.15, 1.0, 0.0, 400)
    funnel = fit_funnel(share, n, 0.15)
    tau2 = (0.03 / (2 * math.sqrt(0.15 * 0.85))) ** 2
    assert funnel.phi > 5  # clearly overdispersed
    assert 0.7 * tau2 < funnel.tau2 < 1.3 * tau2
    flagged_plain = (np.abs(plain.z(share, n)) > Z95).mean()
    flagged = (np.abs(funnel.z(share, n)) > Z95).mean()
    assert flagged_plain > 0.5  # without the adjustment, more than half look special
    assert 0.03 < flagged < 0.08


def test_a_rounded_figure_is_judged_on_its_most_favourable_value():
    """CBS rounds: a count of 0 (rounded to 10) may be 4 people. The verdict must hold for
    every value the rounded figure can stand for."""
    funnel = Funnel(0.008, 1.0, 0.0, 50)  # 8 of 1,000 expected
    n = np.array([1000.0])
    assert funnel.z(0.0, n)[0] < -Z95  # as published: far below
    assert funnel.z(0.0, n, slack=0.005)[0] > -Z95  # but 4 of 1,000 may be there
    assert funnel.z(0.2, n, slack=0.005)[0] > Z95  # far above stays far above


def test_a_rounded_count_is_noise_and_a_published_zero_is_not_none():
    """Bijstand: people counted to the nearest 10. Rounding adds uniform noise (variance
    10²/12 people) to the binomial chance; a published 0 stands for 0-4 people, 2.5 on
    average. Worked by hand for 1,000 inhabitants at 3 %: binomial 1/4000 = 0.00025 on the
    arcsine scale; rounding 100/12/1000² / (4·0.03·0.97) = 0.0000716."""
    chance = chance_variance(np.array([1000.0]), 0.03, rounding=10.0)[0]
    assert chance == pytest.approx(0.00025 + 0.0000716, rel=1e-3)
    assert chance_variance(np.array([1000.0]), 0.03)[0] == pytest.approx(0.00025)
    exact, rounded = Funnel(0.03, 1.0, 0.0, 50), Funnel(0.03, 1.0, 0.0, 50, 10.0)
    n = np.array([1000.0])
    # 2.5 of 1,000 against 30 expected: asin(√0.0025) − asin(√0.03) = 0.05002 − 0.17408.
    by_hand = (0.050021 - 0.174083) / math.sqrt(0.0003216)
    assert rounded.z(0.0, n)[0] == pytest.approx(by_hand, rel=1e-3)
    assert rounded.z(0.0, n)[0] > exact.z(0.0, n)[0]  # less extreme than none at all
    assert rounded.z(0.05, n)[0] < exact.z(0.05, n)[0]  # the noise widens the limits


def rows(buurten: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Buurten with a share of low-income households and a number of households."""
    return pd.DataFrame(
        {
            "pct_huishoudens_laag_inkomen": [v for v, _ in buurten.values()],
            "aantal_huishoudens": [h for _, h in buurten.values()],
            "aantal_inwoners": [2 * h for _, h in buurten.values()],
        },
        index=pd.Index(list(buurten), name="buurtcode"),
    )


def test_same_deviation_is_a_signal_for_a_large_buurt_not_for_a_small_one(catalogue):
    others = {f"BU{i:08d}": (10.0 + (i % 5 - 2) * 0.1, 3000.0) for i in range(20)}
    wide = rows({"BUGROOT0": (12.0, 8000.0), "BUKLEIN0": (12.0, 250.0), **others})
    ref = weighted_reference(wide, catalogue)
    signals = buurt_signals(wide, pd.DataFrame(index=wide.index), ref, catalogue)
    mine = signals[signals["indicator"] == "pct_huishoudens_laag_inkomen"].set_index(
        "buurtcode"
    )
    assert mine.at["BUGROOT0", "signal"] == "aandacht"
    assert mine.at["BUKLEIN0", "signal"] == "gemiddeld"
    assert set(mine["rule"]) == {"trechter"}


def test_averages_keep_the_spread_rule(demo, catalogue):
    wide = demo.wide(2023)
    ref = weighted_reference(wide, catalogue)
    signals = buurt_signals(wide, demo.status(2023), ref, catalogue)
    rule = signals.drop_duplicates("indicator").set_index("indicator")["rule"]
    assert rule["gem_inkomen_per_inwoner"] == "spreiding"
    assert rule["afstand_huisarts"] == "spreiding"
    assert rule["pct_huishoudens_laag_inkomen"] == "trechter"
    assert rule["wmo_clienten_per_1000"] == "trechter"
    assert rule["pct_jongeren_jeugdzorg"] == "trechter"


@pytest.mark.parametrize(
    "shape",
    [
        "flat",  # like bijstand in Eindhoven: spread evenly from 0 to 9 %, no tails
        "heavy",  # like the 40 % lowest incomes: a few buurten far out
    ],
)
def test_shuffled_figures_are_flagged_about_five_in_a_hundred_whatever_the_spread(
    shape,
):
    """With the figures handed out among the buurten at random, a verdict is chance: the 95 %
    rule must flag about 5 of 100, also when the spread between buurten is not normal (normal
    limits flagged 0.5 % on a flat spread)."""
    rng = np.random.default_rng(3)
    n = rng.integers(1000, 8000, size=120).astype(float)
    if shape == "flat":
        truth = np.sin(np.linspace(0.0, 0.3, 120)) ** 2  # even on the arcsine scale
    else:
        truth = np.clip(0.3 + 0.05 * rng.standard_t(2, size=120), 0.01, 0.99)
    share = rng.binomial(n.astype(int), truth) / n
    flagged = []
    for _ in range(40):
        mixed = rng.permutation(share)
        target = float(np.average(mixed, weights=n))
        funnel = fit_funnel(mixed, n, target)
        flagged.append((np.abs(funnel.z(mixed, n)) > Z95).mean())
    assert 0.03 <= np.mean(flagged) <= 0.07
