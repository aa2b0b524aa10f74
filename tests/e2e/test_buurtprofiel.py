"""From the Kaart to the buurtprofiel, and a PDF downloaded the way a wijkteam lead would."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import TIMEOUT, open_page


def test_profile_from_the_map_and_pdf_download(
    page: Page, server, screenshots, tmp_path
):
    open_page(page, f"{server}/kaart?buurt=BU99990301")
    page.get_by_role("link", name="Buurtprofiel van Rozenbuurt").click()
    expect(page).to_have_url(
        re.compile(r"/buurtprofiel\?.*buurt=BU99990301"), timeout=TIMEOUT
    )
    expect(page.get_by_role("heading", name="Rozenbuurt")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.get_by_text("Vragen voor het focusgesprek")).to_be_visible()
    page.screenshot(path=screenshots / "buurtprofiel.png")
    page.get_by_role("button", name="PDF maken (A4)").click()
    button = page.get_by_role("button", name="PDF downloaden")
    expect(button).to_be_visible(timeout=TIMEOUT)
    with page.expect_download() as download:
        button.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "buurtprofiel_BU99990301_2023.pdf"
    assert path.read_bytes().startswith(b"%PDF")
