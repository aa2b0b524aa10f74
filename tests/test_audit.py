"""The audit log, the role check on every write, the bewaartermijn and join codes: on SQLite
and on PostgreSQL."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from stories.audit import Actor, AuditLog
from stories.db import make_engine
from stories.errors import StoreError
from stories.exchange import import_stories
from stories.retention import DEFAULT_MONTHS, Retention, cutoff
from stories.store import StoryFilter, StoryStore
from stories.validation import StoryIn
from stories.workshop import CODE_ALPHABET, WorkshopStore, normalise_code
from tests.conftest import TESTER

GM = "GM0001"
CODES = {"BU00010001", "BU00010002"}
TODAY = date(2026, 12, 1)
ANNE = Actor("medewerker", "anne@gemeente.nl")


@pytest.fixture
def engine(database_url):
    made = make_engine(database_url)
    yield made
    made.dispose()


def story(text="De buren helpen elkaar.", when=date(2026, 5, 4), **extra) -> StoryIn:
    fields = dict(
        buurtcode="BU00010001", kind="kracht", themes=["ontmoeting"], text=text,
        source="gesprek", voice="bewoner", date=when, title="Buren", lon=5.47,
        lat=51.44, consent=True,
    )  # fmt: skip
    return StoryIn(**{**fields, **extra})


def log(engine) -> list[tuple]:
    lines = AuditLog(engine).entries(GM)
    return list(
        lines[["rol", "wie", "wat", "aantal"]].itertuples(index=False, name=None)
    )[::-1]  # oldest first


def test_every_write_is_logged_with_who_and_how_many(engine):
    store = StoryStore(engine, ANNE)
    first = store.add(GM, story())
    store.update(first, story("De buren helpen elkaar, ook 's nachts."))
    data = "buurtcode;soort;thema;tekst;datum;toestemming\n" + "".join(
        f"BU00010002;zorg;veiligheid;Verhaal {n};2026-01-0{n};ja\n" for n in (1, 2, 3)
    )
    import_stories(store, GM, data.encode(), "v.csv", CODES)
    StoryStore(engine, TESTER).delete(first)
    AuditLog(engine).write(ANNE, "exported", GM, 3, "verhalen")
    AuditLog(engine).write(ANNE, "viewed", GM, 3, "Vertellen: verhalen")
    assert log(engine) == [
        ("medewerker", "anne@gemeente.nl", "toegevoegd", 1),
        ("medewerker", "anne@gemeente.nl", "gewijzigd", 1),
        ("medewerker", "anne@gemeente.nl", "ingelezen", 3),
        ("beheerder", "test", "verwijderd", 1),
        ("medewerker", "anne@gemeente.nl", "uitgevoerd", 3),
        ("medewerker", "anne@gemeente.nl", "verhalen bekeken", 3),
    ]
    lines = AuditLog(engine).entries(GM)
    assert f"verhaal {first}" in set(lines["toelichting"])  # the id, never the text
    assert not lines["toelichting"].str.contains("buren", case=False).any()
    assert AuditLog(engine).entries("GM0002").empty
    assert len(AuditLog(engine).entries(GM, since=date.today() + timedelta(1))) == 0


@pytest.mark.parametrize(
    "role, may_add, may_delete",
    [("lezer", False, False), ("medewerker", True, False), ("beheerder", True, True)],
)
def test_the_store_checks_the_role_whatever_the_page_shows(
    engine, role, may_add, may_delete
):
    existing = StoryStore(engine, TESTER).add(GM, story())
    store = StoryStore(engine, Actor(role, "x@gemeente.nl"))
    for may, action in (
        (may_add, lambda: store.add(GM, story("Nog een."))),
        (may_add, lambda: store.update(existing, story("Anders."))),
        (may_delete, lambda: store.delete(existing)),
    ):
        before = StoryStore(engine).query(GM)[["id", "text"]].to_dict("records")
        if may:
            action()
        else:
            with pytest.raises(StoreError, match="mag je niet"):
                action()
            assert (
                StoryStore(engine).query(GM)[["id", "text"]].to_dict("records")
                == before
            )
    with pytest.raises(ValueError):  # no actor: reads, never writes
        StoryStore(engine).add(GM, story())


def test_a_failed_write_leaves_no_log_line(engine):
    store = StoryStore(engine, ANNE)
    with pytest.raises(StoreError):
        store.add_many(GM, [story(), story(text=None)])  # NOT NULL on both
    assert log(engine) == [] and store.count(GM) == 0


def test_a_story_can_be_found_by_its_id(engine):
    store = StoryStore(engine, ANNE)
    wanted = store.add(GM, story("Iets heel anders."))
    store.add(GM, story())
    (found,) = store.query(GM, StoryFilter(text=f" {wanted.upper()} "))["id"]
    assert found == wanted


# --- the bewaartermijn -------------------------------------------------------------------


def counts(engine):
    frame = StoryStore(engine).query(GM).explode("themes")
    return frame.groupby(["buurtcode", "themes", "kind"]).size().to_dict()


def test_retention_anonymises_exactly_the_stories_past_the_term(engine):
    store = StoryStore(engine, ANNE)
    edge = cutoff(TODAY, DEFAULT_MONTHS)
    assert edge == date(2024, 12, 1)
    old = store.add(GM, story("Oud verhaal.", edge - timedelta(days=1), kind="zorg"))
    kept = store.add(GM, story("Net binnen de termijn.", edge))
    soon = store.add(GM, story("Bijna.", edge + timedelta(days=20)))
    other = StoryStore(engine, ANNE).add(
        "GM0002", story("Elders, oud.", date(2020, 1, 1))
    )
    before = counts(engine)
    retention = Retention(engine)
    plan = retention.plan(GM, TODAY)
    assert (plan.months, plan.due, plan.next_month) == (24, 1, 2)
    assert retention.apply(GM, TODAY, TESTER) == 1
    stored = StoryStore(engine).query(GM).set_index("id")
    gone = stored.loc[old]
    assert (gone["text"], gone["title"], gone["voice"]) == ("", "", "")
    assert gone[["lon", "lat"]].isna().all() and gone["date"] == date(2024, 11, 1)
    assert pd_notna(gone["anonymised"])
    for untouched in (kept, soon):
        assert stored.loc[untouched, "text"] != "" and not pd_notna(
            stored.loc[untouched, "anonymised"]
        )
    assert counts(engine) == before  # every count per buurt × theme × kind is kept
    assert StoryStore(engine).query("GM0002").set_index("id").loc[other, "text"]
    assert retention.apply(GM, TODAY, TESTER) == 0  # once is enough
    assert log(engine)[-1] == ("beheerder", "test", "geanonimiseerd", 1)


def pd_notna(value) -> bool:
    import pandas as pd

    return bool(pd.notna(value))


def test_retention_term_is_per_gemeente_and_checked(engine):
    retention = Retention(engine)
    store = StoryStore(engine, ANNE)
    store.add(GM, story("Een jaar oud.", date(2025, 11, 1)))
    assert retention.plan(GM, TODAY).due == 0
    retention.set_months(GM, 12, TESTER)
    assert retention.months(GM) == 12 and retention.months("GM0002") == DEFAULT_MONTHS
    assert retention.plan(GM, TODAY).due == 1
    retention.set_months(GM, 6, TESTER)  # a second change updates, not duplicates
    assert retention.months(GM) == 6
    for wrong in (0, 121):
        with pytest.raises(StoreError, match="1 tot 120"):
            retention.set_months(GM, wrong, TESTER)
    with pytest.raises(StoreError, match="mag je niet"):
        retention.set_months(GM, 12, ANNE)
    assert [line[2] for line in log(engine)][-2:] == ["instelling gewijzigd"] * 2


def test_start_up_leaves_the_fictional_demo_whole(engine):
    before = StoryStore(engine).query("GM9999")
    assert before["date"].min() < cutoff(TODAY, DEFAULT_MONTHS)  # it has old stories
    StoryStore(engine, ANNE).add(GM, story("Oud.", date(2020, 1, 1)))
    assert Retention(engine).apply_everywhere(TODAY, TESTER) == {GM: 1}
    assert (
        StoryStore(engine).query("GM9999")["text"].tolist() == before["text"].tolist()
    )


# --- join codes ----------------------------------------------------------------------------


def test_join_codes_are_random_and_end_with_the_werksessie(engine):
    store = WorkshopStore(engine, ANNE)
    made = [store.create(GM, f"Sessie {n}") for n in range(20)]
    codes = {w.join_code for w in made}
    assert len(codes) == 20
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert all(w.id not in w.join_code for w in made)
    first = made[0]
    assert store.by_code(first.code_display.lower()).id == first.id
    assert store.by_code(first.id) is None and store.by_code("") is None
    entry = story("Een moestuin.", date.today(), kind="droom")
    dream = store.add_entry(first, entry)
    store.end(first.id)
    assert store.by_code(first.join_code) is None
    with pytest.raises(StoreError, match="afgelopen"):
        store.add_entry(first, entry)
    with pytest.raises(StoreError, match="afgelopen"):
        store.vote(first, "p1", dream)
    reopened = store.reopen(first.id)
    assert reopened.join_code != first.join_code and reopened.is_open()
    assert store.by_code(first.join_code) is None
    assert store.by_code(reopened.join_code).id == first.id
    later = datetime.now() + timedelta(hours=25)
    assert not reopened.is_open(later)  # a code lasts a day at most
    assert normalise_code(" k7qf-m2xp ") == "K7QFM2XP"


def test_a_participant_adds_but_does_not_run_the_werksessie(engine):
    made = WorkshopStore(engine, ANNE).create(GM, "Buurtavond")
    phone = WorkshopStore(engine, Actor("deelnemer", "deelnemer"))
    phone.add_entry(made, story("Een bankje.", date.today(), kind="droom"))
    for action in (
        lambda: phone.create(GM, "Eigen sessie"),
        lambda: phone.end(made.id),
        lambda: phone.update(made.id, privacy_safe=False),
    ):
        with pytest.raises(StoreError, match="mag je niet"):
            action()
    assert ("deelnemer", "deelnemer", "toegevoegd", 1) in log(engine)
    with engine.connect() as conn:
        (safe,) = conn.execute(
            sa.text("SELECT privacy_safe FROM workshops WHERE id = :i"), {"i": made.id}
        ).one()
    assert safe
