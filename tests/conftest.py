"""Shared fixtures: the demo dataset, a private data directory, and app paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.catalogue import load_catalogue
from analysis.datasets import load_dataset

ROOT = Path(__file__).resolve().parent.parent
CBS_DIR = ROOT.parent / "shared" / "data" / "cbs"


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory, monkeypatch):
    """Every test writes into its own data directory, never into the repository."""
    path = tmp_path_factory.mktemp("wijkdata")
    monkeypatch.setenv("WIJK_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def demo():
    return load_dataset("demo")
