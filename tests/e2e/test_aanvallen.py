"""Attacks from the werksessie room, each against a real `streamlit run`: a page that rebinds
its own name to this computer, a plain TCP forwarder, forwarding headers, a login cookie
forged with the README's example secret, a phone that changes its participant id or keeps an
old join code, a raw WebSocket message that empties the server's caches, and a download
address fetched without a session. Each failed on the code before the fix (see README,
*Toegang*: what we defend against)."""

from __future__ import annotations

import json
import re
import socket
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from itsdangerous import URLSafeTimedSerializer
from playwright.sync_api import Browser, BrowserType, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.BackMsg_pb2 import BackMsg

from stories.audit import Actor
from stories.db import make_engine
from stories.validation import StoryIn
from stories.workshop import WorkshopStore
from tests.e2e.conftest import AS_PARTICIPANT, CHROMIUM, CHROMIUM_ARGS, running_app
from tests.e2e.test_browser import TIMEOUT
from tests.e2e.test_toegang import PHONE, QUOTES, sees_quotes, settle, shown_quotes

STAFF_ONLY = "Alleen voor medewerkers"


@pytest.fixture(scope="module")
def laptop(tmp_path_factory):
    """The werksessie laptop: `lokaal`, its own browser is beheerder. Debug logging shows
    when Streamlit makes a cache anew (after something emptied it)."""
    folder = tmp_path_factory.mktemp("laptop")
    with running_app(folder, extra=("--logger.level", "debug")) as url:
        yield url, folder / "streamlit.log"


def port_of(url: str) -> int:
    return int(re.search(r":(\d+)$", url).group(1))


def opens_as_staff(page: Page, url: str) -> None:
    page.goto(f"{url}/vertellen")
    expect(page.get_by_role("tab", name="Verhaal toevoegen")).to_be_visible(
        timeout=TIMEOUT
    )


def refused_as_participant(page: Page, url: str) -> None:
    page.goto(f"{url}/vertellen")
    expect(page.get_by_role("heading", name=STAFF_ONLY)).to_be_visible(timeout=TIMEOUT)
    settle(page)
    assert not shown_quotes(page)


def test_the_laptops_own_browser_is_staff(page: Page, laptop):
    """The control for the attacks below: the same server, opened as it should be."""
    url, _ = laptop
    opens_as_staff(page, url)
    sees_quotes(page)
    opens_as_staff(page, url.replace("127.0.0.1", "localhost"))


# --- 1. DNS rebinding -------------------------------------------------------------------------


def test_a_rebound_name_gets_nothing(browser_type: BrowserType, laptop, screenshots):
    """evil.example resolves to 127.0.0.1 (as a rebinding attacker's DNS makes it): the
    facilitator's browser asks this computer, but for another name. Before: the whole app,
    as beheerder, readable by evil.example's own script."""
    url, _ = laptop
    rebinding = browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1"],
    )
    try:
        page = rebinding.new_page()
        evil = url.replace("127.0.0.1", "evil.example")
        response = page.goto(f"{evil}/vertellen")
        assert response.status == 403
        expect(page.locator("body")).to_contain_text("hoort niet bij Tellen")
        page.wait_for_timeout(1000)
        assert page.get_by_test_id("stApp").count() == 0
        assert not shown_quotes(page)
        page.screenshot(path=screenshots / "aanval-rebinding.png")
        # Nor a WebSocket from that page (the way a script would talk to the server).
        opened = page.evaluate(
            """url => new Promise(done => {
                const ws = new WebSocket(url, ["streamlit"]);
                ws.onopen = () => { ws.close(); done(true); };
                ws.onerror = () => done(false);
            })""",
            evil.replace("http:", "ws:") + "/_stcore/stream",
        )
        assert opened is False
    finally:
        rebinding.close()


# --- 2. Forwarders and forwarding headers --------------------------------------------------


@contextmanager
def tcp_forwarder(target_port: int):
    """A plain TCP forward (what socat or `ssh -R` does) from 127.0.0.2 to the app on
    127.0.0.1: the app sees a loopback peer and no proxy header at all."""
    listener = socket.create_server(("127.0.0.2", 0))
    listener.settimeout(0.5)
    stop = threading.Event()

    def pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            upstream = socket.create_connection(("127.0.0.1", target_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.2:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_a_tcp_forwarder_makes_nobody_staff(page: Page, laptop, screenshots):
    url, _ = laptop
    with tcp_forwarder(port_of(url)) as forwarded:
        refused_as_participant(page, forwarded)
        page.screenshot(path=screenshots / "aanval-doorsturen.png")


@pytest.mark.parametrize(
    "header, value",
    [
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "localhost"),
        ("CF-Connecting-IP", "192.168.1.23"),
        ("True-Client-IP", "192.168.1.23"),
        # (Chromium does not send a page's own Via header; tests/test_access.py has it.)
    ],
)
def test_any_forwarding_header_makes_a_participant(
    browser: Browser, laptop, header, value
):
    url, _ = laptop
    context = browser.new_context(extra_http_headers={header: value})
    try:
        refused_as_participant(context.new_page(), url)
    finally:
        context.close()


# --- 8. A raw WebSocket message that empties every cache ----------------------------------


def new_caches(log) -> int:
    return log.read_text().count("Creating new ResourceCache")


def test_a_visitor_cannot_empty_the_server_caches(page: Page, laptop):
    """Before: any visitor's `clear_cache` emptied st.cache_data and st.cache_resource for
    everyone (the database engine too, which then ran the retention again)."""
    url, log = laptop
    opens_as_staff(page, url)
    settle(page)
    page.reload()
    opens_as_staff(page, url)
    settle(page)
    before = new_caches(log)
    message = list(BackMsg(clear_cache=True).SerializeToString())
    sent = page.evaluate(
        """([url, bytes]) => new Promise(done => {
            const ws = new WebSocket(url, ["streamlit"]);
            ws.binaryType = "arraybuffer";
            ws.onopen = () => {
                ws.send(new Uint8Array(bytes));
                setTimeout(() => { ws.close(); done(true); }, 1000);
            };
            ws.onerror = () => done(false);
        })""",
        [url.replace("http:", "ws:") + "/_stcore/stream", message],
    )
    assert sent  # the message went out on an open connection
    page.reload()
    opens_as_staff(page, url)
    settle(page)
    assert new_caches(log) == before


# --- 9 and 10. Nothing for the taking without a session -----------------------------------


def download_by_click(page: Page, button):
    """The file a click on `button` gives. On a cold CI server the first click has twice
    given nothing within 15-30 s; the button then stays disabled while Streamlit makes the
    file. So: click once, wait patiently; only if the button is enabled again without a file,
    click once more, as a person would."""
    try:
        with page.expect_download(timeout=2 * TIMEOUT) as made:
            button.click()
        return made.value
    except PlaywrightTimeoutError:
        expect(button).to_be_enabled(timeout=TIMEOUT)
        with page.expect_download(timeout=TIMEOUT) as made:
            button.click()
        return made.value


def test_no_download_or_metrics_without_a_session(browser: Browser, laptop):
    """Before: each view of Vertellen put the stories' CSV and XLSX under /media/<hash>,
    fetchable by anyone for minutes after the staff browser closed; and /_stcore/metrics
    showed the server's cache activity to anyone."""
    url, _ = laptop
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    offered: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda frame: offered.extend(
                re.findall(r"/media/[0-9a-f]+\.(?:csv|xlsx)", str(frame))
            ),
        ),
    )
    opens_as_staff(page, url)
    page.get_by_role("tab", name="Inlezen en uitvoeren").click()
    button = page.get_by_role("button", name="Download als CSV")
    expect(button).to_be_visible(timeout=TIMEOUT)
    settle(page)
    assert offered == []  # no file made before anyone asked for it
    download = download_by_click(page, button)
    text = open(download.path(), encoding="utf-8-sig").read()
    assert any(q in text for q in QUOTES)  # the download itself still works
    address = download.url
    context.close()
    # Other visits run the server's clean-up; the staff session is gone.
    other = browser.new_page()
    for _ in range(3):
        other.goto(url)
        settle(other)
    other.close()
    for leftover in [address, *(url + path for path in offered)]:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(leftover, timeout=10)
        assert refused.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10)
    assert refused.value.code == 404


# --- 3. A login cookie forged with the README's example secret -----------------------------


def forged_cookie(secret: str, origin: str, email: str) -> str:
    """What Streamlit's login leaves in the browser, made without any login."""
    claims = {"email": email, "email_verified": True, "origin": origin}
    claims |= {"is_logged_in": True, "provider": "default"}
    return URLSafeTimedSerializer(secret, salt="_streamlit_user").dumps(
        json.dumps(claims)
    )


def test_a_cookie_forged_with_the_example_secret_opens_nothing(
    browser: Browser, tmp_path, screenshots
):
    secret = "een-lange-willekeurige-tekst"  # as printed in the README
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f"""
WIJK_TOEGANG = "login"

[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "{secret}"
client_id = "tellen-en-vertellen"
client_secret = "geheim"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"

[toegang]
beheerder = ["i.jansen@gemeente.nl"]
""",
        encoding="utf-8",
    )
    with running_app(tmp_path, extra=("--secrets.files", str(secrets))) as url:
        context = browser.new_context()
        context.add_cookies(
            [
                {
                    "name": "_streamlit_user",
                    "value": forged_cookie(secret, url, "i.jansen@gemeente.nl"),
                    "url": url,
                }
            ]
        )
        page = context.new_page()
        page.goto(f"{url}/vertellen")
        expect(page.get_by_text("Inloggen is nog niet goed ingesteld")).to_be_visible(
            timeout=TIMEOUT
        )
        expect(page.get_by_text("voorbeeld uit de handleiding")).to_be_visible()
        settle(page)
        assert not shown_quotes(page)
        assert page.get_by_role("tab", name="Verhaal toevoegen").count() == 0
        page.screenshot(path=screenshots / "aanval-vervalst-koekje.png")
        context.close()


# --- 4 and 5. A phone that changes its id, or keeps an old code ---------------------------


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A laptop whose browsers are all participants, and a werksessie with one dream."""
    folder = tmp_path_factory.mktemp("kamer")
    with running_app(folder, env=AS_PARTICIPANT) as url:
        (folder / "data").mkdir(exist_ok=True)
        engine = make_engine(f"sqlite:///{folder / 'data' / 'verhalen.sqlite'}")
        store = WorkshopStore(engine, Actor("beheerder", "test"))
        yield url, store
        engine.dispose()


def new_werksessie(store: WorkshopStore, votes: int = 2):
    from datetime import date

    made = store.create("GM9999", "Buurtavond", votes_each=votes, privacy_safe=False)
    dream = store.add_entry(
        made, StoryIn("BU99990301", "droom", ["jeugd"], "Een speeltuin", "werksessie",
                      "bewoner", date.today(), "Speeltuin", consent=True),
    )  # fmt: skip
    return made, dream


def dots_page(page: Page, url: str, code: str, extra: str = "") -> None:
    page.goto(f"{url}/doemee?code={code}{extra}")
    page.get_by_role("radio", name="Stippen zetten").click()
    expect(page.get_by_text(re.compile(r"Je hebt nog \d van de"))).to_be_visible(
        timeout=TIMEOUT
    )


def test_a_phone_cannot_vote_again_under_another_id(browser: Browser, room):
    """Before: the participant was `?deelnemer=` in the address; a new value, new dots."""
    url, store = room
    made, dream = new_werksessie(store)
    page = browser.new_context(**PHONE).new_page()
    dots_page(page, url, made.join_code, "&deelnemer=een")
    for left in (1, 0):
        page.get_by_role("button", name="Stip erbij").click()
        expect(page.get_by_text(f"Je hebt nog {left} van de 2")).to_be_visible(
            timeout=TIMEOUT
        )
    for other in ("&deelnemer=twee", "&deelnemer=drie", ""):
        dots_page(page, url, made.join_code, other)
        expect(page.get_by_text("Je hebt nog 0 van de 2")).to_be_visible()
        expect(page.get_by_role("button", name="Stip erbij")).to_be_disabled()
    assert sum(e for e in store.entries(made.id)["votes"]) == 2
    assert store.voters(made.id) == 1
    page.context.close()


def test_an_old_code_is_dead_after_reopening(browser: Browser, room, screenshots):
    """Before: a phone that joined before *Opnieuw openen* kept voting with the old code."""
    url, store = room
    made, dream = new_werksessie(store)
    page = browser.new_context(**PHONE).new_page()
    dots_page(page, url, made.join_code)
    store.end(made.id)
    reopened = store.reopen(made.id)
    assert reopened.join_code != made.join_code
    page.get_by_role("button", name="Stip erbij").click()
    expect(page.get_by_text("Deze code klopt niet")).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=screenshots / "aanval-oude-code.png")
    assert store.voters(made.id) == 0
    # Left alone, the phone's list finds out by itself at its next refresh.
    idle = browser.new_context(**PHONE).new_page()
    dots_page(idle, url, reopened.join_code)
    store.end(made.id)
    store.reopen(made.id)
    expect(idle.get_by_text("Deze code klopt niet")).to_be_visible(timeout=TIMEOUT)
    page.context.close()
    idle.context.close()
