"""The fictional demo gemeente: reproducible, plausible, and rich enough to analyse."""

import filecmp
import re
import subprocess
import sys

import pandas as pd
import pytest
import shapely

from analysis.datasets import DEMO_DIR
from stories.demo import demo_initiatives, demo_stories, demo_talents
from stories.model import KINDS, LADDER, PHASES, ROLES, SOURCES, TARGET_GROUPS, VOICES

SHIPPED = [
    "buurten.geojson", "kerncijfers.csv", "stories.csv", "initiatives.csv", "nederland.csv",
]  # fmt: skip


def test_build_script_reproduces_the_shipped_files(tmp_path):
    subprocess.run(
        [sys.executable, str(DEMO_DIR / "build_demo.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in SHIPPED:
        assert filecmp.cmp(tmp_path / name, DEMO_DIR / name, shallow=False), name


def test_buurten_tile_the_gemeente(demo):
    rd = demo.buurten.to_crs(28992)
    assert 30 <= len(rd) <= 45
    assert 6 <= rd["wijkcode"].nunique() <= 10
    assert rd.geometry.is_valid.all()
    union = shapely.union_all(rd.geometry.to_numpy())
    # No overlaps: the parts add up to the whole (to the square metre; a buurt is ~100 ha).
    assert rd.geometry.area.sum() == pytest.approx(union.area, abs=1)
    # No gaps: the whole is one piece without holes.
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    # Real RD New coordinates inside the Netherlands.
    minx, miny, maxx, maxy = rd.total_bounds
    assert 0 < minx < maxx < 280_000 and 300_000 < miny < maxy < 625_000


def test_not_a_grid(demo):
    """Voronoi cells: many vertex counts, not all rectangles."""
    vertices = demo.buurten.geometry.map(lambda g: len(g.exterior.coords) - 1)
    assert vertices.nunique() >= 3 and (vertices != 4).mean() > 0.5


def test_codes_follow_cbs(demo):
    b = demo.buurten
    assert b["buurtcode"].str.fullmatch(r"BU9999\d{4}").all()
    assert b["wijkcode"].str.fullmatch(r"WK9999\d{2}").all()
    assert (b["gemeentecode"] == "GM9999").all()
    assert (b["buurtcode"].str[2:8] == b["wijkcode"].str[2:8]).all()
    assert "fictief" in b["gemeentenaam"].iloc[0]


def test_statistics_two_years_and_correlated(demo, catalogue):
    assert demo.years == [2022, 2023]
    wide = demo.wide(2023)
    assert wide.shape[1] >= 20
    corr = wide.corr()
    low = "pct_huishoudens_laag_inkomen"
    assert corr.at[low, "bijstand_per_1000"] > 0.5
    assert corr.at[low, "pct_huurwoningen"] > 0.5
    assert corr.at[low, "gem_inkomen_per_inwoner"] < -0.5


def test_small_buurten_are_suppressed_like_cbs(demo):
    wide, status = demo.wide(2023), demo.status(2023)
    tiny = wide.index[wide["aantal_inwoners"] < 50]
    small = wide.index[wide["aantal_inwoners"] < 200]
    assert len(tiny) >= 1 and len(small) >= 2
    assert (status.loc[tiny, "pct_65_plus"] == "geheim").all()
    assert (status.loc[small, "gem_inkomen_per_inwoner"] == "geheim").all()
    assert wide.loc[small, "gem_inkomen_per_inwoner"].isna().all()
    # Size is always published.
    assert wide.loc[tiny, "aantal_inwoners"].notna().all()
    # 'niet beschikbaar' occurs too (a new-build buurt had no amenity figures yet).
    assert (demo.status(2022) == "niet beschikbaar").any().any()


def test_stories_are_rich_varied_and_uneven(demo, catalogue):
    stories = demo_stories()
    assert len(stories) >= 150
    assert set(stories["kind"]) | set(demo_talents()["kind"]) == set(KINDS)
    assert set(stories["themes"].explode()) == set(catalogue.themes)
    assert stories["source"].isin(SOURCES).all() and stories["source"].nunique() >= 4
    assert stories["voice"].isin(VOICES).all() and stories["voice"].nunique() >= 3
    assert stories["text"].is_unique
    assert stories["buurtcode"].isin(demo.buurten["buurtcode"]).all()
    per_buurt = stories["buurtcode"].value_counts().reindex(demo.buurten["buurtcode"])
    assert (per_buurt.fillna(0) == 0).sum() >= 3, "some buurten should be silent"
    assert (per_buurt >= 10).sum() >= 2, "some buurten should be rich in stories"
    assert (stories["consent"] == "ja").all()


def test_stories_hold_no_direct_identifiers():
    text = " ".join(demo_stories()["text"])
    assert not re.search(r"\b0\d{9}\b|\b06[- ]?\d{8}\b", text)  # phone numbers
    assert "@" not in text
    assert not re.search(r"\b\d{4} ?[A-Z]{2}\b", text)  # postcodes


def test_initiatives(demo):
    inits = demo_initiatives()
    assert len(inits) >= 25
    assert inits["phase"].isin(PHASES).all()
    assert set(inits["phase"]) == set(PHASES)
    served = inits["buurtcodes"].explode()
    assert served.isin(demo.buurten["buurtcode"]).all()
    assert (inits["buurtcodes"].map(len) > 1).any()
    assert inits["wijkteam_role"].isin(ROLES).all()
    assert set(inits["target_groups"].explode()) <= set(TARGET_GROUPS)
    ladders = inits["ladder"].dropna()
    assert len(ladders) > 20
    assert ladders.map(len).eq(len(LADDER)).all()  # one count per rung
    assert pd.to_datetime(inits["start_date"]).notna().all()
