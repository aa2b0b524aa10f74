"""The network (partners and vindplaatsen) and residents' talents: validation, placement by
geometry (demo and real Eindhoven), the store and its roles on SQLite and PostgreSQL, import
and export, and what the rolwijzer and the profile make of them."""

import geopandas as gpd
import pandas as pd
import pytest
import sqlalchemy as sa

from analysis.coverage import coverage_table, suggest_role
from analysis.network import connect_phrase, links, locator
from analysis.profile import assemble_profile
from analysis.signals import dataset_signals
from analysis.workshop import rank_dreams
from stories.audit import Actor
from stories.db import make_engine
from stories.demo import demo_initiatives, demo_network, demo_stories, demo_talents
from stories.errors import StoreError
from stories.exchange import export_network, import_records, network_kind
from stories.network import NetworkStore, rd_to_wgs84, validate_network
from stories.privacy import find_identifiers
from stories.validation import StoryIn
from stories.workshop import WorkshopStore
from tests.conftest import CBS_DIR, TESTER

EINDHOVEN = CBS_DIR / "buurten_GM0772_eindhoven.geojson"
PARTNER = {
    "soort": "partner", "name": "Stichting Budgetmaatjes", "category": "Stichting",
    "offers": "vrijwilligerswerk; expertise", "themes": "bestaanszekerheid",
    "buurtcodes": "", "contact": "coördinator vrijwilligers",
    "lat": "52.422700", "lon": "5.835200",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo_locate(demo):
    return locator(demo.buurten)


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    yield NetworkStore(engine, TESTER)
    engine.dispose()


def codes_of(demo) -> set[str]:
    return set(demo.buurten["buurtcode"])


def test_a_partner_lands_in_the_buurt_its_point_lies_in(demo, demo_locate):
    item, errors = validate_network(PARTNER, codes_of(demo), demo_locate)
    assert errors == []
    point = gpd.GeoSeries(gpd.points_from_xy([item.lon], [item.lat]), crs=4326)
    inside = demo.buurten[demo.buurten.contains(point.iloc[0])]["buurtcode"].tolist()
    assert item.buurtcodes == inside == ["BU99990201"]
    assert (item.category, item.offers) == (
        "stichting",
        ["vrijwilligerswerk", "expertise"],
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"lat": "52,4x"}, "Breedtegraad (lat) '52,4x' is geen getal."),
        ({"x": "abc", "lat": "", "lon": ""}, "RD-coördinaat x 'abc' is geen getal."),
        ({"lat": "48.1", "lon": "11.5"}, "ligt niet in Nederland"),
        ({"lat": "52.30", "lon": "5.60"}, "ligt in geen enkele buurt"),
        ({"lat": "", "lon": ""}, "Geef een plek"),
        ({"offers": "koffie"}, "Aanbod 'koffie' onbekend"),
        ({"soort": "vindplaats"}, "Een vindplaats biedt niets aan"),
        ({"contact": "bel 06-12345678"}, "Contact:"),
        ({"name": ""}, "De naam ontbreekt."),
        ({"buurtcodes": "BU07720000"}, "hoort niet bij deze gemeente"),
    ],
)
def test_bad_input_gets_a_clear_dutch_message(demo, demo_locate, change, message):
    item, errors = validate_network({**PARTNER, **change}, codes_of(demo), demo_locate)
    assert item is None and any(message in e for e in errors), errors


def test_themes_are_suggested_when_a_sociale_kaart_has_none(demo, demo_locate):
    raw = {**PARTNER, "themes": "", "name": "Voedselbank en schuldhulp De Brug"}
    item, errors = validate_network(raw, codes_of(demo), demo_locate)
    assert errors == [] and "bestaanszekerheid" in item.themes


def test_rd_and_wgs84_give_the_same_buurt(demo, demo_locate):
    """An RD point, converted by pyproj, lands where the same point in lat/lon lands."""
    point = gpd.GeoSeries(gpd.points_from_xy([5.8352], [52.4227]), crs=4326).to_crs(
        28992
    )
    raw = {**PARTNER, "lat": "", "lon": "", "x": point.x[0], "y": point.y[0]}
    item, errors = validate_network(raw, codes_of(demo), demo_locate)
    assert errors == [] and item.buurtcodes == ["BU99990201"]
    assert item.lon == pytest.approx(5.8352, abs=1e-6)
    assert rd_to_wgs84(point.x[0], point.y[0])[1] == pytest.approx(52.4227, abs=1e-6)


def sociale_kaart(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False, sep=";").encode("utf-8")


@pytest.mark.skipif(not EINDHOVEN.exists(), reason="Eindhoven geometry not available")
def test_a_sociale_kaart_in_rd_lands_in_the_right_eindhoven_buurten(tmp_path):
    """Real Eindhoven buurten: each organisation's RD point (a point inside a known buurt,
    computed independently with geopandas) is placed in that buurt; a row whose x is not a
    number is refused with its line, and then nothing is written."""
    buurten = gpd.read_file(EINDHOVEN)
    chosen = buurten[
        buurten["buurtnaam"].isin(["Woensel-West", "Binnenstad", "Genderbeemd"])
    ]
    inside = chosen.to_crs(28992).representative_point()
    rows = [
        {"Naam": f"Organisatie {name}", "Categorie": "Welzijn", "Adres": "Straat 1",
         "Postcode": "5611 AB", "X": round(p.x, 1), "Y": round(p.y, 1)}
        for name, p in zip(chosen["buurtnaam"], inside)
    ]  # fmt: skip
    expected = dict(zip([r["Naam"] for r in rows], chosen["buurtcode"]))
    engine = make_engine(f"sqlite:///{tmp_path / 'net.sqlite'}")
    store = NetworkStore(engine, TESTER)
    kind = network_kind(locator(buurten))
    codes = set(buurten["buurtcode"])
    bad = [*rows, {**rows[0], "Naam": "Verkeerd", "X": "honderd"}]
    result = import_records(
        store, "GM0772", sociale_kaart(bad), "kaart.csv", kind, codes
    )
    assert result.written == 0 and store.count("GM0772") == 0
    assert result.problems == [(5, ["RD-coördinaat x 'honderd' is geen getal."])]
    result = import_records(
        store, "GM0772", sociale_kaart(rows), "kaart.csv", kind, codes
    )
    assert result.written == 3
    placed = store.query("GM0772")
    assert dict(zip(placed["name"], placed["buurtcodes"].str[0])) == expected
    assert set(placed["category"]) == {"zorg en welzijn"}
    assert set(placed["postcode"]) == {"5611AB"}


def test_store_roles_audit_and_round_trip(store, demo, demo_locate):
    dataset = "GM9999"
    before = store.count(dataset)
    item, _ = validate_network(PARTNER, codes_of(demo), demo_locate)
    new_id = store.add(dataset, item)
    assert store.count(dataset) == before + 1
    for role in ("lezer", "deelnemer"):
        with pytest.raises(StoreError, match="mag je niet"):
            NetworkStore(store.engine, Actor(role, "x")).add(dataset, item)
    with pytest.raises(StoreError, match="mag je niet"):
        NetworkStore(store.engine, Actor("medewerker", "x")).delete(new_id)
    with pytest.raises(ValueError):
        NetworkStore(store.engine).add(dataset, item)
    with store.engine.connect() as conn:
        logged = conn.execute(
            sa.text("SELECT detail FROM audit_log WHERE detail = :d"),
            {"d": f"netwerk {new_id}"},
        ).all()
    assert len(logged) == 1
    # An export reads back as the same network, in a fresh gemeente.
    exported = export_network(store.query(dataset), "xlsx")
    result = import_records(
        store, "GM0001", exported, "netwerk.xlsx", network_kind(demo_locate),
        codes_of(demo),
    )  # fmt: skip
    assert result.problems == [] and result.written == before + 1
    columns = ["soort", "name", "category", "offers", "themes", "buurtcodes", "contact"]
    again = store.query("GM0001")[columns].sort_values(["soort", "name"])
    first = store.query(dataset)[columns].sort_values(["soort", "name"])
    assert again.reset_index(drop=True).equals(first.reset_index(drop=True))
    store.delete(new_id)
    assert store.count(dataset) == before


def test_the_demo_network_is_believable():
    network = demo_network()
    counts = network["soort"].value_counts()
    assert counts["partner"] >= 25 and counts["vindplaats"] >= 15
    assert network["offers"].map(bool).sum() >= 25
    talents = demo_talents()
    dreams = set(demo_stories().query("kind == 'droom'")["id"])
    assert set(talents["helps"]) - {""} <= dreams


def cell(**values) -> dict:
    base = {
        "aandacht": 1, "kracht_cijfers": 0, "cijfers": 1, "zorg": 2, "kracht_verhalen": 0,
        "droom": 0, "talent": 0, "aandacht_namen": [], "initiatieven_actief": [],
        "initiatieven_starting": [], "initiatieven_gestopt": [], "partners": [],
        "vindplaatsen": [],
    }  # fmt: skip
    return {**base, **values}


def test_a_need_without_initiative_suggests_connecting_what_is_there():
    alone = suggest_role(cell())
    helped = suggest_role(
        cell(partners=["Stichting X (vrijwilligerswerk; 500 m)"], talent=3,
             vindplaatsen=["Bankje bij de Dirk"])
    )  # fmt: skip
    assert alone[0] == helped[0] == "initiëren"
    assert "verbinden" not in alone[1].lower()
    assert helped[1].endswith(
        "Te verbinden: Stichting X (vrijwilligerswerk; 500 m) en 3 bewoners met een talent "
        "hiervoor; bewoners vind je bij Bankje bij de Dirk."
    )
    assert (
        connect_phrase(cell(vindplaatsen=["Bankje"])) == ""
    )  # places alone: no suggestion
    assert suggest_role(cell(aandacht=0, zorg=0, partners=["X (geld; 1,0 km)"])) == (
        None,
        "",
    )


def test_a_partner_added_near_a_buurt_enters_its_rolwijzer(
    demo, catalogue, demo_locate
):
    """The rolwijzer on the demo: a partner on a theme with an unmet need, placed in the
    buurt, is named in that cell's suggestion; 20 km away and serving no buurt it is not."""
    _, signals = dataset_signals(demo, demo.years[-1], catalogue)
    stories, initiatives = demo_stories(), demo_initiatives()
    themes = list(catalogue.themes)
    codes = list(demo.buurten["buurtcode"])
    table = coverage_table(codes, themes, signals, stories, initiatives, catalogue)
    need = table[(table["rol"] == "initiëren")].iloc[0]
    buurt = demo.buurten.set_index("buurtcode").loc[need["buurtcode"]]
    inside = buurt.geometry.representative_point()
    far = gpd.GeoSeries([inside], crs=4326).to_crs(28992)
    far = gpd.GeoSeries(far.translate(xoff=20_000), crs=28992).to_crs(4326).iloc[0]
    for point, expected in ((inside, True), (far, False)):
        network = pd.DataFrame([{
            "id": "n1", "soort": "partner", "name": "Stichting Nieuw", "category": "stichting",
            "offers": ["stage"], "themes": [need["theme"]],
            "buurtcodes": [] if not expected else [need["buurtcode"]],
            "lon": point.x, "lat": point.y, "description": "",
        }])  # fmt: skip
        found = coverage_table(
            codes, themes, signals, stories, initiatives, catalogue,
            links=links(demo.buurten, network, themes),
        )  # fmt: skip
        row = found[
            (found["buurtcode"] == need["buurtcode"])
            & (found["theme"] == need["theme"])
        ]
        assert (
            "Stichting Nieuw (stage; in de buurt)" in row["rol_reden"].iloc[0]
        ) is expected


def test_vindplaatsen_on_the_theme_come_first_then_by_name(demo):
    code = demo.buurten["buurtcode"].iloc[0]
    network = pd.DataFrame([
        {"id": i, "soort": "vindplaats", "name": name, "category": "buiten",
         "offers": [], "themes": themes, "buurtcodes": [code], "lon": None,
         "lat": None, "description": ""}
        for i, (name, themes) in enumerate(
            [("Bankje", []), ("Zwembad", ["jeugd"]), ("Apotheek", ["gezondheid"]),
             ("Buurthuis", ["jeugd"])]
        )
    ])  # fmt: skip
    found = links(demo.buurten, network, ["jeugd", "gezondheid", "wonen"])
    jeugd = ["Buurthuis", "Zwembad", "Apotheek", "Bankje"]
    assert found.at[(code, "jeugd"), "vindplaatsen"] == jeugd
    assert found.at[(code, "gezondheid"), "vindplaatsen"][0] == "Apotheek"
    assert found.at[(code, "wonen"), "vindplaatsen"] == sorted(jeugd)
    other = demo.buurten["buurtcode"].iloc[1]
    assert found.at[(other, "jeugd"), "vindplaatsen"] == []  # only in its own buurt


def test_the_profile_says_who_and_what_is_there(demo, catalogue):
    network = demo_network().assign(id=lambda f: f["id"])
    told = pd.concat([demo_stories(), demo_talents()], ignore_index=True)
    profile = assemble_profile(
        demo, "BU99990201", catalogue, told, demo_initiatives(), find_identifiers,
        network=network,
    )  # fmt: skip
    there = profile.network
    names = [p["name"] for p in there["partners"]]
    assert "Stichting Schuldhulp De Kade" in names and "Havenkerk" in names
    assert "Bankje bij de supermarkt" in [v["name"] for v in there["vindplaatsen"]]
    own = demo_talents().query("buurtcode == 'BU99990201'").explode("themes")
    assert sum(there["talents"].values()) == len(own)
    assert profile.story_counts["talent"] == len(own.drop_duplicates("id"))
    assert any("Wie legt in Oude Haven die verbinding" in q for q in profile.questions)


def test_a_talent_tied_to_a_dream_is_counted_for_that_dream_only(database_url):
    engine = make_engine(database_url)
    workshops = WorkshopStore(engine, TESTER)
    made = workshops.create("GM9999", "Buurtavond", 3, 1)
    other = workshops.create("GM9999", "Andere avond", 3, 1)

    def told(workshop, kind, text, helps=""):
        return workshops.add_entry(workshop, StoryIn(
            "BU99990301", kind, ["leefomgeving"], text, "werksessie", "bewoner",
            pd.Timestamp.today().date(), text, consent=True, helps=helps,
        ))  # fmt: skip

    garden = told(made, "droom", "Een moestuin")
    told(made, "droom", "Een bankje")
    for n in range(3):
        told(made, "talent", f"Ik kan tuinieren {n}", helps=garden)
    told(made, "talent", "Ik kan koken")
    elsewhere = told(other, "droom", "Een speeltuin")
    with pytest.raises(StoreError, match="hoort niet"):
        told(made, "talent", "Ik help daar", helps=elsewhere)
    ranked = rank_dreams(workshops.entries(made.id)).set_index("title")
    assert ranked.loc["Een moestuin", "helpers"] == 3
    assert ranked.loc["Een bankje", "helpers"] == 0
    engine.dispose()
