import pandas as pd

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
