import pandas as pd
import pytest

from analysis.datasets import (
    add_derived,
    check_values,
    data_dir,
    list_datasets,
    load_dataset,
)
from analysis.errors import AnalysisError


def test_data_dir_follows_the_environment(private_data_dir):
    assert data_dir() == private_data_dir


def test_data_dir_defaults_to_an_ignored_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("WIJK_DATA_DIR")
    path = data_dir()
    assert path.name == "var"
    ignored = (path.parent / ".gitignore").read_text()
    assert "/var/" in ignored.splitlines()


def test_demo_is_listed():
    infos = list_datasets()
    assert [i.id for i in infos] == ["demo"]
    assert infos[0].fictional


def test_unknown_dataset_gets_a_dutch_message():
    with pytest.raises(AnalysisError, match="bestaat niet"):
        load_dataset("GM0772-2099")


def test_every_missing_value_has_a_reason(demo):
    missing = demo.values[demo.values["waarde"].isna()]
    assert len(missing) > 0
    assert missing["status"].isin(["geheim", "niet beschikbaar"]).all()
    assert demo.values.loc[demo.values["status"] != "", "waarde"].isna().all()


def rows(*records):
    return pd.DataFrame(
        records, columns=["buurtcode", "jaar", "indicator", "waarde", "status"]
    )


@pytest.mark.parametrize(
    "record, value, status",
    [
        (("BU1", 2023, "pct_0_15", 12.0, ""), 12.0, ""),
        (
            ("BU1", 2023, "pct_0_15", None, ""),
            None,
            "niet beschikbaar",
        ),  # no reason given
        (("BU1", 2023, "pct_0_15", 12.0, "geheim"), None, "geheim"),  # a reason wins
        (("BU1", 2023, "pct_0_15", "x", ""), None, "niet beschikbaar"),
    ],
)
def test_check_values(catalogue, record, value, status):
    checked = check_values(rows(record), catalogue).iloc[0]
    assert pd.isna(checked["waarde"]) if value is None else checked["waarde"] == value
    assert checked["status"] == status


def test_unknown_indicators_are_dropped(catalogue):
    assert check_values(rows(("BU1", 2023, "aantal_katten", 3.0, "")), catalogue).empty


def test_derived_rate_and_inherited_reason(catalogue):
    values = check_values(
        rows(
            ("BU1", 2023, "personen_bijstand", 30.0, ""),
            ("BU1", 2023, "aantal_inwoners", 1500.0, ""),
            ("BU2", 2023, "personen_bijstand", None, "geheim"),
            ("BU2", 2023, "aantal_inwoners", 150.0, ""),
        ),
        catalogue,
    )
    out = add_derived(values, catalogue)
    rate = out[out["indicator"] == "bijstand_per_1000"].set_index("buurtcode")
    assert rate.at["BU1", "waarde"] == pytest.approx(20.0)
    assert pd.isna(rate.at["BU2", "waarde"]) and rate.at["BU2", "status"] == "geheim"
