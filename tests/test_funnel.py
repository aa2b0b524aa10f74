"""Funnel limits and the signals that use them: worked values, overdispersion, and the same
deviation judged differently for a large and a small buurt."""

import numpy as np
import pandas as pd
import pytest

from analysis.funnel import Z95, Z998, Funnel, fit_funnel
from analysis.reference import weighted_reference
from analysis.signals import buurt_signals


@pytest.mark.parametrize(
    "target, n, z, lower, upper",
    [
        # Worked by hand from p0 ± z·sqrt(p0(1-p0)/n), Spiegelhalter (2005), eq. 1:
        (
            0.10,
            400,
            Z95,
            0.10 - 1.959964 * 0.015,
            0.10 + 1.959964 * 0.015,
        ),  # 0.0706-0.1294
        (0.10, 400, Z998, 0.10 - 3.090232 * 0.015, 0.10 + 3.090232 * 0.015),
        (0.50, 100, Z95, 0.50 - 1.959964 * 0.05, 0.50 + 1.959964 * 0.05),  # 0.402-0.598
        (0.02, 10_000, Z95, 0.02 - 1.959964 * 0.0014, 0.02 + 1.959964 * 0.0014),
    ],
)
def test_limits_match_worked_values(target, n, z, lower, upper):
    lo, hi = Funnel(target, 1.0, 0.0, 50).limits(np.array([float(n)]), z)
    assert lo[0] == pytest.approx(lower, abs=1e-5)
    assert hi[0] == pytest.approx(upper, abs=1e-5)


def test_limits_narrow_as_the_base_grows_and_widen_with_tau2():
    funnel = Funnel(0.12, 1.0, 0.0, 50)
    widths = [np.diff(funnel.limits(np.array([n])), axis=0)[0][0] for n in (250, 8000)]
    assert widths[0] > 5 * widths[1]
    wider = Funnel(0.12, 3.0, 0.0004, 50)
    assert (
        wider.limits(np.array([8000.0]))[1][0] > funnel.limits(np.array([8000.0]))[1][0]
    )


def test_no_overdispersion_when_buurten_differ_by_chance_only():
    rng = np.random.default_rng(1)
    n = rng.integers(200, 5000, size=400).astype(float)
    share = rng.binomial(n.astype(int), 0.15) / n
    funnel = fit_funnel(share, n, 0.15)
    # Winsorising the z-scores makes φ about 0.7 for pure chance: no overdispersion found.
    assert funnel.phi < 1 and funnel.tau2 == 0
    outside = np.abs(funnel.z(share, n)) > Z95
    assert 0.02 < outside.mean() < 0.08  # about 5 % by chance


def test_overdispersion_is_estimated_and_keeps_flags_near_five_percent():
    rng = np.random.default_rng(2)
    n = rng.integers(500, 8000, size=400).astype(float)
    truth = np.clip(
        rng.normal(0.15, 0.03, size=400), 0.01, 0.99
    )  # real spread: τ = 0.03
    share = rng.binomial(n.astype(int), truth) / n
    plain = Funnel(0.15, 1.0, 0.0, 400)
    funnel = fit_funnel(share, n, 0.15)
    assert funnel.phi > 5  # clearly overdispersed
    # Winsorising pulls the estimate down (a cautious τ²), but it is of the right size.
    assert 0.4 * 0.03**2 < funnel.tau2 < 1.3 * 0.03**2
    flagged_plain = (np.abs(plain.z(share, n)) > Z95).mean()
    flagged = (np.abs(funnel.z(share, n)) > Z95).mean()
    assert flagged_plain > 0.5  # without the adjustment, more than half look special
    assert flagged < 0.15  # about 11 %: the cautious τ² leaves a few more than 5 %


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
