"""What a curator should re-check: each site's latest source, and the sites whose latest is old.

A site's sources are those its own row cites and those of every event that lists it. Its
**latest check** is the one of them with the latest date. A date known only to the month or the
year counts as the last day of its period (the latest it can be), so `python -m stationmap stale`
lists a site only when every source naming it is certainly older than the age asked for; a
site none of whose sources is dated is always listed, since nothing says when it was checked.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

import pandas as pd

from stationmap.record.dates import PartialDate, resolve_day
from stationmap.record.loader import Dataset, load_dataset

LATEST_COLUMNS = ["site_id", "name", "country", "latest_source_date", "source_id"]

# "90d", "12m", "2y": a whole number of days, months or years.
AGE_PATTERN = re.compile(r"^\s*(\d{1,5})\s*([dmy])\s*$", re.IGNORECASE)
AGE_UNITS = {"d": ("day", "days"), "m": ("month", "months"), "y": ("year", "years")}


def parse_age(text: str) -> tuple[int, str]:
    """'12m' -> (12, 'm'). Raises ValueError saying what is expected."""
    match = AGE_PATTERN.match(text or "")
    if not match or int(match.group(1)) < 1:
        raise ValueError(
            f"'{text}' is not an age: give a whole number of days, months or years, "
            "e.g. 90d, 12m or 2y"
        )
    return int(match.group(1)), match.group(2).lower()


def cutoff_for(age: tuple[int, str], today: date) -> date:
    """The day `age` before `today`; a month or year back keeps the day where it exists
    (31 March less one month is 28 or 29 February)."""
    amount, unit = age
    if unit == "d":
        return date.fromordinal(today.toordinal() - amount)
    months = amount * (12 if unit == "y" else 1)
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _recency(when: PartialDate) -> tuple[date, date]:
    # Latest by the last day of the period, then the more precise date (the later start).
    return (when.end, when.start)


def latest_sources(dataset: Dataset) -> pd.DataFrame:
    """Per site, in the dataset's order: its latest dated source and that source's date (None
    and '' for a site no dated source names). Indexed by site id; computed once per dataset."""
    if dataset.derived.latest_sources is not None:
        return dataset.derived.latest_sources
    sites, events, sources = dataset.sites, dataset.events, dataset.sources
    dates = sources["date"].to_dict()
    cited = {site_id: list(ids) for site_id, ids in sites["source_ids"].items()}
    for site_ids, source_ids in zip(
        events["site_ids"].tolist(), events["source_ids"].tolist(), strict=True
    ):
        for site_id in site_ids:
            if site_id in cited:
                cited[site_id].extend(source_ids)
    rows = []
    for site_id, source_ids in cited.items():
        dated = [(dates[i], i) for i in dict.fromkeys(source_ids) if dates.get(i) is not None]
        when, source_id = max(dated, key=lambda item: _recency(item[0]), default=(None, ""))
        rows.append(
            {
                "site_id": site_id,
                "name": sites.at[site_id, "name"],
                "country": sites.at[site_id, "country"],
                "latest_source_date": when,
                "source_id": source_id,
            }
        )
    frame = pd.DataFrame(rows, columns=LATEST_COLUMNS)
    frame = frame.set_index("site_id", drop=False).rename_axis(None)
    dataset.derived.latest_sources = frame
    return frame


def oldest_first(latest: pd.DataFrame) -> pd.DataFrame:
    """Rows of `latest_sources`, sites with no dated source first, then oldest first (by the
    last day each latest source can be)."""
    order = latest["latest_source_date"].map(lambda d: (0, date.min) if d is None else (1, d.end))
    return latest.loc[order.sort_values(kind="stable").index]


def stale_sites(dataset: Dataset, cutoff: date) -> pd.DataFrame:
    """The sites whose latest source is certainly older than `cutoff` (or undated), oldest
    first, sites with no dated source at the top."""
    latest = latest_sources(dataset)
    when = latest["latest_source_date"]
    stale = when.map(lambda d: d is None or d.end < cutoff).astype(bool)
    return oldest_first(latest[stale])


def latest_checks(dataset: Dataset, latest: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows of `latest` (default: every site's latest source, oldest first), in their order,
    with the publisher and title of each site's latest source (None where no dated source
    names the site): what the sources page's table and the `stale` command both list."""
    if latest is None:
        latest = oldest_first(latest_sources(dataset))
    sources = dataset.sources
    chosen = [sources.loc[source_id] if source_id else None for source_id in latest["source_id"]]
    # Object columns: None stays None (a text column would turn it into NaN).
    return latest.assign(
        **{
            column: pd.Series(
                [None if source is None else source[column] for source in chosen],
                index=latest.index,
                dtype=object,
            )
            for column in ("publisher", "title")
        }
    )


# --- the command --------------------------------------------------------------------------------


def _age_argument(text: str) -> tuple[int, str]:
    try:
        return parse_age(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_stale_command(commands, add_data_dir) -> None:
    """`stale --older-than AGE [--json] [--data-dir DIR]`, on the CLI's subcommands."""
    stale = commands.add_parser(
        "stale",
        help="list the sites whose latest source is older than an age, for a curator to re-check",
    )
    add_data_dir(stale)
    stale.add_argument(
        "--older-than",
        required=True,
        type=_age_argument,
        metavar="AGE",
        help="days, months or years: 90d, 12m, 2y",
    )
    stale.add_argument("--json", action="store_true", help="print the list as JSON")


def _one_line(text: object) -> str:
    # A cell may hold line breaks; each site stays on one line of the listing.
    return " ".join(str(text or "").split())


def run_stale(
    args: argparse.Namespace, data_dir: Path, out: TextIO, today: date | None = None
) -> int:
    """Print the stale sites (site, latest source date, which source); exit 0."""
    today = resolve_day(today)
    dataset = load_dataset(data_dir)
    for problem in dataset.problems:
        print(f"warning: {problem}", file=sys.stderr)
    amount, unit = args.older_than
    cutoff = cutoff_for(args.older_than, today)
    checks = latest_checks(dataset, stale_sites(dataset, cutoff))
    records = [
        {
            "site_id": site.site_id,
            "name": site.name,
            "country": site.country,
            "latest_source_date": site.latest_source_date.iso()
            if site.latest_source_date
            else None,
            "source_id": site.source_id or None,
            "publisher": site.publisher,
            "title": site.title,
        }
        for site in checks.itertuples(index=False)
    ]
    if args.json:
        document = {
            "older_than": f"{amount}{unit}",
            "cutoff": cutoff.isoformat(),
            "sites": records,
        }
        print(json.dumps(document, ensure_ascii=False, indent=1), file=out)
        return 0
    print(
        f"{len(records)} of {len(dataset.sites)} site(s) whose latest source is older than "
        f"{amount} {AGE_UNITS[unit][amount != 1]} (dated before {cutoff.isoformat()}), "
        "oldest first:",
        file=out,
    )
    for record in records:
        when = record["latest_source_date"] or "undated"
        source = (
            f"{record['source_id']} {_one_line(record['publisher'])}: {_one_line(record['title'])}"
            if record["source_id"]
            else "no dated source"
        )
        print(f"  {record['site_id']:<24} {when:<10}  {source}", file=out)
    return 0
