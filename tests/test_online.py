"""The online import against a local server that answers with recorded responses.

Nothing here touches the internet: WIJK_CBS_URL and WIJK_PDOK_URL point at 127.0.0.1.
"""

import http.server
import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

import analysis.online as online
from analysis.datasets import load_dataset
from analysis.errors import AnalysisError
from analysis.importer import import_cbs

RECORDED = Path(__file__).resolve().parent / "fixtures" / "online"


class Recorded(http.server.BaseHTTPRequestHandler):
    """Serves tests/fixtures/online/ as CBS (ODataFeed) and PDOK (WFS) would."""

    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Recorded.requests.append(self.path)
        url = urlparse(self.path)
        query = parse_qs(url.query)
        host = self.headers["Host"]
        if url.path.startswith("/ODataFeed/odata/85318NED"):
            name = url.path.rstrip("/").split("/")[-1]
            if name == "85318NED":
                name = "root"
            elif name == "TypedDataSet":
                name = "TypedDataSet-2" if "page" in query else "TypedDataSet-1"
            file = RECORDED / "cbs" / f"{name}.json"
        elif url.path == "/wfs":
            start = int(query["startIndex"][0])
            file = RECORDED / "pdok" / f"buurten-{start // int(query['count'][0])}.json"
        else:
            file = None
        if file is None or not file.exists():
            self.send_error(404)
            return
        body = file.read_text().replace("{host}", host).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def services(monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv("WIJK_CBS_URL", base)
    monkeypatch.setenv("WIJK_PDOK_URL", base + "/wfs")
    monkeypatch.setattr(
        online, "PDOK_PAGE", 4
    )  # the recording holds 6 buurten: two pages
    monkeypatch.setattr(online, "_reachable", {})
    Recorded.requests = []
    yield base
    server.shutdown()


def test_fetch_and_import_a_gemeente(services):
    steps = []
    geometry, statistics = online.fetch_gemeente("gm9999", 2022, progress=steps.append)
    assert len(steps) == 2 and "PDOK" in steps[0] and "85318NED" in steps[1]
    collection = json.loads(geometry[0])
    assert len(collection["features"]) == 6  # both WFS pages
    report = import_cbs(geometry, statistics, year=2022, gemeente="GM9999")
    assert report.buurten == 6 and report.without_statistics == []
    assert report.warnings == []  # the CRS is stated, not guessed
    data = load_dataset("GM9999")
    assert data.wide(2022).at["BU99990201", "aantal_inwoners"] > 0
    # null in the OData answer stays missing; the gemeente row is kept as published.
    assert (
        data.status(2022).at["BU99990803", "pct_huishoudens_laag_inkomen"]
        == "geheim of onbekend"
    )
    assert set(data.published["code"]) == {"GM9999"}


def test_the_right_questions_are_asked(services):
    online.fetch_gemeente("GM9999", 2022)
    odata = [
        parse_qs(urlparse(r).query) for r in Recorded.requests if "TypedDataSet?" in r
    ]
    assert odata[0]["$filter"] == [
        "startswith(WijkenEnBuurten,'BU9999') or startswith(WijkenEnBuurten,'WK9999')"
        " or WijkenEnBuurten eq 'GM9999' or WijkenEnBuurten eq 'NL00'"
    ]
    wfs = [
        parse_qs(urlparse(r).query) for r in Recorded.requests if r.startswith("/wfs")
    ]
    assert wfs[0]["typeNames"] == ["wijkenbuurten:buurten"]
    assert [q["startIndex"][0] for q in wfs] == ["0", "4"]
    assert "GM9999" in wfs[0]["filter"][0] and wfs[0]["srsName"] == ["EPSG:28992"]


def test_bad_requests_are_refused_before_asking(services):
    with pytest.raises(AnalysisError, match="geen gemeentecode"):
        online.fetch_gemeente("Eindhoven", 2022)
    with pytest.raises(AnalysisError, match="kennen we geen CBS-tabel"):
        online.fetch_gemeente("GM0772", 1999)
    assert Recorded.requests == []


def test_server_errors_become_dutch_messages(services, monkeypatch):
    monkeypatch.setenv("WIJK_PDOK_URL", services + "/elders")
    with pytest.raises(
        AnalysisError, match=r"PDOK \(127.0.0.1\) antwoordde met foutcode"
    ):
        online.fetch_buurten("GM9999", 2022)
    with pytest.raises(
        AnalysisError, match=r"CBS \(127.0.0.1\) antwoordde met foutcode"
    ):
        online.fetch_statistics("GM9999", 2023)  # another table: not recorded


@pytest.mark.parametrize("fetch", [online.fetch_buurten, online.fetch_statistics])
def test_offline_says_so_in_one_sentence_and_points_to_the_files(fetch, monkeypatch):
    # Nothing listens on port 9: what a laptop without internet meets.
    monkeypatch.setenv("WIJK_CBS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("WIJK_PDOK_URL", "http://127.0.0.1:9/wfs")
    with pytest.raises(AnalysisError) as refused:
        fetch("GM0772", 2022)
    message = str(refused.value)
    assert "is niet bereikbaar: deze computer is niet online" in message
    assert "Uit bestanden" in message and "import-cbs --geometry" in message
    # Not the raw connection error with its long query address.
    assert "GetFeature" not in message and "Max retries" not in message
    assert "TypedDataSet" not in message and "HTTPConnectionPool" not in message


def test_offline_is_detected(monkeypatch):
    monkeypatch.setenv(
        "WIJK_CBS_URL", "http://127.0.0.1:9"
    )  # nothing listens on port 9
    monkeypatch.setattr(online, "_reachable", {})
    assert online.online_available(timeout=0.5) is False


def test_online_is_detected(services):
    assert online.online_available() is True
