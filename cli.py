"""Command line for Tellen & Vertellen: `python cli.py --help`.

Same functions as the pages, for scripts and reports; messages are in Dutch.
"""

from __future__ import annotations

import argparse
import sys

from analysis.datasets import list_datasets, load_dataset
from analysis.errors import AnalysisError


def cmd_datasets(_: argparse.Namespace) -> int:
    """List the datasets the app can show."""
    for info in list_datasets():
        data = load_dataset(info.id)
        years = ", ".join(str(y) for y in data.years)
        print(
            f"{info.id}\t{info.gemeentecode}\t{data.gemeentenaam}\t{len(data.buurten)} buurten\tjaren {years}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cli.py",
        description="Tellen & Vertellen: wijkanalyse op de opdrachtregel.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="opdracht")
    commands.add_parser(
        "datasets", help="toon de beschikbare gemeenten (datasets)"
    ).set_defaults(run=cmd_datasets)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except AnalysisError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
