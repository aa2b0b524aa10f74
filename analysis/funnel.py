"""Funnel plots: control limits for a share or rate that narrow as the base grows.

A buurt of 250 people at 12 % is not judged like one of 8,000 at 12 %: its figure rests on few
people and swings by chance. Limits follow Spiegelhalter (2005, *Funnel plots for comparing
institutional performance*, Stat Med 24:1185) with the normal approximation to the binomial,
p0 ± z·sqrt(p0(1−p0)/n), and his additive random-effects adjustment for overdispersion
(*Handling over-dispersion of performance indicators*, BMJ QSHC 2005): real differences
between buurten widen every limit by τ², so they do not flag half of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)  # 1.96: the 95 % limits, the signal
Z998 = NormalDist().inv_cdf(0.999)  # 3.09: the 99.8 % limits, drawn for reference
WINSOR = (
    0.10  # share of z-scores pulled in at each end before estimating overdispersion
)


@dataclass(frozen=True)
class Funnel:
    """The funnel of one indicator: the target share (0–1) and the overdispersion."""

    target: float
    phi: float  # dispersion ratio: mean squared (winsorised) z-score; > 1 is overdispersed
    tau2: float  # added between-buurt variance (0 when not overdispersed)
    units: int  # buurten it was estimated on

    def sd(self, n: np.ndarray) -> np.ndarray:
        """Standard deviation of a buurt's share with base `n`, overdispersion included."""
        n = np.asarray(n, dtype=float)
        return np.sqrt(self.target * (1 - self.target) / n + self.tau2)

    def limits(self, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) control limits for bases `n`, as shares.

        >>> lo, hi = Funnel(0.1, 1.0, 0.0, 10).limits(np.array([400.0]))
        >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
        (0.0706, 0.1294)
        """
        spread = z * self.sd(n)
        return self.target - spread, self.target + spread

    def z(self, share: np.ndarray, n: np.ndarray) -> np.ndarray:
        """How many standard deviations each buurt lies from the target (adjusted)."""
        return (np.asarray(share, dtype=float) - self.target) / self.sd(n)


def fit_funnel(share: np.ndarray, n: np.ndarray, target: float) -> Funnel:
    """The funnel for these buurten (shares 0–1, bases n > 0) around `target`.

    Overdispersion: φ is the mean of the squared z-scores after winsorising the lowest and
    highest 10 %; when I·φ > I − 1, τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw) with w = 1/s².
    """
    share, n = np.asarray(share, dtype=float), np.asarray(n, dtype=float)
    ok = ~np.isnan(share) & ~np.isnan(n) & (n > 0)
    share, n = share[ok], n[ok]
    units = len(share)
    if units < 2 or not 0 < target < 1:
        return Funnel(target, 1.0, 0.0, units)
    s2 = target * (1 - target) / n
    z = (share - target) / np.sqrt(s2)
    low, high = np.quantile(z, [WINSOR, 1 - WINSOR])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    tau2 = 0.0
    if units * phi > units - 1:
        w = 1 / s2
        tau2 = max(
            0.0, (units * phi - (units - 1)) / (w.sum() - (w**2).sum() / w.sum())
        )
    return Funnel(target, phi, float(tau2), units)
