"""The initiative register: validation, the store on SQLite and PostgreSQL, import/export."""

from datetime import date

import pandas as pd
import pytest

from stories.db import make_engine
from stories.demo import demo_initiatives
from stories.errors import StoreError
from stories.exchange import INITIATIVES, export_initiatives, import_records
from stories.initiatives import (
    InitiativeIn,
    InitiativeStore,
    as_input,
    parse_ladder,
    validate_initiative,
)
from tests.conftest import TESTER

CODES = {"BU99990201", "BU99990202", "BU99990301"}
GOOD = {
    "name": "Taalcafé De Kade",
    "description": "Nederlands oefenen met koffie.",
    "buurtcodes": "BU99990201; bu99990202",
    "themes": "taal, ontmoeting",
    "phase": "Actief",
    "target_groups": "nieuwkomers",
    "initiator": "bewoners",
    "wijkteam_role": "versterken",
    "support": "ruimte;netwerk",
    "ladder": "45;30;12;2;1;0",
    "start_date": "15-02-2021",
}


def test_a_good_row_becomes_an_initiative():
    item, errors = validate_initiative(GOOD, CODES)
    assert errors == []
    assert item.buurtcodes == [
        "BU99990201",
        "BU99990202",
    ]  # several buurten, upper-cased
    assert item.themes == ["taal", "ontmoeting"]
    assert item.phase == "actief" and item.ladder == [45, 30, 12, 2, 1, 0]
    assert item.start_date == date(2021, 2, 15)


def test_defaults_for_the_optional_fields():
    item, errors = validate_initiative(
        {
            "name": "Naaiclub",
            "buurtcodes": "BU99990301",
            "themes": "ontmoeting",
            "phase": "idee",
            "support": "-",
            "ladder": "",
        },
        CODES,  # fmt: skip
    )
    assert errors == []
    assert (item.target_groups, item.initiator, item.wijkteam_role) == (
        ["iedereen"],
        "bewoners",
        "geen",
    )
    assert item.support == [] and item.ladder is None and item.start_date is None


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "naam van het initiatief ontbreekt"),
        ("buurtcodes", "", "minstens één buurt"),
        (
            "buurtcodes",
            "BU99990201;BU00000001",
            "'BU00000001' hoort niet bij deze gemeente",
        ),
        ("themes", "sport", "Onbekend thema 'sport'"),
        ("phase", "bezig", "Fase 'bezig' onbekend"),
        ("target_groups", "studenten", "Doelgroep 'studenten' onbekend"),
        ("wijkteam_role", "regisseren", "Rol van het wijkteam 'regisseren' onbekend"),
        ("support", "koffie", "Steun 'koffie' onbekend"),
        ("ladder", "4;3;2", "geef 6 hele getallen"),
        ("ladder", "4;3;2;1;a;0", "geef 6 hele getallen"),
        (
            "start_date",
            "volgend jaar",
            "Startdatum 'volgend jaar' is geen geldige datum",
        ),
        ("description", "Bel Fatima: 06-12345678", "telefoonnummer"),
        ("lon", "5.8", "zowel lengte- als breedtegraad"),
    ],
)
def test_each_problem_gets_a_specific_dutch_message(field, value, message):
    item, errors = validate_initiative({**GOOD, field: value}, CODES)
    assert item is None
    assert any(message in e for e in errors), errors


def test_parse_ladder():
    assert parse_ladder("1;2;3;4;5;6") == ([1, 2, 3, 4, 5, 6], None)
    assert parse_ladder("-") == (None, None)
    assert parse_ladder([0, 1, 0, 1, 0, 1])[0] == [0, 1, 0, 1, 0, 1]


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    yield InitiativeStore(engine, TESTER)
    engine.dispose()


def test_demo_initiatives_are_seeded(store):
    stored = store.query("GM9999")
    assert len(stored) == len(demo_initiatives()) == 34
    first = stored[stored["id"] == "demo-i01"].iloc[0]
    assert first["buurtcodes"] == ["BU99990201", "BU99990203"]
    assert first["ladder"] == [60, 25, 9, 3, 1, 1]
    assert first["start_date"] == date(2021, 9, 7)
    assert stored.loc[stored["id"] == "demo-i03", "support"].iloc[0] == []


def test_add_update_delete(store):
    item, _ = validate_initiative(GOOD, CODES)
    new_id = store.add("GM0001", item)
    assert store.count("GM0001") == 1 and store.count("GM0002") == 0
    row = store.query("GM0001").iloc[0].to_dict()
    assert as_input(row) == item  # the round trip loses nothing
    changed = as_input(row)
    changed.phase, changed.ladder = "gestopt", None
    store.update(new_id, changed)
    row = store.query("GM0001").iloc[0]
    assert row["phase"] == "gestopt" and row["ladder"] is None
    store.delete(new_id)
    assert store.count("GM0001") == 0
    with pytest.raises(StoreError, match="initiatief bestaat niet"):
        store.delete(new_id)


def test_a_failing_batch_writes_nothing(store):
    good = InitiativeIn("Goed", ["BU99990201"], ["jeugd"], "idee")
    too_long = InitiativeIn("x" * 500, ["BU99990201"], ["jeugd"], "idee")
    if store.engine.dialect.name == "sqlite":  # SQLite does not enforce lengths
        too_long = InitiativeIn(None, ["BU99990201"], ["jeugd"], "idee")
    with pytest.raises(StoreError, match="er is niets bewaard"):
        store.add_many("GM0001", [good, too_long])
    assert store.count("GM0001") == 0


def test_import_all_or_nothing_and_export_round_trip(store):
    header = "naam;buurtcodes;thema;fase;bindingsladder"
    lines = [f"Club {i};BU99990201;ontmoeting;actief;5;4;3;2;1;0" for i in range(5)]
    # ';' inside a field needs quotes in a ';'-separated file.
    body = [line.split(";", 4) for line in lines]
    rows = ["\n".join(f'{n};{b};{t};{f};"{lad}"' for n, b, t, f, lad in body)]
    data = (
        header + "\n" + rows[0] + '\nKapot;BU99990201;ontmoeting;bezig;""\n'
    ).encode()
    result = import_records(store, "GM0001", data, "init.csv", INITIATIVES, CODES)
    assert result.written == 0 and store.count("GM0001") == 0
    assert result.problems == [
        (7, ["Fase 'bezig' onbekend. Kies uit: idee, opstart, actief, gestopt."])
    ]
    result = import_records(
        store, "GM0001", data, "init.csv", INITIATIVES, CODES, skip_bad_rows=True
    )
    assert result.written == 5 and store.count("GM0001") == 5

    demo = store.query("GM9999")
    for fmt in ("csv", "xlsx"):
        exported = export_initiatives(demo, fmt)
        back = import_records(
            store, f"GM{fmt}", exported, f"x.{fmt}", INITIATIVES,
            {c for codes in demo["buurtcodes"] for c in codes},
        )  # fmt: skip
        assert back.problems == [] and back.written == 34
        again = store.query(f"GM{fmt}")
        columns = [
            "name",
            "buurtcodes",
            "themes",
            "phase",
            "ladder",
            "support",
            "start_date",
        ]
        pd.testing.assert_frame_equal(
            again.sort_values("name")[columns].reset_index(drop=True),
            demo.sort_values("name")[columns].reset_index(drop=True),
        )


def test_missing_columns_are_named():
    with pytest.raises(StoreError, match="kolommen ontbreken: fase"):
        import_records(None, "GM0001", b"naam;buurtcodes;thema\nA;BU99990201;jeugd\n",
                       "a.csv", INITIATIVES, CODES)  # fmt: skip


def test_serving_finds_initiatives_for_any_of_the_buurten():
    from analysis.coverage import serving

    demo = demo_initiatives()
    found = serving(demo, ["BU99990201", "BU99990301"])
    assert "Budgetcafé De Kade" in set(found["name"])
    assert all({"BU99990201", "BU99990301"} & set(c) for c in found["buurtcodes"])
    assert len(serving(demo, ["BU00000000"])) == 0
    empty = serving(demo.iloc[0:0], ["BU99990201"])  # a real gemeente without any
    assert list(empty.columns) == list(demo.columns) and empty.empty
