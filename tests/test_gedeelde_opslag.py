"""Eén gedeelde opslag: gemeenten in the database, several servers on it, the move from the
data directory, backup and restore between SQLite and PostgreSQL, and the readiness check."""

import zipfile
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from analysis import datasets
from analysis.datasets import datasets_dir, load_dataset
from analysis.errors import AnalysisError
from analysis.importer import import_cbs
from analysis.signals import dataset_signals
from cli import main
from stories.agenda import AfspraakIn, AgendaStore, EntryIn
from stories.audit import AuditLog
from stories.backup import backup, restore
from stories.dataset_store import DatabaseDatasets, use_database
from stories.db import make_engine
from stories.demo import demo_agenda
from stories.errors import StoreError
from tests.conftest import TESTER, fresh_postgres
from tests.test_pages import map_data


def import_gemeente(demo, year: int = 2023, scale: float = 1.0):
    """The demo's buurten and two figures as a real gemeente (GM9999)."""
    wide = demo.wide(year)[["aantal_inwoners", "pct_huishoudens_laag_inkomen"]] * scale
    csv = wide.rename_axis("buurtcode").reset_index().to_csv(index=False)
    return import_cbs(
        (demo.buurten.to_json().encode(), "b.geojson"), (csv.encode(), f"k_{year}.csv")
    )


def test_gemeenten_live_in_the_database(database_url, demo, catalogue):
    engine = make_engine(database_url)
    assert use_database(engine) == []
    import_gemeente(demo)
    assert not datasets_dir().exists()  # nothing in the data directory
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM dataset_parts")).scalar() >= 5
    data = load_dataset("GM9999")
    assert data.info.name == "Voorbeeldstad (fictief)" and data.version == 1.0
    assert len(data.buurten) == 40 and data.years == [2023]
    import_gemeente(demo, 2022)  # another year joins the same gemeente
    again = load_dataset("GM9999")
    assert again.years == [2022, 2023] and again.version == 2.0
    datasets.remove_dataset("GM9999")
    assert [i.id for i in datasets.list_datasets()] == ["demo"]


def test_a_second_server_sees_an_import_without_restart(database_url, demo):
    first = make_engine(database_url)
    use_database(first)
    second = DatabaseDatasets(
        make_engine(database_url)
    )  # another process, same database
    assert second.version("GM9999") == 0.0
    import_gemeente(demo)
    seen = second.version("GM9999")
    assert seen == 1.0 and second.load("GM9999").years == [2023]
    import_gemeente(demo, scale=2.0)  # re-imported on the first server
    assert second.version("GM9999") > seen  # the cache key changes: reloaded next rerun
    assert second.load("GM9999").wide(2023)["aantal_inwoners"].sum() == pytest.approx(
        2 * demo.wide(2023)["aantal_inwoners"].sum()
    )


def test_two_imports_of_one_gemeente_one_wins(database_url, demo):
    use_database(make_engine(database_url))
    import_gemeente(demo)
    started = load_dataset("GM9999")  # server A reads version 1 and works on it ...
    import_gemeente(demo, 2022)  # ... while server B's import lands first
    with pytest.raises(AnalysisError, match="zojuist door iemand anders ingeladen"):
        datasets.save_dataset(started, expected=started.version)
    kept = load_dataset("GM9999")  # B's version, whole
    assert kept.years == [2022, 2023] and kept.version == 2.0
    # Two first imports of a new gemeente: the second one is told, too.
    fresh = kept.info.__class__(**{**kept.info.__dict__, "id": "GM9998"})
    datasets.save_dataset(replace(kept, info=fresh), expected=None)
    with pytest.raises(AnalysisError, match="zojuist door iemand anders"):
        datasets.save_dataset(replace(kept, info=fresh), expected=None)


def test_file_datasets_move_into_the_database_once(database_url, demo):
    import_gemeente(demo)  # a folder in the data directory ...
    folder = datasets_dir()
    # ... exactly as the version before the shared store wrote it: these five files.
    for newer in ("changes.parquet", "own.json"):
        (folder / "GM9999" / newer).unlink()
    assert sorted(p.name for p in (folder / "GM9999").iterdir()) == [
        "buurten.parquet", "display.parquet", "meta.json", "published.parquet",
        "values.parquet",
    ]  # fmt: skip
    before = load_dataset("GM9999")
    engine = make_engine(database_url)
    assert [i.id for i in use_database(engine)] == ["GM9999"]
    assert not folder.exists()
    aside = list(folder.parent.glob("datasets-naar-database-*"))
    assert (
        len(aside) == 1 and (aside[0] / "GM9999" / "meta.json").exists()
    )  # nothing lost
    moved = load_dataset("GM9999")
    pd.testing.assert_frame_equal(moved.values, before.values)
    assert moved.buurten.geometry.equals(before.buurten.geometry)
    assert use_database(engine) == []  # once


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        meta = sa.MetaData()
        meta.reflect(conn)
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in meta.sorted_tables
            if t.name not in ("schema_version", "dataset_parts")
        }


@pytest.mark.parametrize("direction", ["sqlite-to-postgresql", "postgresql-to-sqlite"])
def test_backup_and_restore_between_databases(direction, tmp_path, demo, catalogue):
    sqlite = f"sqlite:///{tmp_path / 'bron.sqlite'}"
    with fresh_postgres() as postgres:
        source, target = (
            (sqlite, postgres) if direction.startswith("sqlite") else (postgres, sqlite)
        )
        engine = make_engine(source)
        use_database(engine)
        import_gemeente(demo)
        AuditLog(engine).write(TESTER, "dataset_imported", "GM9999", 0, "ingeladen")
        agenda = AgendaStore(engine, TESTER)
        afspraak = agenda.add(
            "GM9999", AfspraakIn("BU99990201", ["jeugd"], "Huiswerkklas")
        )
        agenda.add_entry(
            afspraak, EntryIn(date(2026, 11, 5), "Twintig kinderen", "succes")
        )
        made = backup(engine, tmp_path / "backup.zip")
        assert (
            made["gemeenten"] == 1 and made["stories"] > 100 and made["audit_log"] == 3
        )
        seeded, seeded_log = demo_agenda()  # the demo's, brought by the migrations
        assert made["agenda"] == len(seeded) + 1
        assert made["agenda_log"] == len(seeded_log) + 1
        _, signals = dataset_signals(load_dataset("GM9999"), 2023, catalogue)
        before = counts(engine)

        fresh = make_engine(target)
        use_database(fresh)
        restored = restore(fresh, tmp_path / "backup.zip")
        assert restored == made
        assert counts(fresh) == before
        _, again = dataset_signals(load_dataset("GM9999"), 2023, catalogue)
        pd.testing.assert_frame_equal(again, signals)
        # The log goes on after the restored lines (PostgreSQL's serial ids too).
        AuditLog(fresh).write(TESTER, "viewed", "GM9999", 1, "na terugzetten")
        # A database with data is not overwritten unless asked.
        with pytest.raises(StoreError, match="niet leeg"):
            restore(fresh, tmp_path / "backup.zip")
        assert restore(fresh, tmp_path / "backup.zip", replace=True) == made


def test_a_broken_backup_is_refused(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'v.sqlite'}")
    (tmp_path / "kapot.zip").write_bytes(b"geen zip")
    with pytest.raises(StoreError, match="geen back-up"):
        restore(engine, tmp_path / "kapot.zip")
    with zipfile.ZipFile(tmp_path / "nieuw.zip", "w") as z:
        z.writestr("manifest.json", '{"format": 1, "schema": 999}')
    with pytest.raises(StoreError, match="andere versie"):
        restore(engine, tmp_path / "nieuw.zip")


def test_cli_backup_restore_and_check(tmp_path, monkeypatch, demo, capsys):
    monkeypatch.setenv("WIJK_DATABASE_URL", f"sqlite:///{tmp_path / 'a.sqlite'}")
    import_gemeente(demo)  # in files: the CLI moves it into the database first
    assert main(["backup", "--output", str(tmp_path / "b.zip")]) == 0
    out = capsys.readouterr()
    assert "1 gemeenten" in out.out and "overgezet" in out.err
    assert main(["check"]) == 0
    monkeypatch.setenv("WIJK_DATABASE_URL", f"sqlite:///{tmp_path / 'leeg.sqlite'}")
    assert main(["restore", str(tmp_path / "b.zip")]) == 0
    assert "1 gemeenten" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b.zip")]) == 2
    assert "niet leeg" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "b.zip"), "--vervang"]) == 0


def test_check_fails_on_an_old_schema_or_no_database(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'oud.sqlite'}"
    make_engine(url)
    with sa.create_engine(url).begin() as conn:
        conn.execute(
            sa.text(
                "DELETE FROM schema_version WHERE version = (SELECT MAX(version) FROM schema_version)"
            )
        )
    monkeypatch.setenv("WIJK_DATABASE_URL", url)
    assert main(["check"]) == 1
    assert "migratie" in capsys.readouterr().err
    monkeypatch.setenv(
        "WIJK_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    assert main(["check"]) == 1
    assert "niet bereikbaar" in capsys.readouterr().err


def test_the_app_moves_file_gemeenten_once_and_says_so(
    app, demo, tmp_path, monkeypatch
):
    import_gemeente(demo)  # a data directory as today's version leaves it
    url = f"sqlite:///{tmp_path / 'gedeeld.sqlite'}"
    monkeypatch.setenv("WIJK_DATABASE_URL", url)
    at = app.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert "naar de gedeelde database overgezet: Voorbeeldstad (fictief) (GM9999)" in (
        at.info[0].value
    )
    assert DatabaseDatasets(make_engine(url)).version("GM9999") == 1.0
    log = AuditLog(make_engine(url)).entries("GM9999")
    assert "uit de datamap naar de database overgezet" in log["toelichting"].iloc[0]
    at.sidebar.selectbox[0].select("GM9999").run()  # and the app shows it from there
    at.switch_page("pages/kaart.py").run()
    assert not at.exception and len(map_data(at)["shapes"]["codes"]) == 40
