"""AppTest runs of every page: what a user sees, and what happens when they choose."""

import ast
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.catalogue import load_catalogue
from analysis.overview import where_to_start
from stories.demo import demo_initiatives, demo_stories, demo_talents
from tests.conftest import TESTER
from ui.assets import PUBLISHED
from ui.exports import CHOICES
from ui.maps import CHOSEN, MISSING_COLOUR, OUTLINED
from ui.state import cached_signals

# The stories the demo is seeded with: its stories and its werksessies' talents.
DEMO_TOLD = len(demo_stories()) + len(demo_talents())

APP = "../app.py"


def map_component(at: AppTest) -> dict:
    """The arguments of the map (streamlit-folium's component) on this run."""
    (component,) = [
        c
        for c in at.get("component_instance")
        if c.proto.component_name.endswith("st_folium")
    ]
    return json.loads(component.proto.json_args)


def map_data(at: AppTest) -> dict:
    """What the page sent to the map on this run: the data of its restyle (ui/maps.Opmaak),
    with the outlines it fetches by address (`shapes`, as published by the app)."""
    args = map_component(at)
    start = args["feature_group"].index("window.kaart.apply(") + len(
        "window.kaart.apply("
    )
    sent, _ = json.JSONDecoder().raw_decode(args["feature_group"], start)
    (name,) = re.findall(r'"/kaartvormen/([0-9a-f]+\.json)"', args["script"])
    return {
        **sent,
        "shapes": json.loads(PUBLISHED[name].plain[0]),
        "links": args["js_links"] + args["css_links"],
    }


def app_sources(*folders: str):
    """app.py and every Python file in `folders` (pages, ui), each with its syntax tree."""
    root = Path(__file__).resolve().parent.parent
    for path in [
        root / "app.py",
        *(p for f in folders for p in sorted((root / f).glob("*.py"))),
    ]:
        yield path, ast.parse(path.read_text())


def texts(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(
        c.value for c in at.caption
    )


def test_overzicht_shows_the_demo_gemeente(app, demo):
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Voorbeeldstad (fictief)"
    assert "fictieve gemeente" in at.info[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[
        "Inwoners"
    ] == f"{int(demo.wide(2023)['aantal_inwoners'].sum()):,}".replace(",", ".")
    assert metrics["Buurten"] == "40"
    assert metrics["Verhalen"] == str(DEMO_TOLD)
    # The metric counts the initiatives that go on; the caption says how many stopped.
    phases = demo_initiatives()["phase"]
    stopped = int((phases == "gestopt").sum())
    assert metrics["Initiatieven"] == str(len(phases) - stopped) and stopped == 1
    assert f"{len(phases)} vastgelegd (1 initiatief is gestopt)." in texts(at)
    assert [s.value for s in at.subheader][:3] == [
        ":material/thumb_up: Sterkste krachten",
        ":material/warning: Grootste zorgen",
        ":material/flag: Waar beginnen?",
    ]
    # The rule is explained once, on its own page, and linked from here.
    assert "(uitleg#oordeel)" in texts(at) and "standaardafwijking" not in texts(at)
    # The count of verdicts comes with the count chance alone would give.
    _, signals = cached_signals("demo", 2023)
    funnel = signals[(signals["rule"] == "trechter") & signals["signal"].notna()]
    assert (
        f"Van {len(funnel)} oordelen met de trechterregel zijn er "
        f"{(funnel['signal'] == 'kracht').sum()} kracht" in texts(at)
    )
    assert f"hooguit ongeveer {round(0.025 * len(funnel))} van elk" in texts(at)


def test_overzicht_where_to_start_matches_the_analysis(app, demo):
    at = app.run()
    table = at.dataframe[0].value
    _, signals = cached_signals("demo", 2023)
    expected = where_to_start(signals, demo_stories(), demo.buurten)
    assert table["buurtnaam"].tolist() == expected["buurtnaam"].tolist()
    assert (
        table["kaart"].iloc[0]
        == f"kaart?gemeente=demo&buurt={expected['buurtcode'].iloc[0]}"
    )


def test_sidebar_offers_the_demo_and_marks_it_fictional(app):
    at = app.run()
    assert at.sidebar.selectbox[0].label == "Gemeente"
    assert at.sidebar.selectbox[0].value == "demo"
    assert "Fictief" in at.sidebar.caption[0].value
    assert at.query_params["gemeente"] == "demo"


def test_kaart_draws_every_buurt_offline(app, demo):
    at = app.run()
    at.switch_page("pages/kaart.py").run()
    assert not at.exception
    data = map_data(at)
    assert data["shapes"]["codes"] == demo.map_geometry["buurtcode"].tolist()
    assert len(data["style"]["fill"]) == len(demo.buurten)
    # Leaflet and its clusters come from this server, not from folium's CDNs; the one
    # address elsewhere is the optional street map's, off unless switched on.
    assert data["links"] and all(
        link.startswith("/app/static/vendor/") for link in data["links"]
    )
    assert not data["basemap"]
    args = json.dumps(map_component(at))
    assert re.findall(r"https?://[^\"\\\s]+", args) == [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ]
    # Legend outside the map, with classes and the grey entry for suppressed buurten.
    legend = next(m.value for m in at.markdown if 'class="legend"' in m.value)
    assert legend.count("<span style=") == 6 and "geheim of niet beschikbaar" in legend


def test_kaart_switching_indicator_restyles_and_updates_url(app):
    at = app.run()
    at.switch_page("pages/kaart.py").run()
    before = map_data(at)
    at.selectbox(key="kaart_indicator").select("wmo_clienten_per_1000").run()
    after = map_data(at)
    # Tooltips now carry Wmo rates ("Oude Haven: 80,0 per 1.000") and the colours change;
    # the outlines are the same, so the browser keeps its map and only restyles it.
    rates = [
        bool(re.fullmatch(r".+: \d+,\d per 1.000", t)) for t in after["style"]["tip"]
    ]
    assert sum(rates) > 30
    assert all(
        r or t.endswith("geen cijfer") for r, t in zip(rates, after["style"]["tip"])
    )
    assert after["style"]["fill"] != before["style"]["fill"]
    assert after["shapes"] == before["shapes"]
    assert at.query_params["indicator"] == "wmo_clienten_per_1000"
    assert "Wmo-cliënten per 1.000 inwoners" in texts(at)


@pytest.mark.parametrize(
    "indicator",
    [i for i, ind in load_catalogue().indicators.items() if ind.kind == "curated"],
)
def test_kaart_renders_every_indicator(app, demo, indicator):
    app.query_params["indicator"] = indicator
    at = app.run()
    at.switch_page("pages/kaart.py").run()
    assert not at.exception
    style = map_data(at)["style"]
    # One tooltip per buurt, a legend entry per class, grey for every missing value.
    values = demo.wide(2023)[indicator].reindex(demo.map_geometry["buurtcode"])
    assert len(style["tip"]) == 40
    assert [t.endswith("geen cijfer") for t in style["tip"]] == values.isna().tolist()
    assert [f == MISSING_COLOUR for f in style["fill"]] == values.isna().tolist()
    legend = next(m.value for m in at.markdown if 'class="legend"' in m.value)
    assert ("geheim of niet beschikbaar" in legend) == bool(values.isna().any())


def test_kaart_choosing_a_buurt_shows_its_key_figures(app):
    at = app.run()
    at.switch_page("pages/kaart.py").run()
    at.selectbox(key="kaart_buurt").select("BU99990201").run()
    assert at.subheader[0].value == "Oude Haven"
    lines = next(m.value for m in at.markdown if "**Inwoners**" in m.value)
    assert "- **Gemiddeld inkomen per inwoner**: € 23.800 (gemeente " in lines
    assert (
        "**Huishoudens met een laag inkomen**: 15,4% (gemeente 9,8%) · gemiddeld (iets slechter)"
        in lines
    )
    assert "- **Inwoners**: 3.120 (gemeente " in lines
    assert at.query_params["buurt"] == "BU99990201"
    # The selected buurt, and only that one, is outlined on the map.
    data = map_data(at)
    chosen = [
        c for c, m in zip(data["shapes"]["codes"], data["style"]["mark"]) if m == CHOSEN
    ]
    assert chosen == ["BU99990201"]
    assert "krachten" in texts(at) and "Initiatieven" in texts(at)


def test_kaart_as_a_table_one_switch_away(app, demo):
    at = app.run()
    at.switch_page("pages/kaart.py").run()
    assert not at.dataframe  # not drawn until asked for: it slows the page down
    at.toggle(key="kaart_tabel").set_value(True).run()
    (table,) = (d.value for d in at.dataframe)
    # Every buurt, the same figure as the map, the colour's meaning in words.
    values = demo.wide(2023)["pct_huishoudens_laag_inkomen"]
    assert len(table) == 40
    assert table["Buurtcode"].tolist() == demo.map_geometry["buurtcode"].tolist()
    shown = table.set_index("Buurt")["Huishoudens met een laag inkomen (%)"]
    names = demo.buurten.set_index("buurtcode")["buurtnaam"]
    assert shown.reindex(names[values.index]).to_numpy() == pytest.approx(
        values.to_numpy(), nan_ok=True
    )
    words = table["Kleur op de kaart"]
    assert words.str.fullmatch(r"klasse [1-5] van 5|geen cijfer").all()
    at.selectbox(key="kaart_kleur").select("afwijking").run()
    words = set(at.dataframe[0].value["Kleur op de kaart"])
    assert "kracht" in words and "iets slechter" in words
    # Beside the colours: how many verdicts there are, and how many chance alone gives.
    _, signals = cached_signals("demo", 2023)
    mine = signals[signals["indicator"] == "pct_huishoudens_laag_inkomen"]
    judged = mine["signal"].notna().sum()
    flagged = mine["signal"].value_counts()
    assert (
        f"Van {judged} oordelen met de trechterregel zijn er {flagged.get('kracht', 0)} "
        f"kracht en {flagged.get('aandacht', 0)} aandacht" in texts(at)
    )
    assert words <= {
        "aandacht",
        "iets slechter",
        "gemiddeld",
        "iets beter",
        "kracht",
        "–",
    }


def test_kaart_opens_the_view_from_a_shared_url(app):
    at = app
    at.query_params["indicator"] = "misdrijven_per_1000"
    at.query_params["buurt"] = "BU99990104"
    at.query_params["jaar"] = "2022"
    at.run()
    at.switch_page("pages/kaart.py").run()
    assert at.selectbox(key="kaart_indicator").value == "misdrijven_per_1000"
    assert at.selectbox(key="kaart_jaar").value == "2022"
    assert at.subheader[0].value == "Stationsbuurt"


def test_kaart_ignores_a_bad_url(app):
    app.query_params["indicator"] = "<script>"
    app.query_params["buurt"] = "BU0000"
    at = app.run()
    at.switch_page("pages/kaart.py").run()
    assert not at.exception
    assert at.selectbox(key="kaart_indicator").value == "pct_huishoudens_laag_inkomen"
    assert at.selectbox(key="kaart_buurt").value is None


def import_demo_as_real(name: str = "Voorbeeld (echt)", number: str = "9999") -> None:
    """A real-looking dataset in this test's data directory: the demo's files, imported, with
    the gemeente number of your choice (stories belong to a gemeente code)."""
    from analysis.datasets import load_dataset
    from analysis.importer import import_cbs

    demo = load_dataset("demo")
    wide = demo.wide(2023)[["aantal_inwoners", "pct_huishoudens_laag_inkomen"]]
    stats = wide.rename_axis("buurtcode").reset_index().to_csv(index=False)
    geometry = demo.buurten.to_json()
    geometry, stats = (t.replace("9999", number) for t in (geometry, stats))
    import_cbs(
        (geometry.encode(), "b.geojson"), (stats.encode(), "k_2023.csv"), name=name
    )


def test_data_page_offline_message_and_dataset_list(app):
    import_demo_as_real()
    at = app.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Data"
    assert [t.label for t in at.tabs] == [
        "Uit bestanden",
        "Van internet (CBS en PDOK)",
        "Eigen indicatoren",
        "Ingeladen gemeenten",
        "Bewaartermijn",
        "Logboek",
    ]
    assert "Geen internetverbinding" in at.info[0].value  # this machine has no internet
    table = at.dataframe[0].value
    assert table["Gemeente"].tolist() == ["Voorbeeldstad (fictief)", "Voorbeeld (echt)"]
    assert table["Ingeladen"].iloc[0] == "meegeleverd"


def test_own_indicator_on_data_page_and_kaart(app):
    from analysis.datasets import catalogue_for, load_dataset
    from analysis.own import import_own
    from tests.test_own import figures, xlsx

    import_demo_as_real()
    data = load_dataset("GM9999")
    frame = figures(data).assign(jaar=2023)
    import_own((xlsx(frame), "eigen.xlsx"), data, catalogue_for(data))
    at = app.run()
    at.sidebar.selectbox[0].select("GM9999").run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    listed = at.dataframe[0].value  # the own indicators, on their tab
    assert listed["Bron"].tolist() == ["GGD Monitor 2022", "Eigen registratie"]
    exported = next(
        b for b in at.get("download_button") if "Eigen cijfers" in b.proto.label
    )
    assert exported.proto.label == "Eigen cijfers per buurt downloaden (Excel)"
    at.switch_page("pages/kaart.py")
    at.query_params["indicator"] = "eigen_eenzaam"
    at.run()
    assert not at.exception
    assert at.selectbox(key="kaart_indicator").value == "eigen_eenzaam"
    assert (
        "Ernstig eenzaam (eigen) · Ontmoeting & eenzaamheid"
        in at.selectbox(key="kaart_indicator").options
    )
    assert any(
        "Bron: GGD Monitor 2022, 2023. Peildatum: 2023, zoals de gemeente het aanleverde."
        in c.value
        for c in at.caption
    )
    assert len(map_data(at)["style"]["fill"]) == 40


def test_data_page_remove_asks_first(app):
    import_demo_as_real()
    at = app.run()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data_remove").select("GM9999").run()
    at.button(key="data_remove_ask").click().run()
    assert "Weet je het zeker?" in at.warning[0].value
    at.button(key="data_remove_no").click().run()
    assert at.dataframe[0].value["Code"].tolist() == ["GM9999", "GM9999"]
    at.selectbox(key="data_remove").select("GM9999").run()
    at.button(key="data_remove_ask").click().run()
    at.button(key="data_remove_yes").click().run()
    assert at.dataframe[0].value["Gemeente"].tolist() == ["Voorbeeldstad (fictief)"]


def test_real_dataset_in_sidebar_and_pages(app):
    import_demo_as_real(number="9998")
    at = app.run()
    assert at.sidebar.selectbox[0].options == [
        "Voorbeeldstad (fictief)",
        "Voorbeeld (echt)",
    ]
    at.sidebar.selectbox[0].select("GM9998").run()
    assert not at.exception
    assert (
        at.title[0].value == "Voorbeeldstad (fictief)"
    )  # the gemeente name in the files
    assert not at.info  # no 'fictional' banner
    assert "nog geen verhalen vastgelegd" in texts(at)
    at.switch_page("pages/kaart.py").run()
    assert not at.exception
    assert len(map_data(at)["shapes"]["codes"]) == 40


def test_switching_gemeente_resets_choices_it_does_not_have(app):
    from analysis.datasets import load_dataset
    from analysis.importer import import_cbs

    demo = load_dataset("demo")
    only_people = (
        demo.wide(2022)[["aantal_inwoners"]].rename_axis("buurtcode").reset_index()
    )
    import_cbs(
        (demo.buurten.head(10).to_json().encode(), "b.geojson"),
        (only_people.to_csv(index=False).encode(), "k_2022.csv"),
    )
    at = app.run()
    at.switch_page("pages/kaart.py").run()
    at.selectbox(key="kaart_jaar").select("2023").run()
    at.selectbox(key="kaart_buurt").select("BU99990803").run()
    assert at.sidebar.selectbox[0].options == [
        "Voorbeeldstad (fictief) (GM9999, demo)",
        "Voorbeeldstad (fictief) (GM9999, GM9999)",
    ]  # same name twice: told apart
    at.sidebar.selectbox[0].select("GM9999").run()
    assert not at.exception
    assert at.selectbox(key="kaart_jaar").value == "2022"
    assert at.selectbox(key="kaart_indicator").options == [
        "Inwoners · Ontmoeting & eenzaamheid"
    ]
    assert (
        at.selectbox(key="kaart_buurt").value is None
    )  # BU99990803 is not in these 10
    assert len(map_data(at)["shapes"]["codes"]) == 10


def test_tellen_one_buurt(app):
    app.query_params["buurt"] = "BU99990201"
    at = app.run()
    at.switch_page("pages/tellen.py").run()
    assert not at.exception
    assert at.title[0].value == "Tellen"
    table = at.dataframe[0].value.set_index("Indicator")
    assert table.at["Huishoudens met een laag inkomen", "Oordeel"] == (
        "gemiddeld (iets slechter)"
    )
    assert table.at["Gemiddeld inkomen per inwoner", "Oordeel"] == "aandacht"
    assert table.at["Huishoudens met een laag inkomen", "Nederland"] == "8,0%"
    # The reasons in full, not in a cell that cuts them off.
    reasons = at.table[0].value
    assert reasons.loc["Huishoudens met een laag inkomen", "Waarom"].startswith(
        "15,4% tegen 9,8% in de gemeente: hoger, maar binnen de gewone spreiding"
    )
    assert (
        "bij deze buurtgrootte"
        in reasons.loc["Huishoudens met een laag inkomen", "Waarom"]
    )
    assert "(uitleg#oordeel)" in texts(at)
    # The chosen figure's popover says which year's income it describes, and links the term.
    assert (
        "Peildatum: inkomen over 2023, van wie op 1 januari 2023 in Nederland woonde "
        "([Wat betekent dit?](uitleg#peildatum))." in texts(at)
    )
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:4] == [label for label, _ in CHOICES.values()]
    assert [t.label for t in at.tabs] == [
        "Ranglijst",
        "Trechter",
        "Verwacht",
        "Verdeling",
        "Samenhang",
        "Ontwikkeling",
    ]
    assert len(at.get("plotly_chart")) >= 3


def test_tellen_compare_and_change_indicator(app):
    at = app.run()
    at.switch_page("pages/tellen.py").run()
    assert any("Kies hierboven een buurt" in i.value for i in at.info)
    at.multiselect(key="tellen_buurten").select("BU99990201").select("BU99990301").run()
    columns = at.dataframe[0].value.columns.tolist()
    assert columns[1:3] == ["Oude Haven", "Rozenbuurt"]
    assert at.query_params["buurt"] == "BU99990201,BU99990301"
    at.selectbox(key="tellen_indicator").select("wmo_clienten_per_1000").run()
    assert not at.exception
    assert at.query_params["indicator"] == "wmo_clienten_per_1000"
    ranking = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert ranking["data"][0]["customdata"][0].endswith("per 1.000")


def test_tellen_trend_table(app):
    app.query_params["buurt"] = "BU99990201"
    app.query_params["indicator"] = "gem_woz_waarde"
    at = app.run()
    at.switch_page("pages/tellen.py").run()
    trend = at.dataframe[-1].value
    assert list(trend.columns) == [
        "Buurt", "2022", "2023", "Verandering", "Richting", "Ten opzichte van de gemeente",
    ]  # fmt: skip
    assert len(trend) == 40 and set(trend["Richting"]) == {"hoger", "geen cijfer"}
    vaart = trend.set_index("Buurt").loc["Bedrijventerrein De Vaart"]
    assert (vaart["2023"], vaart["Richting"]) == (
        "–",
        "geen cijfer",
    )  # suppressed: no trend


def test_kaart_deviation_colouring(app):
    app.query_params["kleur"] = "afwijking"
    app.query_params["indicator"] = "gem_inkomen_per_inwoner"
    at = app.run()
    at.switch_page("pages/kaart.py").run()
    assert not at.exception
    fill = map_data(at)["style"]["fill"]
    assert "#ca0020" in fill and "#0571b0" in fill  # red aandacht, blue kracht
    legend = next(m.value for m in at.markdown if 'class="legend"' in m.value)
    assert "aandacht: slechter, buiten de gewone spreiding" in legend
    assert "(uitleg#positie)" in texts(at)


def test_vertellen_lists_and_filters(app):
    at = app.run()
    at.switch_page("pages/vertellen.py").run()
    assert not at.exception
    assert at.title[0].value == "Vertellen"
    assert f"**{DEMO_TOLD}** van {DEMO_TOLD} verhalen." in texts(at)
    at.multiselect(key="vertellen_soort").select("droom").run()
    at.multiselect(key="vertellen_thema").select("jeugd").run()
    count = int(
        next(
            m.value for m in at.markdown if f"van {DEMO_TOLD} verhalen" in m.value
        ).split("**")[1]
    )
    from stories.demo import demo_stories

    demo = demo_stories()
    expected = (
        (demo["kind"] == "droom") & demo["themes"].map(lambda t: "jeugd" in t)
    ).sum()
    assert count == expected > 0
    at.text_input(key="vertellen_zoek").input("skatebaan").run()
    assert f"**1** van {DEMO_TOLD} verhalen." in texts(at)


def test_vertellen_add_story_with_privacy_check(app):
    at = app.run()
    at.switch_page("pages/vertellen.py").run()
    at.selectbox(key="nieuw_buurt").select("BU99990201").run()
    at.text_area(key="nieuw_tekst").input(
        "<script>alert(1)</script> De speeltuin is kapot. Bel 06-12345678"
    ).run()
    assert "telefoonnummer" in at.warning[0].value
    assert "Jeugd & opgroeien" in texts(at)  # suggested theme
    at.multiselect(key="nieuw_themas").select("jeugd").run()
    at.button(key="nieuw_opslaan").click().run()
    assert any("telefoonnummer" in e.value for e in at.error)  # not saved yet
    assert any("Toestemming ontbreekt" in e.value for e in at.error)
    at.button(key="nieuw_tekst_redact").click().run()
    assert at.text_area(key="nieuw_tekst").value.endswith("Bel [verwijderd]")
    at.checkbox(key="nieuw_toestemming").check().run()
    at.button(key="nieuw_opslaan").click().run()
    assert at.success[0].value == "Opgeslagen. Dank je wel!"
    assert at.text_area(key="nieuw_tekst").value == ""  # ready for the next story
    assert not at.checkbox(key="nieuw_toestemming").value  # consent asked again
    at.text_input(key="vertellen_zoek").input("speeltuin is kapot").run()
    quote = next(m.value for m in at.markdown if "speeltuin is kapot" in m.value)
    assert quote.startswith("> \\<script\\>alert\\(1\\)\\</script\\>")  # shown as text


def open_initiatieven(app, view: str | None = None) -> AppTest:
    at = app.run()
    at.switch_page("pages/initiatieven.py").run()
    assert not at.exception
    if view:
        at.segmented_control(key="initiatieven_weergave").set_value(view).run()
        assert not at.exception
    return at


def demo_coverage(demo, initiatives=None):
    from analysis.coverage import coverage_table
    from stories.demo import demo_initiatives

    _, signals = cached_signals("demo", 2023)
    return coverage_table(
        demo.buurten["buurtcode"].tolist(), list(load_catalogue().themes), signals,
        demo_stories(), demo_initiatives() if initiatives is None else initiatives,
        load_catalogue(),
    )  # fmt: skip


def test_initiatieven_rolwijzer_counts_and_explains_every_role(app, demo):
    from analysis.coverage import ROLE_EXPLANATIONS, ROLES

    at = open_initiatieven(app)
    assert at.title[0].value == "Initiatieven"
    expected = demo_coverage(demo)["rol"].value_counts()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {label: str(expected[role]) for role, label in ROLES.items()}
    assert all(int(v) > 0 for v in metrics.values())
    shown = texts(at)
    for explanation in ROLE_EXPLANATIONS.values():
        assert explanation in shown
    # Every suggestion is listed with its reason, which names figures and stories.
    labels = [i.label for i in load_catalogue().indicators.values()]
    assert any(label in shown for label in labels) and "zorgverhal" in shown
    assert at.query_params["weergave"] == "rolwijzer"


def test_initiatieven_filters_wijk_theme_and_target_group(app, demo):
    at = open_initiatieven(app)
    wijk = demo.buurten["wijkcode"].iloc[0]
    at.multiselect(key="initiatieven_wijk").select(wijk).run()
    at.multiselect(key="initiatieven_thema").select("veiligheid").run()
    inside = set(demo.buurten.loc[demo.buurten["wijkcode"] == wijk, "buurtnaam"])
    outside = set(demo.buurten["buurtnaam"]) - inside
    listed = [
        m.value for m in at.markdown if m.value.startswith("**") and "·" in m.value
    ]
    assert listed and all("Veiligheid" in line for line in listed)
    assert not any(f"**{name} ·" in line for line in listed for name in outside)
    at.segmented_control(key="initiatieven_weergave").set_value("register").run()
    register = at.dataframe[0].value
    assert register["Thema's"].str.contains("Veiligheid").all()
    at.selectbox(key="initiatieven_doelgroep").select("ouderen").run()
    register = at.dataframe[0].value
    assert len(register) < 34


def test_initiatieven_coverage_and_conversation_views(app, demo):
    at = open_initiatieven(app, "dekking")
    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    assert len(figure["data"][0]["y"]) == 40  # one row per buurt
    assert "Zorgen zonder initiatief" in [s.value for s in at.subheader]
    assert len(map_data(at)["style"]["fill"]) == 40
    at.segmented_control(key="initiatieven_weergave").set_value("gesprek").run()
    table = demo_coverage(demo)
    disagree = table[table["overeenstemming"] == "oneens"]
    shown = texts(at)
    assert len(disagree) > 0
    for sentence in disagree["gesprek"]:
        assert (
            sentence.replace("(", "\\(").replace(")", "\\)").replace(".", "\\.")
            in shown
        )


def test_initiatieven_add_edit_delete(app):
    at = open_initiatieven(app, "register")
    form = "initiatieven_nieuw"
    at.button(key=f"{form}_opslaan").click().run()
    errors = [e.value for e in at.error]
    assert "De naam van het initiatief ontbreekt." in errors
    assert "Kies minstens één buurt waar het initiatief voor werkt." in errors
    # A form sends its values with the submit button, as in the browser.
    at.text_input(key=f"{form}_naam").input("Naaiclub De Draad")
    at.multiselect(key=f"{form}_buurten").select("BU99990301")
    at.multiselect(key=f"{form}_themas").select("ontmoeting")
    at.checkbox(key=f"{form}_ladder").check()
    at.number_input(key=f"{form}_deelnemer").set_value(6)
    at.number_input(key=f"{form}_kartrekker").set_value(1)
    at.button(key=f"{form}_opslaan").click().run()
    assert not at.error, [e.value for e in at.error]
    register = at.dataframe[0].value
    row = register[register["Naam"] == "Naaiclub De Draad"].iloc[0]
    assert (
        row["Fase"] == "idee" and row["Buurten"] == "Rozenbuurt" and row["Mensen"] == 7
    )
    # Said on screen, and the form is empty again: a second click adds no duplicate.
    assert [s.value for s in at.success] == ["Naaiclub De Draad is opgeslagen."]
    assert at.text_input(key=f"{form}_1_naam").value == ""  # a new form (form_key)
    at.button(key=f"{form}_1_opslaan").click().run()
    assert "De naam van het initiatief ontbreekt." in [e.value for e in at.error]
    assert len(at.dataframe[0].value) == 35 and not at.success

    from stories.db import make_engine
    from stories.initiatives import InitiativeStore

    stored = InitiativeStore(make_engine()).query("GM9999")
    new_id = stored.loc[stored["name"] == "Naaiclub De Draad", "id"].iloc[0]
    assert "Naaiclub De Draad" in at.selectbox(key="initiatieven_kies").options
    at.session_state["initiatieven_kies"] = new_id  # AppTest cannot pick by label
    at.run()
    at.button(key="initiatieven_bewerk").click().run()
    edit_form = f"form_{new_id}_fase"
    at.selectbox(key=edit_form).select("actief")
    at.button(key=edit_form.replace("_fase", "_opslaan")).click().run()
    assert not at.exception and not at.error
    register = at.dataframe[0].value
    assert (
        register.loc[register["Naam"] == "Naaiclub De Draad", "Fase"].iloc[0]
        == "actief"
    )
    at.session_state["initiatieven_kies"] = new_id
    at.run()
    at.button(key="initiatieven_weg").click().run()
    register = at.dataframe[0].value
    assert "Naaiclub De Draad" not in register["Naam"].tolist() and len(register) == 34


def test_netwerk_add_a_partner_see_it_on_the_map_and_in_the_rolwijzer(app, demo):
    """A team lead adds a partner with an ontwikkelplaats by its point; it lands in the buurt
    the point lies in, shows as a square on the Kaart, and the rolwijzer names it."""
    table = demo_coverage(demo)
    need = table[table["rol"] == "initiëren"].iloc[0]
    point = demo.buurten.set_index("buurtcode").geometry[need["buurtcode"]]
    point = point.representative_point()
    at = open_initiatieven(app, "netwerk")
    form = "netwerk_nieuw"
    at.text_input(key=f"{form}_naam").input("Stichting Proef")
    at.multiselect(key=f"{form}_aanbod").select("stage")
    at.multiselect(key=f"{form}_themas").select(need["theme"])
    at.text_input(key=f"{form}_plek").input("52,4 5,8 9")
    at.button(key=f"{form}_opslaan").click().run()
    assert "geef twee getallen" in at.error[0].value
    at.text_input(key=f"{form}_plek").input(f"{point.y:.6f}, {point.x:.6f}")
    at.button(key=f"{form}_opslaan").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    register = at.dataframe[0].value
    row = register[register["Naam"] == "Stichting Proef"].iloc[0]
    names = demo.buurten.set_index("buurtcode")["buurtnaam"]
    assert row["Buurten"] == names[need["buurtcode"]] and row["Biedt"] == "stage"
    at.segmented_control(key="initiatieven_weergave").set_value("rolwijzer").run()
    reasons = texts(at).replace("\\", "")  # shown as plain text: Markdown escaped
    assert "Stichting Proef (stage; in de buurt)" in reasons
    at.switch_page("pages/kaart.py").run()
    at.toggle(key="kaart_netwerk").set_value(True).run()
    assert not at.exception
    shown = [p for p in map_data(at)["network"] if p[3] == "Stichting Proef (partner)"]
    assert len(shown) == 1
    assert (shown[0][0], shown[0][1]) == (round(point.y, 6), round(point.x, 6))


def test_kaart_initiative_layer_and_outline_from_url(app):
    at = app.run()
    at.query_params["initiatief"] = "demo-i01"  # Budgetcafé De Kade: two buurten
    at.switch_page("pages/kaart.py").run()
    assert not at.exception
    data = map_data(at)
    assert data["style"]["mark"].count(OUTLINED) == 2
    assert "Omlijnd: de buurten van Budgetcafé De Kade" in texts(at)
    assert data["initiatives"] is None  # the layer itself is off until asked for
    at.toggle(key="kaart_initiatieven").set_value(True).run()
    points = map_data(at)["initiatives"]
    assert len(points) == 34 and all("rotate(45deg)" in p[2] for p in points)
    assert "Budgetcafé De Kade (actief)" in [p[3] for p in points]


def test_buurtprofiel_opens_on_the_buurt_in_the_url_and_keeps_agreements(app):
    at = app.run()
    at.query_params["buurt"] = "BU99990301"
    at.switch_page("pages/buurtprofiel.py").run()
    assert not at.exception
    assert at.selectbox(key="profiel_buurt").value == "BU99990301"
    assert "Rozenbuurt" in [s.value for s in at.subheader]
    assert {m.label for m in at.metric} >= {"Krachten verteld", "Initiatieven"}
    assert "Vragen voor het focusgesprek" in [s.value for s in at.subheader]
    # Each figure carries the mark of its date or period, told under the table.
    shown = at.table[0].value["Indicator"].tolist()
    assert "Inwoners¹" in shown and "Huishoudens met een laag inkomen³" in shown
    note = next(c.value for c in at.caption if c.value.startswith("Peildatum: "))
    assert note.startswith("Peildatum: ¹ 1 januari 2023 · ² verslagjaar 2023")
    assert "³ inkomen over 2023, van wie op 1 januari 2023 in Nederland woonde" in note
    assert note.endswith("([Wat betekent dit?](uitleg#peildatum)).")
    form = "afspraken_BU99990301"
    at.multiselect(key=f"{form}_themas").select("taal")
    at.text_area(key=f"{form}_ambitie").input("Bel 06-12345678")
    at.button(key=f"{form}_opslaan").click().run()
    assert any("telefoonnummer" in e.value for e in at.error)  # not stored
    at.multiselect(key=f"{form}_themas").select("taal")
    at.text_area(key=f"{form}_ambitie").input("Iedereen kan een formulier invullen.")
    at.button(key=f"{form}_opslaan").click().run()
    assert not at.exception and not at.error
    # A later visit (a new session) shows what was agreed, and so does the export.
    later = AppTest.from_file(APP, default_timeout=60).run()
    later.query_params["buurt"] = "BU99990301"
    later.switch_page("pages/buurtprofiel.py").run()
    assert (
        later.text_area(key=f"{form}_ambitie").value
        == "Iedereen kan een formulier invullen."
    )
    assert later.multiselect(key=f"{form}_themas").value == ["taal"]
    assert any("Laatst bijgewerkt" in c.value for c in later.caption)
    later.button(key="profiel_pdf_maken").click().run()
    assert not later.exception
    assert [
        d for d in later.get("download_button") if d.proto.label == "PDF downloaden"
    ]


def test_kaart_links_to_the_buurtprofiel(app):
    at = app.run()
    at.query_params["buurt"] = "BU99990201"
    at.switch_page("pages/kaart.py").run()
    links = [e for e in at.get("page_link") if "Buurtprofiel" in e.proto.label]
    assert links and "buurt=BU99990201" in links[0].proto.query_string


def werksessie(**settings):
    """A werksessie in the demo gemeente, made in the app's own (test) database."""
    from stories.db import make_engine
    from stories.workshop import WorkshopStore

    store = WorkshopStore(make_engine(), TESTER)
    return store, store.create("GM9999", "Buurtavond", **settings)


def werksessie_with_a_dream(**settings):
    """A werksessie (see `werksessie`) with one dream in it: (store, werksessie, dream)."""
    from datetime import date

    from stories.validation import StoryIn

    store, made = werksessie(**settings)
    dream = store.add_entry(
        made, StoryIn("BU99990301", "droom", ["jeugd"], "Een speeltuin", "werksessie",
                      "bewoner", date.today(), "Speeltuin", consent=True),
    )  # fmt: skip
    return store, made, dream


def test_werksessie_start_step_and_privacy_switch(app):
    at = app.run()
    at.switch_page("pages/werksessie.py").run()
    assert not at.exception
    assert at.title[0].value == "Werksessie"
    at.text_input(key="ws_nieuw_naam").input("Buurtavond Bloemenwijk")
    at.button(key="ws_nieuw_start").click().run()
    assert not at.exception
    page = texts(at)
    assert "Buurtavond Bloemenwijk" in page and "<svg" in page  # name and QR code
    assert "doemee?code=" in page
    # Veilig tonen is on from the start: buurten with < 5 stories are not in the steps,
    # and no quotes are shown.
    steps = at.selectbox(key="ws_stap")
    assert len(steps.options) == 14 and 'class="ws-quote"' not in page
    first = steps.value
    assert "Wat gaat goed" in page and "Waar zijn zorgen over" in page
    at.button(key="ws_volgende").click().run()
    second = at.selectbox(key="ws_stap").value
    assert second != first
    from stories.db import make_engine
    from stories.workshop import WorkshopStore

    (made,) = WorkshopStore(make_engine()).list("GM9999")
    assert made.current_buurt is not None  # the phone form starts at this buurt
    at.toggle(key="ws_veilig").set_value(False).run()
    assert len(at.selectbox(key="ws_stap").options) == 40
    at.selectbox(key="ws_stap").set_value("BU99990301").run()
    assert 'class="ws-quote"' in texts(
        at
    )  # quotes from residents, now the room may see them


def join(app, code: str):
    """A participant's phone opening the join address with a code."""
    at = app.run()
    at.query_params["code"] = code
    return at.switch_page("pages/doemee.py").run()


def test_doe_mee_form_checks_and_stores_a_werksessie_story(app, signed_in_as):
    store, made = werksessie()
    signed_in_as("deelnemer", "deelnemer")
    at = join(app, made.code_display.lower())  # typed as people type it
    assert not at.exception
    at.button(key="ws_versturen").click().run()
    problems = " ".join(e.value for e in at.error)
    for expected in ("paar woorden", "Buurtcode ontbreekt", "thema", "Toestemming"):
        assert expected in problems
    at.selectbox(key="ws_buurt").set_value("BU99990301")
    at.pills(key="ws_themas").set_value(["ontmoeting"])
    at.text_input(key="ws_titel").input("Een moestuin")
    at.text_area(key="ws_tekst").input("Bel me op 06-12345678")
    at.checkbox(key="ws_toestemming").check()
    at.button(key="ws_versturen").click().run()
    assert any("telefoonnummer" in e.value for e in at.error)
    assert store.entries(made.id).empty  # refused: nothing stored
    at.text_area(key="ws_tekst").input("Samen groente kweken bij de school.")
    at.button(key="ws_versturen").click().run()
    assert not at.error and "Dank je wel" in at.success[0].value
    (entry,) = store.entries(made.id).to_dict("records")
    assert (entry["kind"], entry["source"], entry["title"]) == (
        "droom", "werksessie", "Een moestuin",
    )  # fmt: skip
    assert at.text_input(key="ws_titel").value == ""  # the form is ready for the next


def test_doe_mee_dots_are_limited(app, signed_in_as):
    store, made, dream = werksessie_with_a_dream(votes_each=2)
    signed_in_as("deelnemer", "deelnemer")
    at = join(app, made.join_code)
    at.segmented_control(key="ws_doen").set_value("stemmen").run()
    assert "nog 2 van de 2 stippen" in texts(at)
    at.button(key=f"ws_plus_{dream}").click().run()
    at.button(key=f"ws_plus_{dream}").click().run()
    assert "nog 0 van de 2 stippen" in texts(at)
    assert at.button(key=f"ws_plus_{dream}").disabled
    assert "deelnemer" not in at.query_params  # the id is the server's, not the URL's
    participant = at.session_state["_participant_id"]
    assert store.dots_of(made.id, participant) == {dream: 2}
    at.button(key=f"ws_min_{dream}").click().run()
    assert store.dots_of(made.id, participant) == {dream: 1}
    # A forged id in the address changes nothing: still one dot left to set, not two more.
    at.query_params["deelnemer"] = "iemand-anders"
    at.run()
    assert "nog 1 van de 2 stippen" in texts(at)


def test_doe_mee_a_phone_with_the_old_code_is_refused_after_reopening(
    app, signed_in_as
):
    store, made, dream = werksessie_with_a_dream(votes_each=2)
    signed_in_as("deelnemer", "deelnemer")
    at = join(app, made.join_code)
    at.segmented_control(key="ws_doen").set_value("stemmen").run()
    assert at.button(key=f"ws_plus_{dream}")
    store.end(made.id)
    store.reopen(made.id)
    at.button(
        key=f"ws_plus_{dream}"
    ).click().run()  # the phone still shows the old list
    assert "code klopt niet" in at.warning[0].value
    assert store.dots_of(made.id, at.session_state["_participant_id"]) == {}


def test_doe_mee_asks_for_the_code_and_refuses_a_wrong_or_ended_one(app, signed_in_as):
    store, made = werksessie()
    signed_in_as("deelnemer", "deelnemer")
    at = app.run()
    at.switch_page("pages/doemee.py").run()
    assert not at.exception
    assert [w.label for w in at.text_input] == ["Code van de werksessie"]
    assert "Buurtavond" not in texts(at)  # no code: not even which werksessie runs
    at.text_input(key="ws_code").input(made.code_display)
    at.button[0].click().run()
    assert "Doe mee: Buurtavond" in at.subheader[0].value
    for wrong in ("AAAA-AAAA", made.id, "x"):
        at = join(app, wrong)
        assert "code klopt niet" in at.warning[0].value
        assert not at.selectbox and not at.text_area and not at.pills
    store.end(made.id)
    at = join(app, made.join_code)
    assert "code klopt niet, of de werksessie is afgelopen" in at.warning[0].value
    assert "Buurtavond" not in texts(at)


def test_werksessie_ranking_and_the_chosen_dream_becomes_an_initiative(app):
    store, made = werksessie()
    from datetime import date

    from stories.initiatives import InitiativeStore
    from stories.validation import StoryIn

    def dream(title: str) -> str:
        return store.add_entry(
            made, StoryIn("BU99990301", "droom", ["ontmoeting"], title, "werksessie",
                          "bewoner", date.today(), title, consent=True),
        )  # fmt: skip

    garden, bench = dream("Moestuin"), dream("Bankjes")
    for who in ("a", "b"):
        store.vote(made, who, bench)
    store.vote(made, "c", garden)
    at = app.run()
    at.query_params["sessie"] = made.id
    at.query_params["weergave"] = "kiezen"
    at.switch_page("pages/werksessie.py").run()
    assert not at.exception
    page = texts(at)
    assert page.index("Bankjes") < page.index("Moestuin")  # 2 dots before 1
    assert "3 deelnemers zetten samen 3 stippen" in page
    assert "ws_kies" not in [w.key for w in at.selectbox]  # the form waits for a click
    at.button(key="ws_naar_vastleggen").click().run()
    assert at.selectbox(key="ws_kies").value == bench  # the leader is proposed
    at.button(key="ws_vastleggen").click().run()
    assert not at.exception and not at.error
    saved = InitiativeStore(store.engine).query("GM9999")
    made_now = saved[saved["name"] == "Bankjes"]
    assert made_now["phase"].tolist() == ["idee"]
    assert made_now["wijkteam_role"].tolist() == ["stimuleren"]
    assert "gekozen" in texts(at)


def test_no_page_needs_streamlit_magic():
    """Magic is off (it made every page compile ten times slower): a bare value on its own
    line would silently show nothing. Every statement that shows something calls st."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["magicEnabled"] is False
    bare = []
    for path, tree in app_sources("pages"):
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            for i, stmt in enumerate(body if isinstance(body, list) else []):
                value = getattr(stmt, "value", None)
                # A docstring: the first string of a module, class or function.
                docstring = (
                    i == 0
                    and isinstance(
                        node,
                        ast.Module
                        | ast.ClassDef
                        | ast.FunctionDef
                        | ast.AsyncFunctionDef,
                    )
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                )
                if (
                    isinstance(stmt, ast.Expr)
                    and not docstring
                    and not isinstance(
                        value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)
                    )
                ):
                    bare.append(f"{path.name}:{stmt.lineno}")
    assert bare == []


def test_no_choice_shows_streamlits_english_placeholder():
    """An empty multiselect, or a selectbox without a choice (index=None), shows its
    placeholder; Streamlit's own is English ("Choose options"). Every one in the app says
    in Dutch what to choose."""
    missing = []
    for path, tree in app_sources("pages", "ui"):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            kind = getattr(node.func, "attr", "")
            keywords = {k.arg: k.value for k in node.keywords}
            unchosen = isinstance(keywords.get("index"), ast.Constant) and (
                keywords["index"].value is None
            )
            if (kind == "multiselect" or (kind == "selectbox" and unchosen)) and (
                "placeholder" not in keywords
            ):
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_an_address_that_was_no_page_is_named_once_in_dutch(app):
    """ui/assets.FrontEnd sends a browser at an address that is no page to the start page
    with ?niet_gevonden: it says so there once, then the address is plain again."""
    app.query_params["niet_gevonden"] = ""
    at = app.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Die pagina bestaat niet (meer). Je ziet het overzicht; de pagina's staan in het "
        "menu links."
    ]
    assert at.title[0].value == "Voorbeeldstad (fictief)"
    assert "niet_gevonden" not in at.query_params
    at.run()
    assert not at.warning


@pytest.mark.parametrize(
    "page, query",
    [
        ("tellen", {"buurt": "BU99990201"}),
        ("vertellen", {}),
        ("initiatieven", {"weergave": "register"}),
        ("initiatieven", {"weergave": "rolwijzer"}),
        ("buurtprofiel", {"buurt": "BU99990301"}),
        ("data", {}),
    ],
)
def test_downloads_are_made_only_when_clicked(app, downloads, page, query):
    """No file waits on the server for a download nobody asked for: every button carries a
    maker (a deferred file), not the file. A file made on every view stayed fetchable by
    its /media address after the browser closed (tests/e2e/test_aanvallen.py)."""
    for key, value in query.items():
        app.query_params[key] = value
    at = app.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    buttons = at.get("download_button")
    assert buttons
    for button in buttons:
        assert button.proto.deferred_file_id and not button.proto.url, (
            button.proto.label
        )
    assert downloads


def test_logboek_download_neutralises_formulas(app, downloads):
    """A name that a spreadsheet would run (`=HYPERLINK(…)`) leaves as text."""
    from stories.audit import Actor
    from ui.state import audit_log

    at = app.run()
    audit_log().write(
        Actor("beheerder", '=HYPERLINK("http://x","klik")'), "viewed", "GM9999"
    )
    at.switch_page("pages/data.py").run()
    assert not at.exception
    made = downloads["logboek_GM9999.csv"]().decode("utf-8-sig")
    assert "'=HYPERLINK(" in made
    assert ";=HYPERLINK(" not in made


@pytest.mark.parametrize("safe", [True, False])
def test_doe_mee_names_no_buurt_the_projector_hides(app, signed_in_as, demo, safe):
    """Veilig tonen leaves out buurten with fewer stories than the minimum; the phones' dream
    list must not name them either."""
    store, made, _ = werksessie_with_a_dream(min_stories=50, privacy_safe=safe)
    name = demo.buurten.set_index("buurtcode").at["BU99990301", "buurtnaam"]
    signed_in_as("deelnemer", "deelnemer")
    at = join(app, made.join_code)
    at.segmented_control(key="ws_doen").set_value("stemmen").run()
    shown = [m.value for m in at.markdown if "Speeltuin" in m.value]
    assert shown
    assert (name in shown[0]) is not safe
    assert ("een buurt met weinig verhalen" in shown[0]) is safe


def test_tellen_offers_every_figure_as_data(app, downloads, demo, catalogue):
    """The download is the export: numbers with codes, the same bytes as `cli.py export`."""
    import io

    import pandas as pd

    from analysis.export import export_bytes

    at = app.run()
    at.switch_page("pages/tellen.py").run()
    assert not at.exception
    made = downloads["cijfers_GM9999_2023.xlsx"]()
    buurten = pd.read_excel(io.BytesIO(made), sheet_name="Buurten")
    assert buurten["buurtcode"].tolist() == demo.buurten["buurtcode"].tolist()
    assert buurten["pct_huishoudens_laag_inkomen"].dtype == float
    assert downloads["cijfers_GM9999_2023.csv"]() == export_bytes(
        demo, 2023, catalogue, "csv"
    )
    assert "cijfers_GM9999_2023.gpkg" in downloads


def test_kaart_offers_the_map_as_an_image(app, downloads):
    import io

    from PIL import Image

    at = app.run()
    at.switch_page("pages/kaart.py").run()
    assert not [b for b in at.get("download_button")]  # one switch away
    at.toggle(key="kaart_downloaden").set_value(True).run()
    indicator = at.selectbox(key="kaart_indicator").value
    made = downloads[f"kaart_GM9999_{indicator}_2023.png"]()
    with Image.open(io.BytesIO(made)) as image:
        assert image.width >= 1600
    assert b"<svg" in downloads[f"kaart_GM9999_{indicator}_2023.svg"]()[:500]
    assert "cijfers_GM9999_2023.gpkg" in downloads


def test_uitleg_explains_every_term_the_pages_link_to(app):
    """Every 'Wat betekent dit?' link in the app points at a term the page explains."""
    import re
    from pathlib import Path

    at = app.run()
    at.switch_page("pages/uitleg.py").run()
    assert not at.exception and at.title[0].value == "Wat betekent dit?"
    anchors = {s.proto.anchor for s in at.subheader}
    root = Path(__file__).resolve().parent.parent
    pattern = re.compile(r"explained\(['\"]([a-z-]+)['\"]")
    linked = {
        anchor
        for folder in ("pages", "ui")
        for path in (root / folder).glob("*.py")
        for anchor in pattern.findall(path.read_text())
    }
    assert linked and linked <= anchors, linked - anchors
    assert "standaardafwijking" in texts(at)  # the spread rule, explained here


def test_buurtprofiel_questions_are_edited_before_printing(app, downloads):
    at = app.run()
    at.query_params["buurt"] = "BU99990201"
    at.switch_page("pages/buurtprofiel.py").run()
    box = at.text_area(key="profiel_vragen_BU99990201_2023")
    suggested = box.value.splitlines()
    assert len(suggested) >= 3  # the profile's own, and those of verwacht
    box.input(
        "Wat vinden de buurtvaders van de nieuwe speeltuin?\n\n" + suggested[0]
    ).run()
    html = downloads["buurtprofiel_BU99990201_2023.html"]().decode()
    assert "Wat vinden de buurtvaders van de nieuwe speeltuin?" in html
    assert suggested[1] not in html  # taken out by the team: not printed


def test_buurtprofiel_of_a_wijk(app, downloads):
    at = app.run()
    at.query_params["niveau"] = "wijk"
    at.switch_page("pages/buurtprofiel.py").run()
    assert not at.exception
    assert at.selectbox(key="profiel_wijk").value == "WK999901"
    at.selectbox(key="profiel_wijk").select("WK999902").run()
    assert "Havenkwartier" in [s.value for s in at.subheader]
    assert "Vergelijkbare buurten" not in [
        s.value for s in at.subheader
    ]  # per buurt only
    html = downloads["wijkprofiel_WK999902_2023.html"]().decode()
    assert "Wijkprofiel Havenkwartier" in html
    assert (
        at.query_params["buurt"] == "WK999902" and at.query_params["niveau"] == "wijk"
    )
