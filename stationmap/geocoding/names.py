"""The names every geocoding module shares: schema columns, coord sources, kinds of place, errors.

Each column and vocabulary word is checked against :mod:`stationmap.record.schema` at import, so
renaming one there fails here at once instead of writing a cell the loader rejects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


# The user agent must identify this application to the Nominatim operators.
PROJECT_NAME = "stationmap"


# --- errors -------------------------------------------------------------------------------------


class GeocodingError(Exception):
    """Base class of every error the geocoding modules raise on purpose."""


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
