"""Tests for stationmap.geocoding.cache: geocode_cache.csv read, checked and written atomically.

Offline and deterministic: see tests/geocoding_support.py.
"""

from __future__ import annotations

import os
import stat

import pytest

from stationmap.geocoding.cache import (
    CACHE_COLUMNS,
    CACHE_FILE,
    CacheFileError,
    GeocodeCache,
    format_coordinate,
    write_csv_atomically,
)
from stationmap.record import schema
from tests.geocoding_support import FETCHED_AT, cache_file_text, cached, run, site_row, write_sites

# Fixtures data_dir and gazetteer come from geocoding_support too (a plugin of conftest.py).
pytestmark = pytest.mark.usefixtures("forbid_network")


@pytest.mark.parametrize(
    ("value", "text"),
    [(-0.1, "-0.1"), (51.50853000000001, "51.50853"), (-0.000001, "0"), (10.0, "10")],
)
def test_coordinates_are_written_with_at_most_five_decimals(value, text):
    assert format_coordinate(value) == text


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


def file_mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_csv_file_is_readable_by_everyone_not_only_its_owner(tmp_path):
    path = tmp_path / CACHE_FILE

    previous_umask = os.umask(0o022)
    try:
        write_csv_atomically(path, CACHE_COLUMNS, [])
    finally:
        os.umask(previous_umask)

    assert file_mode(path) == 0o644


@pytest.mark.parametrize("mode", [0o664, 0o640, 0o600], ids=oct)
def test_a_rewritten_csv_file_keeps_the_mode_it_had(tmp_path, mode):
    path = tmp_path / schema.SITES_FILE
    path.write_text("site_id\nold\n", encoding="utf-8")
    path.chmod(mode)

    write_csv_atomically(path, ["site_id"], [["new"]])

    assert file_mode(path) == mode
    assert path.read_text(encoding="utf-8") == "site_id\nnew\n"
