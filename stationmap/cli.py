"""Command line: `python -m stationmap validate|geocode|export|synth|stale …`.

Every command loads data through the same loader as the app, so what `validate` accepts is
exactly what the dashboard shows. `validate` also checks the briefing stories
(`briefings.toml`) in the data folder, when there is one, against that data.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from stationmap import config, exports, outputs
from stationmap.briefing.captions import figures_stated_in_events
from stationmap.briefing.stories import BRIEFINGS_FILE, Briefings, load_briefings
from stationmap.record import schema, staleness
from stationmap.record.dates import resolve_day
from stationmap.record.facts import HeadlineFacts, headline_facts
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import Dataset, load_dataset
from stationmap.record.views import build_site_view
from stationmap.timeline.events import scope_for, select_events


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
    export = commands.add_parser(
        "export", help="write the filtered sites (or events) as CSV, GeoJSON or an offline map"
    )
    _add_data_dir(export)
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    export.add_argument(
        "--what",
        choices=("sites", "events"),
        default="sites",
        help="with --format csv: export sites (default) or the events about them",
    )
    export.add_argument("--out", type=Path, required=True, help="file to write ('-' for stdout)")
    export.add_argument(
        "--force", action="store_true", help="write over a file in a dataset's folder"
    )
    export.add_argument("--status", action="append", default=[], choices=schema.STATUSES)
    export.add_argument("--country", action="append", default=[], help="ISO alpha-2 code")
    export.add_argument("--region", action="append", default=[], help="e.g. Europe")
    export.add_argument("--bureau", action="append", default=[], help="e.g. 'Fuzhou PSB'")
    export.add_argument(
        "--basis", action="append", default=[], choices=schema.BASES, help="what sites rest on"
    )
    export.add_argument("--reported-from", type=date.fromisoformat, default=None)
    export.add_argument("--reported-to", type=date.fromisoformat, default=None)
    export.add_argument("--text", default="", help="free text over names, places and notes")
    export.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="derive statuses on this date"
    )
    synth = commands.add_parser(
        "synth", help="write a valid synthetic dataset of N sites, for speed measurements"
    )
    synth.add_argument("--sites", type=int, required=True)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", type=Path, required=True, help="folder to write the CSVs into")
    synth.add_argument("--force", action="store_true", help="write over a dataset in that folder")
    staleness.add_stale_command(commands, _add_data_dir)
    return parser


EXPORT_FORMATS = ("csv", "geojson", "html")


def run_export(args: argparse.Namespace, data_dir: Path, out: TextIO) -> int:
    # Checked before anything is built: a mistyped --out or data folder is one line, exit 2.
    to_stdout = str(args.out) == "-"
    try:
        if not Path(data_dir).is_dir():
            raise outputs.OutputError(f"the data folder {data_dir} does not exist")
        if not to_stdout:
            outputs.check_file_target(args.out, force=args.force)
    except outputs.OutputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    dataset = load_dataset(data_dir)
    for problem in dataset.problems:
        print(f"warning: {problem}", file=sys.stderr)
    state = FilterState(
        statuses=tuple(args.status),
        countries=tuple(code.upper() for code in args.country),
        regions=tuple(args.region),
        bureaus=tuple(args.bureau),
        bases=tuple(args.basis),
        reported_from=args.reported_from,
        reported_to=args.reported_to,
        text=args.text,
        as_of=args.as_of,
    )
    on = resolve_day(args.as_of)
    filtered = apply_filters(build_site_view(dataset, on), state)
    if args.format == "csv" and args.what == "events":
        data = exports.events_csv(select_events(dataset, scope_for(filtered)), dataset)
    elif args.format == "csv":
        data = exports.sites_csv(filtered, dataset)
    elif args.format == "geojson":
        data = exports.sites_geojson_bytes(filtered, dataset)
    else:
        # Imported here: folium is only needed for the map.
        from stationmap.map.offline import OfflineAssetsMissing, standalone_map_html

        try:
            data = standalone_map_html(filtered, dataset, on=on, state=state)
        except OfflineAssetsMissing as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    if to_stdout:
        sys.stdout.buffer.write(data)
        return 0
    try:
        outputs.write_atomically(args.out, data)
    except outputs.OutputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(filtered)} site(s) to {args.out}", file=out)
    return 0


def check_briefings(
    data_dir: Path, dataset: Dataset, today: date | None = None
) -> Briefings | None:
    """The stories in a data folder, checked against its dataset's countries and regions.

    None when the folder has no stories file: uploaded or synthetic data need none.
    """
    path = Path(data_dir) / BRIEFINGS_FILE
    if not path.exists():
        return None
    view = build_site_view(dataset)
    return load_briefings(
        path,
        known_countries=set(view["iso2"]),
        known_regions=set(view["region"]),
        today=today,
        stated_figures=figures_stated_in_events(dataset),
    )


def summary_json(facts: HeadlineFacts) -> dict:
    """The headline figures as `validate --json` prints them (the shape scripts rely on)."""
    return {
        "as_of": facts.as_of.isoformat(),
        "sites": facts.sites,
        "countries": facts.countries,
        "events": facts.events,
        "sources": facts.sources,
        "latest_event": facts.latest_event.iso() if facts.latest_event else None,
        "status_counts": dict(facts.by_status),
        "problems": facts.problems,
    }


def run_validate(data_dir: Path, as_json: bool, out: TextIO) -> int:
    dataset = load_dataset(data_dir)
    briefings = check_briefings(data_dir, dataset)
    problems = [*dataset.problems, *(briefings.problems if briefings else [])]
    # Notes lose no row (a missing optional column, a site kept undated): said, never failed on.
    for notice in dataset.notices:
        print(f"note: {notice}", file=sys.stderr)
    if problems:
        for problem in problems:
            print(problem, file=out)
        count = dataset.problem_count + len(problems) - len(dataset.problems)
        print(f"{count:,} problem(s) in {data_dir}", file=sys.stderr)
        return 1
    summary = summary_json(headline_facts(dataset))
    stories = list(briefings.stories.values()) if briefings else []
    summary["stories"] = len(stories)
    summary["slides"] = sum(len(story.slides) for story in stories)
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, sort_keys=True), file=out)
        return 0
    print(f"Dataset {data_dir}: valid", file=out)
    print(f"  sites:     {summary['sites']}", file=out)
    print(f"  countries: {summary['countries']}", file=out)
    print(f"  events:    {summary['events']} (latest {summary['latest_event']})", file=out)
    print(f"  sources:   {summary['sources']}", file=out)
    if briefings is None:
        print(f"  stories:   none (no {BRIEFINGS_FILE})", file=out)
    else:
        print(f"  stories:   {summary['stories']} ({summary['slides']} slides)", file=out)
    print(f"  status on {summary['as_of']}:", file=out)
    for status, count in summary["status_counts"].items():
        print(f"    {status:<20} {count}", file=out)
    return 0


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    data_dir = getattr(args, "data_dir", None) or config.data_dir()
    if args.command == "validate":
        return run_validate(data_dir, args.json, out)
    if args.command == "synth":
        from stationmap.synth import write_synthetic_dataset

        if args.sites < 1:
            print("--sites must be at least 1", file=sys.stderr)
            return 2
        try:
            outputs.check_folder_target(args.out, force=args.force)
            write_synthetic_dataset(args.out, args.sites, args.seed)
        except outputs.OutputError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except OSError as error:  # the folder could not be made
            print(f"error: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
            return 2
        print(f"wrote a synthetic dataset of {args.sites} site(s) to {args.out}", file=out)
        return 0
    if args.command == "export":
        return run_export(args, data_dir, out)
    if args.command == "stale":
        return staleness.run_stale(args, data_dir, out)
    if args.command == "geocode":
        # Imported here: the gazetteer is large and only this command needs it.
        from stationmap.geocoding.command import run_geocode

        return run_geocode(data_dir, online=args.online, user_agent=args.user_agent, out=out)
    raise AssertionError(f"unhandled command {args.command}")
