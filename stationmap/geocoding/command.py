"""The ``geocode`` command: fill in coordinates in ``sites.csv`` and report row by row.

:func:`run_geocode` reads the sites table keeping every cell as written, runs each row through
the chain, saves the cache after each new result and rewrites the table atomically.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from geopy.geocoders.base import Geocoder

from stationmap.geocoding.cache import (
    CACHE_FILE,
    GeocodeCache,
    csv_records,
    format_coordinate,
    write_csv_atomically,
)
from stationmap.geocoding.chain import (
    PLACED_BY_GAZETTEER,
    PLACED_BY_NETWORK,
    PLACED_CURATED,
    PLACED_FROM_CACHE,
    GeocodeOutcome,
    geocode_site,
)
from stationmap.geocoding.gazetteer import get_gazetteer
from stationmap.geocoding.names import (
    COORD_SOURCE,
    GEOCODING_COLUMNS,
    LATITUDE,
    LONGITUDE,
    SITE_ID,
    CacheFileError,
    GeocodingError,
    SitesFileError,
)
from stationmap.geocoding.nominatim import (
    NOMINATIM_MIN_DELAY_SECONDS,
    NetworkGeocoder,
    build_nominatim,
    check_user_agent,
)
from stationmap.record import schema

EXIT_OK = 0
EXIT_SOME_UNPLACED = 1
EXIT_USAGE = 2


@dataclass
class SitesTable:
    """sites.csv as read: cells kept exactly as written, plus how the file was laid out."""

    header: list[str]
    rows: list[list[str]]
    # The line each row starts on, for reports that match what the loader says.
    line_numbers: list[int]
    line_terminator: str
    byte_order_mark: bool

    def column(self, name: str) -> int:
        """Index of column ``name``."""
        return self.header.index(name)


def read_sites_table(path: Path) -> SitesTable:
    """Read sites.csv keeping every cell as written; raise :class:`SitesFileError` if unusable."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise SitesFileError(f"{path}: no such file") from None
    except OSError as error:
        raise SitesFileError(f"{path}: cannot be read ({error})") from error
    byte_order_mark = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SitesFileError(f"{path}: is not UTF-8 ({error})") from error
    first_line_end = text.find("\n")
    line_terminator = "\r\n" if first_line_end > 0 and text[first_line_end - 1] == "\r" else "\n"
    try:
        records = csv_records(text)
    except csv.Error as error:
        raise SitesFileError(f"{path}: is not a readable CSV file ({error})") from error
    if not records:
        raise SitesFileError(f"{path}: is empty, expected a header row")
    (_, header), body = records[0], records[1:]
    missing = [name for name in (*GEOCODING_COLUMNS, COORD_SOURCE) if name not in header]
    if missing:
        raise SitesFileError(f"{path}:1: the header lacks column(s) {', '.join(missing)}")
    for line, cells in body:
        if len(cells) != len(header):
            raise SitesFileError(
                f"{path}:{line}: row has {len(cells)} cells but the header has {len(header)}"
            )
    return SitesTable(
        header,
        [cells for _, cells in body],
        [line for line, _ in body],
        line_terminator,
        byte_order_mark,
    )


# --- the whole file -----------------------------------------------------------------------------


def run_geocode(
    data_dir: Path,
    *,
    online: bool = False,
    user_agent: str | None = None,
    network_geocoder: Geocoder | None = None,
    min_delay_seconds: float = NOMINATIM_MIN_DELAY_SECONDS,
    max_retries: int = 2,
    error_wait_seconds: float = 5.0,
    out: TextIO = sys.stdout,
) -> int:
    """Fill coordinates for sites that lack them; return the process exit code.

    Reads and rewrites ``data_dir/sites.csv`` (only latitude, longitude and coord_source of
    rows lacking coordinates change), keeping ``data_dir/geocode_cache.csv`` saved after every
    new result. Returns 0 when every row is placed, 1 when some are not (each is reported),
    2 for a usage error or a file that cannot be used.
    """
    data_dir = Path(data_dir)
    sites_path = data_dir / schema.SITES_FILE
    cache_path = data_dir / CACHE_FILE

    network = None
    if online:
        try:
            if network_geocoder is None:
                network = build_nominatim(
                    user_agent,
                    min_delay_seconds=min_delay_seconds,
                    max_retries=max_retries,
                    error_wait_seconds=error_wait_seconds,
                )
            else:
                check_user_agent(user_agent)
                network = NetworkGeocoder(
                    network_geocoder,
                    min_delay_seconds=min_delay_seconds,
                    max_retries=max_retries,
                    error_wait_seconds=error_wait_seconds,
                )
        except GeocodingError as error:
            return _usage_error(out, str(error))
    elif user_agent:
        _say(out, "note: --user-agent has no effect without --online; staying offline")

    try:
        table = read_sites_table(sites_path)
        cache = GeocodeCache.load(cache_path)
    except SitesFileError as error:
        return _usage_error(out, str(error))
    except CacheFileError as error:
        return _usage_error(out, f"the geocode cache is corrupt: {error}; fix or delete it")

    report = _RunReport(total=len(table.rows))
    changed = False
    column = {name: table.column(name) for name in (*GEOCODING_COLUMNS, COORD_SOURCE)}
    for row_number, (cells, line) in enumerate(zip(table.rows, table.line_numbers, strict=True), 1):
        row = {name: cells[index] for name, index in column.items()}
        site_id = row[SITE_ID].strip() or "(no site_id)"
        outcome = geocode_site(row, cache=cache, gazetteer=get_gazetteer(), network=network)
        if outcome.ok and outcome.placed_by == PLACED_CURATED:
            if not row[COORD_SOURCE].strip():
                cells[column[COORD_SOURCE]] = outcome.coord_source
                changed = True
        elif outcome.ok:
            cells[column[LATITUDE]] = format_coordinate(outcome.latitude)
            cells[column[LONGITUDE]] = format_coordinate(outcome.longitude)
            cells[column[COORD_SOURCE]] = outcome.coord_source
            changed = True
        if cache.has_unsaved_changes:
            try:
                cache.save()
            except OSError as error:
                return _usage_error(
                    out,
                    f"could not save {cache_path} ({error}); stopped at "
                    f"{schema.SITES_FILE}:{line} and left {schema.SITES_FILE} unchanged; "
                    "earlier results are in the cache",
                )
        report.record(line, site_id, outcome)
        _say(out, report.progress_line(row_number, site_id, outcome))

    if changed:
        try:
            write_csv_atomically(
                sites_path,
                table.header,
                table.rows,
                line_terminator=table.line_terminator,
                byte_order_mark=table.byte_order_mark,
            )
        except OSError as error:
            return _usage_error(out, f"could not write {sites_path} ({error})")
    for line in report.summary_lines():
        _say(out, line)
    return EXIT_SOME_UNPLACED if report.failures else EXIT_OK


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)


def _usage_error(out: TextIO, message: str) -> int:
    _say(out, f"error: {message}")
    return EXIT_USAGE


@dataclass
class _RunReport:
    """Counts and notes for the progress lines and the closing summary."""

    total: int
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            (PLACED_CURATED, PLACED_FROM_CACHE, PLACED_BY_GAZETTEER, PLACED_BY_NETWORK), 0
        )
    )
    failures: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)

    def record(self, line: int, site_id: str, outcome: GeocodeOutcome) -> None:
        """Count one row's outcome; ``line`` is where the row starts in sites.csv."""
        where = f"{schema.SITES_FILE}:{line} ({site_id})"
        if not outcome.ok:
            self.failures.append(f"{where}: {outcome.message}")
            return
        self.counts[outcome.placed_by] += 1
        if outcome.coarser_than_asked:
            self.fallbacks.append(f"{where}: {outcome.message}")

    def progress_line(self, row_number: int, site_id: str, outcome: GeocodeOutcome) -> str:
        """e.g. ``[ 3/80] uk-glasgow: gazetteer:city Glasgow (55.87, -4.26)``."""
        width = len(str(self.total))
        prefix = f"[{row_number:>{width}}/{self.total}] {site_id}:"
        if not outcome.ok:
            return f"{prefix} FAILED {outcome.message}"
        point = f"({outcome.latitude:.2f}, {outcome.longitude:.2f})"
        if outcome.placed_by == PLACED_CURATED:
            return f"{prefix} {outcome.message} {point}"
        via = "cache " if outcome.placed_by == PLACED_FROM_CACHE else ""
        return f"{prefix} {via}{outcome.coord_source} {outcome.message} {point}"

    def summary_lines(self) -> list[str]:
        """The closing summary, listing every failure and every coarser fallback."""
        placed = sum(self.counts.values())
        lines = [
            f"placed {placed} of {self.total} sites: "
            f"{self.counts[PLACED_CURATED]} already had coordinates, "
            f"{self.counts[PLACED_FROM_CACHE]} from cache, "
            f"{self.counts[PLACED_BY_GAZETTEER]} from gazetteer, "
            f"{self.counts[PLACED_BY_NETWORK]} from network; "
            f"{len(self.failures)} failed"
        ]
        if self.fallbacks:
            lines.append(f"placed at the city instead of the locality: {len(self.fallbacks)}")
            lines.extend(f"  {note}" for note in self.fallbacks)
        if self.failures:
            lines.append("not placed:")
            lines.extend(f"  {failure}" for failure in self.failures)
        return lines
