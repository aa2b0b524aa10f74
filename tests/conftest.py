"""Shared fixtures: the demo dataset, a private data directory, and app paths."""

from __future__ import annotations

import functools
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from analysis.catalogue import load_catalogue
from analysis.datasets import load_dataset
from stories.access import User
from stories.audit import Actor

ROOT = Path(__file__).resolve().parent.parent
CBS_DIR = ROOT.parent / "shared" / "data" / "cbs"

# Every new AppTest reads the metadata of every installed package, looking for components
# (~0.6 s each here; a server does it once, at start). Installed packages do not change while
# the tests run: read them once.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests
)


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory, monkeypatch):
    """Every test writes into its own data directory, never into the repository, and keeps
    its gemeenten there (a test that uses a database for them switches back after)."""
    from analysis.datasets import FileDatasets, use_store

    path = tmp_path_factory.mktemp("wijkdata")
    monkeypatch.setenv("WIJK_DATA_DIR", str(path))
    monkeypatch.delenv("WIJK_DATABASE_URL", raising=False)
    use_store(FileDatasets())
    yield path
    use_store(FileDatasets())


def import_eindhoven():
    """Real Eindhoven (KWB 2022) into the current data directory; returns the report.
    Callers skip where ../shared/data/cbs is absent."""
    from analysis.importer import import_cbs

    geometry = CBS_DIR / "buurten_GM0772_eindhoven.geojson"
    stats = CBS_DIR / "kwb_2022.csv"
    return import_cbs(
        (geometry.read_bytes(), geometry.name),
        (stats.read_bytes(), stats.name),
        gemeente="GM0772",
    )


@pytest.fixture
def app():
    """The whole app (app.py, as a running server starts it) for AppTest."""
    return AppTest.from_file("../app.py", default_timeout=60)


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def demo():
    return load_dataset("demo")


class _WarmServerPagesManager(PagesManager):
    """AppTest puts Streamlit back into its legacy pages/-folder mode before every run; a real
    server leaves that mode for good once app.py has called st.navigation. Behave like the
    real server after its first run (the first run itself is covered in tests/e2e)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def warm_server_navigation(monkeypatch):
    monkeypatch.setattr(app_test, "PagesManager", _WarmServerPagesManager)


# Who writes in the store tests: a beheerder, so every write is allowed and logged.
TESTER = Actor("beheerder", "test")


@pytest.fixture(autouse=True)
def signed_in_as(monkeypatch):
    """The one seam for 'who is this user' (AppTest cannot sign in or come from an
    address): every AppTest runs as a beheerder unless a test calls the returned function
    with another role."""
    import ui.access

    def as_role(role: str | None, who: str = "test@voorbeeldstad.nl") -> None:
        monkeypatch.setattr(ui.access, "identify", lambda: User(role, who))

    as_role.real_identify = ui.access.identify
    as_role("beheerder", "deze computer")
    return as_role


@contextmanager
def fresh_postgres():
    """A new, empty PostgreSQL database on the test server (tests/postgres.sh), dropped after;
    yields its URL. Without that server the test is skipped, except in CI, where it fails."""
    server = os.environ.get("WIJK_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("CI"):
            pytest.fail(
                "WIJK_TEST_POSTGRES_URL ontbreekt: tests/postgres.sh is niet gestart."
            )
        pytest.skip(
            'no PostgreSQL server (run: eval "$(bash tests/postgres.sh start)")'
        )
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'verhalen.sqlite'}"
        return
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def downloads(monkeypatch) -> dict[str, object]:
    """The downloads an AppTest run offered, by file name: the app makes a file only when its
    button is clicked (a callable), so a test clicks by calling it (`downloads[name]()`)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    offered: dict[str, object] = {}
    register = MediaFileManager.add_deferred

    def recording(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        offered[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return offered
