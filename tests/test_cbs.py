"""Reading KWB statistics: sentinels, separators, decimal styles, encodings, column names."""

import io

import numpy as np
import pandas as pd
import pytest

from analysis.cbs import (
    GEHEIM,
    NIET_BESCHIKBAAR,
    ONBEKEND,
    parse_column,
    read_statistics,
    read_table,
    statistics_from_frame,
)
from analysis.errors import AnalysisError

NAN = float("nan")


@pytest.mark.parametrize(
    "cell, decimal_comma, value, status",
    [
        ("12", False, 12.0, ""),
        ("   3905", False, 3905.0, ""),  # OData pads numbers with spaces
        ("12.5", False, 12.5, ""),
        ("12,5", True, 12.5, ""),
        ("1.234,5", True, 1234.5, ""),
        (".", False, NAN, ONBEKEND),  # StatLine: unknown, unreliable or secret
        ("       .", False, NAN, ONBEKEND),
        ("x", False, NAN, GEHEIM),  # StatLine: secret
        ("-", False, 0.0, ""),  # StatLine: nil
        ("", False, NAN, ONBEKEND),
        ("-99995", False, NAN, GEHEIM),  # GeoPackage 2023+
        ("-99997", False, NAN, NIET_BESCHIKBAAR),
        ("-99999999", False, NAN, ONBEKEND),  # shapefile/DBF up to 2022
        ("-99999997", False, NAN, ONBEKEND),
        ("-99999999,0", True, NAN, ONBEKEND),
        ("veel", False, NAN, NIET_BESCHIKBAAR),  # not a number: counted as unreadable
    ],
)
def test_parse_text_cells(cell, decimal_comma, value, status):
    values, reasons, _ = parse_column(pd.Series([cell], dtype=object), decimal_comma)
    assert reasons.iloc[0] == status
    if np.isnan(value):
        assert np.isnan(values.iloc[0])
    else:
        assert values.iloc[0] == value


@pytest.mark.parametrize(
    "number, status",
    [
        (7.0, ""),
        (-99995.0, GEHEIM),
        (-99997.0, NIET_BESCHIKBAAR),
        (-99999999.0, ONBEKEND),
        (NAN, ONBEKEND),
    ],
)
def test_parse_numeric_cells(number, status):
    values, reasons, _ = parse_column(pd.Series([number]), False)
    assert reasons.iloc[0] == status
    assert (values.iloc[0] == number) if not status else np.isnan(values.iloc[0])


def test_unreadable_cells_are_counted():
    _, _, unreadable = parse_column(pd.Series(["1", "twee", "3", "?!"]), False)
    assert unreadable == 2


ROWS = [
    ["BU99990101", "2150", "12.3"],
    ["BU99990102", "1640", "."],
]
HEADER = ["buurtcode", "AantalInwoners_5", "HuishoudensMetEenLaagInkomen_78"]


def csv_bytes(
    sep: str, encoding: str, decimal_comma: bool = False, quote: bool = False
) -> bytes:
    lines = [HEADER] + [
        [r[0], r[1], r[2].replace(".", ",") if decimal_comma and r[2] != "." else r[2]]
        for r in ROWS
    ]
    wrap = (lambda v: f'"{v}"') if quote else (lambda v: v)
    text = "\n".join(sep.join(wrap(v) for v in line) for line in lines)
    return text.encode(encoding)


@pytest.mark.parametrize(
    "sep, encoding, decimal_comma, quote",
    [
        (";", "utf-8", True, True),  # StatLine download: ; quoted, decimal comma
        (";", "utf-8-sig", True, False),  # Excel 'CSV UTF-8' with BOM
        (",", "utf-8", False, False),  # OData/pandas export
        ("\t", "utf-8", False, False),
        (";", "cp1252", True, False),  # older Excel on Windows
    ],
)
def test_csv_variants(catalogue, sep, encoding, decimal_comma, quote):
    table = read_statistics(
        csv_bytes(sep, encoding, decimal_comma, quote), "kwb_2022.csv", catalogue
    )
    values = table.values.set_index(["code", "indicator"])
    assert values.at[("BU99990101", "pct_huishoudens_laag_inkomen"), "waarde"] == 12.3
    assert values.at[("BU99990101", "aantal_inwoners"), "waarde"] == 2150
    assert (
        values.at[("BU99990102", "pct_huishoudens_laag_inkomen"), "status"] == ONBEKEND
    )
    assert table.year == 2022  # from the file name


def test_windows_1252_names_survive(catalogue):
    data = "buurtcode;Gemeentenaam;AantalInwoners_5\nBU19000101;Súdwest-Fryslân;100\n".encode(
        "cp1252"
    )
    table = read_statistics(data, "stats.csv", catalogue, year=2023)
    assert table.gemeentenamen == {"1900": "Súdwest-Fryslân"}


def test_xlsx(catalogue):
    buffer = io.BytesIO()
    pd.DataFrame(ROWS, columns=HEADER).to_excel(buffer, index=False)
    table = read_statistics(buffer.getvalue(), "eigen.xlsx", catalogue, year=2023)
    assert len(table.values[table.values["status"] == ""]) == 3
    assert table.year == 2023


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "leeg.csv", "leeg"),
        (b"abc", "tabel.ods", "onbekend bestandstype"),
        (b"not a zip", "kapot.xlsx", "geen leesbaar Excel"),
        (
            b"naam;inwoners\nDe Wijk;100\n",
            "geen_codes.csv",
            "geen kolom met CBS-buurtcodes",
        ),
        (
            b"buurtcode;katten\nBU99990101;3\n",
            "katten.csv",
            "geen enkele kolom herkend",
        ),
        (
            b"buurtcode;aantal_inwoners\nBU99990101;3\nBU99990101;4\n",
            "dubbel.csv",
            "meer dan eens",
        ),
    ],
)
def test_bad_files_get_dutch_messages(catalogue, data, name, message):
    with pytest.raises(AnalysisError, match=message):
        read_statistics(data, name, catalogue, year=2023)


@pytest.mark.parametrize(
    "column, indicator",
    [
        ("AantalInwoners_5", "aantal_inwoners"),  # OData 2022
        ("HuishoudensTotaal_29", "aantal_huishoudens"),  # OData 2024: other suffix
        ("HuishoudensTotaal_28", "aantal_huishoudens"),  # OData 2022
        ("aantal_inwoners", "aantal_inwoners"),  # GeoPackage / PDOK
        ("percentage_huishoudens_met_laag_inkomen", "pct_huishoudens_laag_inkomen"),
        ("AANT_INW", "aantal_inwoners"),  # Wijk- en buurtkaart DBF
        ("Inwoners", "aantal_inwoners"),  # the Dutch label, as in a home-made sheet
        ("pct_65_plus", "pct_65_plus"),  # our own id
    ],
)
def test_columns_are_matched_through_the_catalogue(catalogue, column, indicator):
    frame = pd.DataFrame({"code": ["BU99990101"], column: ["5"]})
    table = statistics_from_frame(frame, catalogue, "t.csv", 2023)
    assert table.recognised == {indicator: column}


def test_counts_become_percentages_of_their_base(catalogue):
    frame = pd.DataFrame(
        {
            "Codering_3": ["BU99990101", "BU99990102", "BU99990103"],
            "AantalInwoners_5": ["200", "0", "."],
            "k_0Tot15Jaar_8": ["50", "0", "10"],
            "HuishoudensTotaal_28": ["100", "0", "."],
            "Eenpersoonshuishoudens_29": ["40", "0", "5"],
        }
    )
    table = statistics_from_frame(frame, catalogue, "t.csv", 2022)
    v = table.values.set_index(["code", "indicator"])
    assert v.at[("BU99990101", "pct_0_15"), "waarde"] == 25.0
    assert v.at[("BU99990101", "pct_eenpersoonshuishoudens"), "waarde"] == 40.0
    assert v.at[("BU99990102", "pct_0_15"), "status"] == NIET_BESCHIKBAAR  # 0 of 0
    assert v.at[("BU99990103", "pct_0_15"), "status"] == ONBEKEND  # base unknown
    assert table.recognised["pct_0_15"] == "k_0Tot15Jaar_8 / AantalInwoners_5"


def test_direct_value_wins_over_count(catalogue):
    frame = pd.DataFrame(
        {
            "code": ["BU99990101"],
            "aantal_inwoners": ["100"],
            "k_0Tot15Jaar_8": ["10"],
            "percentage_personen_0_tot_15_jaar": ["12"],
        }  # fmt: skip
    )
    table = statistics_from_frame(frame, catalogue, "t.csv", 2023)
    assert table.recognised["pct_0_15"] == "percentage_personen_0_tot_15_jaar"
    assert "k_0Tot15Jaar_8" in table.ignored


@pytest.mark.parametrize(
    "extra, filename, given, expected",
    [
        ({"jaarstatcode": ["2021BU99990101"]}, "x.csv", None, 2021),
        ({"Perioden": ["2023JJ00"]}, "x.csv", 2020, 2023),  # the file itself wins
        ({}, "kwb-2019.csv", None, 2019),
        ({}, "kwb.csv", 2024, 2024),
        ({}, "kwb.csv", None, None),
    ],
)
def test_year(catalogue, extra, filename, given, expected):
    frame = pd.DataFrame({"code": ["BU99990101"], "aantal_inwoners": ["5"], **extra})
    assert statistics_from_frame(frame, catalogue, filename, given).year == expected


def test_gemeente_and_wijk_rows_are_kept(catalogue):
    data = b'"Codering_3";"AantalInwoners_5"\n"GM9999    ";"67520"\n"WK999901  ";"9780"\n"BU99990101";"2150"\n'
    table = read_statistics(data, "kwb_2022.csv", catalogue)
    assert sorted(table.values["code"]) == ["BU99990101", "GM9999", "WK999901"]


def test_table_reads_as_strings():
    frame = read_table(b"a;b\n1;x\n", "t.csv")
    assert frame.to_dict("list") == {"a": ["1"], "b": ["x"]}
