"""Coverage, rolwijzer and tellen × vertellen: table-driven rules, then the table on the demo."""

import pandas as pd
import pytest

from analysis.coverage import (
    ROLES,
    CoverageRule,
    coverage_table,
    figures_say,
    focus_cells,
    initiative_weight,
    stories_say,
    suggest_role,
    tell_and_told,
)
from analysis.reference import reference_values
from analysis.signals import buurt_signals
from stories.demo import demo_initiatives, demo_stories


def cell(**values) -> dict:
    base = dict(
        aandacht=0, kracht_cijfers=0, cijfers=0, zonder_signaal=0, zorg=0, kracht_verhalen=0,
        droom=0, aandacht_namen=[], initiatieven_actief=[], initiatieven_starting=[],
        initiatieven_gestopt=[],
    )  # fmt: skip
    return {**base, **values}


@pytest.mark.parametrize(
    "values, role, words",
    [
        # need from the figures alone, nobody acting
        (
            dict(aandacht=1, cijfers=3, aandacht_namen=["Bijstand: 5%, gemeente 3%"]),
            "initiëren",
            ["Bijstand: 5%, gemeente 3%", "geen initiatief", "eerste stap"],
        ),
        # need from stories alone: two zorg stories are enough, one is not
        (dict(zorg=2), "initiëren", ["2 zorgverhalen"]),
        (dict(zorg=1), None, []),
        # an initiative in idee or opstart → stimuleren, named
        (
            dict(aandacht=1, initiatieven_starting=["Buurtmoestuin"]),
            "stimuleren",
            ["'Buurtmoestuin' is nog in de fase idee of opstart"],
        ),
        # an active one wins over a starting one → versterken
        (
            dict(
                zorg=3,
                initiatieven_actief=["Taalcafé"],
                initiatieven_starting=["Kookclub"],
            ),
            "versterken",
            ["3 zorgverhalen", "'Taalcafé' werkt hier al aan"],
        ),
        (
            dict(zorg=3, initiatieven_actief=["A", "B"]),
            "versterken",
            ["'A' en 'B' werken"],
        ),
        # a stopped initiative is no supply: back to initiëren, and it is named
        (
            dict(aandacht=2, initiatieven_gestopt=["Buurtvaders"]),
            "initiëren",
            ["'Buurtvaders' is gestopt"],
        ),
        # need plus dreams without initiative: initiëren, the dreams as a place to begin
        (
            dict(zorg=2, droom=3),
            "initiëren",
            ["3 dromen van bewoners om bij te beginnen"],
        ),
        # a theme with only dreams → kans
        (dict(droom=1), "kans", ["1 droom van bewoners", "nog geen initiatief"]),
        (dict(droom=2, initiatieven_gestopt=["Oud"]), "kans", ["'Oud' is gestopt"]),
        # dreams already picked up by an initiative: nothing to suggest
        (dict(droom=2, initiatieven_starting=["Plan"]), None, []),
        # suppressed figures (no signal) and krachten only: no need, no role
        (dict(zonder_signaal=4), None, []),
        (dict(kracht_cijfers=2, cijfers=2, kracht_verhalen=5), None, []),
    ],
)
def test_suggest_role(values, role, words):
    suggested, reason = suggest_role(cell(**values))
    assert suggested == role
    for word in words:
        assert word in reason, reason
    assert (reason == "") == (role is None)


def test_the_rule_is_configurable():
    assert (
        suggest_role(cell(zorg=1), CoverageRule(min_zorg_stories=1))[0] == "initiëren"
    )
    assert "minstens 3 zorgverhalen" in CoverageRule(min_zorg_stories=3).sentence()


@pytest.mark.parametrize(
    "values, figures, told, verdict, words",
    [
        (
            dict(aandacht=2, cijfers=3, kracht_verhalen=3, zorg=1),
            "aandacht",
            "kracht",
            "oneens",
            [
                "De cijfers zeggen aandacht, bewoners vertellen vooral krachten",
                "3 krachten, 1 zorg",
            ],
        ),
        (
            dict(kracht_cijfers=1, cijfers=2, zorg=2),
            "kracht",
            "zorg",
            "oneens",
            ["De cijfers zeggen kracht, bewoners vertellen vooral zorgen"],
        ),
        (
            dict(cijfers=3, zorg=3, kracht_verhalen=1),
            "gemiddeld",
            "zorg",
            "oneens",
            ["De cijfers zijn gemiddeld"],
        ),
        (
            dict(aandacht=1, cijfers=1, zorg=2),
            "aandacht",
            "zorg",
            "eens",
            ["allebei aandacht"],
        ),
        (
            dict(kracht_cijfers=2, cijfers=2, kracht_verhalen=2),
            "kracht",
            "kracht",
            "eens",
            ["allebei kracht"],
        ),
        (
            dict(aandacht=1, cijfers=1),
            "aandacht",
            None,
            "stil",
            ["niemand vertelt erover"],
        ),
        # one story is too few to say anything; a dream counts as telling, not as a verdict
        (dict(aandacht=1, cijfers=1, kracht_verhalen=1), "aandacht", None, None, []),
        (dict(aandacht=1, cijfers=1, droom=1), "aandacht", None, None, []),
        # as many krachten as zorgen: mixed, no verdict either way
        (
            dict(aandacht=1, cijfers=1, zorg=2, kracht_verhalen=2),
            "aandacht",
            "gemengd",
            None,
            [],
        ),
        # all figures suppressed: nothing to compare with
        (dict(zonder_signaal=3, zorg=4), None, "zorg", None, []),
        (
            dict(aandacht=1, kracht_cijfers=1, cijfers=2, zorg=2),
            "gemiddeld",
            "zorg",
            "oneens",
            [],
        ),
    ],
)
def test_tellen_and_vertellen(values, figures, told, verdict, words):
    c = cell(**values)
    assert figures_say(c) == figures
    assert stories_say(c) == told
    got, sentence = tell_and_told(c)
    assert got == verdict
    for word in words:
        assert word in sentence, sentence


@pytest.mark.parametrize(
    "phase, ladder, weight",
    [
        ("actief", None, 1.0),
        ("actief", [40, 10, 3, 1, 0, 0], 1.5),  # a kartrekker carries it
        ("actief", [40, 10, 3, 0, 0, 0], 1.0),
        ("opstart", [0, 5, 1, 0, 0, 1], 0.75),
        ("idee", None, 0.25),
        ("gestopt", [9, 9, 9, 9, 9, 9], 0.0),
    ],
)
def test_initiative_weight(phase, ladder, weight):
    assert initiative_weight(phase, ladder) == weight


CODES = ["BU1", "BU2", "BU3"]


def signals(rows):
    return pd.DataFrame(
        [
            {"buurtcode": b, "indicator": i, "theme": t, "value": v, "reference": 10.0,
             "difference": 0.0, "signal": s, "reason": ""}
            for b, i, t, v, s in rows
        ]
    )  # fmt: skip


def test_table_with_one_initiative_serving_several_buurten(catalogue):
    sig = signals(
        [
            ("BU1", "bijstand_per_1000", "meedoen", 30.0, "aandacht"),
            ("BU2", "bijstand_per_1000", "meedoen", 31.0, "aandacht"),
            ("BU3", "bijstand_per_1000", "meedoen", None, None),  # geheim
        ]
    )
    stories = pd.DataFrame(
        {"buurtcode": ["BU3", "BU3", "BU3"], "kind": ["zorg", "zorg", "droom"],
         "themes": [["meedoen", "taal"], ["meedoen"], ["jeugd"]]}
    )  # fmt: skip
    inits = pd.DataFrame(
        {"name": ["Werkplaats", "Oude club"], "buurtcodes": [["BU1", "BU2"], ["BU3"]],
         "themes": [["meedoen", "taal"], ["meedoen"]], "phase": ["actief", "gestopt"],
         "ladder": [[10, 5, 2, 1, 0, 0], None]}
    )  # fmt: skip
    table = coverage_table(
        CODES, ["meedoen", "taal", "jeugd"], sig, stories, inits, catalogue
    )
    assert len(table) == 9
    t = table.set_index(["buurtcode", "theme"])
    # The one initiative serves BU1 and BU2 on both its themes, each at full weight.
    assert (
        t.loc[("BU1", "meedoen"), "aanbod"]
        == t.loc[("BU2", "meedoen"), "aanbod"]
        == 1.5
    )
    assert t.loc[("BU1", "taal"), "aanbod"] == 1.5
    assert (
        t.loc[("BU1", "meedoen"), "rol"]
        == t.loc[("BU2", "meedoen"), "rol"]
        == "versterken"
    )
    assert pd.isna(t.loc[("BU1", "taal"), "rol"])  # supply without need: nothing to do
    # BU3: suppressed figure (no signal, counted), two zorg stories, a stopped initiative.
    assert t.loc[("BU3", "meedoen"), "zonder_signaal"] == 1
    assert t.loc[("BU3", "meedoen"), "aandacht"] == 0
    assert (
        t.loc[("BU3", "meedoen"), "zorg"] == 2 and t.loc[("BU3", "taal"), "zorg"] == 1
    )
    assert t.loc[("BU3", "meedoen"), "aanbod"] == 0
    assert t.loc[("BU3", "meedoen"), "rol"] == "initiëren"
    assert "'Oude club' is gestopt" in t.loc[("BU3", "meedoen"), "rol_reden"]
    assert (
        "Bijstand per 1.000 inwoners: 30,0 per 1.000"
        in t.loc[("BU1", "meedoen"), "rol_reden"]
    )
    assert t.loc[("BU3", "jeugd"), "rol"] == "kans"  # only a dream
    assert t.loc[("BU1", "meedoen"), "overeenstemming"] == "stil"
    assert list(focus_cells(table, 2)["buurtcode"]) == ["BU3", "BU1"]


def test_on_the_demo_every_role_and_verdict_occurs(demo, catalogue):
    year = demo.years[-1]
    wide = demo.wide(year)
    reference = reference_values(wide, catalogue, demo.published_for(year), "GM9999")
    sig = buurt_signals(wide, demo.status(year), reference, catalogue)
    table = coverage_table(
        demo.buurten["buurtcode"].tolist(), list(catalogue.themes), sig, demo_stories(),
        demo_initiatives(), catalogue,
    )  # fmt: skip
    assert len(table) == 40 * len(catalogue.themes)
    assert {"initiëren", "stimuleren", "versterken", "kans"} <= set(table["rol"])
    # ('stil' no longer occurs: each buurt the demo's figures flag has stories; the table
    # test above covers it.)
    assert {"eens", "oneens"} <= set(table["overeenstemming"])
    assert table.loc[table["rol"].notna(), "rol_reden"].str.len().gt(40).all()
    # Need without supply comes first: of the five, at most one has supply, and only where
    # its need is larger still (Oude Haven's poverty: many figures and stories, some help).
    top = focus_cells(table)
    assert len(top) == 5 and (top["aanbod"] <= 0.5).sum() >= 4
    assert (top["aandacht"] + top["zorg"] > 2 * top["aanbod"]).all()


def test_a_gemeente_without_stories_or_initiatives(catalogue):
    """A freshly imported real gemeente: figures only, nothing told or registered yet."""
    sig = signals([("BU1", "bijstand_per_1000", "meedoen", 30.0, "aandacht")])
    stories = pd.DataFrame(columns=["buurtcode", "kind", "themes"])
    inits = pd.DataFrame(columns=["name", "buurtcodes", "themes", "phase", "ladder"])
    table = coverage_table(CODES, ["meedoen"], sig, stories, inits, catalogue)
    assert table["rol"].tolist()[0] == "initiëren" and table["rol"].isna().sum() == 2
    assert table["overeenstemming"].tolist()[0] == "stil"
    empty = coverage_table(CODES, ["meedoen"], signals([]).reindex(columns=sig.columns),
                           stories, inits, catalogue)  # fmt: skip
    assert empty["rol"].isna().all() and (empty["aanbod"] == 0).all()


def test_the_coverage_heatmap_shows_need_as_number_and_role_as_colour(demo, catalogue):
    from ui.charts import ROLE_COLOURS, coverage_heatmap

    year = demo.years[-1]
    wide = demo.wide(year)
    reference = reference_values(wide, catalogue, demo.published_for(year), "GM9999")
    sig = buurt_signals(wide, demo.status(year), reference, catalogue)
    codes = demo.buurten["buurtcode"].tolist()
    themes = list(catalogue.themes)
    table = coverage_table(
        codes, themes, sig, demo_stories(), demo_initiatives(), catalogue
    )
    assert set(ROLES) <= set(table["rol"])  # every colour is put to the test
    names = dict(zip(demo.buurten["buurtcode"], demo.buurten["buurtnaam"]))
    (cells,) = coverage_heatmap(table, codes, themes, names, catalogue.themes).data
    assert list(cells.y) == [names[c] for c in reversed(codes)]  # first buurt on top
    assert list(cells.x) == [catalogue.themes[t] for t in themes]
    colour_of = {v: c for v, c in zip(range(len(ROLE_COLOURS)), [None, *ROLES])}
    for row, code in enumerate(reversed(codes)):
        for col, theme in enumerate(themes):
            cell = table[(table["buurtcode"] == code) & (table["theme"] == theme)].iloc[
                0
            ]
            need = int(cell["aandacht"] + cell["zorg"])
            assert cells.text[row][col] == (str(need) if need else "")
            role = cell["rol"] if isinstance(cell["rol"], str) else None
            assert colour_of[cells.z[row][col]] == role
            assert names[code] in cells.hovertext[row][col]
