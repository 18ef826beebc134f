"""Uploads: validated like the shipped data, placed offline, oversized or non-CSV refused."""

from __future__ import annotations

import csv
import io
import tomllib
from types import SimpleNamespace

import pytest
from starlette.formparsers import MultiPartParser

from stationmap import config
from stationmap.app.upload import (
    MAX_UPLOAD_BYTES,
    WIDGET_LIMIT_MB,
    check_upload,
    column_guide,
    dataset_from_uploads,
    problems_table,
    read_uploaded_files,
    template_csv,
    unplaced_table,
    upload_signature,
)
from stationmap.record import schema
from stationmap.record.loader import Problem
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
    assert sites.loc["uk-glasgow", "latitude"] == pytest.approx(55.865, abs=0.05)
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
    assert first == "sites.csv:-: -: 'big.csv' is 1,000,001 bytes; the limit is 1,000,000"
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


def test_a_missing_sites_upload_is_a_problem():
    uploads = as_uploads(small_files())
    uploads[SITES] = None
    problems = [str(p) for p in dataset_from_uploads(uploads).dataset.problems]
    assert "sites.csv:-: -: file is missing" in problems


def test_a_sites_file_alone_is_accepted():
    uploads = {SITES: ("our-sites.csv", small_files()[SITES]), EVENTS: None, SOURCES: None}
    dataset = dataset_from_uploads(uploads).dataset
    assert dataset.problems == []
    assert len(dataset.sites) == 3
    notices = problems_table(dataset.notices)
    assert list(notices["file"][:2]) == [EVENTS, SOURCES]
    assert list(notices["row"][:2]) == ["whole file", "whole file"]
    assert notices["problem"][0].startswith("not given: every site is shown as alleged")


def test_an_events_upload_refused_as_a_whole_keeps_the_sites_marked():
    uploads = as_uploads(small_files())
    uploads[EVENTS] = ("events.xlsx", b"PK\x03\x04zip")
    dataset = dataset_from_uploads(uploads).dataset
    assert [p.message for p in dataset.problems] == [
        "'events.xlsx' is not a CSV file (save it as CSV, UTF-8)"
    ]
    assert len(dataset.sites) == 3
    assert {p.message for p in dataset.notices} == {
        "kept without a first report: events.csv could not be read (see its problems); shown "
        "as alleged, undated, until a report naming it loads"
    }


def test_template_has_exact_columns():
    for file in schema.DATA_FILES:
        header = next(csv.reader(io.StringIO(template_csv(file).decode())))
        assert tuple(header) == schema.column_names(file)


# --- the limits the server and the widgets share ------------------------------------------------


def test_the_server_and_the_widget_state_the_validators_limit():
    settings = tomllib.loads((config.PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] == WIDGET_LIMIT_MB
    # The widget's "1 MB" is the limit in decimal megabytes, exactly.
    assert WIDGET_LIMIT_MB * 1_000_000 == MAX_UPLOAD_BYTES
    # The server (2**20 bytes to the megabyte) lets every file within the limit through.
    assert settings["server"]["maxUploadSize"] * 1024 * 1024 >= MAX_UPLOAD_BYTES


def test_the_limit_is_exact_to_the_byte():
    assert check_upload(SITES, "sites.csv", b"a" * MAX_UPLOAD_BYTES) is None
    refused = check_upload(SITES, "sites.csv", b"a" * (MAX_UPLOAD_BYTES + 1))
    assert refused is not None and "the limit is 1,000,000" in refused.message


def test_an_accepted_upload_never_leaves_memory_while_it_is_parsed():
    # Starlette holds an uploaded file in a SpooledTemporaryFile that rolls over to a file on
    # disk only past this size; Streamlit then keeps the bytes in MemoryUploadedFileManager.
    assert MAX_UPLOAD_BYTES <= MultiPartParser.spool_max_size


# --- what the page shows ------------------------------------------------------------------------


def test_the_problems_table_names_file_row_column_and_what_is_wrong():
    rows = small_rows()
    rows[SITES][1]["precision"] = "street"
    uploads = as_uploads(small_files(rows))
    uploads[EVENTS] = ("events.csv", b"")
    table = problems_table(dataset_from_uploads(uploads).dataset.problems)
    assert list(table.columns) == ["file", "row", "column", "problem"]
    whole_file = table[table["file"] == EVENTS].iloc[0]
    # Never an empty number cell, which the page would show as "None".
    assert (whole_file["row"], whole_file["problem"]) == ("whole file", "file is empty")
    assert not table["row"].isna().any()
    street = table[table["column"] == "precision"].iloc[0]
    assert (street["file"], street["row"]) == (SITES, "3")
    assert street["problem"].startswith("unknown value 'street'")


def test_an_empty_problem_list_gives_an_empty_table():
    table = problems_table([])
    assert table.empty and list(table.columns) == ["file", "row", "column", "problem"]


def test_the_problems_table_keeps_text_as_text():
    hostile = Problem(SITES, 2, "name", "<script>alert(1)</script>")
    assert problems_table([hostile]).iloc[0]["problem"] == "<script>alert(1)</script>"


def test_unplaced_sites_are_listed_with_the_reason():
    rows = small_rows()
    rows[SITES][1].update(latitude="", longitude="", coord_source="", city="Atlantis Under The Sea")
    table = unplaced_table(dataset_from_uploads(as_uploads(small_files(rows))))
    assert list(table["site_id"]) == ["uk-glasgow"]
    assert table.iloc[0]["reason"]


def test_the_column_guide_documents_every_column():
    for file in schema.DATA_FILES:
        guide = column_guide(file)
        assert tuple(guide["column"]) == schema.column_names(file)
        assert guide["meaning"].str.len().min() > 0
    sites = column_guide(SITES).set_index("column")
    assert bool(sites.at["site_id", "required"]) and not bool(sites.at["latitude", "required"])


def fake_upload(name: str, data: bytes, file_id: str = "id-1"):
    """What Streamlit's UploadedFile offers the page: a name, bytes, an id and a size."""
    return SimpleNamespace(name=name, getvalue=lambda: data, file_id=file_id, size=len(data))


def test_uploaded_files_are_read_into_names_and_bytes():
    files = {SITES: fake_upload("our sites.csv", b"a,b\n"), EVENTS: None}
    assert read_uploaded_files(files) == {SITES: ("our sites.csv", b"a,b\n"), EVENTS: None}


def test_the_same_files_have_the_same_signature_and_new_ones_another():
    first = {SITES: fake_upload("s.csv", b"x"), EVENTS: None}
    again = {EVENTS: None, SITES: fake_upload("s.csv", b"x")}
    replaced = {SITES: fake_upload("s.csv", b"x", file_id="id-2"), EVENTS: None}
    assert upload_signature(first) == upload_signature(again)
    assert upload_signature(first) != upload_signature(replaced)


def test_the_result_remembers_the_names_files_were_uploaded_under():
    uploads = {file: (f"ngo-{file}", data) for file, data in small_files().items()}
    assert dataset_from_uploads(uploads).names == {file: f"ngo-{file}" for file in uploads}
