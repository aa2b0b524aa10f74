"""Backup and restore of everything: gemeenten (datasets), stories, initiatives, werksessies,
agreements, settings and the audit log, as one ZIP file that does not care which database
it came from. SQLite to PostgreSQL and back.

A backup reads every table in one transaction (a snapshot: the app may keep running) and
each gemeente as one consistent version. A restore goes into an empty database (it refuses
one with data unless asked to replace it) in one transaction, and reports what it restored.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analysis import datasets
from analysis.datasets import (
    DEMO_ID,
    dataset_from_parts,
    dataset_parts,
    info_from_json,
    info_to_json,
)
from stories.db import MIGRATIONS
from stories.errors import StoreError

FORMAT = 1
DEMO_GEMEENTE = "GM9999"  # the fictional gemeente whose stories the migrations bring
# The tables the migrations seed with that gemeente's rows: those alone do not make a
# database 'not empty'.
DEMO_SEEDED = ("stories", "initiatives", "agenda", "agenda_log", "network")
# Kept apart: the schema itself, and the gemeenten (written through the dataset store, so
# that they land in files or in the database, whichever the target uses).
SKIPPED = {"schema_version", "datasets", "dataset_parts"}
KINDS = {
    "gemeenten": "gemeenten",
    "stories": "verhalen",
    "initiatives": "initiatieven",
    "network": "partners en vindplaatsen",
    "agreements": "afspraken uit het focusgesprek",
    "agenda": "afspraken op de buurtagenda",
    "agenda_log": "regels in het verloop van afspraken",
    "werkgroep": "aanmeldingen voor werkgroepen",
    "workshops": "werksessies",
    "workshop_entries": "werksessie-inbreng",
    "workshop_votes": "stippen",
    "dataset_settings": "bewaartermijnen",
    "audit_log": "logboekregels",
}


def _encode(value):
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    raise TypeError(f"Kan {type(value).__name__} niet opslaan in een back-up.")


def _decode(value):
    if isinstance(value, dict):
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$bytes" in value:
            return base64.b64decode(value["$bytes"])
    return value


def _tables(conn: Connection) -> list[sa.Table]:
    meta = sa.MetaData()
    meta.reflect(conn)
    return [t for t in meta.sorted_tables if t.name not in SKIPPED]


def _snapshot(engine: Engine) -> Connection:
    """A connection whose reads all see one moment."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    else:  # SQLite: one read transaction holds one snapshot (WAL)
        conn.exec_driver_sql("BEGIN")
    return conn


def backup(engine: Engine, path: Path) -> dict[str, int]:
    """Write everything to `path` (a ZIP); return the count per kind."""
    counts: dict[str, int] = {}
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        conn = _snapshot(engine)
        try:
            for table in _tables(conn):
                lines = io.StringIO()
                n = 0
                for row in conn.execute(sa.select(table)).mappings():
                    lines.write(
                        json.dumps(dict(row), default=_encode, ensure_ascii=False)
                    )
                    lines.write("\n")
                    n += 1
                out.writestr(f"tables/{table.name}.jsonl", lines.getvalue())
                counts[table.name] = n
        finally:
            conn.close()
        gemeenten = 0
        for info in datasets.list_datasets():
            if info.id == DEMO_ID:
                continue  # part of the app
            data = datasets.load_dataset(info.id)
            for name, content in dataset_parts(data).items():
                out.writestr(f"datasets/{info.id}/{name}", content)
            out.writestr(f"datasets/{info.id}/info.json", info_to_json(info))
            gemeenten += 1
        counts["gemeenten"] = gemeenten
        out.writestr(
            "manifest.json",
            json.dumps(
                {"format": FORMAT, "schema": MIGRATIONS[-1][0], "made": datetime.now().isoformat(),
                 "database": engine.dialect.name, "counts": counts},
                indent=1,
            ),
        )  # fmt: skip
    tmp.replace(path)  # a backup file is either complete or absent
    return counts


def holds_data(engine: Engine) -> bool:
    """True when the database has anything beyond what a fresh one starts with (the demo
    gemeente's stories and initiatives)."""
    with engine.connect() as conn:
        for table in _tables(conn):
            query = sa.select(sa.func.count()).select_from(table)
            if table.name in DEMO_SEEDED:
                query = query.where(table.c.dataset != DEMO_GEMEENTE)
            if conn.execute(query).scalar():
                return True
    return bool([i for i in datasets.list_datasets() if i.id != DEMO_ID])


def restore(engine: Engine, path: Path, replace: bool = False) -> dict[str, int]:
    """Restore a backup into this database (and its dataset store); return counts per kind."""
    try:
        archive = zipfile.ZipFile(path)
        manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise StoreError(
            f"{path} is geen back-up van Tellen & Vertellen: {exc}"
        ) from exc
    if (
        manifest.get("format") != FORMAT
        or manifest.get("schema", 0) > MIGRATIONS[-1][0]
    ):
        raise StoreError(
            f"{path} komt uit een andere versie van de app (schema {manifest.get('schema')}); "
            "werk de app eerst bij."
        )
    if not replace and holds_data(engine):
        raise StoreError(
            "De database is niet leeg. Terugzetten vervangt alles wat erin staat; vraag daar "
            "uitdrukkelijk om (cli.py restore BESTAND --vervang)."
        )
    counts: dict[str, int] = {}
    names = archive.namelist()
    with engine.begin() as conn:
        tables = _tables(conn)
        for table in reversed(tables):
            conn.execute(sa.delete(table))
        for table in tables:
            member = f"tables/{table.name}.jsonl"
            if member not in names:
                continue
            rows = [
                {k: _decode(v) for k, v in json.loads(line).items()}
                for line in archive.read(member).decode().splitlines()
            ]
            known = set(table.c.keys())
            rows = [{k: v for k, v in r.items() if k in known} for r in rows]
            if rows:
                conn.execute(sa.insert(table), rows)
            counts[table.name] = len(rows)
        if (
            engine.dialect.name == "postgresql"
        ):  # serial ids go on after the restored ones
            for table in tables:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (
                        isinstance(column.type, sa.Integer)
                        and len(table.primary_key.columns) == 1
                    ):
                        conn.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                            f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                        ))  # fmt: skip
    gemeenten = sorted({n.split("/")[1] for n in names if n.startswith("datasets/")})
    for gemeente in gemeenten:
        info = info_from_json(archive.read(f"datasets/{gemeente}/info.json"))
        parts = {
            n.rsplit("/", 1)[1]: archive.read(n)
            for n in names
            if n.startswith(f"datasets/{gemeente}/") and not n.endswith("/info.json")
        }
        datasets.save_dataset(
            dataset_from_parts(info, parts, 0.0),
            expected=datasets.stored_version(gemeente),
        )
    counts["gemeenten"] = len(gemeenten)
    return counts


def count_lines(counts: dict[str, int]) -> list[str]:
    """Counts as Dutch lines, in a fixed order."""
    return [f"{counts.get(k, 0)} {label}" for k, label in KINDS.items()]
