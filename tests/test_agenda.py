"""The buurtagenda: validation, the store with its log on SQLite and PostgreSQL, roles and
audit, import/export (also by the CLI), what needs doing, and the page."""

import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from stories.agenda import (
    AfspraakIn,
    AgendaStore,
    EntryIn,
    SignUp,
    as_input,
    due,
    sign_up_counts,
    sign_ups,
    successes,
    unnamed,
    validate_afspraak,
    validate_entry,
    validate_sign_up,
)
from stories.audit import Actor, AuditLog
from stories.db import make_engine
from stories.errors import StoreError
from stories.exchange import AGENDA, export_agenda, import_records
from stories.retention import Retention
from stories.validation import StoryIn
from stories.workshop import WorkshopStore
from tests.conftest import ROOT, TESTER

AREAS = {"BU99990201", "BU99990202", "WK999902"}
GOOD = {
    "area": "bu99990201",
    "themes": "jeugd; ontmoeting",
    "what": "Huiswerkklas in het buurthuis",
    "why": "Veel zorgverhalen over jongeren zonder plek",
    "who": "Stichting Buurtwerk",
    "wijkteam_role": "stimuleren",
    "start_date": "01-09-2026",
    "contact_date": "2026-12-10",
    "status": "Bezig",
}


def test_a_good_row_becomes_an_afspraak():
    item, errors = validate_afspraak(GOOD, AREAS)
    assert errors == []
    assert item.area == "BU99990201" and item.themes == ["jeugd", "ontmoeting"]
    assert item.status == "bezig" and item.contact_date == date(2026, 12, 10)
    assert item.start_date == date(2026, 9, 1) and item.origin == "zelf"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"area": "BU00000001"}, "hoort niet bij deze gemeente"),
        ({"area": ""}, "Kies de buurt of wijk"),
        ({"themes": "armoede"}, "Onbekend thema 'armoede'"),
        ({"what": " "}, "Zeg wat er gaat gebeuren"),
        ({"status": "klaar"}, "Status 'klaar' onbekend"),
        ({"contact_date": "31-02-2027"}, "'31-02-2027' is geen geldige datum"),
        ({"contact_date": "2026-08-01"}, "contactmoment ligt voor de startdatum"),
        ({"who": "Jan, bel 06-12345678"}, "contactgegevens van bewoners"),
        ({"wijkteam_role": "baas"}, "Rol van het wijkteam 'baas' onbekend"),
    ],
)
def test_every_problem_gets_a_dutch_message(change, message):
    item, errors = validate_afspraak({**GOOD, **change}, AREAS)
    assert item is None and any(message in e for e in errors), errors


def test_a_log_line_needs_a_date_and_words():
    assert (
        validate_entry({"at": "2026-11-02", "text": "Eerste avond: 14 kinderen"})[1]
        == []
    )
    _, errors = validate_entry({"at": "", "text": ""})
    assert "Geef de datum van wat er gebeurde." in errors
    assert "Schrijf kort op wat er gebeurde." in errors


@pytest.fixture(autouse=True)
def empty_demo_agenda(request):
    """The demo gemeente's agenda emptied (the migrations seed it), so a test sees exactly
    what it made; a test marked `seeded` looks at the seed itself."""
    from stories.agenda import agenda

    if request.node.get_closest_marker("seeded"):
        return
    with make_engine().begin() as conn:
        conn.execute(agenda.delete().where(agenda.c.dataset == "GM9999"))


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    yield AgendaStore(engine, TESTER)
    engine.dispose()


def test_add_log_status_and_delete_with_the_audit(store):
    item, _ = validate_afspraak(GOOD, AREAS)
    new_id = store.add("GM0001", item)
    row = store.query("GM0001").iloc[0].to_dict()
    assert as_input(row) == item  # the round trip loses nothing
    store.add_entry(new_id, EntryIn(date(2026, 10, 1), "Eerste avond", "verloop"))
    store.add_entry(
        new_id, EntryIn(date(2026, 11, 5), "Twintig kinderen", "succes", "de school")
    )
    store.set_status(new_id, "gelukt")
    assert store.query("GM0001").iloc[0]["status"] == "gelukt"
    log = store.entries("GM0001")
    assert list(log["kind"]) == ["succes", "verloop"]  # newest first
    wins = successes(log, store.query("GM0001"))
    assert (
        list(wins["text"]) == ["Twintig kinderen"] and wins.iloc[0]["area"] == item.area
    )
    lines = AuditLog(store.engine).entries("GM0001")
    assert len(lines) == 4 and set(lines["toelichting"]) >= {
        f"afspraak {new_id}", f"succes bij afspraak {new_id}",
        f"afspraak {new_id}: status gelukt",
    }  # fmt: skip
    store.delete(new_id)  # the log goes with it
    assert store.count("GM0001") == 0 and store.entries("GM0001").empty
    with pytest.raises(StoreError, match="afspraak bestaat niet"):
        store.add_entry(new_id, EntryIn(date(2026, 11, 6), "Te laat"))


def test_a_lezer_reads_a_medewerker_edits_only_a_beheerder_deletes(store):
    item, _ = validate_afspraak(GOOD, AREAS)
    new_id = store.add("GM0001", item)
    as_lezer = AgendaStore(store.engine, Actor("lezer", "lezer@voorbeeldstad.nl"))
    assert len(as_lezer.query("GM0001")) == 1
    for write in (
        lambda s: s.add("GM0001", item),
        lambda s: s.add_entry(new_id, EntryIn(date(2026, 10, 1), "x")),
        lambda s: s.set_status(new_id, "gestopt"),
    ):
        with pytest.raises(StoreError, match="mag je niet"):
            write(as_lezer)
    as_medewerker = AgendaStore(store.engine, Actor("medewerker", "m@voorbeeldstad.nl"))
    as_medewerker.set_status(new_id, "gestopt")
    with pytest.raises(StoreError, match="mag je niet"):
        as_medewerker.delete(new_id)
    assert store.count("GM0001") == 1


def test_import_all_or_nothing_and_export_round_trip(store):
    good = (
        "gebied;thema;wat;wie;startdatum;contactmoment;status\n"
        "BU99990201;jeugd;Huiswerkklas;Stichting Buurtwerk;2026-09-01;2026-12-10;bezig\n"
        "WK999902;bestaanszekerheid;Budgetcafé;;01-10-2026;28-02-2027;gepland\n"
    )
    bad = good + "BU99990202;jeugd;Speeltuin;;2026-09-01;31-02-2027;gepland\n"
    result = import_records(store, "GM0001", bad.encode(), "a.csv", AGENDA, AREAS)
    assert result.written == 0 and store.count("GM0001") == 0
    assert result.problems[0][0] == 4 and "31-02-2027" in result.problems[0][1][0]
    result = import_records(store, "GM0001", good.encode(), "a.csv", AGENDA, AREAS)
    assert result.written == 2
    first = store.query("GM0001")
    for fmt, name in (("csv", "b.csv"), ("xlsx", "b.xlsx")):
        again = import_records(
            store, "GM0002", export_agenda(first, fmt), name, AGENDA, AREAS
        )
        assert again.problems == [] and again.written == 2
        copied = store.query("GM0002")
        columns = [
            "area",
            "themes",
            "what",
            "who",
            "start_date",
            "contact_date",
            "status",
        ]
        assert copied[columns].to_dict("records") == first[columns].to_dict("records")
        for record_id in copied["id"]:
            store.delete(record_id)


def test_what_needs_doing():
    rows = pd.DataFrame(
        {
            "status": ["gepland", "bezig", "gelukt", "gepland"],
            "contact_date": [
                date(2026, 11, 20),
                date(2027, 1, 5),
                date(2026, 11, 1),
                None,
            ],
            "who": ["", "Stichting X", "", ""],
            "initiative_id": ["", "", "", "i1"],
            "wijkteam_role": ["geen", "geen", "geen", "geen"],
        }
    )
    assert due(rows, date(2026, 12, 3)).index.tolist() == [0]  # passed, still open
    assert due(rows, date(2027, 1, 2)).index.tolist() == [0, 1]  # this month too
    assert unnamed(rows).index.tolist() == [0]  # the done one does not count


def test_cli_agenda_import_and_export(tmp_path):
    env_file = tmp_path / "agenda.csv"
    env_file.write_text(
        "gebied;thema;wat;status\nBU99990201;jeugd;Huiswerkklas;bezig\n"
        "BU99990201;jeugd;Kapot;klaar\n",
        encoding="utf-8",
    )

    def cli(*args):
        return subprocess.run(
            [sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True, text=True
        )

    refused = cli("agenda", "import", str(env_file), "--gemeente", "GM9999")
    assert refused.returncode == 1
    assert "regel 3: Status 'klaar' onbekend" in refused.stderr
    assert "Niets ingelezen" in refused.stderr
    env_file.write_text(
        "gebied;thema;wat\nWK999902;jeugd;Huiswerkklas\n", encoding="utf-8"
    )
    done = cli("agenda", "import", str(env_file), "--gemeente", "GM9999")
    assert done.returncode == 0 and "1 afspraken ingelezen" in done.stdout
    out = tmp_path / "uit.xlsx"
    assert (
        cli("agenda", "export", "--gemeente", "GM9999", "--output", str(out)).returncode
        == 0
    )
    assert pd.read_excel(out)["gebied"].tolist() == ["WK999902"]


def test_the_page_adds_an_afspraak_logs_a_success_and_celebrates_it(app):
    at = app.run()
    at.switch_page("pages/agenda.py").run()
    assert not at.exception and at.title[0].value == "Buurtagenda"
    assert any("Geen afspraken" in i.value for i in at.info)
    at.text_input(key="agenda_nieuw_wat").input("Huiswerkklas in het buurthuis")
    at.selectbox(key="agenda_nieuw_gebied").set_value("BU99990201")
    at.multiselect(key="agenda_nieuw_themas").set_value(["jeugd"])
    at.text_input(key="agenda_nieuw_wie").input("Stichting Buurtwerk")
    at.button(key="FormSubmitter:agenda_nieuw-Afspraak opslaan").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert table["Wat"].tolist() == ["Huiswerkklas in het buurthuis"]
    assert table["Wie"].tolist() == ["Stichting Buurtwerk"]
    at.selectbox(key="agenda_kies").set_value(_only_id(at)).run()
    prefix = f"agenda_{_only_id(at)}"
    at.text_input(key=f"{prefix}_tekst").input("Twintig kinderen de eerste avond")
    at.checkbox(key=f"{prefix}_succes").check()
    at.text_input(key=f"{prefix}_metwie").input("de basisschool")
    at.button(key=f"FormSubmitter:{prefix}_verloop-Vastleggen").click().run()
    assert not at.exception and not at.error
    at.segmented_control(key="agenda_weergave").set_value("vieren").run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Twintig kinderen de eerste avond" in shown and "met de basisschool" in shown


def _only_id(at: AppTest) -> str:
    from ui.state import agenda_store

    return agenda_store().query("GM9999")["id"].iloc[0]


def test_a_lezer_sees_the_agenda_but_no_forms(app, signed_in_as):
    store = AgendaStore(make_engine(), TESTER)
    item, _ = validate_afspraak(GOOD, AREAS)
    store.add("GM9999", item)
    signed_in_as("lezer")
    at = app.run()
    at.switch_page("pages/agenda.py").run()
    assert not at.exception
    assert at.dataframe[0].value["Wat"].tolist() == [GOOD["what"]]
    assert not [e for e in at.expander if e.label == "Nieuwe afspraak"]
    at.selectbox(key="agenda_kies").set_value(store.query("GM9999")["id"].iloc[0]).run()
    assert not [f for f in at.text_input if f.key and f.key.endswith("_tekst")]


def test_afspraak_in_is_what_validation_gives():
    item, _ = validate_afspraak(
        {"area": "WK999902", "themes": "jeugd", "what": "x"}, AREAS
    )
    assert item == AfspraakIn("WK999902", ["jeugd"], "x")


def test_one_click_from_the_rolwijzer_keeps_its_reason(app):
    from tests.test_pages import open_initiatieven
    from ui.state import agenda_store

    at = open_initiatieven(app)
    button = next(b for b in at.button if b.key and b.key.startswith("agenda_BU"))
    _, code, theme = button.key.split("_", 2)
    button.click().run()
    assert not at.exception and not at.error
    made = agenda_store().query("GM9999")
    assert len(made) == 1
    row = made.iloc[0]
    assert (row["area"], row["themes"], row["origin"]) == (code, [theme], "rolwijzer")
    assert row["status"] == "gepland" and row["year"] == 2023
    # The reason as the rolwijzer gave it, kept with the afspraak.
    shown = [m.value.replace("\\", "") for m in at.markdown]  # markdown escapes
    assert row["grounds"] and any(row["grounds"] in text for text in shown)
    # Once planned, the suggestion says so instead of offering a second copy.
    assert not [b for b in at.button if b.key == button.key]
    assert any("Staat op de agenda" in c.value for c in at.caption)


def test_one_click_from_the_focusgesprek_and_the_agenda_in_the_profile(app):
    from stories.agreements import Agreement, AgreementStore
    from ui.state import agenda_store

    at = app.run()
    at.switch_page("pages/buurtprofiel.py").run()
    code = at.selectbox(key="profiel_buurt").value
    AgreementStore(make_engine(), TESTER).save(
        "GM9999", code,
        Agreement(["jeugd"], "Jongeren een plek", "- Huiswerkklas starten\n- Sportavond\n"),
    )  # fmt: skip
    at.run()
    assert any("Nog geen afspraken op de buurtagenda" in c.value for c in at.caption)
    at.button(key="profiel_op_agenda").click().run()
    assert not at.exception and not at.error
    made = agenda_store().query("GM9999").sort_values("what")
    assert made["what"].tolist() == ["Huiswerkklas starten", "Sportavond"]
    assert set(made["origin"]) == {"focusgesprek"} and set(made["area"]) == {code}
    assert made["grounds"].iloc[0].startswith("Ambitie: Jongeren een plek")
    # Both new afspraken have no contact moment and nobody named yet: the team sees that.
    assert (
        "**Wat staat er?** 0 met een contactmoment deze maand of eerder, 2 zonder iemand "
        "die ze draagt." in [m.value for m in at.markdown]
    )
    listed = [d.value for d in at.dataframe if "Wat" in d.value.columns]
    assert sorted(listed[0]["Wat"]) == ["Huiswerkklas starten", "Sportavond"]
    # A second click would copy them: the button is gone, the page says why.
    assert not [b for b in at.button if b.key == "profiel_op_agenda"]
    assert any("Alle activiteiten staan op de agenda" in c.value for c in at.caption)


def test_the_profile_document_lists_the_buurt_and_wijk_afspraken(demo, catalogue):
    from dataclasses import replace

    from analysis.profile import assemble_profile
    from stories.demo import demo_initiatives, demo_stories
    from stories.privacy import find_identifiers
    from ui.agenda import agenda_for, area_names, profile_agenda
    from ui.profile_doc import render_html

    code = "BU99990201"
    wijk = demo.buurten.set_index("buurtcode").at[code, "wijkcode"]
    store = AgendaStore(make_engine(), TESTER)
    for area, what in (
        (code, "Huiswerkklas"),
        (wijk, "Wijkfeest"),
        ("BU99990101", "Elders"),
    ):
        store.add(
            "GM9999", AfspraakIn(area, ["jeugd"], what, who="Stichting Buurtwerk")
        )
    rows = agenda_for(store.query("GM9999"), code, demo)
    assert sorted(rows["what"]) == ["Huiswerkklas", "Wijkfeest"]
    profile = assemble_profile(demo, code, catalogue, demo_stories(), demo_initiatives(),
                               find_identifiers)  # fmt: skip
    page = render_html(
        replace(profile, agenda=profile_agenda(rows, area_names(demo), {})),
        demo.map_geometry, catalogue.themes,
    )  # fmt: skip
    assert (
        "<h2>Buurtagenda</h2>" in page and "Wijkfeest" in page and "Elders" not in page
    )
    assert "Stichting Buurtwerk" in page


def test_overzicht_shows_the_latest_successes_and_what_is_due(app):
    store = AgendaStore(make_engine(), TESTER)
    done = store.add("GM9999", AfspraakIn("BU99990201", ["jeugd"], "Huiswerkklas",
                                          contact_date=date(2020, 1, 6)))  # fmt: skip
    store.add(
        "GM9999", AfspraakIn("WK999902", ["jeugd"], "Speeltuin", who="De gemeente")
    )
    store.add_entry(
        done, EntryIn(date(2026, 11, 5), "Twintig kinderen", "succes", "de school")
    )
    at = app.run()
    shown = " ".join(m.value for m in at.markdown)
    assert "**Twintig kinderen**" in shown and "met de school" in shown
    assert (
        "2 open afspraken; 1 met een contactmoment deze maand of eerder, 1 zonder"
        in shown
    )


def test_terugblik_shows_what_happened_and_how_the_figures_moved(app, demo):
    store = AgendaStore(make_engine(), TESTER)
    made = store.add(
        "GM9999",
        AfspraakIn("BU99990201", ["bestaanszekerheid"], "Budgetcafé", who="Stichting X",
                   year=2022),
    )  # fmt: skip
    store.add_entry(made, EntryIn(date.today(), "Eerste avond: 12 mensen", "succes"))
    store.add("GM9999", AfspraakIn("WK999902", ["jeugd"], "Speelplek", year=2022))
    at = app.run()
    at.switch_page("pages/agenda.py").run()
    at.segmented_control(key="agenda_weergave").set_value("terugblik").run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "Budgetcafé" in shown and "Eerste avond: 12 mensen" in shown
    assert "samenhang, geen bewijs" in " ".join(c.value for c in at.caption)
    # Each figure: then (2022), now (2023) and the change judged against the gemeente.
    tables = [t.value for t in at.table]
    assert len(tables) == 2  # the buurt's afspraak and the wijk's (with wijk figures)
    for table in tables:
        assert table["Toen"].str.endswith("(2022)").all()
        assert table["Nu"].str.endswith("(2023)").all()
        assert table["Verandering"].str.contains("gemeente|niet te vergelijken: ").all()
        assert not table["Verandering"].str.contains("nan").any()


def test_a_change_is_flagged_about_five_in_a_hundred_by_chance():
    """Two years of pure chance (the same true share everywhere, binomial noise): the change
    rule must flag about 5 of 100 buurten, as the level rule does."""
    from analysis.catalogue import load_catalogue
    from analysis.lookback import change_verdicts

    ind = load_catalogue()["pct_huishoudens_laag_inkomen"]
    rng = np.random.default_rng(7)
    flagged = []
    for _ in range(30):
        n = rng.integers(300, 5000, size=150).astype(float)
        then = pd.DataFrame({ind.id: 100 * rng.binomial(n.astype(int), 0.08) / n,
                             "aantal_huishoudens": n})  # fmt: skip
        now = then.assign(**{ind.id: 100 * rng.binomial(n.astype(int), 0.08) / n})
        ref_then = float(np.average(then[ind.id], weights=n))
        ref_now = float(np.average(now[ind.id], weights=n))
        table = change_verdicts(then, now, ind, ref_then, ref_now)
        flagged.append((table["score"].abs() > 1).mean())
    assert 0.03 <= np.mean(flagged) <= 0.07


def test_a_boundary_change_gets_no_change_verdict_but_says_why():
    from analysis.catalogue import load_catalogue
    from analysis.lookback import change_verdicts

    ind = load_catalogue()["pct_huishoudens_laag_inkomen"]
    then = pd.DataFrame({ind.id: [8.0, 9.0, 7.0], "aantal_huishoudens": 2000.0},
                        index=["A", "B", "C"])  # fmt: skip
    now = then.assign(**{ind.id: [3.0, 9.1, 7.2]})
    broken = pd.Series({"A": "grens gewijzigd in 2023"})
    table = change_verdicts(then, now, ind, 8.0, 7.0, broken)
    assert pd.isna(table.at["A", "verdict"])
    assert table.at["A", "why"] == "grens gewijzigd in 2023"
    assert table["verdict"].notna().tolist() == [False, True, True]


# --- Samen verder in the werksessie: werkgroepen ---------------------------------------------


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"first_name": ""}, "Vul je voornaam in."),
        ({"first_name": "Jan 06"}, "Alleen je voornaam"),
        ({"consent": True, "contact": ""}, "Vul een telefoonnummer of e-mailadres in"),
        ({"consent": True, "contact": "bel me"}, "geen telefoonnummer"),
        ({"target_id": ""}, "Kies de afspraak of droom"),
    ],
)
def test_a_sign_up_is_checked(raw, message):
    base = {"target_kind": "droom", "target_id": "x", "first_name": "Fatima"}
    person, errors = validate_sign_up({**base, **raw})
    assert person is None and any(message in e for e in errors), errors


def test_a_contact_is_kept_only_with_consent():
    base = {"target_kind": "droom", "target_id": "x", "first_name": "Fatima",
            "contact": "06-1234 5678"}  # fmt: skip
    assert validate_sign_up(base)[0].contact == ""  # no consent: not kept
    assert validate_sign_up({**base, "consent": True})[0].contact == "0612345678"
    mail = {**base, "consent": True, "contact": "f@example.nl"}
    assert validate_sign_up(mail)[0].contact == "f@example.nl"


def test_sign_ups_on_both_databases_counted_retained_and_audited(database_url):
    engine = make_engine(database_url)
    workshops = WorkshopStore(engine, TESTER)
    made = workshops.create("GM9999", "Buurtavond")
    dream = workshops.add_entry(made, StoryIn(
        "BU99990301", "droom", ["jeugd"], "Een speeltuin", "werksessie", "bewoner",
        date.today(), "Speeltuin", consent=True,
    ))  # fmt: skip
    agenda = AgendaStore(engine, TESTER)
    planned = agenda.add("GM9999", AfspraakIn(
        "BU99990301", ["jeugd"], "Speeltuin opknappen", origin="werksessie",
        origin_ref=made.id,
    ))  # fmt: skip
    elsewhere = agenda.add("GM9999", AfspraakIn("BU99990301", ["jeugd"], "Iets anders"))
    phone = WorkshopStore(engine, Actor("deelnemer", "deelnemer"))
    phone.sign_up(made, SignUp("droom", dream, "Fatima", "0612345678"))
    phone.sign_up(made, SignUp("afspraak", planned, "Kees"))
    with pytest.raises(StoreError, match="hoort niet bij deze werksessie"):
        phone.sign_up(made, SignUp("afspraak", elsewhere, "Piet"))
    assert sign_up_counts(engine, "GM9999") == {dream: 1, planned: 1}
    assert sign_ups(engine, "GM9999", dream)["contact"].tolist() == ["0612345678"]
    log = AuditLog(engine).entries("GM9999")
    added = log[log["toelichting"].str.startswith("aanmelding werkgroep")]
    assert len(added) == 2 and not added["toelichting"].str.contains("Fatima").any()
    workshops.end(made.id)
    with pytest.raises(StoreError, match="afgelopen"):
        phone.sign_up(made, SignUp("droom", dream, "Laat"))
    # The bewaartermijn removes sign-ups made before it, names and numbers with them.
    retention = Retention(engine)
    later = date.today() + timedelta(days=31 * (retention.months("GM9999") + 1))
    retention.apply("GM9999", later, TESTER)
    assert sign_up_counts(engine, "GM9999") == {}
    engine.dispose()


def test_the_phone_signs_up_and_the_projector_counts_without_names(app, signed_in_as):
    from tests.test_pages import join, werksessie_with_a_dream

    store, made, dream = werksessie_with_a_dream(privacy_safe=False)
    signed_in_as("deelnemer", "deelnemer")
    at = join(app, made.code_display)
    at.segmented_control(key="ws_doen").set_value("meedoen").run()
    assert not at.exception
    at.radio(key="ws_werkgroep").set_value(("droom", dream))
    at.text_input(key="ws_voornaam").input("Fatima")
    at.checkbox(key="ws_contact_ok").check().run()
    at.text_input(key="ws_contact").input("06 1234 5678")
    at.button(key="ws_aanmelden").click().run()
    assert not at.error and "Je doet mee" in at.success[0].value
    assert at.text_input(key="ws_voornaam").value == ""  # ready for the next person
    assert sign_ups(store.engine, "GM9999", dream)["first_name"].tolist() == ["Fatima"]
    # The projector: how many, never who.
    signed_in_as("medewerker", "m@voorbeeldstad.nl")
    screen = app.run()
    screen.query_params["sessie"] = made.id
    screen.switch_page("pages/werksessie.py").run()
    screen.segmented_control(key="ws_weergave").set_value("samen").run()
    assert not screen.exception
    shown = " ".join(m.value for m in screen.markdown)
    assert (
        "1 persoon doet mee" in shown
        and "Fatima" not in shown
        and "0612345678" not in shown
    )


def test_a_medewerker_sees_who_joined_and_the_view_is_logged(app, signed_in_as):
    engine = make_engine()
    workshops = WorkshopStore(engine, TESTER)
    made = workshops.create("GM9999", "Buurtavond")
    planned = AgendaStore(engine, TESTER).add("GM9999", AfspraakIn(
        "BU99990301", ["jeugd"], "Speeltuin opknappen", origin="werksessie",
        origin_ref=made.id,
    ))  # fmt: skip
    WorkshopStore(engine, Actor("deelnemer", "d")).sign_up(
        made, SignUp("afspraak", planned, "Fatima", "f@example.nl")
    )
    for role, sees in (("lezer", False), ("medewerker", True)):
        signed_in_as(role, f"{role}@voorbeeldstad.nl")
        at = app.run()
        at.switch_page("pages/agenda.py").run()
        at.selectbox(key="agenda_kies").set_value(planned).run()
        assert "**Werkgroep:** 1 aanmelding" in [m.value for m in at.markdown]
        switch = [t for t in at.toggle if t.key == f"agenda_{planned}_werkgroep"]
        assert bool(switch) == sees
        if sees:
            switch[0].set_value(True).run()
            names = [d.value for d in at.dataframe if "Voornaam" in d.value.columns]
            assert names[0]["Voornaam"].tolist() == ["Fatima"]
    log = AuditLog(engine).entries("GM9999")
    viewed = log[log["toelichting"] == f"werkgroep {planned}: aanmeldingen"]
    assert viewed["wie"].tolist() == ["medewerker@voorbeeldstad.nl"]


@pytest.mark.seeded
def test_the_demo_has_a_believable_agenda(app):
    """The seeded agenda, with successes to celebrate and afspraken made on 2022 figures, so
    Vieren and Terugblik show something from the start."""
    from stories.demo import demo_agenda

    seeded, log = demo_agenda()
    store = AgendaStore(make_engine(), TESTER)
    stored = store.query("GM9999")
    assert len(stored) == len(seeded) >= 6 and set(stored["status"]) >= {
        "gepland",
        "bezig",
        "gelukt",
    }
    wins = successes(store.entries("GM9999"), stored)
    assert len(wins) == (log["kind"] == "succes").sum() >= 3
    at = app.run()
    at.switch_page("pages/agenda.py").run()
    at.segmented_control(key="agenda_weergave").set_value("terugblik").run()
    at.date_input(key="agenda_terugblik_vanaf").set_value(date(2023, 1, 1)).run()
    assert not at.exception
    assert len(at.table) >= 4  # figures 2022 → 2023 for most afspraken


def test_the_terugblik_document_as_html_and_pdf(demo, catalogue):
    from analysis.lookback import look_back
    from analysis.signals import dataset_signals
    from stories.initiatives import InitiativeStore
    from stories.store import StoryStore
    from ui.agenda import area_names, look_words, render_lookback
    from ui.profile_doc import render_pdf

    store = AgendaStore(make_engine(), TESTER)
    made = store.add("GM9999", AfspraakIn("BU99990205", ["bestaanszekerheid"],
                                          "Schuldhulpspreekuur", year=2022))  # fmt: skip
    store.add_entry(
        made, EntryIn(date.today(), "Veertien huishoudens geholpen", "succes")
    )
    signals = {y: dataset_signals(demo, y, catalogue) for y in demo.years}
    looks = look_back(
        store.query("GM9999"), store.entries("GM9999"),
        StoryStore(store.engine).query("GM9999"), InitiativeStore(store.engine).query("GM9999"),
        date(2020, 1, 1), date.today(), catalogue, {"buurt": (demo, signals.get, {})},
    )  # fmt: skip
    words = [look_words(look, area_names(demo), catalogue, {}) for look in looks]
    page = render_lookback(words, demo, "Zuiderkade", date(2020, 1, 1), date.today())
    assert "Schuldhulpspreekuur" in page and "Veertien huishoudens geholpen" in page
    assert "(2022)" in page and "(2023)" in page and "samenhang, geen bewijs" in page
    assert render_pdf(page).startswith(b"%PDF")
