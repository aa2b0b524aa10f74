"""Two app servers on one PostgreSQL database, as behind a load balancer: a gemeente imported
through one is on the map of the other, without a restart."""

import re

import pytest
from playwright.sync_api import Page, expect

from analysis.datasets import load_dataset
from tests.conftest import CBS_DIR, fresh_postgres
from tests.e2e.conftest import running_app
from tests.e2e.test_browser import TIMEOUT, open_page, wait_for_polygons


def files(kind: str, tmp_path):
    """(kaartbestand, cijferbestand, buurten, a buurtcode and its name) to import."""
    if kind == "eindhoven":
        if not CBS_DIR.exists():
            pytest.skip("shared CBS data not present")
        return (CBS_DIR / "buurten_GM0772_eindhoven.geojson", CBS_DIR / "kwb_2022.csv",
                "GM0772", 116, "BU07721110")  # fmt: skip
    demo = load_dataset("demo")  # the demo's buurten as a real gemeente, for CI
    geometry, stats = tmp_path / "buurten.geojson", tmp_path / "kwb_2023.csv"
    geometry.write_text(demo.buurten.to_json())
    wide = demo.wide(2023)[["aantal_inwoners", "pct_huishoudens_laag_inkomen"]]
    stats.write_text(wide.rename_axis("buurtcode").reset_index().to_csv(index=False))
    return geometry, stats, "GM9999", 40, "BU99990201"


@pytest.mark.parametrize("kind", ["eindhoven", "voorbeeld"])
def test_import_on_one_server_shows_on_the_other(
    page: Page, tmp_path, screenshots, kind
):
    geometry, stats, gemeente, buurten, code = files(kind, tmp_path)
    for name in ("een", "twee"):
        (tmp_path / name).mkdir()
    with fresh_postgres() as url:
        env = {"WIJK_DATABASE_URL": url}
        with (
            running_app(tmp_path / "een", env=env) as first,
            running_app(tmp_path / "twee", env=env) as second,
        ):
            open_page(page, f"{second}/data")  # the second server is up and serving
            expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(
                timeout=TIMEOUT
            )
            open_page(page, f"{first}/data")
            uploads = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
            uploads.nth(0).set_input_files(str(geometry))
            uploads.nth(1).set_input_files(str(stats))
            page.get_by_role("button", name="Inladen").click()
            expect(page.get_by_text(f"{buurten} buurten met kaartvlak.")).to_be_visible(
                timeout=60_000
            )
            # On the other server: the map and the figures, without a restart.
            open_page(page, f"{second}/kaart?gemeente={gemeente}&buurt={code}")
            wait_for_polygons(page, buurten)
            expect(
                page.get_by_text("Huishoudens met een laag inkomen (%)")
            ).to_be_visible()
            # The chosen buurt's key figures, one line each, beside the map.
            expect(
                page.locator("li").filter(
                    has_text=re.compile(r"^Inwoners: [\d.]+ \(gemeente ")
                )
            ).to_be_visible(timeout=TIMEOUT)
            page.screenshot(path=screenshots / f"tweede-server-{kind}.png")
