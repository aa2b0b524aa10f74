"""Own indicators: the template round-trips, bad files are refused with nothing written, and
an own figure shows up where CBS figures do (catalogue, signals, CLI)."""

import io

import openpyxl
import pandas as pd
import pytest

from analysis.datasets import catalogue_for, datasets_dir, load_dataset
from analysis.errors import AnalysisError
from analysis.importer import import_cbs
from analysis.own import DESCRIPTION_COLUMNS, export, import_own, own_levels, template
from analysis.signals import dataset_signals
from cli import main

DESCRIBED = pd.DataFrame(
    [["eenzaam", "Ernstig eenzaam", "ontmoeting", "%", "-1", "inwoners", "GGD Monitor 2022"],
     ["schuldhulp", "Schuldhulp", "Armoede & schulden", "per 1.000 huishoudens", "0",
      "huishoudens", "Eigen registratie"]],
    columns=DESCRIPTION_COLUMNS,
)  # fmt: skip


@pytest.fixture
def gemeente(demo):
    """The demo's buurten and two figures imported as a real gemeente (GM9999, 2022)."""
    wide = demo.wide(2022)[["aantal_inwoners"]].rename(
        columns={"aantal_inwoners": "AantalInwoners_5"}
    )
    csv = wide.rename_axis("Codering_3").reset_index().to_csv(index=False, sep=";")
    import_cbs(
        (demo.buurten.to_json().encode(), "b.geojson"), (csv.encode(), "kwb_2022.csv")
    )
    return load_dataset("GM9999")


def figures(data, eenzaam=None) -> pd.DataFrame:
    codes = data.buurten["buurtcode"]
    return pd.DataFrame({
        "buurtcode": codes, "jaar": 2022,
        "eenzaam": eenzaam if eenzaam is not None else [10.0 + i for i in range(len(codes))],
        "schuldhulp": [float(i) for i in range(len(codes))],
    })  # fmt: skip


def xlsx(figures: pd.DataFrame, described: pd.DataFrame = DESCRIBED) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as book:
        figures.to_excel(book, sheet_name="cijfers", index=False)
        described.to_excel(book, sheet_name="indicatoren", index=False)
    return out.getvalue()


def folder_bytes() -> dict:
    return {p.name: p.read_bytes() for p in (datasets_dir() / "GM9999").iterdir()}


def test_template_round_trips(gemeente):
    # Download, fill in the example column in Excel, import, export, import the export again.
    book = openpyxl.load_workbook(
        io.BytesIO(template(gemeente, catalogue_for(gemeente)))
    )
    sheet = book["cijfers"]
    header = [c.value for c in sheet[1]]
    assert header == ["buurtcode", "buurtnaam", "jaar", "eenzaamheid"]
    assert sheet.max_row == len(gemeente.buurten) + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 4, value=row * 1.5)
    sheet.cell(3, 4).value = None  # a buurt without a figure
    filled = io.BytesIO()
    book.save(filled)
    result = import_own(
        (filled.getvalue(), "ingevuld.xlsx"), gemeente, catalogue_for(gemeente)
    )
    assert [i.id for i in result.indicators] == [
        "eigen_eenzaamheid"
    ] and result.missing == 1
    data = load_dataset("GM9999")
    cat = catalogue_for(data)
    own = cat["eigen_eenzaamheid"]
    assert (own.kind, own.label, own.theme, own.direction) == (
        "own",
        "Ernstig eenzaam",
        "ontmoeting",
        -1,
    )
    assert own.source.startswith("GGD Gezondheidsmonitor")
    wide, status = data.wide(2022), data.status(2022)
    first, second = data.buurten["buurtcode"].iloc[:2]
    assert wide.at[first, "eigen_eenzaamheid"] == 3.0
    assert pd.isna(wide.at[second, "eigen_eenzaamheid"])
    assert status.at[second, "eigen_eenzaamheid"] == "niet beschikbaar"
    # Export: the same figures in the template's form; importing it again changes nothing.
    exported = export(data, cat)
    sheets = pd.read_excel(io.BytesIO(exported), sheet_name=None)
    assert sheets["cijfers"]["eenzaamheid"].iloc[0] == 3.0
    assert sheets["indicatoren"].loc[0, "label"] == "Ernstig eenzaam"
    import_own((exported, "export.xlsx"), data, cat)
    again = load_dataset("GM9999")
    pd.testing.assert_frame_equal(
        again.values.sort_values(["buurtcode", "indicator"]).reset_index(drop=True),
        data.values.sort_values(["buurtcode", "indicator"]).reset_index(drop=True),
    )
    assert again.own == data.own


def test_csv_with_its_description_given_separately(gemeente):
    csv = figures(gemeente).to_csv(index=False, sep=";", decimal=",").encode()
    with pytest.raises(
        AnalysisError, match="beschrijving van de indicatoren ontbreekt"
    ):
        import_own((csv, "eigen.csv"), gemeente, catalogue_for(gemeente))
    import_own(
        (csv, "eigen.csv"), gemeente, catalogue_for(gemeente), described=DESCRIBED
    )
    data = load_dataset("GM9999")
    assert catalogue_for(data)["eigen_schuldhulp"].theme == "bestaanszekerheid"
    assert data.wide(2022)["eigen_eenzaam"].iloc[1] == 11.0  # "11,0" read as Dutch


def test_own_figures_get_signals(gemeente):
    high = [10.0] * len(gemeente.buurten)
    high[0] = 60.0
    import_own(
        (xlsx(figures(gemeente, high)), "e.xlsx"), gemeente, catalogue_for(gemeente)
    )
    data = load_dataset("GM9999")
    _, signals = dataset_signals(data, 2022, catalogue_for(data))
    own = signals[signals["indicator"] == "eigen_eenzaam"].set_index("buurtcode")
    assert own.at[data.buurten["buurtcode"].iloc[0], "signal"] == "aandacht"
    assert "eigen_schuldhulp" not in set(signals.dropna(subset=["signal"])["indicator"])


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.assign(buurtcode=f["buurtcode"].where(f.index != 2, "BU07721110")),
         "Rij 4: buurtcode 'BU07721110' hoort niet bij"),
        (lambda f: f.assign(eenzaam=f["eenzaam"].astype(object).where(f.index != 0, "veel")),
         "Rij 2, kolom 'eenzaam': 'veel' is geen getal"),
        (lambda f: f.assign(extra=1.0), "Kolom 'extra' heeft geen beschrijving"),
        (lambda f: f.assign(jaar=2019), "jaar '2019' is geen ingelezen jaar"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), "staat er voor dit jaar al eerder in"),
    ],
    ids=["unknown-code", "text-in-number", "undescribed", "wrong-year", "twice"],
)  # fmt: skip
def test_bad_files_are_refused_with_nothing_written(gemeente, change, message):
    before = folder_bytes()
    with pytest.raises(AnalysisError, match=message) as refused:
        import_own((xlsx(change(figures(gemeente))), "fout.xlsx"), gemeente,
                   catalogue_for(gemeente))  # fmt: skip
    assert "er is niets veranderd" in str(refused.value)
    assert folder_bytes() == before


def test_bad_description_is_named(gemeente):
    described = DESCRIBED.assign(
        richting=["omhoog", "0"], thema=["ontmoeting", "katten"]
    )
    with pytest.raises(AnalysisError) as refused:
        import_own(
            (xlsx(figures(gemeente), described), "f.xlsx"),
            gemeente,
            catalogue_for(gemeente),
        )
    assert "'eenzaam': richting (1, -1 of 0)" in str(refused.value)
    assert "'schuldhulp': thema" in str(refused.value)


def test_wijk_figures_are_kept_per_wijk(gemeente):
    wijken = sorted(set(gemeente.buurten["wijkcode"]))
    per_wijk = pd.DataFrame({"wijkcode": wijken, "eenzaam": 12.5})
    import_own((xlsx(per_wijk, DESCRIBED.iloc[[0]]), "w.xlsx"), gemeente,
               catalogue_for(gemeente), year=2022)  # fmt: skip
    data = load_dataset("GM9999")
    rows = data.published[data.published["indicator"] == "eigen_eenzaam"]
    assert sorted(rows["code"]) == wijken and (rows["waarde"] == 12.5).all()
    # Exported per wijk in the template's form, and read back the same.
    assert own_levels(data) == ["wijk"]
    exported = export(data, catalogue_for(data), "wijk")
    sheet = pd.read_excel(io.BytesIO(exported), sheet_name="cijfers")
    assert sorted(sheet["wijkcode"]) == wijken and (sheet["eenzaam"] == 12.5).all()
    import_own((exported, "terug.xlsx"), data, catalogue_for(data))
    pd.testing.assert_frame_equal(load_dataset("GM9999").published, data.published)


def test_cli_imports_and_lists_own_indicators(gemeente, tmp_path, capsys):
    (tmp_path / "eigen.csv").write_text(
        figures(gemeente).drop(columns="jaar").to_csv(index=False)
    )
    DESCRIBED.to_csv(tmp_path / "beschrijving.csv", index=False)
    args = ["import-indicators", str(tmp_path / "eigen.csv"), "--gemeente", "GM9999"]
    assert main([*args, "--beschrijving", str(tmp_path / "beschrijving.csv")]) == 2
    assert "Geef het jaar op" in capsys.readouterr().err
    assert (
        main(
            [
                *args,
                "--jaar",
                "2022",
                "--beschrijving",
                str(tmp_path / "beschrijving.csv"),
            ]
        )
        == 0
    )
    assert "2 eigen indicatoren ingelezen voor 2022" in capsys.readouterr().out
    assert main(["indicators", "--gemeente", "GM9999"]) == 0
    rows = {
        r.split("\t")[0]: r.split("\t") for r in capsys.readouterr().out.splitlines()
    }
    assert rows["eigen_eenzaam"][1:5] == [
        "Ernstig eenzaam",
        "%",
        "eigen",
        "GGD Monitor 2022",
    ]
