"""Importing and exporting stories: encodings, separators, mapping, all-or-nothing, injection."""

import csv
import io
import time

import pandas as pd
import pytest

from stories.db import make_engine
from stories.errors import StoreError
from stories.exchange import export_stories, import_stories, neutralise, read_stories
from stories.store import StoryStore
from tests.conftest import TESTER

CODES = {f"BU999902{i:02d}" for i in range(1, 6)}
HEADER_NL = [
    "buurtcode",
    "soort",
    "thema",
    "tekst",
    "bron",
    "stem",
    "datum",
    "toestemming",
]
HEADER_EN = [
    "neighbourhood",
    "kind",
    "themes",
    "story",
    "source",
    "voice",
    "date",
    "consent",
]


def rows(n: int, bad_at: int | None = None) -> list[list[str]]:
    out = []
    for i in range(n):
        code = "BU99990201" if i + 1 != bad_at else "BU00000000"
        out.append([code, "zorg", "jeugd;veiligheid", f"Verhaal nummer {i}: te hard rijden.",
                    "enquête", "bewoner", "12-03-2025", "ja"])  # fmt: skip
    return out


def csv_file(header, body, sep=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerows([header, *body])
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    yield StoryStore(engine, TESTER)
    engine.dispose()


@pytest.mark.parametrize(
    "sep, encoding",
    [
        (";", "utf-8"),
        (",", "utf-8"),
        ("\t", "utf-8"),
        (";", "utf-8-sig"),
        (";", "cp1252"),
    ],
)
def test_encodings_and_separators(sep, encoding):
    body = rows(3)
    body[0][3] = "Café-eigenaar: één plek voor iedereen, zó fijn."
    result = read_stories(csv_file(HEADER_NL, body, sep, encoding), "v.csv", CODES)
    assert result.problems == [] and len(result.valid) == 3
    assert result.valid[0].text == "Café-eigenaar: één plek voor iedereen, zó fijn."
    assert result.valid[0].themes == ["jeugd", "veiligheid"]


def test_english_headers_and_unknown_columns():
    header = HEADER_EN + ["naam interviewer"]
    body = [r + ["Piet"] for r in rows(2)]
    result = read_stories(csv_file(header, body, ","), "stories.csv", CODES)
    assert result.mapping["text"] == "story" and result.ignored == ["naam interviewer"]
    assert len(result.valid) == 2


def test_xlsx():
    buffer = io.BytesIO()
    pd.DataFrame(rows(4), columns=HEADER_NL).to_excel(buffer, index=False)
    assert len(read_stories(buffer.getvalue(), "v.xlsx", CODES).valid) == 4


def test_missing_columns_are_named():
    data = csv_file(["buurtcode", "tekst"], [["BU99990201", "Hallo"]])
    with pytest.raises(
        StoreError, match="kolommen ontbreken: soort, thema, datum, toestemming"
    ):
        read_stories(data, "v.csv", CODES)


@pytest.mark.parametrize(
    "column, value, message",
    [
        (0, "BU12345678", "hoort niet bij deze gemeente"),
        (1, "mooi", "kies kracht, zorg, droom of talent"),
        (2, "sport", "Onbekend thema 'sport'"),
        (2, "", "minstens één thema"),
        (3, "Bel me op 06-12345678", "telefoonnummer"),
        (3, "", "tekst van het verhaal is leeg"),
        (4, "krant", "Bron 'krant' onbekend"),
        (6, "31-02-2025", "geen geldige datum"),
        (6, "2099-01-01", "in de toekomst"),
        (7, "nee", "Toestemming ontbreekt"),
    ],
)
def test_bad_rows_are_reported_per_line(column, value, message):
    body = rows(3)
    body[1][column] = value
    result = read_stories(csv_file(HEADER_NL, body), "v.csv", CODES)
    assert len(result.valid) == 2
    ((line, errors),) = result.problems
    assert line == 3 and any(message in e for e in errors)


def test_bad_row_5000_writes_nothing(store):
    data = csv_file(HEADER_NL, rows(6000, bad_at=5000))
    result = import_stories(store, "GM0001", data, "groot.csv", CODES)
    assert result.written == 0 and store.count("GM0001") == 0
    assert [line for line, _ in result.problems] == [5001]  # row 5000 is line 5001
    # Choosing to skip bad rows writes the rest.
    result = import_stories(
        store, "GM0001", data, "groot.csv", CODES, skip_bad_rows=True
    )
    assert result.written == 5999 and store.count("GM0001") == 5999


def test_ten_thousand_rows(store):
    started = time.perf_counter()
    result = import_stories(
        store, "GM0001", csv_file(HEADER_NL, rows(10_000)), "tien.csv", CODES
    )
    assert result.written == 10_000 and store.count("GM0001") == 10_000
    assert (
        time.perf_counter() - started > 0
    )  # timing is reported by bench/, not judged here


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=1+1", "'=1+1"),
        ("+31", "'+31"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Gewoon", "Gewoon"),
        (3.5, 3.5),
    ],
)
def test_formulas_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def test_export_round_trip_and_injection(store):
    body = rows(2)
    body[0][3] = '=HYPERLINK("http://evil.example","klik")'
    body[1][3] = "<script>alert(1)</script> kwam langs"
    import_stories(store, "GM0001", csv_file(HEADER_NL, body), "v.csv", CODES)
    exported = export_stories(store.query("GM0001"))
    text = exported.decode("utf-8-sig")
    assert (
        "'=HYPERLINK" in text and "<script>alert(1)</script>" in text
    )  # text stays text
    again = read_stories(exported, "export.csv", CODES)
    assert again.problems == [] and len(again.valid) == 2
    xlsx = pd.read_excel(io.BytesIO(export_stories(store.query("GM0001"), "xlsx")))
    assert xlsx["tekst"].str.startswith("'=").any()
