import pandas as pd
import pytest

from analysis.catalogue import Indicator
from analysis.trend import buurt_trend, tolerance

WORSE_IF_HIGHER = Indicator(
    "x", "X", "jeugd", "%", -1, "inwoners", "d", "s", min_difference=1.0
)
BETTER_IF_HIGHER = Indicator(
    "y", "Y", "jeugd", "%", 1, "inwoners", "d", "s", min_difference=1.0
)
CONTEXT = Indicator("z", "Z", "jeugd", "%", 0, "inwoners", "d", "s")
NAN = float("nan")


@pytest.mark.parametrize(
    "ind, old, new, ref_old, ref_new, richting, beweging",
    [
        # Low income falls from 12 to 10 while the gemeente stays at 8: better, closer.
        (WORSE_IF_HIGHER, 12.0, 10.0, 8.0, 8.0, "beter", "naar de gemeente toe"),
        # The same numbers for income (higher is better): worse, closer.
        (BETTER_IF_HIGHER, 12.0, 10.0, 8.0, 8.0, "slechter", "naar de gemeente toe"),
        # Rising above an already higher gemeente value: worse, further away.
        (WORSE_IF_HIGHER, 12.0, 14.0, 8.0, 8.0, "slechter", "van de gemeente af"),
        # Better in itself, but the gemeente improved more: away from it.
        (WORSE_IF_HIGHER, 12.0, 11.0, 10.0, 7.0, "beter", "van de gemeente af"),
        # Crossing the gemeente value: the distance is what counts (4 before, 2 after).
        (WORSE_IF_HIGHER, 12.0, 6.0, 8.0, 8.0, "beter", "naar de gemeente toe"),
        # Changes within half the minimum difference (0.5) are 'gelijk' / 'even ver'.
        (WORSE_IF_HIGHER, 12.0, 11.6, 8.0, 8.0, "gelijk", "even ver"),
        # Context indicators: higher or lower, no judgement.
        (CONTEXT, 20.0, 25.0, 20.0, 20.0, "hoger", "van de gemeente af"),
        # A year without a figure: no trend.
        (WORSE_IF_HIGHER, NAN, 10.0, 8.0, 8.0, None, None),
        (WORSE_IF_HIGHER, 12.0, NAN, 8.0, 8.0, None, None),
    ],
)
def test_trend_rule(ind, old, new, ref_old, ref_new, richting, beweging):
    row = buurt_trend(
        pd.Series({"A": old}), pd.Series({"A": new}), ref_old, ref_new, ind
    ).iloc[0]
    for column, expected in (("richting", richting), ("beweging", beweging)):
        assert pd.isna(row[column]) if expected is None else row[column] == expected


def test_tolerance():
    assert tolerance(WORSE_IF_HIGHER, 8.0) == 0.5
    assert tolerance(CONTEXT, 20.0) == pytest.approx(0.2)


def test_trend_on_demo(demo, catalogue):
    from analysis.reference import weighted_reference

    ind = catalogue["gem_woz_waarde"]
    old, new = demo.wide(2022), demo.wide(2023)
    ref_old = weighted_reference(old, catalogue).at[ind.id, "value"]
    ref_new = weighted_reference(new, catalogue).at[ind.id, "value"]
    trend = buurt_trend(old[ind.id], new[ind.id], ref_old, ref_new, ind)
    assert len(trend) == 40
    assert (trend["richting"].dropna() == "hoger").all()  # WOZ rose everywhere
    # The new-build buurt had no amenity figures in 2022: no trend there.
    dist = catalogue["afstand_huisarts"]
    t = buurt_trend(old[dist.id], new[dist.id], 1.0, 1.0, dist).set_index("buurtcode")
    assert pd.isna(t.at["BU99990505", "richting"])
