"""AppTest runs of the new comparisons: the funnel plot and verwacht-versus-werkelijk in
Tellen, the Verwacht colouring of the Kaart, comparable buurten, the focus question in the
buurtprofiel; and the `expected` and `peers` commands."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import CBS_DIR, import_eindhoven
from tests.test_cli import cli
from tests.test_pages import map_data

APP = "../app.py"


def open_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str):
    """The one grid or (wrapping) table on the page with this column."""
    (table,) = [
        t.value for t in [*at.dataframe, *at.table] if column in t.value.columns
    ]
    return table


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_tellen_shows_the_funnel_the_expected_values_and_peers(demo):
    at = open_page("tellen", buurt="BU99990201", indicator="pct_jongeren_jeugdzorg")
    assert [t.label for t in at.tabs] == [
        "Ranglijst", "Trechter", "Verwacht", "Verdeling", "Samenhang", "Ontwikkeling",
    ]  # fmt: skip
    funnel = [c for c in at.get("plotly_chart") if "95%-grens" in c.proto.spec]
    (chart,) = funnel
    spec = json.loads(chart.proto.spec)
    buurten = spec["data"][-1]
    assert len(buurten["text"]) == int(
        demo.wide(2023)["pct_jongeren_jeugdzorg"].notna().sum()
    )
    assert max(buurten["marker"]["size"]) == 14  # the chosen buurt stands out
    assert "Trechterregel" in captions(at)
    expected = table_with(at, "Bovengrens")
    assert len(expected) == 40 and expected["Buurt"].iloc[0] == "Oude Haven"
    assert "keer opnieuw verdelen" in captions(at)
    subheaders = [s.value for s in at.subheader]
    assert "Vergelijkbare buurten: Oude Haven" in subheaders
    assert len(table_with(at, "Afstand")) == 10
    at.slider(key="tellen_peers_k").set_value(5).run()
    assert len(table_with(at, "Afstand")) == 5
    sentences = table_with(at, "Tegen vergelijkbare buurten")
    assert (
        sentences["Tegen vergelijkbare buurten"]
        .str.match(r"beter dan (\d+ van de|geen van de|alle) \d+ vergelijkbare buurten")
        .all()
    )


def test_an_average_has_no_funnel_but_says_why():
    at = open_page("tellen", indicator="gem_inkomen_per_inwoner")
    assert any("geen trechter" in i.value for i in at.info)
    assert any(
        "Verwacht versus werkelijk is er voor uitkomsten" in i.value for i in at.info
    )


def test_kaart_colours_by_expected_with_the_verdict_in_words():
    at = open_page("kaart", kleur="verwacht", indicator="wmo_clienten_per_1000")
    tips = map_data(at)["style"]["tip"]
    assert any(
        t.endswith("(zoals verwacht)") for t in tips
    )  # in words: not colour alone
    legend = " ".join(m.value for m in at.markdown)
    assert "zoals verwacht" in legend
    assert "die het model niet zag" in captions(at)
    at = open_page("kaart", kleur="verwacht", indicator="gem_inkomen_per_inwoner")
    assert (
        "Verwacht is er alleen per buurt, voor jeugdzorg, Wmo en bijstand"
        in captions(at)
    )


@pytest.mark.skipif(not CBS_DIR.exists(), reason="needs ../shared/data/cbs")
def test_real_eindhoven_profile_asks_about_youth_care_above_expectation():
    report = import_eindhoven()
    result = cli("expected", "--gemeente", "GM0772", "--indicator",
                 "pct_jongeren_jeugdzorg", "--format", "json")  # fmt: skip
    payload = json.loads(result.stdout)
    above = [
        b["buurtcode"]
        for b in payload["buurten"]
        if b["oordeel"] == "meer dan verwacht"
    ]
    assert payload["n"] > 60 and above
    at = open_page("buurtprofiel", gemeente=report.dataset_id, buurt=above[0])
    questions = at.text_area(key=f"profiel_vragen_{above[0]}_2022").value
    assert (
        "Jongeren met jeugdzorg is hoger dan je op grond van de bevolking zou verwachten: "
        "wat zien partners en bewoners?"
    ) in questions
    assert "verwacht" in captions(at) and "die het model niet zag" in captions(at)


def test_cli_expected_and_peers():
    result = cli(
        "expected", "--gemeente", "GM9999", "--indicator", "wmo_clienten_per_1000"
    )
    assert result.returncode == 0
    header, *rows = result.stdout.strip().splitlines()
    assert header == "buurtcode,werkelijk,verwacht,ondergrens,bovengrens,oordeel"
    assert len(rows) == 40
    payload = json.loads(
        cli("expected", "--gemeente", "GM9999", "--indicator", "wmo_clienten_per_1000",
            "--format", "json").stdout
    )  # fmt: skip
    assert {"predictors", "n", "r2_out_of_sample", "buurten"} <= set(payload)
    assert "wmo_clienten_per_1000" not in payload["predictors"]
    wrong = cli("expected", "--gemeente", "GM9999", "--indicator", "pct_65_plus")
    assert wrong.returncode == 2 and "geen uitkomst" in wrong.stderr
    peers = cli("peers", "BU99990201", "--k", "4")
    assert peers.returncode == 0
    header, *rows = peers.stdout.strip().splitlines()
    assert header == "buurtcode,buurtnaam,gemeentenaam,afstand"
    distances = [float(r.rsplit(",", 1)[1]) for r in rows]
    assert len(rows) == 4 and distances == sorted(distances)
    assert "BU99990201" not in peers.stdout.split("\n", 1)[1]


def test_nederland_not_loaded_is_said_with_how_to_add_it():
    """A file import without the Nederland row: not '–' (which reads as 'CBS has no
    figure') but 'niet ingelezen', and how to add it."""
    from tests.test_pages import import_demo_as_real

    import_demo_as_real(number="0001")
    at = open_page("tellen", gemeente="GM0001", buurt="BU00010201")
    table = table_with(at, "Nederland")
    assert set(table["Nederland"]) == {"niet ingelezen"}
    assert "rij Nederland (NL00)" in captions(at)
    at = open_page("buurtprofiel", gemeente="GM0001", buurt="BU00010201")
    assert set(table_with(at, "Nederland")["Nederland"]) == {"niet ingelezen"}
    assert "rij Nederland (NL00)" in captions(at)


@pytest.mark.skipif(not CBS_DIR.exists(), reason="needs ../shared/data/cbs")
def test_tellen_x_vertellen_names_outcomes_off_expectation():
    report = import_eindhoven()
    at = open_page("initiatieven", gemeente=report.dataset_id, weergave="gesprek")
    heading = [e.label for e in at.expander if e.label.startswith("Anders dan je")]
    assert (
        heading
        and heading[0] != "Anders dan je op grond van de bevolking zou verwachten (0)"
    )
    lines = " ".join(m.value for m in at.markdown)
    assert (
        "Jagershoef · Jongeren met jeugdzorg**: meer dan verwacht (14,6% tegen" in lines
    )
    assert "bewoners vertellen 0 zorgen en 0 krachten over jeugd & opgroeien" in lines
