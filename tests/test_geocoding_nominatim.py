"""Tests for stationmap.geocoding.nominatim: the network adapter, always against a fake Nominatim.

Offline and deterministic: see tests/geocoding_support.py.
"""

from __future__ import annotations

import pytest
from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from stationmap.geocoding.cache import CACHE_FILE, GeocodeCache
from stationmap.geocoding.chain import geocode_site
from stationmap.geocoding.nominatim import EXAMPLE_USER_AGENT, NetworkGeocoder, build_nominatim
from stationmap.record import schema
from tests.geocoding_support import (
    HENDON_FROM_NOMINATIM,
    TEST_USER_AGENT,
    FakeOnlineGeocoder,
    cached,
    online_options,
    read_sites,
    run,
    site_row,
    write_sites,
)

# Fixtures data_dir and gazetteer come from geocoding_support too (a plugin of conftest.py).
pytestmark = pytest.mark.usefixtures("forbid_network")


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
