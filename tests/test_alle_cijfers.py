"""Alle cijfers: every numeric KWB column is recognised with CBS's words, and trends do not
run across a buurt that was split or re-coded."""

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.cbs import bare_name, match_columns, read_statistics
from analysis.datasets import load_dataset
from analysis.importer import import_cbs
from analysis.profile import _trends
from analysis.trend import breaks, buurt_trend
from cli import main
from tests.conftest import CBS_DIR, import_eindhoven

needs_cbs = pytest.mark.skipif(
    not CBS_DIR.exists(), reason="shared CBS data not present"
)
IDENTIFIERS = {"id", "wijkenenbuurten", "gemeentenaam", "soortregio", "codering"}


@needs_cbs
def test_no_numeric_kwb_column_is_left_unused(catalogue):
    frame = pd.read_csv(CBS_DIR / "kwb_2022.csv")
    table = read_statistics(
        (CBS_DIR / "kwb_2022.csv").read_bytes(), "kwb_2022.csv", catalogue
    )
    numeric = [
        c
        for c in frame.select_dtypes("number").columns
        if bare_name(c) not in IDENTIFIERS
    ]
    used = {c for cols in table.recognised.values() for c in cols.split(" / ")}
    marker = "IndelingswijzigingGemeenteWijkBuurt_4"  # kept as the boundary change
    assert set(numeric) - used == {marker} and table.ignored == []
    assert set(table.changes.values()) == {1, 3}
    # CBS's own words for the ones not curated: title, unit, definition and chapter.
    ww = catalogue["cbs_uitkering_ww"]
    assert table.recognised["cbs_uitkering_ww"] == "PersonenPerSoortUitkeringWW_85"
    assert (ww.label, ww.unit, ww.kind, ww.group, ww.direction) == (
        "Personen met een WW-uitkering", "aantal", "cbs", "Sociale zekerheid", 0,
    )  # fmt: skip
    assert "werkloosheidsuitkering" in ww.definition


def test_repeated_cbs_names_are_told_apart_by_their_order(catalogue):
    # Electricity first, gas second: the same names under two headings.
    columns = ["GemiddeldElektriciteitsverbruikTotaal_47", "Huurwoning_53",
               "GemiddeldAardgasverbruikTotaal_55", "Huurwoning_61"]  # fmt: skip
    direct, _, ignored = match_columns(columns, catalogue)
    assert direct["cbs_stroom_huurwoning"] == "Huurwoning_53"
    assert direct["cbs_gas_huurwoning"] == "Huurwoning_61"
    assert catalogue["cbs_gas_huurwoning"].unit == "m³" and ignored == []


def test_curated_indicators_keep_their_own_description(catalogue):
    # A CBS variable a curated indicator already reads is not listed a second time.
    cbs_keys = {n.lower() for i in catalogue.indicators.values() if i.kind == "cbs"
                for n in i.odata}  # fmt: skip
    assert "huurwoningentotaal" not in cbs_keys and "k_0tot15jaar" not in cbs_keys
    assert catalogue["pct_huurwoningen"].kind == "curated"
    # (the wider poverty measures and wealth are curated: they have a direction)
    assert sum(i.kind == "cbs" for i in catalogue.indicators.values()) >= 75


def test_picker_groups_by_theme_with_curated_first(catalogue):
    order = catalogue.picker_order(list(catalogue.indicators))
    themes = [catalogue[i].theme for i in order]
    assert themes == sorted(themes, key=list(catalogue.themes).index)
    for theme in catalogue.themes:
        kinds = [catalogue[i].kind for i in order if catalogue[i].theme == theme]
        assert kinds == sorted(kinds, key=["curated", "cbs", "own"].index)
    assert catalogue.option_label("cbs_mannen") == (
        "Mannen (overig CBS) · Ontmoeting & eenzaamheid"
    )


@needs_cbs
def test_cli_lists_every_indicator_with_cbs_label_and_unit(capsys):
    import_eindhoven()
    assert main(["indicators", "--gemeente", "GM0772"]) == 0
    out, err = capsys.readouterr()
    rows = [line.split("\t") for line in out.splitlines()[1:]]
    by_id = {r[0]: r for r in rows}
    assert by_id["cbs_opleiding_hoog"][1:5] == [
        "Opleidingsniveau hoog", "aantal", "overig CBS", "CBS Kerncijfers wijken en buurten",
    ]  # fmt: skip
    assert by_id["pct_huishoudens_laag_inkomen"][3] == "gecureerd"
    data = load_dataset("GM0772")
    assert (
        len(rows) == data.values.loc[data.values["status"] == "", "indicator"].nunique()
    )
    assert f"{len(rows)} indicatoren" in err


# --- trends across a boundary change ---------------------------------------------------------


def split_next_year(tmp_path, marker: bool = True):
    """Real Eindhoven 2022, and a '2023' made from it in which buurt SPLIT is cut in two (its
    eastern half becomes NEW) and buurt RECODED gets another code; everything else the same,
    with 10 % more inhabitants so that trends have something to show."""
    geo = gpd.read_file(CBS_DIR / "buurten_GM0772_eindhoven.geojson")
    kwb = pd.read_csv(CBS_DIR / "kwb_2022.csv", dtype=str)
    kwb = kwb[kwb["WijkenEnBuurten"].str.startswith("BU0772")]
    code = next(c for c in geo.columns if geo[c].astype(str).str.match(r"BU0772").all())
    split, recoded = geo[code].iloc[0], geo[code].iloc[1]
    new, renamed = split[:8] + "98", recoded[:8] + "97"
    shape = geo.loc[geo[code] == split, "geometry"].iloc[0]
    x0, y0, x1, y1 = shape.bounds
    west = shapely.box(x0, y0, (x0 + x1) / 2, y1)
    geo23 = geo.copy()
    geo23.loc[geo23[code] == split, "geometry"] = shape.intersection(west)
    extra = geo23[geo23[code] == split].copy()
    extra[code] = new
    extra["geometry"] = [shape.difference(west)]
    geo23 = pd.concat([geo23, extra], ignore_index=True)
    geo23.loc[geo23[code] == recoded, code] = renamed
    kwb23 = kwb.copy()
    kwb23["AantalInwoners_5"] = (kwb23["AantalInwoners_5"].astype(float) * 1.1).round()
    born = kwb23[kwb23["WijkenEnBuurten"] == split].copy()
    born["WijkenEnBuurten"] = born["Codering_3"] = new
    kwb23 = pd.concat([kwb23, born])
    kwb23.loc[
        kwb23["WijkenEnBuurten"] == recoded, ["WijkenEnBuurten", "Codering_3"]
    ] = renamed
    column = "IndelingswijzigingGemeenteWijkBuurt_4"
    kwb23[column] = "1"
    kwb23.loc[kwb23["WijkenEnBuurten"].isin([split, new]), column] = "3"
    kwb23.loc[kwb23["WijkenEnBuurten"] == renamed, column] = "2"
    if not marker:
        kwb23 = kwb23.drop(columns=column)
    files = {}
    for year, g, k in ((2022, geo, kwb), (2023, geo23, kwb23)):
        files[year] = (
            (g.to_json().encode(), f"buurten_{year}.geojson"),
            (k.to_csv(index=False).encode(), f"kwb_{year}.csv"),
        )
    return files, split, new, renamed


@needs_cbs
@pytest.mark.parametrize("marker", [True, False], ids=["cbs-marker", "geometry-only"])
def test_trend_breaks_where_a_buurt_was_split_or_recoded(tmp_path, marker, catalogue):
    files, split, new, renamed = split_next_year(tmp_path, marker)
    import_cbs(*files[2022], gemeente="GM0772")
    report = import_cbs(*files[2023], gemeente="GM0772")
    data = load_dataset("GM0772")
    changed = dict(zip(data.changes["buurtcode"], data.changes["wijziging"]))
    assert changed[split] == "grens"
    if marker:  # CBS's marker names the new and the re-coded buurt too
        assert changed[new] == "grens" and changed[renamed] == "code"
    else:  # without it, the outlines still show the split
        assert any("andere grenzen" in n for n in report.notes)
    codes = data.buurten["buurtcode"].tolist()
    broken = breaks(data.changes, codes, 2022, 2023)
    ind = catalogue["aantal_inwoners"]
    trend = buurt_trend(
        data.wide(2022)[ind.id], data.wide(2023)[ind.id], 1.0, 1.0, ind, broken
    ).set_index("buurtcode")
    assert trend.at[split, "breuk"] == "grens gewijzigd in 2023"
    assert pd.isna(trend.at[split, "richting"]) and pd.isna(trend.at[split, "change"])
    # Both years' own figures stay visible; only the line between them goes.
    assert trend.at[split, "from_value"] > 0 and trend.at[split, "to_value"] > 0
    same = next(c for c in codes if c not in (split, new, renamed))
    assert trend.at[same, "richting"] == "hoger" and pd.isna(trend.at[same, "breuk"])
    if marker:
        assert trend.at[renamed, "breuk"] == "nieuwe buurtcode in 2023"
    # The buurtprofiel says the same in words.
    told = _trends(data, catalogue, split, 2023, pd.DataFrame({"value": {}}),
                   lambda y: (pd.DataFrame({"value": {}}), None))  # fmt: skip
    assert told["aantal_inwoners"] == "grens gewijzigd in 2023"
    assert json.dumps(told)  # plain text, for the PDF and the JSON export


@needs_cbs
def test_tellen_names_the_break_instead_of_a_trend(app, tmp_path):
    files, split, _, _ = split_next_year(tmp_path)
    import_cbs(*files[2022], gemeente="GM0772")
    import_cbs(*files[2023], gemeente="GM0772")
    at = app.run()
    at.sidebar.selectbox[0].select("GM0772").run()
    at.switch_page("pages/tellen.py")
    at.query_params["buurt"] = split
    at.query_params["indicator"] = "aantal_inwoners"
    at.run()
    assert not at.exception
    trend = at.dataframe[-1].value.set_index("Buurt")
    name = load_dataset("GM0772").buurten.set_index("buurtcode").at[split, "buurtnaam"]
    # Both halves of the split buurt keep its name (the new one is a copy in this fixture).
    assert (trend.loc[[name], "Richting"] == "grens gewijzigd in 2023").all()
    assert (trend.loc[[name], "Verandering"] == "–").all()
    assert (trend.drop(index=name)["Richting"] != "grens gewijzigd in 2023").sum() > 100
    chart = at.get("plotly_chart")[-1].proto.spec
    assert (
        f"{name}: grens gewijzigd in 2023" in chart and '"mode":"markers+text"' in chart
    )
