import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(*args):
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_datasets_lists_the_demo():
    result = cli("datasets")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "demo\tGM9999\tVoorbeeldstad (fictief)\t40 buurten\tjaren 2022, 2023"
    ]


def test_unknown_command_is_refused():
    result = cli("verwijder-alles")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr or "ongeldige" in result.stderr
