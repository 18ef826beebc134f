"""Uploads: validated like the shipped data, placed offline, oversized or non-CSV refused."""

from __future__ import annotations

import csv
import io

from stationmap import schema
from stationmap.upload import MAX_UPLOAD_BYTES, dataset_from_uploads, template_csv
from tests.conftest import small_files, small_rows

SITES, EVENTS, SOURCES = schema.SITES_FILE, schema.EVENTS_FILE, schema.SOURCES_FILE


def as_uploads(files):
    return {file: (file, data) for file, data in files.items()}


def test_good_upload_loads():
    result = dataset_from_uploads(as_uploads(small_files()))
    assert result.dataset.problems == []
    assert len(result.dataset.sites) == 3


def test_sites_without_coordinates_are_placed_with_the_gazetteer():
    rows = small_rows()
    for site in rows[SITES]:
        site.update(latitude="", longitude="", coord_source="")
    rows[SITES].append(
        {
            **rows[SITES][1],
            "site_id": "xx-nowhere",
            "name": "Nowhere",
            "city": "Atlantis Under The Sea",
        }
    )
    rows[EVENTS][0]["site_ids"] += ";xx-nowhere"
    result = dataset_from_uploads(as_uploads(small_files(rows)))
    sites = result.dataset.sites
    assert result.dataset.problems == []
    assert sites.loc["uk-glasgow", "latitude"] == __import__("pytest").approx(55.865, abs=0.05)
    assert sites.loc["uk-glasgow", "coord_source"] == "gazetteer:city"
    assert sites.loc["fr-unspecified", "coord_source"] == "gazetteer:capital"
    assert [line.split(":")[0] for line in result.unplaced] == ["xx-nowhere"]
    # An unplaced site still loads: it shows in tables, not on the map.
    assert "xx-nowhere" in sites.index and sites["latitude"].isna().sum() == 1


def test_broken_rows_are_explained_and_good_rows_kept():
    rows = small_rows()
    rows[SITES][1]["precision"] = "street"
    rows[EVENTS][1]["date"] = "2023-13-01"
    result = dataset_from_uploads(as_uploads(small_files(rows)))
    problems = [str(p) for p in result.dataset.problems]
    assert "sites.csv:3: precision: unknown value 'street' (allowed: country, city, locality)" in (
        problems
    )
    assert any(
        p.startswith("events.csv:3: date: '2023-13-01' is not a real date") for p in problems
    )
    assert {"uk-croydon", "fr-unspecified"} <= set(result.dataset.sites.index)


def test_oversized_upload_is_refused_with_a_clear_message():
    uploads = as_uploads(small_files())
    uploads[SITES] = ("big.csv", b"a" * (MAX_UPLOAD_BYTES + 1))
    result = dataset_from_uploads(uploads)
    first = str(result.dataset.problems[0])
    assert first.startswith("sites.csv:-: -: 'big.csv' is 5,242,881 bytes; the limit is")
    assert "file is missing" not in " ".join(map(str, result.dataset.problems))


def test_non_csv_uploads_are_refused():
    uploads = as_uploads(small_files())
    uploads[SITES] = ("sites.xlsx", b"PK\x03\x04rest-of-a-zip")
    uploads[SOURCES] = ("sources.csv", b"PK\x03\x04rest-of-a-zip")
    problems = [str(p) for p in dataset_from_uploads(uploads).dataset.problems]
    assert "sites.csv:-: -: 'sites.xlsx' is not a CSV file (save it as CSV, UTF-8)" in problems
    assert (
        "sources.csv:-: -: 'sources.csv' is a spreadsheet, not CSV: save it as CSV (UTF-8)"
        in problems
    )


def test_missing_upload_is_reported():
    uploads = as_uploads(small_files())
    uploads[EVENTS] = None
    problems = [str(p) for p in dataset_from_uploads(uploads).dataset.problems]
    assert "events.csv:-: -: file is missing" in problems


def test_template_has_exact_columns():
    for file in schema.DATA_FILES:
        header = next(csv.reader(io.StringIO(template_csv(file).decode())))
        assert tuple(header) == schema.column_names(file)
