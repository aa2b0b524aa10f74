import pytest

from analysis.catalogue import Catalogue, Indicator, format_number, load_catalogue
from analysis.errors import AnalysisError


def test_catalogue_has_what_the_dashboard_needs(catalogue: Catalogue):
    assert len(catalogue.indicators) >= 20
    assert set(catalogue.themes) == {
        "jeugd", "ontmoeting", "bestaanszekerheid", "veiligheid", "leefomgeving",
        "gezondheid", "meedoen", "taal", "voorzieningen",
    }  # fmt: skip
    for ind in catalogue.indicators.values():
        assert ind.label and ind.definition and ind.source and ind.unit, ind.id
    # Real CBS files are read through these names (see shared/data/cbs/README.md).
    assert (
        "HuishoudensMetEenLaagInkomen"
        in catalogue["pct_huishoudens_laag_inkomen"].odata
    )
    assert (
        "percentage_huishoudens_met_laag_inkomen"
        in catalogue["pct_huishoudens_laag_inkomen"].gpkg
    )
    assert catalogue["aantal_inwoners"].wbk == ("AANT_INW",)


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (12345.678, 1, "12.345,7"),
        (0.05, 1, "0,1"),
        (-3.25, 2, "-3,25"),
        (1000000, 0, "1.000.000"),
        (7, 0, "7"),
    ],
)
def test_format_number_is_dutch(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    "unit, value, expected",
    [
        ("%", 12.34, "12,3%"),
        ("aantal", 2150.0, "2.150"),
        ("× € 1.000", 31.4, "€ 31.400"),
        ("km", 1.25, "1,2 km"),
        ("per 1.000", 48.1, "48,1 per 1.000"),
        ("klasse", 2.0, "2"),
        ("%", float("nan"), "–"),
        ("%", None, "–"),
    ],
)
def test_indicator_format(unit, value, expected):
    ind = Indicator("x", "X", "jeugd", unit, 0, "inwoners", "d", "s")
    assert ind.format(value) == expected


BASE = """
[themes]
jeugd = "Jeugd"
[[indicator]]
id = "a"
label = "A"
unit = "%"
definition = "d"
source = "s"
"""


@pytest.mark.parametrize(
    "extra, message",
    [
        ('theme = "sport"\ndirection = 1\ndenominator = "inwoners"', "onbekend thema"),
        ('theme = "jeugd"\ndirection = 2\ndenominator = "inwoners"', "richting"),
        ('theme = "jeugd"\ndirection = 1\ndenominator = "auto"', "onbekende noemer"),
        (
            'theme = "jeugd"\ndirection = 1\ndenominator = "som"\nperiod = "2020"',
            "onbekende peildatum",
        ),
        (
            'theme = "jeugd"\ndirection = 1\ndenominator = "inwoners"\ncolour = 1',
            "colour",
        ),
    ],
)
def test_broken_catalogue_is_reported_in_dutch(tmp_path, extra, message):
    path = tmp_path / "indicators.toml"
    path.write_text(BASE + extra, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message):
        load_catalogue(path)


def test_duplicate_indicator_is_refused(tmp_path):
    entry = (
        BASE.split("[[indicator]]")[1]
        + 'theme = "jeugd"\ndirection = 1\ndenominator = "som"\n'
    )
    path = tmp_path / "indicators.toml"
    path.write_text(BASE.split("[[indicator]]")[0] + ("[[indicator]]" + entry) * 2)
    with pytest.raises(AnalysisError, match="twee keer"):
        load_catalogue(path)


def test_unreadable_catalogue(tmp_path):
    path = tmp_path / "indicators.toml"
    path.write_text("[themes\n")
    with pytest.raises(AnalysisError, match="niet te lezen"):
        load_catalogue(path)


def test_every_figure_says_which_date_or_period_it_describes(catalogue):
    """Income is of the verslagjaar, counts of 1 januari; a figure whose date only CBS's
    toelichting states says so, and never a year of its own making."""
    assert catalogue["pct_huishoudens_laag_inkomen"].reference_period(2022) == (
        "inkomen over 2022, van wie op 1 januari 2022 in Nederland woonde"
    )
    assert catalogue["aantal_inwoners"].reference_period(2023) == "1 januari 2023"
    assert "CBS-toelichting" in catalogue["gem_woz_waarde"].reference_period(2022)
    for ind in catalogue.indicators.values():
        # A definition that names 1 januari and a period that says otherwise contradict.
        if "op 1 januari" in ind.definition:
            assert ind.period == "1 januari", ind.id
        # Every income share and amount (not wealth, a stock) is of the verslagjaar.
        if ind.group == "Inkomen" or "inkomen" in ind.id:
            assert ind.period == ("cbs" if "vermogen" in ind.id else "inkomen"), ind.id
        assert "2022" in ind.reference_period(2022), ind.id


def test_a_broken_period_in_the_cbs_list_is_refused(tmp_path):
    from analysis.catalogue import CBS_PATH, read_cbs_variables

    lines = CBS_PATH.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",ooit"
    path = tmp_path / "cbs_kwb.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(AnalysisError, match="onbekende peildatum 'ooit'"):
        read_cbs_variables(path, load_catalogue().themes, {})
