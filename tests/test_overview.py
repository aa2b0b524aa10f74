import pandas as pd
import pytest

from analysis.overview import story_counts, theme_summary, where_to_start

THEMES = {"jeugd": "Jeugd", "veiligheid": "Veiligheid", "taal": "Taal"}
SIGNALS = pd.DataFrame(
    {
        "buurtcode": ["A", "A", "B", "B", "C"],
        "theme": ["jeugd", "veiligheid", "jeugd", "jeugd", "jeugd"],
        "signal": ["aandacht", "aandacht", "kracht", "aandacht", None],
    }
)
STORIES = pd.DataFrame(
    {
        "buurtcode": ["A", "B", "B", "B", "C"],
        "kind": ["zorg", "zorg", "zorg", "kracht", "droom"],
        "themes": [
            ["jeugd"],
            ["veiligheid", "jeugd"],
            ["veiligheid"],
            ["jeugd"],
            ["taal"],
        ],
    }
)
BUURTEN = pd.DataFrame(
    {
        "buurtcode": ["A", "B", "C"],
        "buurtnaam": ["Aa", "Bee", "Cee"],
        "wijknaam": ["W"] * 3,
    }
)


def test_story_with_two_themes_counts_for_both():
    counts = story_counts(STORIES).set_index(["buurtcode", "theme", "kind"])["n"]
    assert counts[("B", "veiligheid", "zorg")] == 2
    assert counts[("B", "jeugd", "zorg")] == 1


def test_theme_summary():
    summary = theme_summary(SIGNALS, STORIES, THEMES)
    assert list(summary.index) == ["jeugd", "veiligheid", "taal"]
    assert summary.at["jeugd", "buurten_aandacht"] == 2  # A and B, B counted once
    assert summary.at["jeugd", "buurten_kracht"] == 1
    assert summary.at["veiligheid", "zorg"] == 2
    assert summary.at["taal", "droom"] == 1
    assert summary.at["taal", "buurten_aandacht"] == 0


def test_where_to_start_ranks_by_figures_and_stories():
    start = where_to_start(SIGNALS, STORIES, BUURTEN)
    # A: 2 aandacht + 1 zorg = 3; B: 1 aandacht + 3 zorg = 4; C has no need.
    assert start["buurtnaam"].tolist() == ["Bee", "Aa"]
    assert start.set_index("buurtnaam").at["Bee", "score"] == 4
    assert (
        start.set_index("buurtnaam").at["Bee", "thema"] == "jeugd"
    )  # 1 aandacht + 1 zorg


def test_themes_count_verdicts_beyond_what_the_rule_gives_by_itself():
    # Jeugd: an average (spread rule) with 2 kracht among 10 buurten, where one standard
    # deviation gives 1,59 per side anyway; a share (funnel) with 3 aandacht among 40, where
    # chance gives 1. Veiligheid: 1 kracht among 40 by the funnel, 1 expected.
    rows = (
        [("jeugd", "x", "spreiding", s) for s in ["kracht"] * 2 + ["gemiddeld"] * 8]
        + [("jeugd", "y", "trechter", s) for s in ["aandacht"] * 3 + ["gemiddeld"] * 37]
        + [("veiligheid", "z", "trechter", s) for s in ["kracht"] + ["gemiddeld"] * 39]
    )
    signals = pd.DataFrame(rows, columns=["theme", "indicator", "rule", "signal"])
    signals["buurtcode"] = [f"B{i % 40}" for i in range(len(signals))]
    summary = theme_summary(
        signals, STORIES, THEMES, {"x": "Inkomen", "y": "Jeugdzorg"}
    )
    assert summary.at["jeugd", "beyond_kracht"] == pytest.approx(2 - 10 * 0.159)
    assert summary.at["jeugd", "beyond_aandacht"] == pytest.approx(3 - 40 * 0.025)
    assert summary.at["veiligheid", "beyond_kracht"] == pytest.approx(0)
    assert summary.at["jeugd", "cijfers_aandacht"] == "Jeugdzorg (3)"
    assert summary.at["jeugd", "cijfers_kracht"] == "Inkomen (2)"
    assert summary.at["taal", "cijfers_kracht"] == ""


def test_a_theme_names_at_most_three_figures_and_counts_the_rest():
    rows = [("jeugd", i, "trechter", "aandacht") for i in "abcde" for _ in range(2)]
    signals = pd.DataFrame(rows, columns=["theme", "indicator", "rule", "signal"])
    signals["buurtcode"] = [f"B{i}" for i in range(len(signals))]
    summary = theme_summary(signals, STORIES, THEMES, {i: i.upper() for i in "abcde"})
    assert summary.at["jeugd", "cijfers_aandacht"].endswith(" en 2 andere cijfers")
    assert summary.at["jeugd", "cijfers_aandacht"].count("(2)") == 3
