"""Funnel plots: control limits for a share or rate that narrow as the base grows.

A buurt of 250 people at 12 % is not judged like one of 8,000 at 12 %: its figure rests on few
people and swings by chance. Limits follow Spiegelhalter (2005, *Funnel plots for comparing
institutional performance*, Stat Med 24:1185) on the variance-stabilising arcsine-square-root
scale, where a share's chance variance is 1/(4n) whatever its level, with his additive
random-effects adjustment for overdispersion (*Handling over-dispersion of performance
indicators*, BMJ QSHC 2005): real differences between buurten widen every limit by τ², so
they do not flag half of them. Limits are made on that scale and turned back into shares,
so they never leave 0-100 %.

Calibrated on real Eindhoven 2022 (`bench/calibration.py`): with each outcome shuffled across
the buurten, the 95 % rule flags 4-6 % of them. Spiegelhalter winsorises the lowest and
highest 10 % of z-scores before estimating τ²; on the skewed shares of buurten that
underestimates τ² (10 % flagged by chance for youth care), and no winsorising at all lets a
few extreme buurten inflate it (1.4 % for low incomes). Here z-scores are pulled in at
`CLIP` robust standard deviations (median absolute z / 0.6745) instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)  # 1.96: the 95 % limits, the signal
Z998 = NormalDist().inv_cdf(0.999)  # 3.09: the 99.8 % limits, drawn for reference
CLIP = (
    2.0  # z-scores pulled in at this many robust SDs before estimating overdispersion
)
MAD_TO_SD = 0.6745  # median |z| of a standard normal


def angle(share) -> np.ndarray:
    """A share (0-1) on the arcsine-square-root scale."""
    return np.arcsin(np.sqrt(np.clip(np.asarray(share, dtype=float), 0, 1)))


def around(centre: np.ndarray, width: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) shares `width` either side of the share `centre` on the arcsine scale;
    they stop at 0 and 1 instead of folding back."""
    middle = angle(centre)
    low = np.clip(middle - width, 0, np.pi / 2)
    high = np.clip(middle + width, 0, np.pi / 2)
    return np.sin(low) ** 2, np.sin(high) ** 2


def chance_variance(n, share, rounding: float = 0.0) -> np.ndarray:
    """A buurt's chance variance on the arcsine scale: the binomial 1/(4n), plus, when the
    count behind the share is published rounded to `rounding` (bijstand: people, to 10),
    that rounding as noise: uniform over its width, variance rounding²/12 in the count,
    carried to the arcsine scale at `share` (delta method). Rounding is noise, not a margin:
    taken as a worst case it hid every small buurt (0 % flagged by chance)."""
    n = np.asarray(n, dtype=float)
    share = np.clip(np.asarray(share, dtype=float), 1e-9, 1 - 1e-9)
    with np.errstate(divide="ignore"):
        return 1 / (4 * n) + rounding**2 / 12 / n**2 / (4 * share * (1 - share))


def unrounded(share, n, rounding: float = 0.0) -> np.ndarray:
    """A published share whose count was rounded to `rounding`, as the count it most likely
    stands for: a published 0 means 0 to rounding/2 people (bijstand: 0-4), rounding/4 on
    average, not none. Rounding noise is symmetric everywhere but at 0."""
    share = np.asarray(share, dtype=float)
    if not rounding:
        return share
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(share == 0, rounding / 4 / np.asarray(n, dtype=float), share)


def nearer(share: np.ndarray, target: np.ndarray, slack) -> np.ndarray:
    """`share` moved up to `slack` towards `target`: the most favourable value a rounded
    figure can stand for, so a verdict holds for every one of them."""
    share = np.asarray(share, dtype=float)
    gap = share - target
    return share - np.sign(gap) * np.minimum(np.abs(gap), slack)


@dataclass(frozen=True)
class Funnel:
    """The funnel of one indicator: the target share (0-1) and the overdispersion."""

    target: float
    phi: float  # dispersion ratio: mean squared (clipped) z-score; > 1 is overdispersed
    tau2: float  # added between-buurt variance on the arcsine scale (0: none)
    units: int  # buurten it was estimated on
    rounding: float = 0.0  # the count behind each share is rounded to this (0: exact)

    def sd(self, n: np.ndarray, spread: bool = True) -> np.ndarray:
        """Standard deviation of a buurt's share with base `n` on the arcsine scale; with
        the ordinary spread between buurten (`spread`) or chance alone."""
        chance = chance_variance(n, self.target, self.rounding)
        return np.sqrt(chance + (self.tau2 if spread else 0.0))

    def limits(
        self, n: np.ndarray, z: float = Z95, spread: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) control limits for bases `n`, as shares within 0-1.

        >>> lo, hi = Funnel(0.1, 1.0, 0.0, 10).limits(np.array([400.0]))
        >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
        (0.0726, 0.1313)
        """
        return around(self.target, z * self.sd(n, spread))

    def z(self, share: np.ndarray, n: np.ndarray, slack=0.0) -> np.ndarray:
        """How many standard deviations each buurt lies from the target (adjusted). `slack`
        (shares) is how far the true value may lie from the published one (rounding): the
        share is taken that much closer to the target first, so a verdict holds for every
        value the rounded figure can stand for.

        >>> funnel = Funnel(0.1, 1.0, 0.0, 10)
        >>> float(funnel.z(0.1004, 400.0, slack=0.0005)), float(funnel.z(0.0, 400.0)) < -6
        (0.0, True)
        """
        closer = nearer(unrounded(share, n, self.rounding), self.target, slack)
        return (angle(closer) - angle(self.target)) / self.sd(n)


def fit_funnel(
    share: np.ndarray, n: np.ndarray, target: float, rounding: float = 0.0
) -> Funnel:
    """The funnel for these buurten (shares 0-1, bases n > 0) around `target`; `rounding`:
    the width to which the counts behind the shares are rounded.

    Overdispersion: φ is the mean of the squared z-scores after pulling them in at `CLIP`
    robust standard deviations; when I·φ > I − 1, τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw)
    with w = 1 / chance variance (4n without rounding; Spiegelhalter's additive estimator,
    on the arcsine scale).
    """
    share, n = np.asarray(share, dtype=float), np.asarray(n, dtype=float)
    ok = ~np.isnan(share) & ~np.isnan(n) & (n > 0)
    share, n = share[ok], n[ok]
    units = len(share)
    if units < 2 or not 0 < target < 1:
        return Funnel(target, 1.0, 0.0, units, rounding)
    chance = chance_variance(n, target, rounding)
    distance = angle(unrounded(share, n, rounding)) - angle(target)
    phi, tau2 = _overdispersion(distance, chance)
    return Funnel(target, phi, tau2, units, rounding)


def spread_beyond_chance(
    distance: np.ndarray, chance: np.ndarray, clip: float | None = CLIP
) -> float:
    """τ² from each buurt's distance (arcsine scale) to what it is compared with, and its
    chance variance there (`chance_variance`)."""
    return _overdispersion(
        np.asarray(distance, float), np.asarray(chance, float), clip
    )[1]


def _overdispersion(
    distance: np.ndarray, chance: np.ndarray, clip: float | None = CLIP
) -> tuple[float, float]:
    """(φ, τ²) as `fit_funnel` describes them, from distances on the arcsine scale."""
    units = len(distance)
    w = 1 / chance
    z = distance * np.sqrt(w)
    robust = float(np.median(np.abs(z))) / MAD_TO_SD
    if clip is not None and robust > 0:
        z = np.clip(z, -clip * robust, clip * robust)
    phi = float(np.mean(z**2))
    tau2 = 0.0
    if units * phi > units - 1:
        tau2 = max(
            0.0, (units * phi - (units - 1)) / (w.sum() - (w**2).sum() / w.sum())
        )
    return phi, float(tau2)
