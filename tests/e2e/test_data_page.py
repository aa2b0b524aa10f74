"""Load the real Eindhoven files through the Data page, as a policy officer would."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import CBS_DIR
from tests.e2e.test_browser import TIMEOUT, open_page, wait_for_polygons

pytestmark = pytest.mark.skipif(
    not CBS_DIR.exists(), reason="shared CBS data not present"
)


def test_upload_eindhoven_and_see_it_on_the_map(page: Page, fresh_server, screenshots):
    open_page(page, f"{fresh_server}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(
        timeout=TIMEOUT
    )
    uploads = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploads.nth(0).set_input_files(str(CBS_DIR / "buurten_GM0772_eindhoven.geojson"))
    uploads.nth(1).set_input_files(str(CBS_DIR / "kwb_2022.csv"))
    expect(page.get_by_text("kwb_2022.csv")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Inladen").click()
    expect(page.get_by_text("Ingeladen.", exact=False).first).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text("116 buurten met kaartvlak.")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox")).to_have_value("Eindhoven")
    page.screenshot(path=screenshots / "data-eindhoven.png", full_page=True)

    sidebar.get_by_text("Kaart", exact=True).click()
    polygons = wait_for_polygons(page, 116)
    expect(polygons).to_have_count(116)
    expect(
        page.get_by_text("Huishoudens met een laag inkomen (%), 2022")
    ).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "kaart-eindhoven.png")
