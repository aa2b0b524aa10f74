"""How often a verdict appears by chance, run by hand: `python bench/calibration.py [--shuffles N]`.

On real Eindhoven 2022 (`../shared/data/cbs/`): for each share or rate with a base, the outcome
is shuffled across the buurten (each buurt keeps its own base), so any verdict is chance. A
95 % rule should then flag about 5 % of the buurten. Reports, per indicator, the mean share
flagged and its spread (the 5th-95th percentile over the shuffles), for the funnel (the
signal, before the minimum difference) and for verwacht versus werkelijk; and, for
reference, the share flagged on the real data. Budget: the means within 3-7 %.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CBS = ROOT.parent / "shared" / "data" / "cbs"
BUDGET = (0.03, 0.07)


def eindhoven():
    """Real Eindhoven into a throw-away data directory; (catalogue, one year's wide)."""
    os.environ["WIJK_DATA_DIR"] = tempfile.mkdtemp(prefix="kalibratie-")
    from analysis.catalogue import load_catalogue
    from analysis.datasets import load_dataset
    from analysis.importer import import_cbs

    geometry, stats = CBS / "buurten_GM0772_eindhoven.geojson", CBS / "kwb_2022.csv"
    import_cbs(
        (geometry.read_bytes(), geometry.name),
        (stats.read_bytes(), stats.name),
        gemeente="GM0772",
    )
    data = load_dataset("GM0772")
    return load_catalogue(), data.wide(2022)


def shuffled(wide, ind, base, eligible, rng) -> pd.DataFrame:
    """The outcome permuted across the eligible buurten; each keeps its own base (its count
    follows, so that count ÷ share still gives that base)."""
    out = wide.copy()
    rows = wide.index[eligible]
    out.loc[rows, ind.id] = rng.permutation(wide.loc[rows, ind.id].to_numpy())
    if ind.count and ind.count in out:
        from analysis.signals import RATE_SCALES

        out.loc[rows, ind.count] = (
            out.loc[rows, ind.id] / RATE_SCALES[ind.unit] * base[rows]
        )
    return out


def funnel_flagged(wide, ind, catalogue) -> float:
    """Share of the judged buurten outside the 95 % funnel limits (before min_difference)."""
    from analysis.funnel import Z95
    from analysis.reference import weighted_reference
    from analysis.signals import funnel_for, funnel_z, judged

    eligible = judged(wide, ind)
    reference = weighted_reference(wide, catalogue).at[ind.id, "value"]
    found = funnel_for(wide, ind, reference, eligible)
    if found is None:
        return float("nan")
    funnel, scale, n = found
    z, _ = funnel_z(funnel, ind, wide[ind.id].to_numpy(float) / scale, n)
    ok = eligible & ~np.isnan(z)
    return float(np.mean(np.abs(z[ok]) > Z95))


def expected_flagged(wide, ind) -> float:
    from analysis.expected import VERDICTS, expected_values

    table = expected_values(wide, ind).table
    judged = table["oordeel"].isin(VERDICTS)
    return float((table.loc[judged, "oordeel"] != VERDICTS[1]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shuffles", type=int, default=50)
    parser.add_argument(
        "--zonder-verwacht", action="store_true", help="only the funnel (quicker)"
    )
    args = parser.parse_args()
    if not CBS.exists():
        sys.exit(f"{CBS} ontbreekt: de echte CBS-gegevens zijn nodig.")
    from analysis.expected import outcomes
    from analysis.signals import judged, rate_base

    catalogue, wide = eindhoven()
    rng = np.random.default_rng(2022)
    rows = []
    started = time.perf_counter()
    for ind in catalogue.indicators.values():
        if not ind.has_signal or ind.id not in wide:
            continue
        found = rate_base(wide, ind)
        if found is None:
            continue
        _, base = found
        eligible = judged(wide, ind)
        is_outcome = ind in outcomes(catalogue) and not args.zonder_verwacht
        funnel, expected = [], []
        for _ in range(args.shuffles):
            mixed = shuffled(wide, ind, base, eligible, rng)
            funnel.append(funnel_flagged(mixed, ind, catalogue))
            if is_outcome:
                expected.append(expected_flagged(mixed, ind))
        rows.append(
            {
                "indicator": ind.id,
                "buurten": int(eligible.sum()),
                "echt_trechter": funnel_flagged(wide, ind, catalogue),
                **spread("trechter", funnel),
                "echt_verwacht": expected_flagged(wide, ind) if is_outcome else None,
                **spread("verwacht", expected),
            }
        )
    table = pd.DataFrame(rows).set_index("indicator")
    pd.set_option("display.width", 200)
    print(
        f"Eindhoven 2022, {args.shuffles} keer geschud ({time.perf_counter() - started:.0f} s)"
    )
    print(table.to_string(float_format=lambda v: f"{100 * v:.1f}%"))
    means = table[["trechter_gemiddeld", "verwacht_gemiddeld"]].stack().dropna()
    inside = means.between(*BUDGET)
    print(
        f"Binnen {BUDGET[0]:.0%}-{BUDGET[1]:.0%}: {int(inside.sum())} van {len(means)}"
        + (
            ""
            if inside.all()
            else f"; buiten: {', '.join(map(str, means[~inside].index))}"
        )
    )


def spread(name: str, shares: list[float]) -> dict[str, float | None]:
    if not shares:
        return {f"{name}_gemiddeld": None, f"{name}_p5": None, f"{name}_p95": None}
    values = np.asarray(shares, dtype=float)
    return {
        f"{name}_gemiddeld": float(np.nanmean(values)),
        f"{name}_p5": float(np.nanpercentile(values, 5)),
        f"{name}_p95": float(np.nanpercentile(values, 95)),
    }


if __name__ == "__main__":
    main()
