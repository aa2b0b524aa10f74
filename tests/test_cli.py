import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CBS_DIR, TESTER

ROOT = Path(__file__).resolve().parent.parent


def cli(*args):
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),  # carries this test's WIJK_DATA_DIR
    )


def test_datasets_lists_the_demo():
    result = cli("datasets")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "demo\tGM9999\tVoorbeeldstad (fictief)\tjaren 2022, 2023\t"
        "Fictieve demogegevens, gemaakt met data/demo/build_demo.py"
    ]


@pytest.mark.skipif(not CBS_DIR.exists(), reason="shared CBS data not present")
def test_import_list_and_remove_eindhoven():
    result = cli(
        "import-cbs",
        "--geometry", str(CBS_DIR / "buurten_GM0772_eindhoven.geojson"),
        "--stats", str(CBS_DIR / "kwb_2022.csv"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "116 buurten met kaartvlak." in result.stdout
    assert "Dataset GM0772 (Eindhoven), jaar 2022" in result.stdout
    assert "GM0772\tGM0772\tEindhoven\tjaren 2022" in cli("datasets").stdout
    assert cli("datasets", "--remove", "GM0772").returncode == 0
    assert "GM0772" not in cli("datasets").stdout


def test_errors_are_dutch_and_exit_2(tmp_path):
    bad = tmp_path / "kaart.txt"
    bad.write_text("geen kaart")
    for args, message in [
        (["import-cbs"], "Geef een kaartbestand op"),
        (
            ["import-cbs", "--geometry", str(tmp_path / "weg.gpkg")],
            "Bestand niet gevonden",
        ),
        (["import-cbs", "--geometry", str(bad)], "onbekend kaartbestand"),
        (["import-cbs", "--online"], "Geef bij --online ook --gemeente"),
        (["datasets", "--remove", "demo"], "kan niet worden verwijderd"),
    ]:
        result = cli(*args)
        assert result.returncode == 2
        assert result.stderr.startswith("Fout: ") and message in result.stderr


def test_unknown_command_is_refused():
    result = cli("verwijder-alles")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_signals_csv_for_the_demo():
    import io

    import pandas as pd

    result = cli("signals", "--gemeente", "GM9999", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == [
        "buurtcode", "buurtnaam", "jaar", "indicator", "value", "gemeente_value", "signal",
        "position", "limit", "rank", "reason",
    ]  # fmt: skip
    assert (table["jaar"] == 2023).all()

    def row(indicator):
        return table[
            (table["buurtcode"] == "BU99990201") & (table["indicator"] == indicator)
        ]

    assert row("gem_inkomen_per_inwoner")["signal"].item() == "aandacht"
    low_income = row("pct_huishoudens_laag_inkomen")
    assert low_income["signal"].item() == "gemiddeld"
    assert low_income["position"].item() == "iets slechter"
    assert low_income["rank"].item() == "2e hoogste van 38"
    assert low_income["reason"].item() == (
        "15,4% tegen 9,8% in de gemeente: hoger, maar binnen de gewone spreiding tussen "
        "buurten (lager is beter). Aandacht boven 20,7% bij deze buurtgrootte; 2e hoogste "
        "van 38."
    )
    assert low_income["limit"].item() == pytest.approx(20.7, abs=0.05)
    assert (
        "standaardafwijking" in result.stderr
    )  # the rule, for whoever reads the report


def test_signals_json_year_and_population_minimum():
    import json

    result = cli(
        "signals",
        "--gemeente",
        "demo",
        "--jaar",
        "2022",
        "--format",
        "json",
        "--min-inwoners",
        "100",
    )
    rows = json.loads(result.stdout)
    assert {r["jaar"] for r in rows} == {2022}
    polder = [
        r
        for r in rows
        if r["buurtcode"] == "BU99990802" and r["indicator"] == "afstand_huisarts"
    ]
    assert (
        polder[0]["signal"] is not None
    )  # 150 inhabitants: a signal with a minimum of 100
    strict = json.loads(cli("signals", "--gemeente", "demo", "--format", "json").stdout)
    polder = [
        r
        for r in strict
        if r["buurtcode"] == "BU99990802" and r["indicator"] == "afstand_huisarts"
    ]
    assert (
        polder[0]["signal"] is None and polder[0]["reason"] == "minder dan 200 inwoners"
    )


def test_signals_unknown_gemeente():
    result = cli("signals", "--gemeente", "GM1234")
    assert result.returncode == 2 and "is niet ingeladen" in result.stderr


def test_stories_import_is_all_or_nothing_then_export(tmp_path):
    good = "BU99990201;kracht;ontmoeting;Fijne buren;01-02-2025;ja"
    bad = "BU99990201;zorg;veiligheid;Bel 06-12345678;01-02-2025;ja"
    file = tmp_path / "verhalen.csv"
    file.write_text(f"buurtcode;soort;thema;tekst;datum;toestemming\n{good}\n{bad}\n")
    refused = cli("stories", "import", str(file), "--gemeente", "GM9999")
    assert refused.returncode == 1
    assert "regel 3: De tekst bevat mogelijk een telefoonnummer" in refused.stderr
    assert "Niets ingelezen" in refused.stderr
    assert "Fijne buren" not in cli("stories", "export", "--gemeente", "GM9999").stdout
    partial = cli("stories", "import", str(file), "--gemeente", "GM9999", "--skip-bad")
    assert partial.returncode == 0 and "1 verhalen ingelezen" in partial.stdout
    out = tmp_path / "uit.xlsx"
    assert (
        cli(
            "stories", "export", "--gemeente", "GM9999", "--output", str(out)
        ).returncode
        == 0
    )
    import pandas as pd

    texts = pd.read_excel(out)["tekst"].tolist()
    from stories.demo import demo_stories, demo_talents

    demo_told = len(demo_stories()) + len(demo_talents())
    assert texts.count("Fijne buren") == 1 and len(texts) == demo_told + 1


def test_initiatives_import_is_all_or_nothing_then_export(tmp_path):
    good = "Naaiclub De Draad;BU99990201;ontmoeting;idee;'0;4;1;1;0;0'"
    bad = "Kookclub;BU00000000;ontmoeting;actief;"
    file = tmp_path / "initiatieven.csv"
    file.write_text(
        f"naam;buurtcodes;thema;fase;bindingsladder\n{good}\n{bad}\n".replace("'", '"')
    )
    refused = cli("initiatives", "import", str(file), "--gemeente", "GM9999")
    assert refused.returncode == 1
    assert (
        "regel 3: Buurtcode 'BU00000000' hoort niet bij deze gemeente" in refused.stderr
    )
    assert "De Draad" not in cli("initiatives", "export", "--gemeente", "GM9999").stdout
    partial = cli(
        "initiatives", "import", str(file), "--gemeente", "GM9999", "--skip-bad"
    )
    assert partial.returncode == 0 and "1 initiatieven ingelezen" in partial.stdout
    out = tmp_path / "uit.csv"
    done = cli("initiatives", "export", "--gemeente", "GM9999", "--output", str(out))
    assert done.returncode == 0 and "35 initiatieven geschreven" in done.stdout
    import pandas as pd

    back = pd.read_csv(out, sep=";", dtype=str, keep_default_na=False)
    ours = back[back["naam"] == "Naaiclub De Draad"].iloc[0]
    assert ours["bindingsladder"] == "0;4;1;1;0;0" and ours["fase"] == "idee"


def test_profile_pdf_html_json(tmp_path):
    from stories.agreements import Agreement, AgreementStore
    from stories.db import make_engine

    engine = make_engine()  # the same data directory as the command below
    AgreementStore(engine, TESTER).save(
        "GM9999", "BU99990201", Agreement(["jeugd"], "Speelplek erbij")
    )
    engine.dispose()
    pdf = tmp_path / "oude-haven.pdf"
    done = cli("profile", "BU99990201", "--format", "pdf", "--output", str(pdf))
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert "Buurtprofiel Oude Haven" in text and "Speelplek erbij" in text
    page = cli("profile", "BU99990201", "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and "Speelplek erbij" in page
    import json

    profile = json.loads(cli("profile", "bu99990201", "--format", "json").stdout)
    assert profile["buurtnaam"] == "Oude Haven" and profile["agreement"][
        "focus_themes"
    ] == ["jeugd"]
    wrong = cli("profile", "BU99990999", "--format", "json")
    assert wrong.returncode == 2 and "hoort niet bij Voorbeeldstad" in wrong.stderr
    assert "geen buurt- of wijkcode" in cli("profile", "Oude Haven").stderr
    # A wijk: the same profile, its figures per wijk and the stories of its buurten.
    wijk = json.loads(cli("profile", "WK999902", "--format", "json").stdout)
    assert wijk["level"] == "wijk" and wijk["buurtnaam"] == "Havenkwartier"


def test_audit_and_retention_commands(tmp_path):
    old = "BU99990201;zorg;veiligheid;Te hard gereden bij school;03-02-2020;ja"
    new = "BU99990201;kracht;ontmoeting;Fijne buren;01-02-2026;ja"
    file = tmp_path / "verhalen.csv"
    file.write_text(f"buurtcode;soort;thema;tekst;datum;toestemming\n{old}\n{new}\n")
    assert cli("stories", "import", str(file), "--gemeente", "GM0001").returncode == 2
    assert cli("stories", "import", str(file), "--gemeente", "GM9999").returncode == 0
    dry = cli("retention", "--gemeente", "GM9999")
    assert dry.returncode == 0 and "24 maanden" in dry.stdout
    # The demo's own old stories count too, when a beheerder asks for it by name.
    due = int(dry.stdout.split("\n")[1].split()[0])
    assert due >= 1 and "--apply" in dry.stdout
    exported = cli("stories", "export", "--gemeente", "GM9999").stdout
    assert "Te hard gereden bij school" in exported  # a dry run changes nothing
    done = cli("retention", "--gemeente", "GM9999", "--apply")
    assert done.stdout.strip().endswith(f"{due} verhalen geanonimiseerd.")
    exported = cli("stories", "export", "--gemeente", "GM9999").stdout
    assert "Te hard gereden bij school" not in exported and "Fijne buren" in exported
    out = tmp_path / "logboek.csv"
    log = cli("audit", "--gemeente", "gm9999", "--output", str(out))
    assert log.returncode == 0
    import pandas as pd

    lines = pd.read_csv(out, sep=";")
    assert list(lines["wat"])[::-1] == [
        "ingelezen", "uitgevoerd", "geanonimiseerd", "uitgevoerd",
    ]  # fmt: skip
    assert set(lines["wie"]) == {"opdrachtregel"}
    assert lines.loc[lines["wat"] == "geanonimiseerd", "aantal"].item() == due
    assert (
        cli("audit", "--gemeente", "GM9999", "--since", "2999-01-01").stdout.count("\n")
        == 1
    )  # only the header
    wrong = cli("audit", "--gemeente", "GM9999", "--since", "gisteren")
    assert wrong.returncode == 2 and "JJJJ-MM-DD" in wrong.stderr
