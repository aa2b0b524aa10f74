"""Samen verder as a team lead lives it: the buurtagenda (the demo's seeded one), Vieren on the
projector, the terugblik over the year and its download. The werksessie's Samen verder step
(tonight's afspraak, a phone joining its werkgroep) is in test_werksessie.py, with its room."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_browser import TIMEOUT, open_page, pick


def set_date(where, label: str, typed: str) -> None:
    """Type a date (dd-mm-jjjj) into a Streamlit date field (in `where`: a page or a part of
    it) as a person does: its day, month and year are separate spin buttons; the date counts
    once focus leaves the field."""
    day, month, year = typed.split("-")
    for part, digits in (("day", day), ("month", month), ("year", year)):
        segment = where.get_by_role("spinbutton", name=f"{part}, {label}")
        segment.click()
        segment.press_sequentially(digits)
    segment.press("Tab")


def test_agenda_vieren_and_terugblik(page: Page, server, screenshots, tmp_path):
    open_page(page, f"{server}/agenda", "breed")
    expect(page.get_by_role("heading", name="Buurtagenda")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page, "Buurtagenda")
    page.screenshot(path=screenshots / "agenda-1440.png", full_page=True)

    # Vieren, on a projector at 150 % zoom: calm, large, every success whole.
    page.set_viewport_size({"width": 1280, "height": 720})  # 1920×1080 at 150 %
    open_page(page, f"{server}/agenda?weergave=vieren", "laptop")
    page.set_viewport_size({"width": 1280, "height": 720})
    success = page.get_by_text("Vijftig huishoudens geholpen met hun papieren")
    expect(success).to_be_visible(timeout=TIMEOUT)
    box = success.bounding_box()
    assert box["x"] + box["width"] <= 1280  # not cut off at the right
    assert_accessible(page, "Buurtagenda, Vieren")
    page.screenshot(path=screenshots / "agenda-vieren-projector-150.png")

    open_page(page, f"{server}/agenda?weergave=terugblik", "breed")
    expect(page.get_by_text("samenhang, geen bewijs").first).to_be_visible(
        timeout=TIMEOUT
    )
    set_date(page, "Vanaf", "01-01-2023")
    expect(page.get_by_text("Budgetcafé ook op zaterdag open").first).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_text("(2022)").first).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page, "Buurtagenda, Terugblik")
    page.screenshot(path=screenshots / "agenda-terugblik-1440.png", full_page=True)
    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name="Terugblik als HTML").click()
    html = tmp_path / "terugblik.html"
    got.value.save_as(html)
    text = html.read_text(encoding="utf-8")
    assert "Terugblik" in text and "Budgetcafé ook op zaterdag open" in text
    assert "samenhang, geen bewijs" in text and "<script" not in text


def test_the_whole_cycle_as_a_team_lead(page: Page, server, screenshots):
    """Focusgesprek (on last year's figures) → afspraak with a partner and a contact moment
    → a success → Vieren and Overzicht → the Terugblik shows how the figures moved since."""
    open_page(page, f"{server}/buurtprofiel?buurt=BU99990205&jaar=2022", "breed")
    expect(page.get_by_text("cijfers 2022").first).to_be_visible(timeout=TIMEOUT)
    pick(page, page.get_by_role("combobox", name="Focusthema's"), "Armoede")
    page.keyboard.press("Escape")
    page.get_by_label("Ambitie: wat willen we samen bereiken?").fill(
        "Niemand in de Zuiderkade blijft alleen met zijn schulden"
    )
    page.get_by_label("Activiteiten: wie doet wat?").fill(
        "Schuldhulpspreekuur in het buurthuis"
    )
    page.get_by_role("button", name="Afspraken opslaan").click()
    plan = page.get_by_role("button", name="Zet de activiteiten op de agenda (1)")
    expect(plan).to_be_visible(timeout=TIMEOUT)
    plan.click()
    expect(page.get_by_text("Alle activiteiten staan op de agenda")).to_be_visible(
        timeout=TIMEOUT
    )

    # On the agenda: who carries it, and when we speak again.
    open_page(page, f"{server}/agenda", "breed")
    pick(page, page.get_by_role("combobox", name="Bekijk een afspraak"), "Schuldhulp")
    page.get_by_role("button", name="Afspraak bewerken").click()
    # The edit form (the one for a new afspraak sits further down, folded away).
    form = (
        page.get_by_test_id("stForm")
        .filter(has=page.get_by_role("button", name="Afspraak opslaan"))
        .first
    )
    form.get_by_label("Wie (partner of rol)", exact=True).fill("Stichting Schuldhulp")
    set_date(form, "Volgend contactmoment", "15-01-2027")
    form.get_by_role("button", name="Afspraak opslaan").click()
    expect(page.get_by_text("Wie: Stichting Schuldhulp")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("volgend contact 15-01-2027")).to_be_visible()

    # What happened: a success to celebrate.
    page.get_by_label("Wat", exact=True).fill(
        "Eerste spreekuur: 14 huishoudens geholpen"
    )
    page.get_by_text("Een succes om te vieren").click()
    page.get_by_label(re.compile("^Met wie")).fill("het buurthuis")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Succes · Eerste spreekuur").first).to_be_visible(
        timeout=TIMEOUT
    )

    open_page(page, f"{server}/agenda?weergave=vieren", "projector")
    expect(page.get_by_text("Eerste spreekuur: 14 huishoudens geholpen")).to_be_visible(
        timeout=TIMEOUT
    )
    page.screenshot(path=screenshots / "cyclus-vieren.png")
    open_page(page, server, "breed")
    expect(page.get_by_text("Eerste spreekuur: 14 huishoudens geholpen")).to_be_visible(
        timeout=TIMEOUT
    )

    # A year on: how the figures it answered moved, 2022 → 2023, judged.
    open_page(page, f"{server}/agenda?weergave=terugblik", "breed")
    pick(page, page.get_by_role("combobox", name="Voor"), "Zuiderkade")
    look = (  # the innermost block that holds this afspraak's heading: its own box
        page.get_by_test_id("stVerticalBlock")
        .filter(
            has=page.get_by_role("heading", name="Schuldhulpspreekuur in het buurthuis")
        )
        .last
    )
    expect(look.get_by_test_id("stTable")).to_be_visible(timeout=TIMEOUT)
    table = look.get_by_test_id("stTable").inner_text()
    assert "(2022)" in table and "(2023)" in table, table
    assert re.search(r"(meer verbeterd|meer verslechterd|zoals in) de gemeente", table)
    expect(
        look.get_by_text("Eerste spreekuur: 14 huishoudens geholpen")
    ).to_be_visible()
    page.screenshot(path=screenshots / "cyclus-terugblik.png", full_page=True)
