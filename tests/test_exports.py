"""Exports carry exactly the filtered rows, safely: CSV, GeoJSON (RFC 7946), file names."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import jsonschema
import pytest

from stationmap.exports import (
    SITE_EXPORT_COLUMNS,
    describe_filters,
    events_csv,
    export_filename,
    neutralise_cell,
    sites_csv,
    sites_geojson,
    sites_geojson_bytes,
)
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from stationmap.timeline.events import scope_for, select_events
from tests.conftest import TEST_TODAY, small_files, small_rows
from tests.geojson_schema import validate_geojson

REPORTED_CLOSED_IN_EUROPE = FilterState(statuses=("reported_closed",), regions=("Europe",))


@pytest.fixture
def europe_closed(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    return apply_filters(view, REPORTED_CLOSED_IN_EUROPE)


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_sites_csv_round_trips_the_filtered_rows(shipped_dataset, europe_closed):
    rows = read_csv(sites_csv(europe_closed, shipped_dataset))
    assert [row["site_id"] for row in rows] == list(europe_closed.index)
    assert list(rows[0]) == SITE_EXPORT_COLUMNS
    assert {row["status"] for row in rows} == {"reported_closed"}
    dublin = next(row for row in rows if row["site_id"] == "ie-dublin")
    assert dublin["status_since"] == "2022-12-13"
    assert dublin["first_reported"] == "2022-09-12"
    assert float(dublin["latitude"]) == pytest.approx(europe_closed.loc["ie-dublin", "latitude"])
    assert "https://www.kildarestreet.com/wrans/?id=2022-12-13a.749" in dublin["source_urls"]


def test_events_csv_round_trips(shipped_dataset, europe_closed):
    events = select_events(shipped_dataset, scope_for(europe_closed))
    rows = read_csv(events_csv(events, shipped_dataset))
    assert [row["event_id"] for row in rows] == list(events["event_id"])
    e107 = next(row for row in rows if row["event_id"] == "E107")
    assert e107["sets_status"] == "nl-amsterdam:reported_closed;nl-rotterdam:reported_closed"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Glasgow", "Glasgow"),
        ("", ""),
        (-0.1, -0.1),
    ],
)
def test_formula_cells_are_neutralised(value, expected):
    assert neutralise_cell(value) == expected


def test_hostile_text_is_neutralised_in_the_csv():
    rows = small_rows()
    rows["sites.csv"][0]["name"] = '=HYPERLINK("http://evil.example","x")'
    rows["sites.csv"][0]["notes"] = "@cmd"
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    view = build_site_view(dataset, TEST_TODAY)
    exported = read_csv(sites_csv(view, dataset))
    assert exported[0]["name"].startswith("'=")
    assert exported[0]["notes"] == "'@cmd"
    # Negative coordinates are numbers, not formulas: they stay as they are.
    assert exported[1]["longitude"] == "-4.2576"


def test_geojson_is_rfc7946(shipped_dataset, europe_closed):
    document = json.loads(sites_geojson_bytes(europe_closed, shipped_dataset))
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    assert len(document["features"]) == len(europe_closed)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        longitude, latitude = geometry["coordinates"]
        site = europe_closed.loc[feature["id"]]
        # RFC 7946 §3.1.1: longitude first.
        assert (longitude, latitude) == (
            pytest.approx(site["longitude"]),
            pytest.approx(site["latitude"]),
        )
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert feature["properties"]["status"] == "reported_closed"
        assert isinstance(feature["properties"]["event_count"], int)


def test_geojson_round_trips_ids(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    document = sites_geojson(view, shipped_dataset)
    assert [f["id"] for f in document["features"]] == list(view.index)


def test_export_filename_names_date_and_filters():
    name = export_filename("sites", "csv", REPORTED_CLOSED_IN_EUROPE, date(2026, 11, 27))
    assert name == "stationmap-sites-2026-11-27-status-reported_closed-region-europe.csv"
    busy = FilterState(countries=("GB", "IE", "FR", "DE"), text="Capel St.")
    assert (
        export_filename("events", "csv", busy, date(2026, 11, 27))
        == "stationmap-events-2026-11-27-country-4-values-text-capel-st.csv"
    )


def test_geojson_validates_against_rfc7946_schema(shipped_dataset, europe_closed):
    validate_geojson(json.loads(sites_geojson_bytes(europe_closed, shipped_dataset)))
    everything = build_site_view(shipped_dataset, TEST_TODAY)
    validate_geojson(json.loads(sites_geojson_bytes(everything, shipped_dataset)))


@pytest.mark.parametrize(
    "broken",
    [
        {"type": "FeatureCollection", "features": [], "crs": {"type": "name"}},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]},
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [51.5, -181.0]},
                    "properties": {},
                }
            ],
        },
    ],
    ids=["crs member", "no geometry member", "latitude first"],
)
def test_the_geojson_check_refuses_what_rfc7946_forbids(broken):
    with pytest.raises(jsonschema.ValidationError):
        validate_geojson(broken)


def test_a_site_without_coordinates_is_an_unlocated_feature():
    rows = small_rows()
    rows["sites.csv"][1].update(latitude="", longitude="", coord_source="")
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    document = sites_geojson(build_site_view(dataset, TEST_TODAY), dataset)
    validate_geojson(document)
    glasgow = next(f for f in document["features"] if f["id"] == "uk-glasgow")
    assert glasgow["geometry"] is None
    assert glasgow["properties"]["name"] == "Glasgow"


def test_csv_and_geojson_carry_the_same_sites_in_the_same_order(shipped_dataset, europe_closed):
    csv_ids = [row["site_id"] for row in read_csv(sites_csv(europe_closed, shipped_dataset))]
    document = json.loads(sites_geojson_bytes(europe_closed, shipped_dataset))
    assert csv_ids == [feature["id"] for feature in document["features"]]
    assert csv_ids == list(europe_closed.index) and len(csv_ids) > 0


def test_filters_are_described_in_words():
    names = {"GB": "United Kingdom"}
    assert describe_filters(FilterState()) == "none (every reported site)"
    assert (
        describe_filters(REPORTED_CLOSED_IN_EUROPE, names)
        == "Status: Reported closed; Region: Europe"
    )
    busy = FilterState(
        countries=("GB", "XX"),
        bureaus=("Not reported",),
        reported_from=date(2022, 9, 1),
        text=" Glasgow ",
    )
    assert describe_filters(busy, names) == (
        "Country: United Kingdom, XX; Operating bureau: Not reported; "
        "First reported: 1 September 2022 to …; Search: “Glasgow”"
    )
