"""Command line: `python -m stationmap validate|geocode …`.

Every command loads data through the same loader as the app, so what `validate` accepts is
exactly what the dashboard shows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from stationmap import config
from stationmap.loader import load_dataset
from stationmap.summary import summarize


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"dataset folder (default: ${config.DATA_DIR_ENV} or {config.DEFAULT_DATA_DIR})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m stationmap",
        description="Work with the stationmap dataset of alleged overseas police stations.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser(
        "validate", help="check the dataset; print a summary, or every problem and exit 1"
    )
    _add_data_dir(validate)
    validate.add_argument("--json", action="store_true", help="print the summary as JSON")

    geocode = commands.add_parser(
        "geocode", help="fill missing coordinates (cache, offline gazetteer, optionally online)"
    )
    _add_data_dir(geocode)
    geocode.add_argument(
        "--online",
        action="store_true",
        help="also ask OpenStreetMap's Nominatim (at most one request a second)",
    )
    geocode.add_argument(
        "--user-agent",
        default=None,
        help="with --online: a user agent naming you, per Nominatim's usage policy",
    )
    return parser


def run_validate(data_dir: Path, as_json: bool, out: TextIO) -> int:
    dataset = load_dataset(data_dir)
    if dataset.problems:
        for problem in dataset.problems:
            print(problem, file=out)
        print(f"{len(dataset.problems)} problem(s) in {data_dir}", file=sys.stderr)
        return 1
    summary = summarize(dataset)
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, sort_keys=True), file=out)
        return 0
    print(f"Dataset {data_dir}: valid", file=out)
    print(f"  sites:     {summary['sites']}", file=out)
    print(f"  countries: {summary['countries']}", file=out)
    print(f"  events:    {summary['events']} (latest {summary['latest_event']})", file=out)
    print(f"  sources:   {summary['sources']}", file=out)
    print(f"  status on {summary['as_of']}:", file=out)
    for status, count in summary["status_counts"].items():
        print(f"    {status:<20} {count}", file=out)
    return 0


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    data_dir = args.data_dir or config.data_dir()
    if args.command == "validate":
        return run_validate(data_dir, args.json, out)
    if args.command == "geocode":
        # Imported here: the gazetteer is large and only this command needs it.
        from stationmap.geocoding import run_geocode

        return run_geocode(data_dir, online=args.online, user_agent=args.user_agent, out=out)
    raise AssertionError(f"unhandled command {args.command}")
