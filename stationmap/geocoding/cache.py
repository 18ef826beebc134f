"""The persistent cache ``geocode_cache.csv`` and the atomic CSV writing it shares with the CLI.

A result once found (offline or online) is kept by (query, country, level), so a later run,
offline, reuses it. A cache file that is not valid fails with its path and row, never halfway.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from stationmap.geocoding.gazetteer import normalise_place_name
from stationmap.geocoding.names import (
    PLACE_KIND_CAPITAL,
    PLACE_KIND_CITY,
    PLACE_KIND_LOCALITY,
    PROVIDER_GAZETTEER,
    PROVIDER_NOMINATIM,
    SOURCE_GAZETTEER_CAPITAL,
    SOURCE_GAZETTEER_CITY,
    SOURCE_GAZETTEER_LOCALITY,
    SOURCE_NOMINATIM,
    CacheFileError,
    GeocodingError,
)
from stationmap.outputs import replace_file
from stationmap.record import schema

_GAZETTEER_SOURCE_BY_PLACE_KIND = {
    PLACE_KIND_LOCALITY: SOURCE_GAZETTEER_LOCALITY,
    PLACE_KIND_CITY: SOURCE_GAZETTEER_CITY,
    PLACE_KIND_CAPITAL: SOURCE_GAZETTEER_CAPITAL,
}


CACHE_FILE = "geocode_cache.csv"
CACHE_COLUMNS = (
    "query",
    "country_code",
    "level",
    "latitude",
    "longitude",
    "provider",
    "precision",
    "fetched_at",
)


# Five decimals is about a metre, finer than any place-level point, and keeps float noise
# such as 51.50853000000001 out of the CSV.
COORDINATE_DECIMALS = 5


# --- the persistent cache -----------------------------------------------------------------------


@dataclass(frozen=True)
class CachedPlace:
    """One geocoding result worth keeping: which query found which point, from whom and when."""

    query: str
    country_code: str
    level: str
    latitude: float
    longitude: float
    provider: str
    precision: str
    fetched_at: str

    @property
    def coord_source(self) -> str:
        """The ``coord_source`` a site placed by this result gets."""
        if self.provider == PROVIDER_NOMINATIM:
            return SOURCE_NOMINATIM
        return _GAZETTEER_SOURCE_BY_PLACE_KIND[self.precision]


def _cache_key(query: str, country_code: str, level: str) -> tuple[str, str, str]:
    return (normalise_place_name(query), country_code.strip().upper(), level)


class GeocodeCache:
    """Geocoding results kept in ``geocode_cache.csv``, looked up by (query, country, level).

    ``put`` only changes memory; ``save`` rewrites the file atomically, so a crash or Ctrl-C
    leaves either the old file or the new one, never half of one.
    """

    def __init__(self, path: Path | None = None, places: Iterable[CachedPlace] = ()):
        """An in-memory cache, saved to ``path`` if one is given."""
        self.path = path
        self._places: dict[tuple[str, str, str], CachedPlace] = {}
        for place in places:
            self.put(place)
        self.has_unsaved_changes = False

    @classmethod
    def load(cls, path: Path) -> GeocodeCache:
        """Read the cache at ``path`` (a missing file is an empty cache).

        Raises :class:`CacheFileError` naming the file and row if it is not a valid cache.
        """
        path = Path(path)
        if not path.exists():
            return cls(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CacheFileError(f"{path}: cannot be read as UTF-8 text ({error})") from error
        try:
            records = csv_records(text)
        except csv.Error as error:
            raise CacheFileError(f"{path}: is not a readable CSV file ({error})") from error
        if not records:
            return cls(path)
        (_, header), body = records[0], records[1:]
        if tuple(header) != CACHE_COLUMNS:
            raise CacheFileError(
                f"{path}:1: the header should be {','.join(CACHE_COLUMNS)}, "
                f"found {','.join(header)}"
            )
        places = [
            _parse_cache_row(path, line, cells)
            for line, cells in body
            if any(cell.strip() for cell in cells)
        ]
        return cls(path, places)

    def save(self) -> None:
        """Write every entry to the cache file atomically."""
        if self.path is None:
            raise GeocodingError("this cache has no file to save to")
        rows = [
            [
                place.query,
                place.country_code,
                place.level,
                format_coordinate(place.latitude),
                format_coordinate(place.longitude),
                place.provider,
                place.precision,
                place.fetched_at,
            ]
            for place in self._places.values()
        ]
        write_csv_atomically(self.path, CACHE_COLUMNS, rows)
        self.has_unsaved_changes = False

    def get(self, query: str, country_code: str, level: str) -> CachedPlace | None:
        """The cached result for this query, or None."""
        return self._places.get(_cache_key(query, country_code, level))

    def put(self, place: CachedPlace) -> None:
        """Remember ``place`` (replacing an entry for the same query); call ``save`` to keep it."""
        self._places[_cache_key(place.query, place.country_code, place.level)] = place
        self.has_unsaved_changes = True

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[CachedPlace]:
        return iter(self._places.values())


def csv_records(text: str) -> list[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on, counted as editors and the loader count."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    start_line = 1
    for cells in reader:
        records.append((start_line, cells))
        # A quoted cell may span lines, so the next record starts after this one's last line.
        start_line = reader.line_num + 1
    return records


def _parse_cache_row(path: Path, line: int, cells: list[str]) -> CachedPlace:
    def fail(problem: str) -> CacheFileError:
        return CacheFileError(f"{path}:{line}: {problem}")

    if len(cells) != len(CACHE_COLUMNS):
        raise fail(f"has {len(cells)} cells, expected {len(CACHE_COLUMNS)}")
    values = dict(zip(CACHE_COLUMNS, (cell.strip() for cell in cells), strict=True))
    if not values["query"]:
        raise fail("query is empty")
    if not re.fullmatch(r"[A-Z]{2}", values["country_code"]):
        raise fail(f"country_code {values['country_code']!r} is not an ISO alpha-2 code")
    if values["level"] not in schema.PRECISIONS:
        raise fail(f"level {values['level']!r} is not one of {', '.join(schema.PRECISIONS)}")
    coordinates = {}
    for column, limit in (("latitude", 90.0), ("longitude", 180.0)):
        try:
            number = float(values[column])
        except ValueError:
            raise fail(f"{column} {values[column]!r} is not a number") from None
        if not math.isfinite(number) or abs(number) > limit:
            raise fail(f"{column} {values[column]!r} is outside -{limit:g}..{limit:g}")
        coordinates[column] = number
    if values["provider"] not in (PROVIDER_GAZETTEER, PROVIDER_NOMINATIM):
        raise fail(f"provider {values['provider']!r} is not gazetteer or nominatim")
    if values["precision"] not in _GAZETTEER_SOURCE_BY_PLACE_KIND:
        raise fail(f"precision {values['precision']!r} is not locality, city or capital")
    try:
        fetched_at = datetime.fromisoformat(values["fetched_at"])
    except ValueError:
        raise fail(f"fetched_at {values['fetched_at']!r} is not an ISO 8601 time") from None
    if fetched_at.utcoffset() is None:
        raise fail(f"fetched_at {values['fetched_at']!r} has no UTC offset")
    return CachedPlace(
        query=values["query"],
        country_code=values["country_code"],
        level=values["level"],
        latitude=coordinates["latitude"],
        longitude=coordinates["longitude"],
        provider=values["provider"],
        precision=values["precision"],
        fetched_at=values["fetched_at"],
    )


# --- files --------------------------------------------------------------------------------------


def format_coordinate(value: float) -> str:
    """Decimal degrees for the CSV: at most five decimals, no trailing zeros."""
    text = f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def write_csv_atomically(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    line_terminator: str = "\n",
    byte_order_mark: bool = False,
) -> None:
    """Write a CSV whole or not at all (:func:`stationmap.outputs.replace_file`).

    The file keeps the mode of the one it replaces, or gets the one any new file would.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=line_terminator)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = "utf-8-sig" if byte_order_mark else "utf-8"
    replace_file(Path(path), buffer.getvalue().encode(encoding))
