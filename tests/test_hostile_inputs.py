"""A corpus of broken and hostile inputs: each gets a clear problem naming where it is, nothing
crashes, and the good rows still load."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from stationmap.app.upload import dataset_from_uploads
from stationmap.exports import sites_csv
from stationmap.record import schema
from stationmap.record.loader import MAX_CELL_CHARS, MAX_FILE_BYTES, build_dataset
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY, csv_bytes, small_files, small_rows

SITES, EVENTS, SOURCES = schema.SITES_FILE, schema.EVENTS_FILE, schema.SOURCES_FILE

Files = dict[str, bytes | None]


def rows_change(change: Callable[[dict], None]) -> Callable[[], Files]:
    def make() -> Files:
        rows = small_rows()
        change(rows)
        return small_files(rows)

    return make


def bytes_change(file: str, change: Callable[[bytes], bytes]) -> Callable[[], Files]:
    def make() -> Files:
        files = small_files()
        files[file] = change(files[file])
        return files

    return make


def cell(file: str, index: int, column: str, value: str):
    return rows_change(lambda rows: rows[file][index].__setitem__(column, value))


# (case, files, a problem line must start with this, sites that must still load)
CORPUS = [
    (
        "latin-1 bytes in one row",
        bytes_change(SITES, lambda d: d.replace(b"Glasgow", b"Glasg\xf6w", 1)),
        "sites.csv:3: -: bytes are not valid UTF-8 (byte 0xf6",
        {"uk-croydon", "fr-unspecified"},
    ),
    (
        "whole file in cp1252",
        bytes_change(SITES, lambda d: d.decode().replace("Glasgow", "Glasgöw").encode("cp1252")),
        "sites.csv:3: -: bytes are not valid UTF-8",
        {"uk-croydon", "fr-unspecified"},
    ),
    (
        "UTF-16 file",
        bytes_change(SOURCES, lambda d: d.decode().encode("utf-16")),
        "sources.csv:-: -: file is encoded as UTF-16; save it as UTF-8",
        set(),
    ),
    ("empty file", bytes_change(EVENTS, lambda d: b""), "events.csv:-: -: file is empty", set()),
    (
        "header only",
        bytes_change(EVENTS, lambda d: d.split(b"\n")[0] + b"\n"),
        "sites.csv:2: site_id: no dated report (ngo_report, media_report, "
        "parliamentary_statement) in events.csv names site 'uk-croydon'",
        set(),
    ),
    (
        "file over the size limit",
        bytes_change(SITES, lambda d: d + b"#" * MAX_FILE_BYTES),
        "sites.csv:-: -: file is ",
        set(),
    ),
    (
        "cell over the length limit",
        cell(SITES, 1, "notes", "x" * (MAX_CELL_CHARS + 1)),
        "sites.csv:3: notes: value is 5,001 characters; the limit is 5,000",
        {"uk-croydon", "fr-unspecified"},
    ),
    (
        "missing required column",
        bytes_change(SITES, lambda d: d.replace(b"precision,", b"", 1)),
        "sites.csv:1: precision: required column is missing",
        set(),
    ),
    (
        "extra column",
        bytes_change(SOURCES, lambda d: d.replace(b"note\n", b"note,extra\n", 1)),
        "sources.csv:1: extra: unknown column",
        {"uk-croydon", "uk-glasgow", "fr-unspecified"},
    ),
    (
        "column twice",
        bytes_change(SOURCES, lambda d: d.replace(b"note\n", b"note,kind\n", 1)),
        "sources.csv:1: kind: column appears twice",
        {"uk-croydon", "uk-glasgow", "fr-unspecified"},
    ),
    (
        "javascript: URL",
        cell(SOURCES, 0, "url", "javascript:alert(document.cookie)"),
        "sources.csv:2: url: only http(s) links are allowed, not 'javascript'",
        {"uk-croydon", "uk-glasgow"},
    ),
    (
        "data: URL",
        cell(SOURCES, 0, "url", "data:text/html,<script>alert(1)</script>"),
        "sources.csv:2: url: only http(s) links are allowed, not 'data'",
        {"uk-croydon", "uk-glasgow"},
    ),
    (
        "URL with a line break",
        cell(SOURCES, 0, "url", "https://example.org/a\nb"),
        "sources.csv:2: url: 'https://example.org/a\nb' contains spaces or control characters",
        {"uk-croydon", "uk-glasgow"},
    ),
    (
        "latitude out of range",
        cell(SITES, 1, "latitude", "-91"),
        "sites.csv:3: latitude: -91 is out of range (-90 to 90)",
        {"uk-croydon", "fr-unspecified"},
    ),
    (
        "infinite longitude",
        cell(SITES, 1, "longitude", "inf"),
        "sites.csv:3: longitude: inf is out of range (-180 to 180)",
        {"uk-croydon", "fr-unspecified"},
    ),
    (
        "swapped coordinates",
        rows_change(lambda r: r[SITES][1].update(latitude="-4.2576", longitude="55.8652")),
        "sites.csv:3: latitude: (-4.2576, 55.8652) is outside GB",
        {"uk-croydon", "fr-unspecified"},
    ),
    (
        "date in the future",
        cell(EVENTS, 2, "date", "2099-01-01"),
        "events.csv:4: date: date 2099-01-01 is in the future",
        {"uk-croydon", "uk-glasgow", "fr-unspecified"},
    ),
    (
        "impossible date",
        cell(EVENTS, 2, "date", "2023-02-29"),
        "events.csv:4: date: '2023-02-29' is not a real date",
        {"uk-croydon", "uk-glasgow", "fr-unspecified"},
    ),
    (
        "date in another format",
        cell(EVENTS, 2, "date", "6 June 2023"),
        "events.csv:4: date: '6 June 2023' is not a date in the form YYYY-MM-DD",
        {"uk-croydon", "uk-glasgow", "fr-unspecified"},
    ),
    (
        "duplicate event id",
        cell(EVENTS, 2, "event_id", "E1"),
        "events.csv:4: event_id: duplicate id 'E1'",
        {"uk-croydon", "uk-glasgow", "fr-unspecified"},
    ),
    (
        "dangling site id",
        cell(EVENTS, 2, "site_ids", "uk-croydon;uk-atlantis"),
        "events.csv:4: site_ids: unknown site id 'uk-atlantis'",
        {"uk-croydon", "uk-glasgow", "fr-unspecified"},
    ),
    (
        "dangling source id",
        cell(SITES, 1, "source_ids", "S404"),
        "sites.csv:3: source_ids: unknown source id 'S404'",
        {"uk-croydon", "fr-unspecified"},
    ),
    (
        "control character in a cell",
        cell(SITES, 1, "name", "Glasgow\x07"),
        "sites.csv:3: name: value contains control characters",
        {"uk-croydon", "fr-unspecified"},
    ),
    (
        "row with too many cells",
        bytes_change(SITES, lambda d: d.rstrip(b"\n") + b",surplus\n"),
        "sites.csv:4: -: row has 14 cells but the header has 13",
        {"uk-croydon", "uk-glasgow"},
    ),
    (
        "unterminated quote",
        bytes_change(SOURCES, lambda d: d.replace(b"Written statement", b'"Written statement')),
        "events.csv:",  # the quote swallows the rest of sources.csv; citing rows say so
        set(),
    ),
    (
        "NUL bytes",
        bytes_change(SITES, lambda d: d.replace(b"Glasgow", b"Glas\x00gow")),
        "sites.csv:-: -: file is binary, not a CSV text file",
        set(),
    ),
    (
        "status for a site the event does not name",
        cell(EVENTS, 1, "sets_status", "uk-glasgow:convicted"),
        "events.csv:3: sets_status: site 'uk-glasgow' is given a status but is not in site_ids",
        {"uk-croydon", "uk-glasgow", "fr-unspecified"},
    ),
    (
        "unknown country code",
        cell(SITES, 1, "iso2", "UK"),
        "sites.csv:3: iso2: 'UK' is not an ISO 3166-1 alpha-2 country code",
        {"uk-croydon", "fr-unspecified"},
    ),
]


@pytest.mark.parametrize(
    ("make", "expected", "kept"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_hostile_input_is_explained_and_good_rows_load(make, expected, kept):
    dataset = build_dataset(make(), today=TEST_TODAY)
    problems = [str(problem) for problem in dataset.problems]
    assert any(line.startswith(expected) for line in problems), problems
    assert kept <= set(dataset.sites.index)


@pytest.mark.parametrize(
    ("make", "expected", "kept"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_the_same_input_uploaded(make, expected, kept):
    files = make()
    uploads = {file: (file, data) if data is not None else None for file, data in files.items()}
    result = dataset_from_uploads(uploads)
    assert result.dataset.problems, "an upload with a broken file must say so"
    assert kept <= set(result.dataset.sites.index)


HOSTILE_TEXT = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "`${alert(1)}`",
    '"><svg onload=alert(1)>',
    '=HYPERLINK("http://evil.example","click")',
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_in_every_field_loads_as_text(text):
    rows = small_rows()
    for file_rows in rows.values():
        for row in file_rows:
            for column in (
                "name",
                "notes",
                "operating_bureau",
                "actor",
                "summary",
                "publisher",
                "title",
                "city",
                "locality",
            ):
                if column in row and (column != "city" or row[column]):
                    row[column] = text
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert dataset.problems == []
    assert set(dataset.sites["name"]) == {text}
    exported = sites_csv(build_site_view(dataset, TEST_TODAY), dataset).decode("utf-8-sig")
    names = [row["name"] for row in csv.DictReader(io.StringIO(exported))]
    expected = "'" + text if text.startswith("=") else text
    assert names == [expected] * 3


def test_corpus_has_at_least_25_cases():
    assert len(CORPUS) + len(HOSTILE_TEXT) >= 25
    # csv_bytes is the one writer of test files: a sanity check that it quotes newlines.
    assert b'"a\nb"' in csv_bytes(SOURCES, [{**small_rows()[SOURCES][0], "title": "a\nb"}])
