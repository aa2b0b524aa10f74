"""Werksessies: the store (entries, dot-voting, choosing a dream) on SQLite and PostgreSQL,
the projector's rules (summary, stepping, privacy-safe hiding, ranking) and the join address."""

import threading
from datetime import date, datetime

import pandas as pd
import pytest

from analysis.signals import dataset_signals
from analysis.workshop import (
    buurt_summary,
    hidden_buurten,
    rank_dreams,
    step,
    step_order,
)
from stories.db import make_engine
from stories.errors import StoreError
from stories.initiatives import InitiativeIn, InitiativeStore
from stories.store import StoryStore
from stories.validation import StoryIn
from stories.workshop import WorkshopStore, check_settings
from tests.conftest import TESTER
from ui.workshop import feed_html, participant_url, ranking_html, short_address

GM = "GM9999"


def entry(title="Een moestuin", kind="droom", buurt="BU99990101", **change) -> StoryIn:
    values = dict(
        buurtcode=buurt, kind=kind, themes=["ontmoeting"], text=title, source="werksessie",
        voice="bewoner", date=date(2025, 3, 1), title=title, consent=True,
    )  # fmt: skip
    return StoryIn(**{**values, **change})


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine):
    return WorkshopStore(engine, TESTER)


# --- the store ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, votes, minimum, message",
    [
        ("", 3, 5, "Geef de werksessie een naam"),
        ("x" * 121, 3, 5, "te lang"),
        ("Avond", 0, 5, "1 tot 10 stippen"),
        ("Avond", 11, 5, "1 tot 10 stippen"),
        ("Avond", 3, 0, "tussen 1 en 50"),
    ],
)
def test_settings_get_a_dutch_message(name, votes, minimum, message):
    assert any(message in e for e in check_settings(name, votes, minimum))


def test_valid_settings_pass():
    assert check_settings("Buurtavond Noord", 3, 5) == []


def test_create_get_list_update(store):
    first = store.create(GM, "Avond één", 3, 5)
    second = store.create(GM, "Avond twee", 5, 2, privacy_safe=False)
    store.create("GM0772", "Elders")
    assert store.get(first.id) == first
    assert {w.id for w in store.list(GM)} == {first.id, second.id}
    store.update(
        first.id, privacy_safe=False, min_stories=8, current_buurt="BU99990101"
    )
    changed = store.get(first.id)
    assert (changed.privacy_safe, changed.min_stories, changed.current_buurt) == (
        False, 8, "BU99990101",
    )  # fmt: skip
    with pytest.raises(StoreError, match="bestaat niet"):
        store.update("nope", privacy_safe=True)
    with pytest.raises(StoreError, match="naam"):
        store.create(GM, "  ")
    assert store.get("nope") is None


def test_entries_are_stories_with_source_werksessie(store, engine):
    workshop = store.create(GM, "Avond")
    other = store.create(GM, "Andere avond")
    told = store.add_entry(workshop, entry("Moestuin"))
    store.add_entry(other, entry("Elders verteld"))
    rows = store.entries(workshop.id)
    assert rows["id"].tolist() == [told]
    assert rows.iloc[0]["source"] == "werksessie" and rows.iloc[0]["votes"] == 0
    # The same story is in the shared store: the Vertellen page and the analysis see it.
    stored = StoryStore(engine).query(GM)
    assert told in set(stored["id"]) and "Elders verteld" in set(stored["text"])


def test_dots_are_limited_per_participant(store):
    workshop = store.create(GM, "Avond", votes_each=3)
    dream = store.add_entry(workshop, entry("Moestuin"))
    other = store.add_entry(workshop, entry("Speeltuin"))
    assert store.vote(workshop, "p1", dream) == 2
    assert store.vote(workshop, "p1", dream) == 1  # two dots on one dream is allowed
    assert store.vote(workshop, "p1", other) == 0
    with pytest.raises(StoreError, match="al je 3 stippen"):
        store.vote(workshop, "p1", other)
    assert store.vote(workshop, "p2", other) == 2  # another participant has their own
    store.unvote(workshop, "p1", dream)
    assert store.dots_of(workshop.id, "p1") == {dream: 1, other: 1}
    assert store.vote(workshop, "p1", other) == 0  # the freed dot can be used again
    with pytest.raises(StoreError, match="geen stip"):
        store.unvote(workshop, "p2", dream)
    counts = store.entries(workshop.id).set_index("id")["votes"]
    assert counts[dream] == 1 and counts[other] == 3
    assert store.voters(workshop.id) == 2


def test_a_reopened_werksessie_refuses_the_old_code(store):
    """A phone that joined before *Opnieuw openen* holds the old code: dead at once."""
    before = store.create(GM, "Avond")
    dream = store.add_entry(before, entry())
    store.vote(before, "p1", dream)
    store.end(before.id)
    after = store.reopen(before.id)
    assert after.join_code != before.join_code
    assert store.by_code(before.join_code) is None
    for action in (
        lambda: store.vote(before, "p1", dream),
        lambda: store.unvote(before, "p1", dream),
        lambda: store.add_entry(before, entry("Nog een")),
    ):
        with pytest.raises(StoreError, match="nieuwe code"):
            action()
    assert store.dots_of(before.id, "p1") == {dream: 1}
    assert len(store.entries(before.id)) == 1
    assert store.vote(after, "p1", dream) == 1  # the new code works


def test_only_dreams_of_this_workshop_take_dots(store):
    workshop = store.create(GM, "Avond")
    elsewhere = store.create(GM, "Elders")
    strength = store.add_entry(workshop, entry("Mooi park", kind="kracht"))
    foreign = store.add_entry(elsewhere, entry("Andere droom"))
    with pytest.raises(StoreError, match="Alleen op dromen"):
        store.vote(workshop, "p1", strength)
    with pytest.raises(StoreError, match="hoort niet"):
        store.vote(workshop, "p1", foreign)
    assert store.dots_of(workshop.id, "p1") == {}


def test_deleting_a_story_removes_its_entry_and_dots(store, engine):
    workshop = store.create(GM, "Avond")
    dream = store.add_entry(workshop, entry())
    store.vote(workshop, "p1", dream)
    StoryStore(engine, TESTER).delete(dream)
    assert store.entries(workshop.id).empty
    assert store.dots_of(workshop.id, "p1") == {}


def test_chosen_dream_becomes_an_idee_initiative_once(store, engine):
    workshop = store.create(GM, "Avond")
    dream = store.add_entry(workshop, entry("Moestuin bij de school"))
    plan = InitiativeIn(
        "Moestuin bij de school", ["BU99990101"], ["ontmoeting"], "idee",
        wijkteam_role="stimuleren",
    )  # fmt: skip
    made = store.choose(workshop, dream, plan)
    saved = InitiativeStore(engine).query(GM).set_index("id").loc[made]
    assert (saved["name"], saved["phase"]) == ("Moestuin bij de school", "idee")
    assert store.entries(workshop.id).iloc[0]["initiative_id"] == made
    before = InitiativeStore(engine).count(GM)
    with pytest.raises(StoreError, match="al gekozen"):
        store.choose(workshop, dream, plan)
    assert InitiativeStore(engine).count(GM) == before  # nothing half-written


def at_once(action, count: int) -> None:
    """Run action(0) … action(count - 1) in parallel threads and wait for all of them."""
    threads = [threading.Thread(target=action, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_concurrent_taps_never_exceed_the_dots(database_url):
    """Twelve taps of one participant at the same moment: exactly three dots land."""
    engines = [make_engine(database_url) for _ in range(12)]
    store = WorkshopStore(engines[0], TESTER)
    workshop = store.create(GM, "Avond", votes_each=3)
    dream = store.add_entry(workshop, entry())
    outcomes, unexpected = [], []

    def tap(n: int) -> None:
        try:
            WorkshopStore(engines[n], TESTER).vote(workshop, "p1", dream)
            outcomes.append("stip")
        except StoreError as exc:
            outcomes.append(str(exc))
        except Exception as exc:  # noqa: BLE001 (reported below)
            unexpected.append(exc)

    at_once(tap, 12)
    assert unexpected == []
    assert outcomes.count("stip") == 3
    assert store.dots_of(workshop.id, "p1") == {dream: 3}
    for e in engines:
        e.dispose()


def test_thirty_participants_at_once_lose_nothing(database_url):
    engines = [make_engine(database_url) for _ in range(30)]
    store = WorkshopStore(engines[0], TESTER)
    workshop = store.create(GM, "Drukke avond")
    problems = []

    def participate(n: int) -> None:
        try:
            mine = WorkshopStore(engines[n], TESTER)
            dream = mine.add_entry(workshop, entry(f"Droom van deelnemer {n}"))
            mine.vote(workshop, f"p{n}", dream)
        except Exception as exc:  # noqa: BLE001 (reported below)
            problems.append(exc)

    at_once(participate, 30)
    assert problems == []
    rows = store.entries(workshop.id)
    assert len(rows) == 30 and rows["title"].is_unique
    assert rows["votes"].sum() == 30 and store.voters(workshop.id) == 30
    for e in engines:
        e.dispose()


# --- the projector's rules ------------------------------------------------------------------


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def test_hidden_buurten_have_fewer_stories_than_the_minimum():
    told = frame([{"buurtcode": c} for c in ["A", "A", "A", "B", "B"]])
    assert hidden_buurten(told, ["A", "B", "C"], 3) == {"B", "C"}
    assert hidden_buurten(told, ["A", "B", "C"], 1) == {"C"}
    assert hidden_buurten(told.iloc[0:0], ["A"], 1) == {"A"}


def test_step_order_goes_wijk_by_wijk_and_round():
    buurten = frame([
        {"buurtcode": "B2", "buurtnaam": "Zuid", "wijknaam": "Beek"},
        {"buurtcode": "A1", "buurtnaam": "Oost", "wijknaam": "Akker"},
        {"buurtcode": "B1", "buurtnaam": "Noord", "wijknaam": "Beek"},
    ])  # fmt: skip
    order = step_order(buurten)
    assert order == ["A1", "B1", "B2"]
    assert step_order(buurten, {"B1"}) == ["A1", "B2"]
    assert step(order, "A1", 1) == "B1"
    assert step(order, "B2", 1) == "A1"  # round again
    assert step(order, "A1", -1) == "B2"
    assert step(order, "gone", 1) == "A1"  # hidden meanwhile: start at the first
    assert step([], "A1", 1) is None


def test_ranking_shares_places_and_keeps_arrival_order():
    at = datetime(2025, 3, 1, 20, 0)
    entries = frame([
        {"id": "a", "kind": "droom", "votes": 2, "created": at.replace(minute=5)},
        {"id": "b", "kind": "droom", "votes": 5, "created": at.replace(minute=9)},
        {"id": "c", "kind": "droom", "votes": 2, "created": at.replace(minute=1)},
        {"id": "d", "kind": "kracht", "votes": 0, "created": at},
        {"id": "e", "kind": "droom", "votes": 0, "created": at},
    ])  # fmt: skip
    ranked = rank_dreams(entries)
    assert ranked["id"].tolist() == ["b", "c", "a", "e"]
    assert ranked["place"].tolist() == [1, 2, 2, 4]


def test_summary_speaks_of_figures_stories_and_initiatives(demo, catalogue):
    _, signals = dataset_signals(demo, demo.years[-1], catalogue)
    # A buurt whose figures call for attention, so the order figures-then-stories shows.
    code = signals.loc[signals["signal"] == "aandacht", "buurtcode"].mode()[0]
    buurt = demo.buurten.loc[demo.buurten["buurtcode"] == code].iloc[0]
    told = frame([
        {"buurtcode": code, "kind": "zorg", "themes": ["veiligheid"]},
        {"buurtcode": code, "kind": "zorg", "themes": ["veiligheid", "jeugd"]},
        {"buurtcode": code, "kind": "kracht", "themes": ["ontmoeting"]},
        {"buurtcode": "BU99990101", "kind": "kracht", "themes": ["jeugd"]},
    ])  # fmt: skip
    initiatives = frame([
        {"name": "Koffieochtend", "buurtcodes": [code], "phase": "actief"},
        {"name": "Oud plan", "buurtcodes": [code], "phase": "gestopt"},
        {"name": "Elders", "buurtcodes": ["BU99990101"], "phase": "actief"},
    ])  # fmt: skip
    s = buurt_summary(buurt, "2.380", signals, told, initiatives, catalogue)
    assert s.intro.startswith(
        f"{buurt['buurtnaam']} ligt in wijk {buurt['wijknaam']} en heeft 2.380 inwoners."
    )
    assert "3 verhalen: 1 kracht, 2 zorgen en 0 dromen" in s.intro
    assert "Bewoners maken zich zorgen over veiligheid (2 verhalen)" in s.zorgen
    assert (
        "Bewoners vertellen over ontmoeting & eenzaamheid als kracht (1 verhaal)"
        in (s.krachten)
    )
    assert len(s.krachten) <= 3 and len(s.zorgen) <= 3
    # Figures come first: the buurt's strongest 'aandacht' signal leads the zorgen.
    sig = signals[(signals["buurtcode"] == code) & (signals["signal"] == "aandacht")]
    assert not sig.empty and s.zorgen[0].split(":")[0] in {
        catalogue[i].label for i in sig["indicator"]
    }
    assert s.initiatives == ["Koffieochtend (actief)"]  # stopped and elsewhere left out


def test_summary_of_a_silent_buurt(demo, catalogue):
    _, signals = dataset_signals(demo, demo.years[-1], catalogue)
    code = demo.buurten["buurtcode"].iloc[0]
    buurt = demo.buurten.loc[demo.buurten["buurtcode"] == code].iloc[0]
    empty = frame([{"buurtcode": "x", "kind": "zorg", "themes": []}]).iloc[0:0]
    nothing = frame([{"name": "x", "buurtcodes": [], "phase": "actief"}]).iloc[0:0]
    s = buurt_summary(buurt, None, signals, empty, nothing, catalogue)
    assert "nog geen verhalen" in s.intro and "inwoners" not in s.intro
    assert s.initiatives == []


# --- the address for participants -----------------------------------------------------------


@pytest.mark.parametrize(
    "page_url, base, expected_root",
    [
        ("http://localhost:8501/werksessie", "", "http://10.0.0.7:8501/doemee"),
        ("http://127.0.0.1:8501/werksessie", "", "http://10.0.0.7:8501/doemee"),
        ("http://192.168.1.20:8501/werksessie", "", "http://192.168.1.20:8501/doemee"),
        (
            "https://wijk.example.nl/tv/werksessie",
            "tv",
            "https://wijk.example.nl/tv/doemee",
        ),
        (None, "", "http://10.0.0.7:8501/doemee"),
    ],
)
def test_participant_url_is_reachable_from_the_room(page_url, base, expected_root):
    url = participant_url(page_url, "10.0.0.7", 8501, base, "K7QFM2XP")
    assert url == f"{expected_root}?code=K7QFM2XP"
    assert short_address(url) == expected_root.split("://")[1]


def test_projector_feed_shows_the_newest_and_keeps_longer_text_back_when_safe():
    entries = pd.DataFrame(
        {
            "kind": ["zorg", "droom", "kracht"],
            "buurtcode": ["BU1", "BU2", "BU3"],
            "title": ["Te hard <b>rijden</b>", "Moestuin", "Buurthuis"],
            "text": [
                "Te hard rijden bij de school, elke ochtend",
                "Moestuin",
                "Buurthuis",
            ],
        }
    )
    where = {"BU1": "Centrum", "BU2": "Noord", "BU3": "Zuid"}.get
    open_view = feed_html(entries, 2, where, privacy_safe=False)
    assert "Net binnen (3)" in open_view  # all counted, the newest two shown
    assert "Centrum" in open_view and "Noord" in open_view and "Zuid" not in open_view
    assert "elke ochtend" in open_view
    assert (
        "<b>rijden</b>" not in open_view and "&lt;b&gt;rijden" in open_view
    )  # escaped
    safe = feed_html(entries, 2, where, privacy_safe=True)
    assert "elke ochtend" not in safe and "Te hard" in safe
    assert "Nog niets binnen" in feed_html(entries.head(0), 5, where, False)


def test_projector_ranking_marks_the_chosen_dream_and_scales_its_bars():
    dreams = pd.DataFrame(
        {
            "place": [1, 2],
            "title": ["Moestuin", ""],
            "text": [
                "Moestuin",
                "Een bankje bij de vijver, voor iedereen die even wil zitten",
            ],
            "buurtcode": ["BU1", "BU2"],
            "votes": [4, 2],
            "initiative_id": ["i1", None],
        }
    )
    shown = ranking_html(dreams, 10, lambda code: f"buurt {code}")
    first, second = shown.split('class="ws-rank"')[1:]
    assert "Moestuin" in first and "✓ gekozen" in first and "width:28.0%" in first
    assert "Een bankje bij de vijver" in second and "gekozen" not in second
    assert "width:14.0%" in second  # half the votes, half the bar
