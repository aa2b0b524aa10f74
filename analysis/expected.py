"""Verwacht versus werkelijk: what a buurt's population would lead one to expect for an
outcome (youth care, Wmo, bijstand), with a 95 % prediction interval, against what it is.

After the SCP's *Jeugdhulp in de wijk*: part of the difference between buurten is to be
expected from who lives there, part is not, and that part is a question for partners and
residents, never a verdict. The model is a weighted linear regression (statsmodels WLS) of
the outcome's share on the predictors the catalogue names for it, over all buurten of all
loaded gemeenten of that year. Weights follow the funnel: 1 / (τ² + p(1−p)/n), so a small
buurt counts less and real spread between buurten is part of every interval. Its fit is
reported out of sample (5-fold cross-validation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, Indicator, format_number
from analysis.funnel import fit_funnel
from analysis.signals import rate_base

VERDICTS = ("meer dan verwacht", "zoals verwacht", "minder dan verwacht")
COLUMNS = ["werkelijk", "verwacht", "ondergrens", "bovengrens", "oordeel"]
FOLDS = 5
MIN_BUURTEN = 30  # fewer than this: say plainly that the model rests on little
WEAK_FIT = 0.2  # out-of-sample R² below this: say plainly that it explains little
MAX_MISSING = 0.3  # a predictor missing in more buurten than this is left out
LOGGED = {"bevolkingsdichtheid"}  # skewed: modelled on a log scale


@dataclass
class Expected:
    """The model's result for one outcome: per buurt (index buurtcode) `COLUMNS`, in the
    indicator's own unit, and what the model rests on."""

    indicator: str
    table: pd.DataFrame
    n: int  # buurten the model was fitted on
    r2_out_of_sample: float
    predictors: list[str]
    left_out: list[str] = field(default_factory=list)  # predictors with too many gaps

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
        r2 = self.r2_out_of_sample
        return (
            f"Model over {self.n} buurten, verklaart buiten de steekproef "
            f"{format_number(max(r2, 0) * 100, 0)}% van de verschillen tussen buurten (R² "
            f"{format_number(r2, 2)}, {FOLDS}-voudige kruisvalidatie)."
        )


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


def _weights(y, n, fitted) -> np.ndarray:
    """1 / (τ² + p(1−p)/n): binomial noise of a buurt's share plus the between-buurt spread."""
    p = np.clip(fitted, 1e-4, 1 - 1e-4)
    target = float(np.average(y, weights=n))
    residual_share = target + (
        y - fitted
    )  # spread around the model, on the share scale
    tau2 = fit_funnel(np.clip(residual_share, 0, 1), n, target).tau2
    return 1 / (tau2 + p * (1 - p) / n)


def _sm():
    """statsmodels, imported when a model is first fitted: with scipy it takes about 2 s to
    import, which every page would otherwise wait for on the first visit after a start."""
    import statsmodels.api as sm

    return sm


def _fit(y, X, n):
    """WLS in two steps: weights by base first, then by base and spread (feasible GLS)."""
    sm = _sm()
    first = sm.WLS(y, X, weights=n).fit()
    w = _weights(y, n, first.fittedvalues)
    return sm.WLS(y, X, weights=w).fit(), w


def expected_values(
    wide: pd.DataFrame,
    outcome: Indicator,
    min_inwoners: int = 200,
    alpha: float = 0.05,
) -> Expected:
    """Expected against actual for every buurt in `wide` (one year, one or more gemeenten).

    Buurten with a suppressed outcome, a missing predictor or fewer than `min_inwoners`
    inhabitants are not fitted and get no judgement (their row says why in `oordeel`).
    """
    if not outcome.is_outcome:
        raise ValueError(f"{outcome.id} has no predictors in the catalogue")
    rate = rate_base(wide, outcome)
    if outcome.id not in wide or rate is None:  # this import has no such figures
        table = pd.DataFrame(index=wide.index, columns=COLUMNS, dtype=float)
        table["oordeel"] = "geen oordeel: cijfer ontbreekt of is geheim"
        return Expected(
            outcome.id, table, 0, float("nan"), [], list(outcome.predictors)
        )
    scale, base = rate
    X, used, left_out = model_frame(wide, outcome)
    y = wide[outcome.id].astype(float) / scale
    n = base.astype(float)
    inwoners = wide.get("aantal_inwoners", pd.Series(np.nan, index=wide.index))
    fit_rows = y.notna() & X.notna().all(axis=1) & (n > 0) & (inwoners >= min_inwoners)
    table = pd.DataFrame(index=wide.index, columns=COLUMNS, dtype=object)
    table["werkelijk"] = wide[outcome.id]
    table["oordeel"] = np.where(
        wide[outcome.id].isna(), "geen oordeel: cijfer ontbreekt of is geheim",
        "geen oordeel: te weinig gegevens",
    )  # fmt: skip
    count = int(fit_rows.sum())
    if count < len(used) + 3:
        return Expected(outcome.id, table, count, float("nan"), used, left_out)
    # Standardised predictors: coefficients comparable, the fit numerically steady.
    mean, sd = X[fit_rows].mean(), X[fit_rows].std().replace(0, 1)
    Z = _sm().add_constant((X - mean) / sd, has_constant="add")
    yf, Zf, nf = y[fit_rows].to_numpy(), Z[fit_rows].to_numpy(), n[fit_rows].to_numpy()
    model, w = _fit(yf, Zf, nf)
    frame = model.get_prediction(Zf, weights=w).summary_frame(alpha=alpha)
    expected = frame["mean"].to_numpy()
    low = np.clip(frame["obs_ci_lower"].to_numpy(), 0, 1)
    high = np.clip(frame["obs_ci_upper"].to_numpy(), 0, 1)
    verdict = np.where(
        yf > high, VERDICTS[0], np.where(yf < low, VERDICTS[2], VERDICTS[1])
    )
    rows = fit_rows[fit_rows].index
    table.loc[rows, "verwacht"] = np.clip(expected, 0, 1) * scale
    table.loc[rows, "ondergrens"] = low * scale
    table.loc[rows, "bovengrens"] = high * scale
    table.loc[rows, "oordeel"] = verdict
    r2 = _cross_validated_r2(yf, Zf, nf)
    for column in COLUMNS[:4]:
        table[column] = pd.to_numeric(table[column])
    return Expected(outcome.id, table, count, r2, used, left_out)


def _cross_validated_r2(y, X, n, folds: int = FOLDS) -> float:
    """Weighted R² of predictions for buurten the model did not see (k-fold)."""
    order = np.random.default_rng(0).permutation(len(y))
    predicted = np.empty(len(y))
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        model, _ = _fit(y[train], X[train], n[train])
        predicted[test] = model.predict(X[test])
    mean = np.average(y, weights=n)
    return float(1 - np.sum(n * (y - predicted) ** 2) / np.sum(n * (y - mean) ** 2))


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
