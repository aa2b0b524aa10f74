"""Verwacht versus werkelijk: what a buurt's population would lead one to expect for an
outcome (youth care, Wmo, bijstand), with a 95 % prediction interval, against what it is.

After the SCP's *Jeugdhulp in de wijk*: part of the difference between buurten is to be
expected from who lives there, part is not, and that part is a question for partners and
residents, never a verdict. The model is one for shares: a binomial GLM on the log-odds
scale (statsmodels), each buurt weighted by its base (CBS's own where published: count ÷
share), over all buurten of all loaded gemeenten of that year. Real differences between
buurten beyond the predictors are an added variance τ² on the funnel's arcsine-square-root
scale (its additive estimator, on each buurt's distance to the base-weighted fit); each
buurt's weight becomes its effective base n / (1 + 4n·τ²). Expected values come from the
log-odds scale, so they lie strictly within 0-100 %; limits are made on the arcsine scale
and turned back, stopping at 0 and 100 % (a lower limit of 0: nothing lies below it).

Each buurt is judged by a fit *without* it (leave-one-out): its own figure never widens or
pulls the line it is measured against. A predictor that correlates above `NEAR_COPY` with the
outcome in the data at hand is left out and named: it would be the outcome under another
name (bijstand and low income, r = 0,88 in Eindhoven). The fit is reported out of sample as
the median and range of R² over `REPEATS` × `FOLDS`-fold cross-validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, Indicator, format_number
from analysis.funnel import (
    angle,
    around,
    chance_variance,
    nearer,
    tail_spread,
    unrounded,
)
from analysis.signals import base_problems, rate_base, rounding_slack

VERDICTS = ("meer dan verwacht", "zoals verwacht", "minder dan verwacht")
COLUMNS = ["werkelijk", "verwacht", "ondergrens", "bovengrens", "oordeel"]
FOLDS = 5
REPEATS = 20
MIN_BUURTEN = 30  # fewer than this: say plainly that the model rests on little
WEAK_FIT = 0.2  # out-of-sample R² below this: say plainly that it explains little
MAX_MISSING = 0.3  # a predictor missing in more buurten than this is left out
NEAR_COPY = 0.8  # |r| with the outcome above this: the predictor is left out, and named
LOGGED = {"bevolkingsdichtheid"}  # skewed: modelled on a log scale
MISSING = "geen oordeel: cijfer ontbreekt of is geheim"
TOO_LITTLE = "geen oordeel: te weinig gegevens"


@dataclass
class Expected:
    """The model's result for one outcome: per buurt (index buurtcode) `COLUMNS`, in the
    indicator's own unit, and what the model rests on."""

    indicator: str
    table: pd.DataFrame
    n: int  # buurten the model was fitted on
    r2_out_of_sample: float  # the median over the repeated cross-validation
    predictors: list[str]
    left_out: list[str] = field(default_factory=list)  # predictors with too many gaps
    r2_range: tuple[float, float] = (float("nan"), float("nan"))
    near_copies: dict[str, float] = field(default_factory=dict)  # left out: r

    @property
    def caveats(self) -> list[str]:
        """Plain Dutch warnings, shown wherever the result is."""
        notes = []
        if self.n < MIN_BUURTEN:
            notes.append(
                f"Het model rust op maar {self.n} buurten; laad meer gemeenten uit de regio "
                "in voor een steviger vergelijking."
            )
        if not self.r2_out_of_sample >= WEAK_FIT:
            notes.append(
                "De bevolking verklaart hier weinig van de verschillen tussen buurten "
                f"(R² buiten de steekproef {format_number(self.r2_out_of_sample, 2)}): lees "
                "'verwacht' met veel voorzichtigheid."
            )
        return notes

    def summary(self) -> str:
        r2, (low, high) = self.r2_out_of_sample, self.r2_range
        text = (
            f"Model over {self.n} buurten, verklaart {format_number(max(r2, 0) * 100, 0)}% "
            "van de verschillen tussen buurten, gemeten op buurten die het model niet zag "
            f"(R² {format_number(r2, 2)}; bij {REPEATS} keer opnieuw verdelen tussen "
            f"{format_number(low, 2)} en {format_number(high, 2)})."
        )
        if self.near_copies:
            text += (
                " Niet gebruikt, omdat ze bijna hetzelfde meten als de uitkomst: "
                + (
                    ", ".join(
                        f"{name} (r = {format_number(r, 2)})"
                        for name, r in self.near_copies.items()
                    )
                    + "."
                )
            )
        return text


def model_frame(
    wide: pd.DataFrame, outcome: Indicator
) -> tuple[pd.DataFrame, list, list]:
    """Predictors as model columns (log where skewed), dropping those with too many gaps."""
    columns, left_out = {}, []
    for name in outcome.predictors:
        if name not in wide or wide[name].isna().mean() > MAX_MISSING:
            left_out.append(name)
            continue
        values = wide[name].astype(float)
        columns[name] = np.log1p(values) if name in LOGGED else values
    return pd.DataFrame(columns, index=wide.index), list(columns), left_out


def near_copies(X: pd.DataFrame, y: pd.Series) -> dict[str, float]:
    """Predictors whose correlation with the outcome is above NEAR_COPY, with that r."""
    found = {}
    for name in X:
        r = float(np.corrcoef(X[name], y)[0, 1])
        if abs(r) > NEAR_COPY:
            found[name] = r
    return found


def _sm():
    """statsmodels, imported when a model is first fitted: with scipy it takes about 2 s to
    import, which every page would otherwise wait for on the first visit after a start."""
    import statsmodels.api as sm

    return sm


def logistic(eta):
    return 0.5 * (1 + np.tanh(np.asarray(eta, dtype=float) / 2))  # no overflow


def _glm(y, X, weights, start=None):
    """A binomial GLM of shares `y` with `weights` (bases) as their binomial totals."""
    sm = _sm()
    model = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=weights)
    return model.fit(start_params=start)


def between_buurten(y, X, n, rounding: float = 0.0) -> float:
    """τ², on the arcsine-square-root scale of the funnel: the spread the predictors leave
    beyond chance, estimated as the funnel estimates it (`tail_spread`) from each buurt's
    distance to the base-weighted fit; it weights the model's buurten. The limits take their
    own τ² from the distances out of fold."""
    p = _glm(y, X, n).fittedvalues
    return tail_spread(angle(y) - angle(p), chance_variance(n, p, rounding))


def effective(chance, tau2):
    """The base whose binomial variance alone is a buurt's chance variance plus τ² (arcsine
    scale): 1 / (4·(chance + τ²)); n / (1 + 4n·τ²) when chance is 1/(4n)."""
    return 1 / (4 * (chance + tau2))


def expected_values(
    wide: pd.DataFrame,
    outcome: Indicator,
    min_inwoners: int = 200,
    alpha: float = 0.05,
) -> Expected:
    """Expected against actual for every buurt in `wide` (one year, one or more gemeenten).

    Buurten with a suppressed outcome, a missing predictor, fewer than `min_inwoners`
    inhabitants or too small a base are not fitted and get no judgement (their row says why
    in `oordeel`).
    """
    if not outcome.is_outcome:
        raise ValueError(f"{outcome.id} has no predictors in the catalogue")
    rate = rate_base(wide, outcome)
    if outcome.id not in wide or rate is None:  # this import has no such figures
        table = pd.DataFrame(index=wide.index, columns=COLUMNS, dtype=float)
        table["oordeel"] = MISSING
        return Expected(
            outcome.id, table, 0, float("nan"), [], list(outcome.predictors)
        )
    scale, base = rate
    X, used, left_out = model_frame(wide, outcome)
    y = wide[outcome.id].astype(float) / scale
    n = base.astype(float)
    inwoners = wide.get("aantal_inwoners", pd.Series(np.nan, index=wide.index))
    target = float(np.average(y[y.notna() & (n > 0)], weights=n[y.notna() & (n > 0)]))
    problems = pd.Series(base_problems(n.to_numpy(), target, outcome), index=wide.index)
    fit_rows = (
        y.notna() & X.notna().all(axis=1) & problems.isna() & (inwoners >= min_inwoners)
    )
    table = pd.DataFrame(index=wide.index, columns=COLUMNS, dtype=object)
    table["werkelijk"] = wide[outcome.id]
    table["oordeel"] = np.where(wide[outcome.id].isna(), MISSING, TOO_LITTLE)
    small = wide[outcome.id].notna() & problems.notna()
    table.loc[small, "oordeel"] = problems[small]
    copies = near_copies(X[fit_rows], y[fit_rows]) if fit_rows.sum() > 2 else {}
    X = X.drop(columns=list(copies))
    used = [u for u in used if u not in copies]
    count = int(fit_rows.sum())
    if count < len(used) + 3:
        return Expected(outcome.id, table, count, float("nan"), used, left_out)
    # Standardised predictors: coefficients comparable, the fit numerically steady.
    mean, sd = X[fit_rows].mean(), X[fit_rows].std().replace(0, 1)
    Z = _sm().add_constant((X - mean) / sd, has_constant="add")
    rounding = outcome.count_precision
    nf, Zf = n[fit_rows].to_numpy(), Z[fit_rows].to_numpy()
    yf = unrounded(y[fit_rows].to_numpy(), nf, rounding)
    tau2 = between_buurten(yf, Zf, nf, rounding)
    target_chance = chance_variance(nf, target, rounding)
    weights = effective(target_chance, tau2)
    full = _glm(yf, Zf, weights)
    z = NormalDist().inv_cdf(1 - alpha / 2)
    eta, noise = np.empty(count), np.empty(count)
    everyone = np.arange(count)
    for i in everyone:  # each buurt against a fit without it
        others = everyone != i
        fit = _glm(yf[others], Zf[others], weights[others], full.params)
        eta[i] = float(Zf[i] @ fit.params)
        p = logistic(eta[i])
        # On the arcsine scale: the fit's own uncertainty (delta method) and chance.
        fitted = p * (1 - p) / 4 * float(Zf[i] @ fit.cov_params() @ Zf[i])
        noise[i] = fitted + chance_variance(nf[i], p, rounding)
    expected = logistic(eta)
    # The spread the predictors leave, read off the buurten as judged: out of fold.
    outside = tail_spread(angle(yf) - angle(expected), noise, z, alpha)
    low, high = around(expected, z * np.sqrt(noise + outside))
    closer = nearer(yf, expected, rounding_slack(outcome, scale))
    verdict = np.where(
        closer > high, VERDICTS[0], np.where(closer < low, VERDICTS[2], VERDICTS[1])
    )
    rows = fit_rows[fit_rows].index
    table.loc[rows, "verwacht"] = expected * scale
    table.loc[rows, "ondergrens"] = low * scale
    table.loc[rows, "bovengrens"] = high * scale
    table.loc[rows, "oordeel"] = verdict
    r2 = cross_validated_r2(yf, Zf, nf, weights, full.params)
    for column in COLUMNS[:4]:
        table[column] = pd.to_numeric(table[column])
    return Expected(
        outcome.id, table, count, float(np.median(r2)), used, left_out,
        (float(np.min(r2)), float(np.max(r2))), copies,
    )  # fmt: skip


def cross_validated_r2(
    y, X, n, weights, start, folds: int = FOLDS, repeats: int = REPEATS
) -> np.ndarray:
    """Base-weighted R² of predictions for buurten the model did not see, once per random
    split into `folds` parts (`repeats` splits, fixed seeds: the same data, the same
    figures)."""
    mean = np.average(y, weights=n)
    total = np.sum(n * (y - mean) ** 2)
    scores = []
    for repeat in range(repeats):
        order = np.random.default_rng(repeat).permutation(len(y))
        predicted = np.empty(len(y))
        for k in range(folds):
            test = order[k::folds]
            train = np.setdiff1d(order, test)
            fit = _glm(y[train], X[train], weights[train], start)
            predicted[test] = logistic(X[test] @ fit.params)
        scores.append(1 - np.sum(n * (y - predicted) ** 2) / total)
    return np.asarray(scores)


def outcomes(catalogue: Catalogue) -> list[Indicator]:
    return [i for i in catalogue.indicators.values() if i.is_outcome]


def focus_question(label: str, verdict: str) -> str | None:
    """The question for the focusgesprek, never a verdict on a wijkteam."""
    if verdict == VERDICTS[0]:
        return (
            f"{label} is hoger dan je op grond van de bevolking zou verwachten: wat zien "
            "partners en bewoners?"
        )
    if verdict == VERDICTS[2]:
        return (
            f"{label} is lager dan je op grond van de bevolking zou verwachten: wat werkt "
            "hier, of wie wordt niet bereikt?"
        )
    return None
