"""The buurtprofiel: its contents on the demo and on real Eindhoven data, privacy-safe quotes,
the agreements store, and the PDF (text extracted with pdftotext, pages counted)."""

import re
import subprocess
from datetime import date

import pandas as pd
import pytest

from analysis.coverage import coverage_table
from analysis.profile import assemble_profile, select_quotes
from analysis.reference import reference_values
from analysis.signals import buurt_signals, dataset_signals
from stories.agreements import Agreement, AgreementStore, check_agreement
from stories.db import make_engine
from stories.demo import demo_initiatives, demo_stories
from stories.errors import StoreError
from stories.privacy import find_identifiers
from tests.conftest import CBS_DIR, TESTER
from ui.profile_doc import render_html, render_pdf

OUDE_HAVEN = "BU99990201"


@pytest.fixture(scope="module")
def oude_haven(demo, catalogue):
    return assemble_profile(
        demo,
        OUDE_HAVEN,
        catalogue,
        demo_stories(),
        demo_initiatives(),
        find_identifiers,
    )


def test_profile_contents_on_the_demo(demo, catalogue, oude_haven):
    p = oude_haven
    assert (p.buurtnaam, p.wijknaam, p.year, p.fictional) == (
        "Oude Haven",
        "Havenkwartier",
        2023,
        True,
    )
    wide = demo.wide(2023)
    reference = reference_values(wide, catalogue, demo.published_for(2023), "GM9999")
    signals = buurt_signals(wide, demo.status(2023), reference, catalogue)
    own = signals[signals["buurtcode"] == OUDE_HAVEN].set_index("indicator")
    shown = {f.indicator: f for f in p.figures}
    # Every key figure, and every indicator with a clear signal, with gemeente and NL values.
    flagged = set(own.index[own["signal"].isin(["kracht", "aandacht"])])
    keys = {i.id for i in catalogue.indicators.values() if i.key}
    assert flagged | keys <= set(shown)
    low = shown["pct_huishoudens_laag_inkomen"]
    assert low.buurt == catalogue["pct_huishoudens_laag_inkomen"].format(
        wide.at[OUDE_HAVEN, "pct_huishoudens_laag_inkomen"]
    )
    assert low.signal == own.at["pct_huishoudens_laag_inkomen", "signal"] == "gemiddeld"
    assert low.nederland != "–" and low.trend  # NL value and a trend since 2022
    assert (
        low.period == "inkomen over 2023, van wie op 1 januari 2023 in Nederland woonde"
    )
    assert shown["aantal_inwoners"].period == "1 januari 2023"
    assert p.trend_since == 2022
    # The concerns beyond the spread first, then those on the way to it, said so.
    concerns = int((own["signal"] == "aandacht").sum())
    nearly = int((own["position"] == "iets slechter").sum())
    assert len(p.zorgen) == min(3, concerns + nearly) and concerns >= 1
    assert all("gemeente" in z for z in p.zorgen)
    assert not any("binnen de gewone spreiding" in z for z in p.zorgen[:concerns])
    assert all(
        "iets slechter, binnen de gewone spreiding" in z for z in p.zorgen[concerns:]
    )
    # Quotes: 3–6, from this buurt, varied in kind and theme.
    assert 3 <= len(p.quotes) <= 6
    texts = set(demo_stories().query("buurtcode == @OUDE_HAVEN")["text"])
    assert all(q.text in texts for q in p.quotes)
    assert {q.kind for q in p.quotes} == {"kracht", "zorg", "droom"}
    assert len({q.themes[0] for q in p.quotes}) >= 3
    # Initiatives serving the buurt, and the rolwijzer as the coverage rules give it.
    serving = demo_initiatives()[
        demo_initiatives()["buurtcodes"].map(lambda c: OUDE_HAVEN in c)
    ]
    assert sorted(i["name"] for i in p.initiatives) == sorted(serving["name"])
    table = coverage_table([OUDE_HAVEN], list(catalogue.themes), signals, demo_stories(),
                           demo_initiatives(), catalogue)  # fmt: skip
    assert len(p.roles) == table["rol"].notna().sum() > 0
    # Conversation starters: where figures and stories disagree, as the coverage says.
    talk = table[table["overeenstemming"].isin(["oneens", "stil"])]
    assert p.conversation == [
        f"{catalogue.themes[r.theme]}: {r.gesprek}" for r in talk.itertuples()
    ]
    assert 3 <= len(p.questions) <= 6
    # The first questions come from this buurt's own figures: its strongest concern, named
    # with its value and the gemeente's.
    worst = own[own["signal"] == "aandacht"]
    assert any(catalogue[i].label in p.questions[0] for i in worst.index)
    assert "tegen" in p.questions[0] and "in de gemeente" in p.questions[0]
    assert "Fictieve" in p.sources[0]


def test_every_buurt_gets_three_to_six_questions_never_alike(demo, catalogue):
    stories, initiatives = demo_stories(), demo_initiatives()
    # The signals once per year, as the app caches them (not once per buurt).
    signals = {y: dataset_signals(demo, y, catalogue) for y in demo.years}
    talk = []
    for code in demo.buurten["buurtcode"]:
        p = assemble_profile(
            demo, code, catalogue, stories, initiatives, find_identifiers,
            signals_for=signals.get,
        )  # fmt: skip
        assert 3 <= len(p.questions) <= 6, code
        # Never the same template twice: no two questions end alike.
        endings = [q[-30:] for q in p.questions]
        assert len(set(endings)) == len(endings), p.questions
        assert len(p.quotes) <= 6
        talk += p.conversation
    # Somewhere in the demo, figures and stories disagree: a conversation starter.
    assert any("bewoners vertellen vooral" in c for c in talk)


def test_quotes_that_fail_the_privacy_checks_never_appear():
    stories = demo_stories().query("buurtcode == @OUDE_HAVEN").copy()
    newest = pd.Timestamp.today().date().isoformat()
    risky = pd.DataFrame(
        [
            {**stories.iloc[0].to_dict(), "id": f"x{i}", "kind": kind, "text": text,
             "date": newest, "themes": [theme]}
            for i, (kind, text, theme) in enumerate([
                ("zorg", "Bel mevrouw Jansen op 06-12345678 over de lift.", "gezondheid"),
                ("kracht", "Mail naar piet@voorbeeld.nl voor de klusjesdienst.", "meedoen"),
                ("droom", "Een moestuin achter Kerkstraat 12, wie doet mee?", "leefomgeving"),
            ])
        ]
    )  # fmt: skip
    chosen = select_quotes(
        pd.concat([risky, stories], ignore_index=True), find_identifiers, n=6
    )
    assert chosen and not any(
        marker in q.text
        for q in chosen
        for marker in ("0612", "06-1", "@", "Kerkstraat 12")
    )
    assert {q.kind for q in chosen} == {
        "kracht",
        "zorg",
        "droom",
    }  # the others still come


def test_a_buurt_without_stories_or_initiatives(demo, catalogue):
    p = assemble_profile(
        demo,
        "BU99990803",
        catalogue,
        demo_stories(),
        demo_initiatives(),
        find_identifiers,
    )
    assert (
        p.quotes == []
        and p.initiatives == []
        and p.story_counts == {"zorg": 0, "kracht": 0, "droom": 0, "talent": 0}
    )
    assert any(f.buurt in ("geheim", "niet beschikbaar", "geheim of onbekend") or f.signal is None
               for f in p.figures)  # fmt: skip


def test_unknown_buurt(demo, catalogue):
    with pytest.raises(KeyError, match="hoort niet bij"):
        assemble_profile(
            demo,
            "BU00000000",
            catalogue,
            demo_stories(),
            demo_initiatives(),
            find_identifiers,
        )


def pdf_text(pdf: bytes, tmp_path) -> tuple[str, int]:
    path = tmp_path / "profiel.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True
    )
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))  # fmt: skip
    return text, pages


def test_pdf_has_name_figures_sources_and_at_most_two_pages(
    demo, catalogue, oude_haven, tmp_path
):
    page = render_html(oude_haven, demo.map_geometry, catalogue.themes)
    text, pages = pdf_text(render_pdf(page), tmp_path)
    assert pages <= 2
    assert "Buurtprofiel Oude Haven" in text
    assert (
        "FICTIEF" in text and "Fictieve cijfers" in text
    )  # the mark and the source footer
    low = next(
        f for f in oude_haven.figures if f.indicator == "pct_huishoudens_laag_inkomen"
    )
    assert low.buurt in text and low.gemeente in text
    assert "inkomen over 2023" in text  # each figure's date or period, under its name
    assert oude_haven.questions[0][:40] in " ".join(text.split())


def test_html_is_standalone_and_escapes_user_text(demo, catalogue, oude_haven):
    from dataclasses import replace

    evil = replace(oude_haven, agreement={"focus_themes": ["jeugd"], "ambition":
                   "<script>alert(1)</script> Meer speelplekken", "activities": ""})  # fmt: skip
    page = render_html(evil, demo.map_geometry, catalogue.themes)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Meer speelplekken" in page and "Jeugd &amp; opgroeien" in page
    assert "src=" not in page and "<link" not in page  # nothing fetched from elsewhere


@pytest.mark.skipif(
    not (CBS_DIR / "kwb_2022.csv").exists(), reason="shared CBS data not present"
)
def test_profile_on_real_eindhoven(catalogue, tmp_path):
    from analysis.datasets import load_dataset
    from analysis.importer import import_cbs

    files = [((CBS_DIR / n).read_bytes(), n)
             for n in ("buurten_GM0772_eindhoven.geojson", "kwb_2022.csv")]  # fmt: skip
    import_cbs(*files)
    data = load_dataset("GM0772")
    code = data.buurten["buurtcode"].iloc[0]
    empty = demo_stories().iloc[0:0]
    p = assemble_profile(
        data, code, catalogue, empty, demo_initiatives().iloc[0:0], find_identifiers
    )
    assert p.gemeentenaam == "Eindhoven" and not p.fictional and p.year == 2022
    assert "CBS, Kerncijfers wijken en buurten 2022" in p.sources[0]
    inwoners = data.wide(2022).at[code, "aantal_inwoners"]
    assert p.inwoners == catalogue["aantal_inwoners"].format(inwoners)
    assert p.quotes == [] and len(p.questions) >= 3
    text, pages = pdf_text(render_pdf(render_html(p, data.map_geometry, catalogue.themes)),
                           tmp_path)  # fmt: skip
    assert (
        p.buurtnaam in text
        and "Kerncijfers wijken en buurten 2022" in text
        and pages <= 2
    )
    assert "FICTIEF" not in text


def test_agreements_are_kept_per_buurt(database_url):
    engine = make_engine(database_url)
    store = AgreementStore(engine, TESTER)
    assert store.get("GM9999", OUDE_HAVEN).empty
    store.save(
        "GM9999",
        OUDE_HAVEN,
        Agreement(["jeugd"], "Meer plekken voor jongeren", "Sport"),
    )
    store.save("GM9999", OUDE_HAVEN, Agreement(["jeugd", "taal"], "Bijgesteld", ""))
    got = store.get("GM9999", OUDE_HAVEN)
    assert (got.focus_themes, got.ambition, got.activities) == (
        ["jeugd", "taal"],
        "Bijgesteld",
        "",
    )
    assert got.updated.date() == date.today()
    assert (
        store.get("GM9999", "BU99990202").empty
        and store.get("GM0772", OUDE_HAVEN).empty
    )
    engine.dispose()


def test_agreements_are_written_only_with_a_role_that_may_and_are_logged(database_url):
    from stories.audit import Actor, AuditLog

    engine = make_engine(database_url)
    plan = Agreement(["jeugd"], "Meer plekken voor jongeren")
    with pytest.raises(ValueError, match="actor"):
        AgreementStore(engine).save("GM9999", OUDE_HAVEN, plan)
    with pytest.raises(StoreError, match="niet doen met jouw rol"):
        AgreementStore(engine, Actor("lezer", "lex@partner.nl")).save(
            "GM9999", OUDE_HAVEN, plan
        )
    assert AgreementStore(engine).get("GM9999", OUDE_HAVEN).empty
    AgreementStore(engine, TESTER).save("GM9999", OUDE_HAVEN, plan)
    lines = AuditLog(engine).entries("GM9999")
    assert lines.iloc[0]["wat"] == "gewijzigd"
    assert lines.iloc[0]["toelichting"] == f"afspraken {OUDE_HAVEN}"
    assert lines.iloc[0]["wie"] == TESTER.who
    engine.dispose()


def test_agreement_checks(catalogue):
    assert check_agreement(Agreement(["jeugd"], "Samen"), catalogue.themes) == []
    problems = check_agreement(
        Agreement(["sport"], "Bel 06-12345678"), catalogue.themes
    )
    assert "Onbekend thema 'sport'." in problems
    assert any("telefoonnummer" in p for p in problems)


def test_a_failed_save_keeps_the_previous_agreement(database_url):
    engine = make_engine(database_url)
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite does not enforce column lengths; PostgreSQL does")
    store = AgreementStore(engine, TESTER)
    store.save("GM9999", OUDE_HAVEN, Agreement(["jeugd"], "Eerst"))
    with pytest.raises(StoreError, match="de vorige afspraken zijn bewaard"):
        store.save("GM9999", OUDE_HAVEN, Agreement(["x" * 300], "Te veel"))  # too long
    assert store.get("GM9999", OUDE_HAVEN).ambition == "Eerst"
    engine.dispose()


def test_a_wijk_profile_is_the_same_profile_with_wijken_as_areas(demo, catalogue):
    from analysis.wijken import per_wijk, wijk_dataset, wijk_figures

    stories, initiatives = per_wijk(demo, demo_stories(), demo_initiatives())
    wijken = wijk_dataset(demo, catalogue)
    p = assemble_profile(
        wijken,
        "WK999902",
        catalogue,
        stories,
        initiatives,
        find_identifiers,
        level="wijk",
    )
    assert p.level == "wijk" and p.buurtnaam == "Havenkwartier"
    # Its figures are the wijk's: CBS's where published, otherwise combined from buurten.
    figures = wijk_figures(demo, 2023, catalogue).values
    low = next(f for f in p.figures if f.indicator == "pct_huishoudens_laag_inkomen")
    assert low.value == pytest.approx(
        figures.at["WK999902", "pct_huishoudens_laag_inkomen"]
    )
    # Its stories and initiatives are those of its buurten.
    own = demo.buurten.loc[demo.buurten["wijkcode"] == "WK999902", "buurtcode"]
    told = demo_stories()[demo_stories()["buurtcode"].isin(own)]
    assert sum(p.story_counts.values()) == len(told)
    serving = demo_initiatives()["buurtcodes"].map(lambda cs: bool(set(cs) & set(own)))
    assert len(p.initiatives) == int(serving.sum())
    assert "Wijkprofiel Havenkwartier" in render_html(
        p, wijken.map_geometry, catalogue.themes
    )


def test_a_question_from_the_peers_names_the_figure_and_how_many_peers(demo, catalogue):
    """The profile asks about the figure on which the buurt trails most of the buurten that
    resemble it, with the count that compare_with_peers gives (an independent count here)."""
    from analysis.peers import nearest, peer_variables, standardised

    year = demo.years[-1]
    wide = demo.wide(year)
    code = demo.buurten["buurtcode"].iloc[5]
    name = demo.buurten.set_index("buurtcode").at[code, "buurtnaam"]
    profile = assemble_profile(
        demo,
        code,
        catalogue,
        demo_stories(),
        demo_initiatives(),
        find_identifiers,
        year,
    )
    asked = [q for q in profile.questions if "die er het meest op lijken" in q]
    assert len(asked) == 1, profile.questions
    label = asked[0].split(" is in ")[0]
    ind = next(i for i in catalogue.indicators.values() if i.label == label)
    count, peers = map(int, re.search(r"dan in (\d+) van de (\d+)", asked[0]).groups())
    assert f" is in {name} " in asked[0]
    assert peers > 0 and count > peers / 2 and ind.unit != "km"
    # Count again by hand: peers whose figure lies on the other side, beyond chance or not,
    # can only be at least as many as those beyond chance.
    found = nearest(standardised(wide, peer_variables(catalogue)), code, 10).index
    own, theirs = wide.at[code, ind.id], wide.loc[found, ind.id].dropna()
    worse = "ongunstiger" in asked[0]
    side = (
        ((theirs - own) * ind.direction > 0)
        if worse
        else ((own - theirs) * ind.direction > 0)
    )
    assert len(theirs) == peers and side.sum() >= count
