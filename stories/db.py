"""The database behind stories, initiatives and the buurtagenda: SQLite by default, PostgreSQL by URL.

SQLite lives in the app's data directory, in WAL mode with a busy timeout, so several browser
sessions can write at once. `WIJK_DATABASE_URL` (or Streamlit's secrets, passed in by the UI)
points the same code at PostgreSQL for a shared installation. The schema is versioned by the
numbered migrations below; every start applies the ones a database has not had yet.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analysis.datasets import data_dir
from stories.errors import StoreError


def database_url(url: str | None = None) -> str:
    return (
        url
        or os.environ.get("WIJK_DATABASE_URL")
        or f"sqlite:///{data_dir() / 'verhalen.sqlite'}"
    )


def make_engine(url: str | None = None) -> Engine:
    """An engine for the store, with the schema brought up to date."""
    url = database_url(url)
    try:
        if url.startswith("sqlite"):
            engine = sa.create_engine(url, connect_args={"timeout": 30})

            @sa.event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
                cursor = dbapi_connection.cursor()
                cursor.execute(
                    "PRAGMA journal_mode=WAL"
                )  # readers never block the writer
                cursor.execute(
                    "PRAGMA busy_timeout=30000"
                )  # writers wait instead of failing
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
        migrate(engine)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(
            f"De database is niet bereikbaar of niet bruikbaar: {exc}"
        ) from exc
    return engine


# --- numbered migrations: append, never edit one that has shipped ---------------------------


def _001_stories(conn: Connection) -> None:
    meta = sa.MetaData()
    sa.Table(
        "stories",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dataset", sa.String(16), nullable=False, index=True),
        sa.Column("buurtcode", sa.String(10), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("themes", sa.String(200), nullable=False),  # ";jeugd;ontmoeting;"
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("voice", sa.String(20), nullable=False),
        sa.Column("date", sa.Date, nullable=False, index=True),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.CheckConstraint("consent", name="stories_need_consent"),
    )
    meta.create_all(conn)


def _002_demo_stories(conn: Connection) -> None:
    """The fictional demo gemeente's stories, so its pages show them from the start."""
    from stories.demo import demo_stories

    rows = []
    for s in demo_stories().to_dict("records"):
        created = datetime.fromisoformat(s["created"])
        rows.append(
            {
                "id": s["id"], "dataset": "GM9999", "buurtcode": s["buurtcode"],
                "kind": s["kind"], "themes": ";" + ";".join(s["themes"]) + ";",
                "title": s["title"], "text": s["text"], "source": s["source"],
                "voice": s["voice"], "date": date.fromisoformat(s["date"]),
                "lon": None if pd.isna(s["lon"]) else s["lon"],
                "lat": None if pd.isna(s["lat"]) else s["lat"],
                "consent": True, "created": created, "updated": created,
            }
        )  # fmt: skip
    table = sa.table("stories", *(sa.column(c) for c in rows[0]))
    conn.execute(sa.insert(table), rows)


def _003_initiatives(conn: Connection) -> None:
    meta = sa.MetaData()
    sa.Table(
        "initiatives",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dataset", sa.String(16), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("buurtcodes", sa.Text, nullable=False),  # ";BU…;BU…;"
        sa.Column("themes", sa.String(200), nullable=False),  # ";jeugd;ontmoeting;"
        sa.Column("target_groups", sa.String(200), nullable=False),
        sa.Column("phase", sa.String(10), nullable=False),
        sa.Column("initiator", sa.String(30), nullable=False),
        sa.Column("wijkteam_role", sa.String(12), nullable=False),
        sa.Column("support", sa.String(100), nullable=False, server_default=""),
        sa.Column("ladder", sa.String(60), nullable=False, server_default=""),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("start_date", sa.Date),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    meta.create_all(conn)


def _004_demo_initiatives(conn: Connection) -> None:
    """The fictional demo gemeente's initiatives, like its stories in migration 2."""
    from stories.demo import demo_initiatives

    def joined(items: list[str]) -> str:
        return ";" + ";".join(items) + ";" if items else ""

    now = datetime(2024, 6, 1)
    rows = []
    for i in demo_initiatives().to_dict("records"):
        rows.append(
            {
                "id": i["id"], "dataset": "GM9999", "name": i["name"],
                "description": i["description"], "buurtcodes": joined(i["buurtcodes"]),
                "themes": joined(i["themes"]), "target_groups": joined(i["target_groups"]),
                "phase": i["phase"], "initiator": i["initiator"],
                "wijkteam_role": i["wijkteam_role"], "support": joined(i["support"]),
                "ladder": ";".join(map(str, i["ladder"] or [])),
                "lon": None if pd.isna(i["lon"]) else i["lon"],
                "lat": None if pd.isna(i["lat"]) else i["lat"],
                "start_date": date.fromisoformat(i["start_date"]) if i["start_date"] else None,
                "created": now, "updated": now,
            }
        )  # fmt: skip
    table = sa.table("initiatives", *(sa.column(c) for c in rows[0]))
    conn.execute(sa.insert(table), rows)


def _005_agreements(conn: Connection) -> None:
    """What wijkteam and gemeente agreed per buurt in the focusgesprek."""
    meta = sa.MetaData()
    sa.Table(
        "agreements",
        meta,
        sa.Column("dataset", sa.String(16), primary_key=True),
        sa.Column("buurtcode", sa.String(10), primary_key=True),
        sa.Column("focus_themes", sa.String(200), nullable=False, server_default=""),
        sa.Column("ambition", sa.Text, nullable=False, server_default=""),
        sa.Column("activities", sa.Text, nullable=False, server_default=""),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    meta.create_all(conn)


def _006_workshops(conn: Connection) -> None:
    """Werksessies: the stories told in one, and the dots participants put on its dreams.

    A vote takes one of a participant's numbered slots (primary key), so the fixed number of
    votes holds even when two taps arrive at the same moment.
    """
    meta = sa.MetaData()
    sa.Table("stories", meta, sa.Column("id", sa.String(36), primary_key=True))
    sa.Table(
        "workshops",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dataset", sa.String(16), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("votes", sa.Integer, nullable=False),
        sa.Column("min_stories", sa.Integer, nullable=False),
        sa.Column("privacy_safe", sa.Boolean, nullable=False),
        sa.Column("current_buurt", sa.String(10)),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    sa.Table(
        "workshop_entries",
        meta,
        sa.Column(
            "story_id", sa.String(36),
            sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column(
            "workshop_id", sa.String(36),
            sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True,
        ),
        sa.Column("initiative_id", sa.String(36)),  # set when the dream was chosen
    )  # fmt: skip
    sa.Table(
        "workshop_votes",
        meta,
        sa.Column(
            "workshop_id", sa.String(36),
            sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column("participant", sa.String(36), primary_key=True),
        sa.Column("slot", sa.Integer, primary_key=True),
        sa.Column(
            "story_id", sa.String(36),
            sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False, index=True,
        ),
        sa.Column("created", sa.DateTime, nullable=False),
    )  # fmt: skip
    for name in ("workshops", "workshop_entries", "workshop_votes"):
        meta.tables[name].create(conn)


def _007_access(conn: Connection) -> None:
    """Access: join codes for werksessies, the audit log, the bewaartermijn per gemeente, and
    a mark on stories anonymised after it. Werksessies from before have no code: they are
    closed until the facilitator opens them again (fail closed)."""
    for statement in (
        "ALTER TABLE workshops ADD COLUMN join_code VARCHAR(16)",
        "ALTER TABLE workshops ADD COLUMN code_until TIMESTAMP",
        "CREATE UNIQUE INDEX ix_workshops_join_code ON workshops (join_code)",
        "ALTER TABLE stories ADD COLUMN anonymised TIMESTAMP",
    ):
        conn.execute(sa.text(statement))
    meta = sa.MetaData()
    sa.Table(
        "audit_log",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("who", sa.String(254), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("dataset", sa.String(16), nullable=False, index=True),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("detail", sa.String(500), nullable=False, server_default=""),
    )
    sa.Table(
        "dataset_settings",
        meta,
        sa.Column("dataset", sa.String(16), primary_key=True),
        sa.Column("retention_months", sa.Integer, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    meta.create_all(conn)


def _008_datasets(conn: Connection) -> None:
    """Gemeenten in the database (used when WIJK_DATABASE_URL is set: stories.dataset_store):
    a row per gemeente with its version, and its parts as the data directory holds them."""
    meta = sa.MetaData()
    sa.Table(
        "datasets",
        meta,
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("info", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    sa.Table(
        "dataset_parts",
        meta,
        sa.Column(
            "dataset", sa.String(16), sa.ForeignKey("datasets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )  # fmt: skip
    meta.create_all(conn)


def _009_agenda(conn: Connection) -> None:
    """The buurtagenda: afspraken per buurt or wijk, and the log of what happened to each."""
    meta = sa.MetaData()
    sa.Table(
        "agenda",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dataset", sa.String(16), nullable=False, index=True),
        sa.Column("area", sa.String(10), nullable=False, index=True),  # BU… or WK…
        sa.Column("themes", sa.String(200), nullable=False),  # ";jeugd;ontmoeting;"
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("why", sa.Text, nullable=False, server_default=""),
        sa.Column("grounds", sa.Text, nullable=False, server_default=""),
        sa.Column("who", sa.String(200), nullable=False, server_default=""),
        sa.Column("initiative_id", sa.String(36), nullable=False, server_default=""),
        sa.Column("wijkteam_role", sa.String(12), nullable=False),
        sa.Column("start_date", sa.Date),
        sa.Column("contact_date", sa.Date),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("origin_ref", sa.String(100), nullable=False, server_default=""),
        sa.Column("year", sa.Integer),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    sa.Table(
        "agenda_log",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "agenda_id", sa.String(36), sa.ForeignKey("agenda.id", ondelete="CASCADE"),
            nullable=False, index=True,
        ),
        sa.Column("dataset", sa.String(16), nullable=False, index=True),
        sa.Column("at", sa.Date, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("with_whom", sa.String(200), nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False),
    )  # fmt: skip
    meta.create_all(conn)


def _010_werkgroep(conn: Connection) -> None:
    """Sign-ups for the werkgroep of an afspraak or a dream, from a werksessie phone: a first
    name and, with explicit consent, a phone number or e-mail address (personal data: only
    medewerkers read it, every view is logged, the bewaartermijn removes it)."""
    meta = sa.MetaData()
    sa.Table(
        "werkgroep",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dataset", sa.String(16), nullable=False, index=True),
        sa.Column("workshop_id", sa.String(36), index=True),
        sa.Column("target_kind", sa.String(10), nullable=False),  # afspraak or droom
        sa.Column("target_id", sa.String(36), nullable=False, index=True),
        sa.Column("first_name", sa.String(40), nullable=False),
        sa.Column("contact", sa.String(254), nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False, index=True),
    )
    meta.create_all(conn)


def _011_demo_agenda(conn: Connection) -> None:
    """The fictional demo gemeente's buurtagenda, so Vieren and Terugblik show something."""
    from stories.demo import demo_agenda

    afspraken, log = demo_agenda()

    def day(text: str) -> date | None:
        return date.fromisoformat(text) if text else None

    rows = [
        {
            **a, "dataset": "GM9999", "themes": ";" + a["themes"] + ";",
            "start_date": day(a["start_date"]), "contact_date": day(a["contact_date"]),
            "year": int(a["year"]), "created": datetime.fromisoformat(a["created"]),
            "updated": datetime.fromisoformat(a["created"]),
        }
        for a in afspraken.to_dict("records")
    ]  # fmt: skip
    conn.execute(sa.insert(sa.table("agenda", *(sa.column(c) for c in rows[0]))), rows)
    lines = [
        {**e, "dataset": "GM9999", "at": day(e["at"]),
         "created": datetime.combine(day(e["at"]), datetime.min.time())}
        for e in log.to_dict("records")
    ]  # fmt: skip
    conn.execute(
        sa.insert(sa.table("agenda_log", *(sa.column(c) for c in lines[0]))), lines
    )


def _012_network(conn: Connection) -> None:
    """The buurt's network (partners and vindplaatsen as points), and on a story of kind
    talent the dream it offers to help with (`helps`, a story id; empty when none)."""
    meta = sa.MetaData()
    sa.Table(
        "network",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dataset", sa.String(16), nullable=False, index=True),
        sa.Column("soort", sa.String(12), nullable=False),  # partner or vindplaats
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("offers", sa.String(200), nullable=False, server_default=""),
        sa.Column("themes", sa.String(200), nullable=False, server_default=""),
        sa.Column("buurtcodes", sa.Text, nullable=False),  # ";BU…;BU…;"
        sa.Column("address", sa.String(200), nullable=False, server_default=""),
        sa.Column("postcode", sa.String(6), nullable=False, server_default=""),
        sa.Column("contact", sa.String(120), nullable=False, server_default=""),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    meta.create_all(conn)
    conn.execute(
        sa.text("ALTER TABLE stories ADD COLUMN helps VARCHAR(36) NOT NULL DEFAULT ''")
    )


def _013_demo_network(conn: Connection) -> None:
    """The demo gemeente's network, and the talents its werksessies brought."""
    from stories.demo import demo_network, demo_talents

    now = datetime(2025, 5, 1, 9, 0)
    items = [
        {
            **n, "dataset": "GM9999", "created": now, "updated": now,
            **{c: (";" + ";".join(n[c]) + ";" if n[c] else "") for c in
               ("offers", "themes", "buurtcodes")},
        }
        for n in demo_network().to_dict("records")
    ]  # fmt: skip
    conn.execute(
        sa.insert(sa.table("network", *(sa.column(c) for c in items[0]))), items
    )
    talents = [
        {
            **t, "dataset": "GM9999", "themes": ";" + ";".join(t["themes"]) + ";",
            "date": date.fromisoformat(t["date"]), "lon": None, "lat": None,
            "consent": True, "created": datetime.fromisoformat(t["created"]),
            "updated": datetime.fromisoformat(t["updated"]),
        }
        for t in demo_talents().to_dict("records")
    ]  # fmt: skip
    conn.execute(
        sa.insert(sa.table("stories", *(sa.column(c) for c in talents[0]))), talents
    )


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "verhalen", _001_stories),
    (2, "verhalen van de voorbeeldgemeente", _002_demo_stories),
    (3, "initiatieven", _003_initiatives),
    (4, "initiatieven van de voorbeeldgemeente", _004_demo_initiatives),
    (5, "afspraken uit het focusgesprek", _005_agreements),
    (6, "werksessies", _006_workshops),
    (7, "toegang: deelnamecodes, logboek, bewaartermijn", _007_access),
    (8, "gemeenten in de database", _008_datasets),
    (9, "buurtagenda", _009_agenda),
    (10, "aanmeldingen voor werkgroepen", _010_werkgroep),
    (11, "buurtagenda van de voorbeeldgemeente", _011_demo_agenda),
    (12, "netwerk: partners en vindplaatsen; talenten", _012_network),
    (13, "netwerk en talenten van de voorbeeldgemeente", _013_demo_network),
]


def schema_status(url: str | None = None) -> tuple[bool, str]:
    """(ready, a Dutch sentence): is the database reachable, with every migration applied?
    Reads only: a check never changes the database."""
    url = database_url(url)
    latest = MIGRATIONS[-1][0]
    args = {} if url.startswith("sqlite") else {"connect_timeout": 5}
    engine = sa.create_engine(url, connect_args=args)
    try:
        with engine.connect() as conn:
            current = 0
            if sa.inspect(conn).has_table("schema_version"):
                current = (
                    conn.execute(
                        sa.text("SELECT MAX(version) FROM schema_version")
                    ).scalar()
                    or 0
                )
    except sa.exc.SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        return False, f"De database is niet bereikbaar: {reason}"
    finally:
        engine.dispose()
    if current != latest:
        return False, (
            f"De database staat op migratie {current}, deze versie van de app verwacht "
            f"{latest}. Start de app (of een cli.py-opdracht) eenmaal om bij te werken."
        )
    return True, f"Database bereikbaar, migraties bij (versie {latest})."


def migrate(engine: Engine) -> int:
    """Apply the migrations this database lacks, each in its own transaction; return the version."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT)"
            )
        )
    version = 0
    for number, name, step in MIGRATIONS:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":  # one migrator at a time
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7260001)"))
            done = conn.execute(
                sa.text("SELECT 1 FROM schema_version WHERE version = :v"),
                {"v": number},
            ).first()
            if not done:
                step(conn)
                conn.execute(
                    sa.text(
                        "INSERT INTO schema_version (version, name) VALUES (:v, :n)"
                    ),
                    {"v": number, "n": name},
                )
        version = number
    return version
