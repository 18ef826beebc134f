"""Tests for stationmap.geocoding.command: the `geocode` run over a data folder, end to end.

Offline and deterministic: see tests/geocoding_support.py.
"""

from __future__ import annotations

import re

import pytest

from stationmap.geocoding import command
from stationmap.geocoding.cache import CACHE_FILE, GeocodeCache
from stationmap.record import schema
from tests.geocoding_support import (
    FETCHED_AT,
    GazetteerSpy,
    cache_file_text,
    cached,
    read_sites,
    run,
    site_row,
    sites_csv_bytes,
    write_sites,
)

# Fixtures data_dir and gazetteer come from geocoding_support too (a plugin of conftest.py).
pytestmark = pytest.mark.usefixtures("forbid_network")


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
    monkeypatch.setattr(command, "get_gazetteer", lambda: spy)
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
