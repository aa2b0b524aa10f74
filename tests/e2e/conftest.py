"""A real `streamlit run` on a free loopback port, and Debian's Chromium to drive it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# Without the background-networking flags Chromium phones home, which this machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} ontbreekt: installeer Debian's chromium (zie README)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(
    tmp_path: Path,
    address: str = "127.0.0.1",
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    base_path: str = "",
):
    """Start `streamlit run app.py` on a free port with its own data directory; yield its URL.

    `address` 0.0.0.0 serves the room's network too, as a werksessie laptop does; `env` adds
    settings such as `WIJK_LOKALE_ADRESSEN=` (nobody is staff: a participant's phone);
    `base_path` serves the app under a path, as behind a proxy (the URL then ends in it)."""
    port = free_port()
    env = {**os.environ, "WIJK_DATA_DIR": str(tmp_path / "data"), **(env or {})}
    log_path = tmp_path / "streamlit.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(port), "--server.address", address,
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
                *(("--server.baseUrlPath", base_path) if base_path else ()), *extra,
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"streamlit did not start:\n{log_path.read_text()}")
                    time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One app for the whole session (a warm server, as users mostly meet it)."""
    with running_app(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
def fresh_server(tmp_path):
    """An app that has served nobody yet."""
    with running_app(tmp_path) as url:
        yield url


# What a participant's device is, on one machine: no address counts as "this computer".
AS_PARTICIPANT = {"WIJK_LOKALE_ADRESSEN": ""}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
