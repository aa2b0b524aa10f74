"""Wijk level: wijk outlines from their buurten, CBS's wijk figures where published and the
buurten combined (weighted like the gemeente value) where not."""

import pandas as pd
import pytest

from analysis.datasets import catalogue_for, load_dataset
from analysis.importer import import_cbs
from analysis.own import import_own
from analysis.wijken import COMPUTED, PUBLISHED, wijk_areas, wijk_figures
from tests.conftest import CBS_DIR
from tests.test_own import DESCRIBED, xlsx
from tests.test_pages import map_data

needs_cbs = pytest.mark.skipif(
    not CBS_DIR.exists(), reason="shared CBS data not present"
)


def test_wijk_outlines_cover_their_buurten(demo):
    areas = wijk_areas(demo)
    assert sorted(areas["buurtcode"]) == sorted(demo.buurten["wijkcode"].unique())
    assert (areas["buurtnaam"] == areas["wijknaam"]).all()
    for _, wijk in areas.iterrows():
        inside = demo.buurten[demo.buurten["wijkcode"] == wijk["wijkcode"]]
        # The same ground, up to the screen simplification (well under 1 %).
        assert wijk.geometry.area == pytest.approx(
            inside.geometry.union_all().area, rel=0.01
        )


def test_computed_wijk_figures_are_weighted_like_the_gemeente(demo, catalogue):
    figures = wijk_figures(demo, 2023, catalogue)
    wide = demo.wide(2023)
    first = demo.buurten["wijkcode"].iloc[0]
    members = demo.buurten.loc[demo.buurten["wijkcode"] == first, "buurtcode"]
    part = wide.loc[members]
    # A count adds up; a share of households is weighted by households, not averaged.
    assert figures.values.at[first, "aantal_inwoners"] == part["aantal_inwoners"].sum()
    ok = part[["pct_huishoudens_laag_inkomen", "aantal_huishoudens"]].dropna()
    expected = (ok.iloc[:, 0] * ok.iloc[:, 1]).sum() / ok.iloc[:, 1].sum()
    assert figures.values.at[first, "pct_huishoudens_laag_inkomen"] == pytest.approx(
        expected
    )
    assert (figures.source["aantal_inwoners"] == COMPUTED).all()


@needs_cbs
def test_cbs_wijk_rows_win_over_the_computed_value(catalogue):
    kwb = pd.read_csv(CBS_DIR / "kwb_2022.csv", dtype=str)
    kwb = kwb[kwb["WijkenEnBuurten"].str.startswith("BU0772")]
    wbk = pd.read_csv(CBS_DIR / "wbk_2022_v1_wijken.csv", dtype=str)
    wbk = wbk[wbk["GM_CODE"] == "GM0772"]
    # A StatLine download with the wijk rows too (here: their inhabitants, from the WBK).
    wijk_rows = pd.DataFrame({"WijkenEnBuurten": wbk["WK_CODE"], "Codering_3": wbk["WK_CODE"],
                              "AantalInwoners_5": wbk["AANT_INW"]})  # fmt: skip
    both = pd.concat([kwb, wijk_rows])
    geometry = CBS_DIR / "buurten_GM0772_eindhoven.geojson"
    import_cbs((geometry.read_bytes(), geometry.name),
               (both.to_csv(index=False).encode(), "kwb_2022.csv"), gemeente="GM0772")  # fmt: skip
    data = load_dataset("GM0772")
    figures = wijk_figures(data, 2022, catalogue_for(data))
    assert len(figures.values) == 20 == len(wijk_areas(data))
    published = wbk.set_index("WK_CODE")["AANT_INW"].astype(float)
    assert figures.values["aantal_inwoners"].to_dict() == published.to_dict()
    assert (figures.source["aantal_inwoners"] == PUBLISHED).all()
    assert (figures.source["pct_huishoudens_laag_inkomen"] == COMPUTED).all()
    # CBS rounds buurten to 5: the sum of the buurten stays within rounding of its figure.
    summed = (
        data.wide(2022)["aantal_inwoners"]
        .groupby(data.buurten.set_index("buurtcode")["wijkcode"])
        .sum()
    )
    assert (summed - published).abs().max() <= 5 * 15


def real_gemeente(demo):
    wide = demo.wide(2023)[["aantal_inwoners", "pct_huishoudens_laag_inkomen"]]
    csv = wide.rename_axis("buurtcode").reset_index().to_csv(index=False)
    import_cbs(
        (demo.buurten.to_json().encode(), "b.geojson"), (csv.encode(), "k_2023.csv")
    )
    return load_dataset("GM9999")


def test_kaart_tellen_overzicht_at_wijk_level(app, demo):
    data = real_gemeente(demo)
    wijken = sorted(data.buurten["wijkcode"].unique())
    per_wijk = pd.DataFrame(
        {"wijkcode": wijken, "eenzaam": [10.0 + i for i in range(len(wijken))]}
    )
    import_own(
        (xlsx(per_wijk, DESCRIBED.iloc[[0]]), "w.xlsx"),
        data,
        catalogue_for(data),
        year=2023,
    )
    at = app.run()
    at.sidebar.selectbox[0].select("GM9999").run()
    at.switch_page("pages/kaart.py").run()
    assert "eigen_eenzaam" not in at.selectbox(key="kaart_indicator").options
    at.radio(key="kaart_niveau").set_value("wijk").run()
    assert not at.exception
    # A figure the gemeente has per wijk only is there at wijk level, with its source.
    at.selectbox(key="kaart_indicator").set_value("eigen_eenzaam").run()
    sent = map_data(at)
    assert sent["shapes"]["codes"] == wijken
    assert sent["style"]["tip"][0].endswith(": 10,0% (zoals gepubliceerd)")
    assert at.query_params["niveau"] == "wijk"
    assert any(f"{len(wijken)} zoals gepubliceerd" in c.value for c in at.caption)
    at.selectbox(key="kaart_indicator").set_value("aantal_inwoners").run()
    assert "(berekend uit de buurten)" in map_data(at)["style"]["tip"][0]
    assert not [s for s in at.selectbox if s.key == "kaart_buurt"]  # no buurt to choose
    at.switch_page("pages/tellen.py").run()
    at.radio(key="tellen_niveau").set_value("wijk").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert len(table) == len(wijken) and set(table["Herkomst"]) == {
        "berekend uit de buurten"
    }
    at.switch_page("pages/overzicht.py").run()
    at.radio(key="overzicht_niveau").set_value("wijk").run()
    start = at.dataframe[0].value
    assert set(start["buurtnaam"]) <= set(data.buurten["wijknaam"])
    assert start["kaart"].str.contains("niveau=wijk").all()
