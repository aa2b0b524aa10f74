"""Access as people meet it in a browser: a phone in the werksessie room that tries every
page, and two colleagues who sign in through a real OpenID Connect flow against a local
mock identity provider, each getting their own role."""

from __future__ import annotations

import os
import re
from secrets import token_urlsafe

import pytest
from oidc_provider_mock import User as MockUser
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, expect

from stories.audit import Actor
from stories.db import make_engine
from stories.demo import demo_stories
from stories.workshop import WorkshopStore
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import AS_PARTICIPANT, free_port, running_app
from tests.e2e.test_browser import TIMEOUT
from tests.e2e.test_werksessie import no_sideways_scrolling, send

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
STAFF_PATHS = [
    "/", "/kaart", "/tellen", "/vertellen", "/initiatieven", "/buurtprofiel",
    "/werksessie", "/data",
]  # fmt: skip
QUOTES = [t[:40] for t in demo_stories()["text"] if len(t) >= 40]


def settle(page: Page) -> None:
    """Wait until Streamlit has finished running the page."""
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=stStatusWidget]")).to_have_count(
        0, timeout=TIMEOUT
    )


def shown_quotes(page: Page) -> list[str]:
    body = page.locator("body").inner_text()
    return [q for q in QUOTES if q in body]


def sees_quotes(page: Page) -> None:
    """Wait until the page shows a story's words: on a cold server the list may follow the
    tabs by a moment (the first run of the CI suite read the page before it came)."""
    page.wait_for_function(
        "(quotes) => quotes.some((q) => document.body.innerText.includes(q))",
        arg=QUOTES,
        timeout=TIMEOUT,
    )


@pytest.fixture(scope="module")
def participant_room(tmp_path_factory):
    """A laptop whose own browser is not staff either (WIJK_LOKALE_ADRESSEN empty), and a
    running werksessie in its database."""
    folder = tmp_path_factory.mktemp("toegang")
    with running_app(folder, env=AS_PARTICIPANT) as url:
        (folder / "data").mkdir(exist_ok=True)
        engine = make_engine(f"sqlite:///{folder / 'data' / 'verhalen.sqlite'}")
        made = WorkshopStore(engine, Actor("beheerder", "test")).create(
            "GM9999", "Buurtavond"
        )
        yield url, made


def test_a_phone_sees_nothing_but_the_werksessie(
    browser: Browser, participant_room, screenshots
):
    url, made = participant_room
    page = browser.new_context(**PHONE).new_page()
    for path in STAFF_PATHS:
        page.goto(url + path)
        expect(
            page.get_by_role("heading", name="Alleen voor medewerkers")
        ).to_be_visible(timeout=TIMEOUT)
        settle(page)
        assert page.locator("input[type=file]").count() == 0, path
        assert page.get_by_role("button", name=re.compile("erwijderen")).count() == 0
        assert page.locator("[data-testid=stSidebar]").count() == 0, path
        assert page.locator("iframe, .leaflet-container").count() == 0, path  # no map
        assert not shown_quotes(page), path
        assert "Voorbeeldstad" not in page.locator("body").inner_text(), path
    page.screenshot(path=screenshots / "toegang-deelnemer-data.png")

    page.goto(f"{url}/doemee?code=WRONG123")
    expect(page.get_by_text("Deze code klopt niet")).to_be_visible(timeout=TIMEOUT)
    settle(page)
    assert page.get_by_role("combobox").count() == 0
    assert "Buurtavond" not in page.locator("body").inner_text()
    page.screenshot(path=screenshots / "toegang-deelnemer-foute-code.png")

    page.goto(f"{url}/doemee")  # the short address: type the code from the projector
    page.get_by_role("textbox", name="Code van de werksessie").fill(
        made.code_display.lower()
    )
    page.get_by_role("button", name="Meedoen").click()
    expect(page.get_by_role("heading", name="Doe mee: Buurtavond")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_role("combobox", name="Over welke buurt?")).to_be_visible()
    assert page.locator("[data-testid=stSidebar]").count() == 0
    page.screenshot(path=screenshots / "toegang-deelnemer-doemee.png")
    assert_accessible(page, "Doe mee, deelnemer")
    page.goto(f"{url}/data")
    expect(page.get_by_role("heading", name="Alleen voor medewerkers")).to_be_visible(
        timeout=TIMEOUT
    )
    assert_accessible(page, "Alleen voor medewerkers")
    page.context.close()


def test_a_phone_at_200_percent_can_still_send(
    browser: Browser, participant_room, screenshots
):
    """A 390 px phone zoomed to 200 % is 195 CSS pixels wide: everything still fits (no
    sideways scrolling, WCAG 1.4.10) and an entry still goes out."""
    url, made = participant_room
    page = browser.new_context(
        viewport={"width": 195, "height": 422}, device_scale_factor=4,
        is_mobile=True, has_touch=True,
    ).new_page()  # fmt: skip
    page.goto(f"{url}/doemee?code={made.join_code}")
    expect(page.get_by_role("heading", name="Doe mee: Buurtavond")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_role("button", name="Versturen")).to_be_visible(timeout=TIMEOUT)
    no_sideways_scrolling(page)
    page.screenshot(path=screenshots / "toegang-telefoon-200.png", full_page=True)
    send(page, "Zorg", "Rozenbuurt", "Veiligheid", "Te hard rijden")
    no_sideways_scrolling(page)
    page.screenshot(path=screenshots / "toegang-telefoon-200-verstuurd.png")
    assert_accessible(page, "Doe mee op 200 %")
    page.context.close()


# --- login: two colleagues, two roles, one real OpenID Connect flow each -------------------


@pytest.fixture(scope="module")
def login_app(tmp_path_factory):
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = (
        "1"  # the mock provider speaks plain http
    )
    users = [
        MockUser(sub="anne", claims={"email": "anne@voorbeeldstad.nl"}),
        MockUser(sub="lex", claims={"email": "lex@partner.nl"}),
        MockUser(sub="vreemde", claims={"email": "iemand@elders.nl"}),
    ]
    folder = tmp_path_factory.mktemp("login")
    with run_server_in_thread(port=free_port(), user_claims=users) as provider:
        secrets = folder / "secrets.toml"
        secrets.write_text(
            f"""
WIJK_TOEGANG = "login"

[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{token_urlsafe(32)}"
client_id = "tellen-en-vertellen"
client_secret = "geheim"
server_metadata_url = "http://127.0.0.1:{provider.server_port}/.well-known/openid-configuration"

[toegang]
medewerker = ["@voorbeeldstad.nl"]
lezer = ["lex@partner.nl"]
""",
            encoding="utf-8",
        )
        with running_app(
            folder,
            extra=("--secrets.files", str(secrets)),
            env={"AUTHLIB_INSECURE_TRANSPORT": "1"},
        ) as url:
            yield url


def sign_in(browser: Browser, url: str, who: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(url)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name=who, exact=True).click()  # the provider's form
    return page


def test_two_colleagues_sign_in_with_their_own_roles(
    browser: Browser, login_app, screenshots
):
    url = login_app
    anne = sign_in(browser, url, "anne")
    sidebar = anne.locator("[data-testid=stSidebar]")
    expect(sidebar.get_by_text("anne@voorbeeldstad.nl · medewerker")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(sidebar.get_by_role("link", name="Vertellen")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Data")).to_have_count(0)  # not in her menu
    anne.goto(f"{url}/vertellen")
    expect(anne.get_by_role("tab", name="Verhaal toevoegen")).to_be_visible(
        timeout=TIMEOUT
    )
    settle(anne)
    sees_quotes(anne)  # a medewerker reads the stories
    anne.screenshot(path=screenshots / "toegang-medewerker-vertellen.png")
    anne.goto(f"{url}/data")
    expect(anne.get_by_text("Dit is alleen voor een beheerder")).to_be_visible(
        timeout=TIMEOUT
    )
    assert anne.locator("input[type=file]").count() == 0

    lex = sign_in(browser, url, "lex")
    expect(
        lex.locator("[data-testid=stSidebar]").get_by_text("lex@partner.nl · lezer")
    ).to_be_visible(timeout=TIMEOUT)
    lex.goto(f"{url}/vertellen")
    expect(lex.get_by_text("de verhalen zelf zijn voor medewerkers")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(lex.get_by_text("Als tabel")).to_be_visible(timeout=TIMEOUT)  # the counts
    settle(lex)
    assert not shown_quotes(lex)
    assert lex.get_by_role("tab", name="Verhaal toevoegen").count() == 0
    lex.screenshot(path=screenshots / "toegang-lezer-vertellen.png")

    stranger = sign_in(browser, url, "vreemde")
    expect(stranger.get_by_role("heading", name="Geen toegang")).to_be_visible(
        timeout=TIMEOUT
    )
    assert not shown_quotes(stranger)
    for page in (anne, lex, stranger):
        page.context.close()
