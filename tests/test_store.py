"""The story store, on SQLite and on PostgreSQL: the same tests for both."""

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from stories.db import MIGRATIONS, make_engine, migrate
from stories.demo import demo_stories, demo_talents
from stories.errors import StoreError
from stories.store import StoryFilter, StoryStore
from stories.validation import StoryIn
from tests.conftest import TESTER

CODES = ["BU99990201", "BU99990202", "BU99990301"]


def story(text="De buren helpen elkaar.", **change) -> StoryIn:
    values = dict(
        buurtcode="BU99990201", kind="kracht", themes=["ontmoeting"], text=text,
        source="gesprek", voice="bewoner", date=date(2025, 3, 1), consent=True,
    )  # fmt: skip
    return StoryIn(**{**values, **change})


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    yield StoryStore(engine, TESTER)
    engine.dispose()


def test_migrations_are_applied_once(database_url):
    engine = make_engine(database_url)
    assert migrate(engine) == MIGRATIONS[-1][0]  # again: nothing new, no error
    with engine.connect() as conn:
        versions = (
            conn.execute(sa.text("SELECT version FROM schema_version")).scalars().all()
        )
    assert versions == [m[0] for m in MIGRATIONS]
    # the demo's stories and its werksessies' talents, seeded once
    told = len(demo_stories()) + len(demo_talents())
    assert StoryStore(engine).count("GM9999") == told
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_add_query_update_delete(store):
    first = store.add("GM0001", story())
    store.add("GM0001", story("Te hard rijden bij de school.", kind="zorg", themes=["veiligheid", "jeugd"],
                              buurtcode="BU99990202", date=date(2025, 4, 1)))  # fmt: skip
    store.add("GM0772", story("Elders."))
    rows = store.query("GM0001")
    assert len(rows) == 2 and store.count("GM0001") == 2
    assert rows["text"].iloc[0] == "Te hard rijden bij de school."  # newest first
    assert rows["themes"].iloc[0] == ["veiligheid", "jeugd"]
    assert rows["date"].iloc[0] == date(
        2025, 4, 1
    )  # a date on both databases, not text
    store.update(first, story("De buren helpen elkaar, ook 's nachts.", kind="kracht"))
    assert (
        "'s nachts"
        in store.query("GM0001", StoryFilter(kinds=["kracht"]))["text"].item()
    )
    store.delete(first)
    assert store.count("GM0001") == 1
    with pytest.raises(StoreError, match="bestaat niet"):
        store.delete(first)
    with pytest.raises(StoreError, match="bestaat niet"):
        store.update(first, story())


@pytest.mark.parametrize(
    "where, expected",
    [
        (StoryFilter(), 4),
        (StoryFilter(buurtcodes=["BU99990301"]), 1),
        (StoryFilter(kinds=["zorg", "droom"]), 3),
        (StoryFilter(themes=["jeugd"]), 2),  # a story with two themes counts for each
        (StoryFilter(themes=["taal"]), 0),
        (StoryFilter(sources=["werksessie"]), 1),
        (StoryFilter(voices=["professional"]), 1),
        (StoryFilter(since=date(2025, 2, 1), until=date(2025, 3, 31)), 2),
        (StoryFilter(text="SCHOOL"), 1),  # case-insensitive
        (StoryFilter(kinds=["zorg"], themes=["jeugd"]), 1),
    ],
)
def test_filters(store, where, expected):
    store.add_many("GM0001", [
        story(date=date(2025, 1, 10)),
        story("Te hard rijden bij de school.", kind="zorg", themes=["veiligheid", "jeugd"], date=date(2025, 2, 2)),
        story("Een speeltuin voor pubers.", kind="droom", themes=["jeugd"], source="werksessie", date=date(2025, 3, 3)),
        story("Veel eenzame ouderen.", kind="zorg", buurtcode="BU99990301", voice="professional", date=date(2025, 4, 4)),
    ])  # fmt: skip
    assert len(store.query("GM0001", where)) == expected


def test_a_failing_batch_writes_nothing(store):
    store.add("GM0001", story())
    bad = [story(f"Verhaal {i}") for i in range(50)] + [
        story(kind=None)
    ]  # NOT NULL violated
    with pytest.raises(StoreError, match="niets bewaard"):
        store.add_many("GM0001", bad)
    assert store.count("GM0001") == 1


def test_ten_concurrent_writers_lose_nothing(database_url):
    engines = [make_engine(database_url) for _ in range(10)]
    errors = []

    def write(n: int) -> None:
        try:
            store = StoryStore(engines[n], TESTER)
            for i in range(20):
                store.add("GM0001", story(f"Schrijver {n}, verhaal {i}"))
        except Exception as exc:  # noqa: BLE001 (collected and reported below)
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    texts = StoryStore(engines[0]).query("GM0001")["text"]
    assert len(texts) == 200 and texts.is_unique
    for engine in engines:
        engine.dispose()


def test_unreachable_database_gets_a_dutch_message():
    with pytest.raises(StoreError, match="niet bereikbaar"):
        make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
