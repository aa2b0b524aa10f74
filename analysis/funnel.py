"""Funnel plots: control limits for a share or rate that narrow as the base grows.

A buurt of 250 people at 12 % is not judged like one of 8,000 at 12 %: its figure rests on few
people and swings by chance. Limits follow Spiegelhalter (2005, *Funnel plots for comparing
institutional performance*, Stat Med 24:1185) on the variance-stabilising arcsine-square-root
scale, where a share's chance variance is 1/(4n) whatever its level, with his additive
random-effects adjustment for overdispersion (*Handling over-dispersion of performance
indicators*, BMJ QSHC 2005): real differences between buurten widen every limit by τ², so
they do not flag half of them. Limits are made on that scale and turned back into shares,
so they never leave 0-100 %.

How τ² is estimated decides how often a verdict appears by chance. Spiegelhalter's moment
estimator (from winsorised or clipped z-scores) assumes the true differences between buurten
are normal; on real Eindhoven 2022 they are not (bijstand spreads flat from 0 to 73 per 1,000,
the 40 % lowest incomes have heavy tails), and with the outcome shuffled across the buurten the
95 % rule flagged 0.5 % for one and 8.6 % for the other. Here the moment estimator only decides
*whether* there is spread beyond chance (φ, `_overdispersion`); *how much* is read off the
buurten themselves (`tail_spread`): τ² is the value at which, were the published figures handed
out among the buurten at random, 5 of 100 would fall outside, the very check
`bench/calibration.py` makes. Shuffled, every indicator then flags 4-7 %; on the real data a
buurt still stands out more where its base is large, and the count of real verdicts differs
from 5 % where size and figure go together.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)  # 1.96: the 95 % limits, the signal
Z998 = NormalDist().inv_cdf(0.999)  # 3.09: the 99.8 % limits, drawn for reference
CLIP = (
    2.0  # z-scores pulled in at this many robust SDs before testing for overdispersion
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
    robust standard deviations. When Spiegelhalter's additive estimator finds spread beyond
    chance (I·φ > I − 1), τ² is `tail_spread`'s: calibrated on the buurten's own figures
    shuffled among them; otherwise 0, and the limits are chance's alone.
    """
    share, n = np.asarray(share, dtype=float), np.asarray(n, dtype=float)
    ok = ~np.isnan(share) & ~np.isnan(n) & (n > 0)
    share, n = share[ok], n[ok]
    units = len(share)
    if units < 2 or not 0 < target < 1:
        return Funnel(target, 1.0, 0.0, units, rounding)
    chance = chance_variance(n, target, rounding)
    distance = angle(unrounded(share, n, rounding)) - angle(target)
    phi, beyond = _overdispersion(distance, chance)
    tau2 = tail_spread(distance, chance) if beyond > 0 else 0.0
    return Funnel(target, phi, tau2, units, rounding)


def tail_spread(
    distance: np.ndarray, chance: np.ndarray, z: float = Z95, tail: float = 0.05
) -> float:
    """τ² such that, were the buurten's distances handed out among them at random, a share
    `tail` of them would lie beyond ±`z` (on average over every such shuffle, computed
    exactly: each buurt meets each distance with the same chance); 0 when chance alone
    leaves no more out.

    A flat spread (no tails): its variance would leave no buurt outside, this τ² 4 of 101.

    >>> distance, chance = np.linspace(-1, 1, 101), np.full(101, 0.0001)
    >>> shuffled_outside(distance, chance + distance.var(), Z95)
    0.0
    >>> shuffled_outside(distance, chance + tail_spread(distance, chance), Z95) * 101
    4.0
    """
    distance, chance = np.asarray(distance, float), np.asarray(chance, float)
    if len(distance) < 2 or shuffled_outside(distance, chance, z) <= tail:
        return 0.0
    low, high = 0.0, float(np.max(np.abs(distance)) ** 2) / z**2
    for _ in range(60):
        middle = (low + high) / 2
        if shuffled_outside(distance, chance + middle, z) > tail:
            low = middle
        else:
            high = middle
    return high


def shuffled_outside(distance: np.ndarray, variance: np.ndarray, z: float) -> float:
    """The share of buurten beyond ±z·√variance when the distances are shuffled among them:
    the mean over buurten i of the share of distances larger than z·√variance_i."""
    ordered = np.sort(np.abs(distance))
    larger = len(ordered) - np.searchsorted(ordered, z * np.sqrt(variance), "right")
    return float(np.mean(larger) / len(ordered))


def _overdispersion(distance: np.ndarray, chance: np.ndarray) -> tuple[float, float]:
    """(φ, τ²) by Spiegelhalter's additive moment estimator, from distances on the arcsine
    scale: τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw), w = 1 / chance variance, when I·φ > I − 1."""
    units = len(distance)
    w = 1 / chance
    z = distance * np.sqrt(w)
    robust = float(np.median(np.abs(z))) / MAD_TO_SD
    if robust > 0:
        z = np.clip(z, -CLIP * robust, CLIP * robust)
    phi = float(np.mean(z**2))
    tau2 = 0.0
    if units * phi > units - 1:
        tau2 = max(
            0.0, (units * phi - (units - 1)) / (w.sum() - (w**2).sum() / w.sum())
        )
    return phi, float(tau2)
