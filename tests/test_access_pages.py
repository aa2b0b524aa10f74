"""Role × page × action, as AppTest runs: every page for every role. A deelnemer sees nothing
but the phone form; a lezer sees figures and counts but no story text anywhere (pages, map
popups, downloads); deleting and the Data page are for beheerders."""

import io
import zipfile

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.profile_doc
from stories.demo import demo_initiatives, demo_stories, demo_talents

# The stories the demo is seeded with: its stories and its werksessies' talents.
DEMO_TOLD = len(demo_stories()) + len(demo_talents())

APP = "../app.py"
STAFF_PAGES = [
    "overzicht", "kaart", "tellen", "vertellen", "initiatieven", "agenda", "buurtprofiel",
    "werksessie", "data", "uitleg",
]  # fmt: skip
# What a role may open; the rest says it is not for them.
OPENS = {
    "lezer": {
        "overzicht",
        "kaart",
        "tellen",
        "vertellen",
        "initiatieven",
        "agenda",
        "buurtprofiel",
        "uitleg",
    },
    "medewerker": set(STAFF_PAGES) - {"data"},
    "beheerder": set(STAFF_PAGES),
}
# Story texts long enough that finding one on a page means a quote got through.
QUOTES = [t[:40] for t in demo_stories()["text"] if len(t) >= 40]


def dump(at: AppTest) -> str:
    """Everything the page sent to the browser, as text (map scripts and tables too)."""
    parts = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            parts.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    # str(proto) escapes non-ASCII characters; the quotes are compared in both forms.
    text = "\n".join(parts)
    return text + text.encode().decode("unicode_escape", errors="ignore")


def quotes_in(text: str) -> list[str]:
    return [q for q in QUOTES if q in text]


def open_page(role, page, signed_in_as, **state) -> AppTest:
    signed_in_as(role)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != "overzicht":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_a_participant_sees_no_data_on_any_staff_page(page, signed_in_as):
    at = open_page("deelnemer", page, signed_in_as)
    assert [t.value for t in at.title] == ["Alleen voor medewerkers"]
    assert "alleen voor medewerkers" in at.info[0].value
    for kind in (
        "dataframe", "metric", "selectbox", "download_button", "file_uploader",
        "component_instance", "plotly_chart", "tabs",
    ):  # fmt: skip
        assert not at.get(kind), kind
    assert not at.sidebar.children  # no menu, no gemeente choice
    assert not quotes_in(dump(at))
    assert "Voorbeeldstad" not in dump(at)


@pytest.mark.parametrize("role", ["lezer", "medewerker", "beheerder"])
@pytest.mark.parametrize("page", STAFF_PAGES)
def test_each_role_opens_exactly_its_pages(role, page, signed_in_as):
    at = open_page(role, page, signed_in_as)
    denied = [w.value for w in at.warning if "Dit is alleen voor" in w.value]
    if page in OPENS[role]:
        assert not denied and at.title
    else:
        assert denied and not at.dataframe and not at.get("component_instance")
    sidebar = dump_sidebar(at)
    assert "Gemeente" in sidebar and role in sidebar  # who you are, in the sidebar


def dump_sidebar(at: AppTest) -> str:
    return " ".join(str(e.proto) for e in at.sidebar if getattr(e, "proto", None))


@pytest.mark.parametrize("page", sorted(OPENS["lezer"]))
def test_a_lezer_sees_no_quote_anywhere(page, signed_in_as, monkeypatch, downloads):
    documents = []
    original = ui.profile_doc.render_html
    monkeypatch.setattr(
        ui.profile_doc,
        "render_html",
        lambda *a, **k: documents.append(original(*a, **k)) or documents[-1],
    )
    # Even with the story layer switched on by a crafted state, and on a buurt with quotes.
    at = open_page(
        "lezer", page, signed_in_as, kaart_verhalen=True, profiel_buurt="BU99990301"
    )
    assert not quotes_in(dump(at))
    assert not [d for d in at.get("download_button") if "verhalen" in str(d.proto)]
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.key and b.key.startswith("delete_")]
    for make in downloads.values():  # every download a lezer is offered, clicked
        made = make()
        if isinstance(made, str):
            made = made.encode()
        if made.startswith(b"PK"):  # xlsx is zipped: its sheets are text inside
            with zipfile.ZipFile(io.BytesIO(made)) as book:
                made = b"".join(book.read(n) for n in book.namelist())
        # Text, GeoPackage (SQLite keeps text as UTF-8) or an image: the words as bytes.
        assert not [q for q in QUOTES if q.encode() in made]
    for html in documents:  # the buurtprofiel's HTML/PDF download
        assert not quotes_in(html)
    if page == "buurtprofiel":
        assert documents and "krachten" in dump(at)  # counts instead of quotes


def test_the_same_check_finds_quotes_for_a_medewerker(signed_in_as):
    """The quote check above can fail: a medewerker's Vertellen and map do show them."""
    at = open_page("medewerker", "vertellen", signed_in_as)
    assert quotes_in(dump(at))
    at = open_page("medewerker", "kaart", signed_in_as, kaart_verhalen=True)
    assert quotes_in(dump(at))  # in the map's popups


def test_a_lezer_gets_counts_per_theme_and_kind_on_vertellen(signed_in_as):
    at = open_page("lezer", "vertellen", signed_in_as)
    assert not at.tabs  # no add, import or export
    assert "verhalen zelf zijn voor medewerkers" in " ".join(
        c.value for c in at.caption
    )
    (table,) = at.dataframe
    told = pd.concat([demo_stories(), demo_talents()])
    assert int(table.value.to_numpy().sum()) == sum(len(ts) for ts in told["themes"])
    assert at.get("plotly_chart")


@pytest.mark.parametrize(
    "role, tabs, deletes, register",
    [
        ("medewerker", 3, False, True),
        ("beheerder", 3, True, True),
        ("lezer", 0, False, False),
    ],
)
def test_actions_per_role(role, tabs, deletes, register, signed_in_as):
    at = open_page(role, "vertellen", signed_in_as)
    assert len(at.tabs) == tabs
    assert (
        bool([b for b in at.button if b.key and b.key.startswith("delete_")]) == deletes
    )
    assert bool([d for d in at.get("download_button")]) == (tabs > 0)
    at = open_page(role, "initiatieven", signed_in_as, initiatieven_weergave="register")
    views = at.segmented_control(key="initiatieven_weergave").options
    assert any("Register" in v for v in views) == register
    assert any("Netwerk" in v for v in views) == register


def test_stories_are_logged_when_a_medewerker_reads_them(signed_in_as):
    from stories.audit import AuditLog
    from stories.db import make_engine

    at = open_page("medewerker", "vertellen", signed_in_as)
    at.text_input(key="vertellen_zoek").input(
        "buren"
    ).run()  # a rerun: one line per view
    lines = AuditLog(make_engine()).entries("GM9999")
    viewed = lines[lines["wat"] == "verhalen bekeken"]
    assert len(viewed) == 2 and set(viewed["wie"]) == {"test@voorbeeldstad.nl"}
    assert viewed["aantal"].iloc[-1] == 15  # the first page of the list


def test_no_account_and_broken_login_settings_show_nothing(signed_in_as, monkeypatch):
    monkeypatch.setenv("WIJK_TOEGANG", "login")
    import ui.access

    monkeypatch.setattr(ui.access, "identify", signed_in_as.real_identify)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    problems = at.error[0].value
    assert "niet goed ingesteld" in problems and "[auth] ontbreekt" in problems
    assert "[toegang] ontbreekt" in problems
    assert not at.dataframe and not at.metric and not at.sidebar.children
    monkeypatch.setenv("WIJK_TOEGANG", "open")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "WIJK_TOEGANG staat op 'open'" in at.error[0].value and not at.metric


def test_a_participants_tap_loads_no_dataset_and_no_sidebar(signed_in_as, monkeypatch):
    """What makes a room of 30 phones quick: the phone page reads a small cached list of
    buurt names, never the gemeente's dataset, and the staff sidebar does not run."""
    import ui.state
    from stories.audit import Actor
    from stories.db import make_engine
    from stories.workshop import WorkshopStore

    made = WorkshopStore(make_engine(), Actor("beheerder", "test")).create(
        "GM9999", "Buurtavond"
    )
    calls = []
    for name in ("cached_dataset", "sidebar", "_load"):
        original = getattr(ui.state, name)
        monkeypatch.setattr(
            ui.state,
            name,
            lambda *a, _n=name, _f=original, **k: calls.append(_n) or _f(*a, **k),
        )
    signed_in_as("deelnemer", "deelnemer")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["code"] = made.join_code
    at.run()
    at.switch_page("pages/doemee.py").run()
    at.selectbox(key="ws_buurt").set_value("BU99990301").run()  # a tap
    assert "Doe mee: Buurtavond" in at.subheader[0].value
    assert calls == []
    signed_in_as("beheerder", "deze computer")  # the same check can see staff runs
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "sidebar" in calls and "cached_dataset" in calls


def test_a_lezer_cannot_probe_story_text_by_searching(signed_in_as):
    """The search box is disabled for a lezer, and a value forced into it is ignored."""
    at = open_page("lezer", "vertellen", signed_in_as, vertellen_zoek="buren")
    counted = " ".join(m.value for m in at.markdown)
    assert f"**{DEMO_TOLD}** van {DEMO_TOLD} verhalen" in counted
    assert at.text_input(key="vertellen_zoek").disabled


# Initiative descriptions long enough that finding one means the register got through.
DESCRIPTIONS = [d[:40] for d in demo_initiatives()["description"] if len(d) >= 40]


@pytest.mark.parametrize("role, shown", [("lezer", False), ("medewerker", True)])
def test_initiatives_on_the_map_follow_the_register_permission(
    role, shown, signed_in_as
):
    """The diamonds carry descriptions and exact points: the register, for medewerkers.
    A lezer gets neither the layer nor the outline, even with a crafted state or link."""
    signed_in_as(role)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["kaart_initiatieven"] = True
    at.query_params["initiatief"] = "demo-i01"
    at.run()
    at.switch_page("pages/kaart.py").run()
    assert not at.exception
    found = [d for d in DESCRIPTIONS if d in dump(at)]
    assert bool(found) is shown
    assert (
        bool(
            at.get("toggle") and [t for t in at.toggle if t.key == "kaart_initiatieven"]
        )
        is shown
    )


def test_a_lezer_filters_stories_on_whole_months(signed_in_as):
    """Dates are cut to the month for a lezer; a one-day Periode must not tell the day."""
    stories = demo_stories()
    stories["date"] = pd.to_datetime(stories["date"]).dt.date
    day = stories["date"].iloc[0]
    month = stories["date"].map(lambda d: (d.year, d.month) == (day.year, day.month))
    at = open_page("lezer", "vertellen", signed_in_as)
    at.date_input(key="vertellen_periode").set_value((day, day)).run()
    assert not at.exception
    count = next(m.value for m in at.markdown if " verhalen." in m.value)
    assert count.startswith(f"**{int(month.sum())}** van ")
    at = open_page("medewerker", "vertellen", signed_in_as)
    at.date_input(key="vertellen_periode").set_value((day, day)).run()
    count = next(m.value for m in at.markdown if " verhalen." in m.value)
    assert count.startswith(f"**{int((stories['date'] == day).sum())}** van ")


def test_a_wijk_profile_shows_quotes_to_a_medewerker_and_none_to_a_lezer(
    signed_in_as, downloads
):
    """The wijk profile gathers the stories of all its buurten: a lezer still gets counts
    only, on the page and in its HTML download; a medewerker sees the quotes (so the check
    can fail)."""
    state = {"profiel_niveau": "wijk", "profiel_wijk": "WK999902"}
    staff = open_page("medewerker", "buurtprofiel", signed_in_as, **state)
    assert quotes_in(dump(staff))
    downloads.clear()
    at = open_page("lezer", "buurtprofiel", signed_in_as, **state)
    assert "Havenkwartier" in [s.value for s in at.subheader]
    assert not quotes_in(dump(at))
    html = downloads["wijkprofiel_WK999902_2023.html"]().decode()
    assert "Wijkprofiel Havenkwartier" in html and not quotes_in(html)
