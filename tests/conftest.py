"""Shared fixtures: the shipped dataset, and a small valid dataset to break in tests."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from stationmap import config
from stationmap.record import schema
from stationmap.record.loader import Dataset, build_dataset, load_dataset

# The geocoding tests' fixtures, shared by their five files; pytest only takes plugins from here.
pytest_plugins = ("tests.geocoding_support",)

# Fixed "today" for tests, so a test's outcome never depends on the day it runs.
TEST_TODAY = date(2026, 11, 27)

RESEARCH_DIR = config.PROJECT_ROOT.parent / "shared" / "research"


def csv_bytes(file: str, rows: list[dict[str, str]]) -> bytes:
    """A dataset file's bytes, with the schema's header and the given rows."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=schema.column_names(file), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def small_rows() -> dict[str, list[dict[str, str]]]:
    """A tiny valid dataset: two UK sites, one country-level row and five events."""
    sources = [
        {
            "source_id": "S1",
            "publisher": "UK Parliament (Hansard)",
            "title": "Written statement",
            "date": "2023-06-06",
            "url": "https://hansard.parliament.uk/example",
            "kind": "parliament",
        },
        {
            "source_id": "S2",
            "publisher": "Safeguard Defenders",
            "title": "110 Overseas",
            "date": "2022-09",
            "url": "https://safeguarddefenders.com/en/example",
            "kind": "ngo_report",
        },
    ]
    site = {
        "site_id": "uk-croydon",
        "name": "London: Croydon",
        "country": "United Kingdom",
        "iso2": "GB",
        "city": "London",
        "locality": "Croydon",
        "operating_bureau": "Fuzhou PSB",
        "precision": "locality",
        "latitude": "51.3762",
        "longitude": "-0.0982",
        "coord_source": "gazetteer:locality",
        "notes": "Alleged in the September 2022 report.",
        "source_ids": "S1;S2",
    }
    sites = [
        site,
        {
            **site,
            "site_id": "uk-glasgow",
            "name": "Glasgow",
            "city": "Glasgow",
            "locality": "",
            "precision": "city",
            "latitude": "55.8652",
            "longitude": "-4.2576",
            "coord_source": "gazetteer:city",
        },
        {
            **site,
            "site_id": "fr-unspecified",
            "name": "France (location not reported)",
            "country": "France",
            "iso2": "FR",
            "city": "",
            "locality": "",
            "operating_bureau": "",
            "precision": "country",
            "latitude": "48.8534",
            "longitude": "2.3488",
            "coord_source": "gazetteer:capital",
            "source_ids": "S2",
        },
    ]
    event = {
        "event_id": "E1",
        "date": "2022-09-12",
        "date_precision": "day",
        "site_ids": "uk-croydon;uk-glasgow",
        "country": "United Kingdom",
        "iso2": "GB",
        "event_type": "ngo_report",
        "actor": "Safeguard Defenders",
        "summary": "Listed two UK addresses.",
        "sets_status": "",
        "source_ids": "S2",
    }
    events = [
        event,
        {
            **event,
            "event_id": "E2",
            "date": "2022-11",
            "date_precision": "month",
            "site_ids": "uk-croydon",
            "event_type": "investigation_opened",
            "actor": "Metropolitan Police",
            "summary": "Said it was assessing the report.",
            "sets_status": "under_investigation",
            "source_ids": "S1",
        },
        {
            **event,
            "event_id": "E3",
            "date": "2023-06-06",
            "site_ids": "uk-croydon;uk-glasgow",
            "event_type": "police_visit",
            "actor": "UK police forces",
            "summary": "Police reported no evidence of illegal activity.",
            "sets_status": "uk-croydon:no_evidence_found",
            "source_ids": "S1",
        },
        {
            **event,
            "event_id": "E4",
            "date": "2022-12-05",
            "site_ids": "fr-unspecified",
            "country": "France",
            "iso2": "FR",
            "summary": "Listed sites in France.",
            "source_ids": "S2",
        },
        {
            **event,
            "event_id": "E5",
            "date": "",
            "date_precision": "unknown",
            "site_ids": "",
            "event_type": "government_statement",
            "actor": "UK Government",
            "summary": "Undated statement.",
            "source_ids": "S1",
        },
    ]
    return {schema.SOURCES_FILE: sources, schema.SITES_FILE: sites, schema.EVENTS_FILE: events}


def small_files(rows: dict[str, list[dict[str, str]]] | None = None) -> dict[str, bytes]:
    rows = rows or small_rows()
    return {file: csv_bytes(file, file_rows) for file, file_rows in rows.items()}


def write_dataset(folder: Path, files: dict[str, bytes | None]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file, data in files.items():
        if data is not None:
            (folder / file).write_bytes(data)
    return folder


@pytest.fixture
def small_dataset() -> Dataset:
    return build_dataset(small_files(), today=TEST_TODAY)


@pytest.fixture
def small_data_dir(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "data", small_files())


@pytest.fixture(scope="session")
def shipped_dataset() -> Dataset:
    return load_dataset(config.DEFAULT_DATA_DIR, today=TEST_TODAY)
