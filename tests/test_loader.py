"""The loader reports every problem as FILE:ROW: COLUMN: message and keeps every good row."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stationmap.record import schema
from stationmap.record.loader import MAX_FILE_BYTES, build_dataset, load_dataset
from stationmap.record.status import statuses_on
from tests.conftest import TEST_TODAY, csv_bytes, small_files, small_rows

SITES, EVENTS, SOURCES = schema.SITES_FILE, schema.EVENTS_FILE, schema.SOURCES_FILE


def test_small_dataset_is_valid(small_dataset):
    assert small_dataset.problems == []
    assert list(small_dataset.sites.index) == ["uk-croydon", "uk-glasgow", "fr-unspecified"]
    assert len(small_dataset.events) == 5
    assert small_dataset.sites.loc["uk-croydon", "latitude"] == pytest.approx(51.3762)
    assert small_dataset.events.loc["E3", "sets_status"] == {"uk-croydon": "no_evidence_found"}
    assert small_dataset.events.loc["E1", "sets_status"] == {}
    assert small_dataset.events.loc["E5", "date"] is None


def edit_cell(file: str, index: int, column: str, value: str):
    def change(rows):
        rows[file][index][column] = value

    return change


# Each case: a change to the small dataset, and the exact problem line(s) it must produce.
# Row numbers are file lines: the header is line 1, the first data row line 2.
CASES: list[tuple[str, Callable, list[str]]] = [
    (
        "empty required field",
        edit_cell(SITES, 0, "name", " "),
        ["sites.csv:2: name: required value is empty"],
    ),
    (
        "impossible date",
        edit_cell(EVENTS, 1, "date", "2023-02-30"),
        [
            "events.csv:3: date: '2023-02-30' is not a real date (day is out of range for month)",
        ],
    ),
    (
        "malformed date",
        edit_cell(EVENTS, 1, "date", "12/09/2022"),
        ["events.csv:3: date: '12/09/2022' is not a date in the form YYYY-MM-DD, YYYY-MM or YYYY"],
    ),
    (
        "future date",
        edit_cell(EVENTS, 1, "date", "2031-01-01"),
        ["events.csv:3: date: date 2031-01-01 is in the future"],
    ),
    (
        "precision does not match the date",
        edit_cell(EVENTS, 1, "date_precision", "day"),
        [
            "events.csv:3: date_precision: 'day' does not match the date '2022-11' "
            "(which is 'month')"
        ],
    ),
    (
        "unknown status",
        edit_cell(EVENTS, 1, "sets_status", "shut_down"),
        [
            "events.csv:3: sets_status: unknown status 'shut_down' (allowed: "
            + ", ".join(schema.STATUSES)
            + ")"
        ],
    ),
    (
        "status for a site the event does not name",
        edit_cell(EVENTS, 2, "sets_status", "fr-unspecified:convicted"),
        [
            "events.csv:4: sets_status: site 'fr-unspecified' is given a status but is not in "
            "site_ids"
        ],
    ),
    (
        "status on a country-wide event",
        edit_cell(EVENTS, 4, "sets_status", "alleged"),
        ["events.csv:6: sets_status: a status needs at least one site in site_ids"],
    ),
    (
        "status on an undated event",
        lambda rows: rows[EVENTS][4].update(site_ids="uk-glasgow", sets_status="alleged"),
        ["events.csv:6: sets_status: an event without a date cannot set a status"],
    ),
    (
        "unknown event type",
        edit_cell(EVENTS, 1, "event_type", "raid"),
        [
            "events.csv:3: event_type: unknown value 'raid' (allowed: "
            + ", ".join(schema.EVENT_TYPES)
            + ")"
        ],
    ),
    (
        "latitude out of range",
        edit_cell(SITES, 1, "latitude", "95.5"),
        ["sites.csv:3: latitude: 95.5 is out of range (-90 to 90)"],
    ),
    (
        "longitude not a number",
        edit_cell(SITES, 1, "longitude", "west"),
        ["sites.csv:3: longitude: 'west' is not a number"],
    ),
    (
        "swapped coordinates",
        lambda rows: rows[SITES][1].update(latitude="-4.2576", longitude="55.8652"),
        [
            "sites.csv:3: latitude: (-4.2576, 55.8652) is outside GB (latitude 50 to 58, "
            "longitude -7 to 2); latitude and longitude look swapped"
        ],
    ),
    (
        "coordinates in another country",
        edit_cell(SITES, 2, "longitude", "-60.5"),
        [
            "sites.csv:4: latitude: (48.8534, -60.5) is outside FR (latitude 42 to 51, "
            "longitude -4 to 9)",
        ],
    ),
    (
        "only one coordinate",
        edit_cell(SITES, 1, "longitude", ""),
        ["sites.csv:3: longitude: give both coordinates or none"],
    ),
    (
        "duplicate site id",
        edit_cell(SITES, 1, "site_id", "uk-croydon"),
        [
            "sites.csv:3: site_id: duplicate id 'uk-croydon'",
            # Nothing called uk-glasgow is left, so references to it dangle.
            "events.csv:2: site_ids: unknown site id 'uk-glasgow'",
            "events.csv:4: site_ids: unknown site id 'uk-glasgow'",
        ],
    ),
    (
        "bad site id",
        edit_cell(SITES, 2, "site_id", "France 1"),
        [
            "sites.csv:4: site_id: 'France 1' is not a valid id "
            f"({schema.SITE_ID_PATTERN.pattern})",
            "events.csv:5: site_ids: unknown site id 'fr-unspecified'",
        ],
    ),
    (
        "reference to an unknown site",
        edit_cell(EVENTS, 0, "site_ids", "uk-croydon;uk-glasgow;uk-hendon"),
        ["events.csv:2: site_ids: unknown site id 'uk-hendon'"],
    ),
    (
        "reference to an unknown source",
        edit_cell(SITES, 0, "source_ids", "S1;S9"),
        ["sites.csv:2: source_ids: unknown source id 'S9'"],
    ),
    (
        "javascript URL",
        edit_cell(SOURCES, 0, "url", "javascript:alert(1)"),
        [
            "sources.csv:2: url: only http(s) links are allowed, not 'javascript'",
            # Sites keep their other source; events that cited only this one cannot stand.
            "events.csv:3: source_ids: none of the sources cited here could be loaded",
            "events.csv:4: source_ids: none of the sources cited here could be loaded",
            "events.csv:6: source_ids: none of the sources cited here could be loaded",
        ],
    ),
    (
        "javascript copy address",
        edit_cell(SOURCES, 0, "copy_url", "javascript:alert(1)"),
        [
            "sources.csv:2: copy_url: only http(s) links are allowed, not 'javascript'",
            "events.csv:3: source_ids: none of the sources cited here could be loaded",
            "events.csv:4: source_ids: none of the sources cited here could be loaded",
            "events.csv:6: source_ids: none of the sources cited here could be loaded",
        ],
    ),
    (
        "unknown reliability",
        edit_cell(SOURCES, 0, "reliability", "doubtful"),
        [
            "sources.csv:2: reliability: unknown value 'doubtful' (allowed: weak)",
            "events.csv:3: source_ids: none of the sources cited here could be loaded",
            "events.csv:4: source_ids: none of the sources cited here could be loaded",
            "events.csv:6: source_ids: none of the sources cited here could be loaded",
        ],
    ),
    (
        "a case for other offences sets a status",
        edit_cell(EVENTS, 2, "event_type", "other_conviction"),
        [
            "events.csv:4: sets_status: a 'other_conviction' event (offences other than running "
            "a station) cannot set a status; leave sets_status empty",
        ],
    ),
    (
        "unknown country code",
        edit_cell(SITES, 2, "iso2", "XX"),
        ["sites.csv:4: iso2: 'XX' is not an ISO 3166-1 alpha-2 country code"],
    ),
    (
        "site in another country than its event",
        edit_cell(EVENTS, 3, "site_ids", "fr-unspecified;uk-glasgow"),
        # The rejected report no longer takes its site with it: a notice, not a problem.
        ["events.csv:5: site_ids: site 'uk-glasgow' is in GB, not in this event's country FR"],
    ),
    (
        "unknown precision",
        edit_cell(SITES, 0, "precision", "street"),
        ["sites.csv:2: precision: unknown value 'street' (allowed: country, city, locality)"],
    ),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_dataset_reports_exact_problems(change, expected):
    rows = small_rows()
    change(rows)
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    problems = [str(problem) for problem in dataset.problems]
    assert sorted(problems) == sorted(expected)


def without_column(file: str, column: str) -> bytes:
    header = [name for name in schema.column_names(file) if name != column]
    lines = [",".join(header)]
    lines += [",".join(row.get(name, "") for name in header) for row in small_rows()[file]]
    return ("\n".join(lines) + "\n").encode()


def test_missing_required_column_rejects_that_file_only():
    files = small_files()
    files[SITES] = without_column(SITES, "precision")
    dataset = build_dataset(files, today=TEST_TODAY)
    problems = [str(p) for p in dataset.problems]
    assert problems[0] == "sites.csv:1: precision: required column is missing"
    assert len(dataset.sites) == 0
    assert len(dataset.sources) == 2


def test_bad_rows_are_dropped_and_good_rows_kept():
    rows = small_rows()
    rows[SITES][1]["latitude"] = "120"
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    # Glasgow is dropped; the events that name it are reported, the others stay.
    assert "uk-glasgow" not in dataset.sites.index
    assert {"uk-croydon", "fr-unspecified"} <= set(dataset.sites.index)
    assert "E4" in dataset.events.index and "E2" in dataset.events.index


def test_unknown_column_is_reported_but_rows_load():
    rows = small_rows()
    for row in rows[SOURCES]:
        row["comment"] = "x"
    header = [*schema.column_names(SOURCES), "comment"]
    lines = [",".join(header)]
    lines += [",".join(row.get(name, "") for name in header) for row in rows[SOURCES]]
    files = small_files(rows | {SOURCES: []})
    files[SOURCES] = ("\n".join(lines) + "\n").encode()
    dataset = build_dataset(files, today=TEST_TODAY)
    assert [str(p) for p in dataset.problems] == [
        "sources.csv:1: comment: unknown column (expected: "
        + ", ".join(schema.column_names(SOURCES))
        + ")"
    ]
    assert len(dataset.sources) == 2


def test_sources_without_the_later_optional_columns_load_without_a_problem():
    # Data folders, uploads and synthetic data made before copy_url, original_publisher,
    # reliability and note existed stay valid; every row reads them as empty.
    later = [column.name for column in schema.SOURCE_COLUMNS if column.may_be_absent]
    assert later == ["copy_url", "original_publisher", "reliability", "note"]
    header = [name for name in schema.column_names(SOURCES) if name not in later]
    lines = [",".join(header)]
    lines += [",".join(row[name] for name in header) for row in small_rows()[SOURCES]]
    files = small_files()
    files[SOURCES] = ("\n".join(lines) + "\n").encode()
    dataset = build_dataset(files, today=TEST_TODAY)
    assert dataset.problems == []
    assert (dataset.sources[later] == "").all().all()


def test_later_optional_columns_are_read():
    rows = small_rows()
    rows[SOURCES][1] |= {
        "copy_url": "https://mirror.example.org/110-overseas",
        "original_publisher": "Safeguard Defenders",
        "reliability": "weak",
        "note": "The headline says more than the report.",
    }
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert dataset.problems == []
    source = dataset.sources.loc["S2"]
    assert source["copy_url"] == "https://mirror.example.org/110-overseas"
    assert (source["original_publisher"], source["reliability"]) == ("Safeguard Defenders", "weak")
    assert source["note"] == "The headline says more than the report."


def test_missing_optional_column_is_a_notice_and_rows_load():
    files = small_files()
    files[SITES] = without_column(SITES, "notes")
    dataset = build_dataset(files, today=TEST_TODAY)
    assert dataset.problems == []
    assert [str(p) for p in dataset.notices] == [
        "sites.csv:1: notes: optional column not in the file: every row reads it as empty"
    ]
    assert len(dataset.sites) == 3
    assert set(dataset.sites["notes"]) == {""}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (None, "sites.csv:-: -: file is missing"),
        (b"", "sites.csv:-: -: file is empty"),
        (b"  \n\n", "sites.csv:-: -: file is empty"),
        (b"\x00\x01\x02", "sites.csv:-: -: file is binary, not a CSV text file"),
    ],
    ids=["missing", "empty", "blank", "binary"],
)
def test_unreadable_sites_file(data, expected):
    files = small_files()
    files[SITES] = data
    dataset = build_dataset(files, today=TEST_TODAY)
    assert str(dataset.problems[0]) == expected or expected in map(str, dataset.problems)
    assert len(dataset.sites) == 0
    # Sources still load: one broken file does not take the others with it.
    assert len(dataset.sources) == 2


def test_file_over_the_size_limit():
    files = small_files()
    files[SOURCES] = b"x" * (MAX_FILE_BYTES + 1)
    dataset = build_dataset(files, today=TEST_TODAY)
    assert str(dataset.problems[0]).startswith("sources.csv:-: -: file is ")
    assert any("the limit is" in str(p) for p in dataset.problems)


def test_bytes_that_are_not_utf8_are_reported_by_line_and_other_rows_load():
    files = small_files()
    lines = files[SITES].split(b"\n")
    lines[2] = lines[2].replace(b"Glasgow", b"Glasg\xe9w")  # Latin-1 é on line 3
    files[SITES] = b"\n".join(lines)
    dataset = build_dataset(files, today=TEST_TODAY)
    problems = [str(p) for p in dataset.problems]
    assert problems[-1].startswith("sites.csv:3: -: bytes are not valid UTF-8 (byte 0xe9")
    assert "uk-croydon" in dataset.sites.index
    assert "uk-glasgow" not in dataset.sites.index


def test_bom_and_crlf_are_accepted():
    files = small_files()
    files[SITES] = b"\xef\xbb\xbf" + files[SITES].replace(b"\n", b"\r\n")
    dataset = build_dataset(files, today=TEST_TODAY)
    assert dataset.problems == []
    assert list(dataset.sites.index) == ["uk-croydon", "uk-glasgow", "fr-unspecified"]


def test_site_with_no_dated_event_has_no_first_report():
    rows = small_rows()
    rows[EVENTS] = [row for row in rows[EVENTS] if row["event_id"] != "E4"]
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert [str(p) for p in dataset.problems] == [
        "sites.csv:4: site_id: no dated report (ngo_report, media_report, "
        "parliamentary_statement) in events.csv names site 'fr-unspecified', so it has no "
        "first report"
    ]


def test_row_with_too_many_cells():
    files = small_files()
    files[SOURCES] = files[SOURCES].rstrip(b"\n") + b",extra\n"
    dataset = build_dataset(files, today=TEST_TODAY)
    width = len(schema.SOURCE_COLUMNS)
    expected = f"sources.csv:3: -: row has {width + 1} cells but the header has {width}"
    assert expected in map(str, dataset.problems)


def test_missing_data_folder(tmp_path):
    dataset = load_dataset(tmp_path / "nowhere", today=TEST_TODAY)
    assert [str(p) for p in dataset.problems] == [
        f"{tmp_path / 'nowhere'}:-: -: data folder does not exist"
    ]


def test_csv_bytes_helper_round_trips():
    data = csv_bytes(SOURCES, small_rows()[SOURCES])
    header = ",".join(schema.column_names(SOURCES)).encode()
    assert data.startswith(header + b"\n")


# --- a site whose report was rejected, and sites alone -------------------------------------------


def test_a_site_whose_report_row_was_rejected_stays_and_names_the_row():
    rows = small_rows()
    rows[EVENTS][3]["date"] = "12/2022"  # E4, line 5: the only report naming fr-unspecified
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert [(p.file, p.row, p.column) for p in dataset.problems] == [(EVENTS, 5, "date")]
    assert "fr-unspecified" in dataset.sites.index
    assert [str(p) for p in dataset.notices] == [
        "sites.csv:4: site_id: its events were rejected: events.csv row 5 (see the problems "
        "there); kept without a first report and shown as alleged, undated, until a report "
        "naming it loads"
    ]
    statuses = statuses_on(dataset, TEST_TODAY)
    france = statuses.loc["fr-unspecified"]
    assert (france["status"], france["reported"]) == ("alleged", True)
    assert france["status_since"] is None and france["first_reported"] is None
    # Every other site keeps its dated history.
    assert statuses.loc["uk-croydon", "first_reported"].iso() == "2022-09-12"


def test_a_rejected_response_alone_does_not_keep_a_site_no_report_names():
    rows = small_rows()
    rows[EVENTS][3]["event_type"] = "police_visit"  # E4 names fr-unspecified: not a report
    rows[EVENTS][3]["actor"] = ""  # and is rejected
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert "fr-unspecified" not in dataset.sites.index
    assert any("no dated report" in str(p) for p in dataset.problems)
    assert dataset.notices == []


def test_sites_alone_load_as_alleged_and_undated_when_the_other_files_are_optional():
    files = {SITES: small_files()[SITES], EVENTS: None, SOURCES: None}
    dataset = build_dataset(files, today=TEST_TODAY, optional_files=(EVENTS, SOURCES))
    assert dataset.problems == []
    assert list(dataset.sites.index) == ["uk-croydon", "uk-glasgow", "fr-unspecified"]
    # Cited sources that cannot be checked are not kept, so nothing links to a missing row.
    assert set(dataset.sites["source_ids"]) == {()}
    notices = [str(p) for p in dataset.notices]
    assert notices[:2] == [
        "events.csv:-: -: not given: every site is shown as alleged, undated, with no responses "
        "(no police visit, investigation, closure or case)",
        "sources.csv:-: -: not given: the sources the sites and events cite cannot be checked "
        "or shown, so every site's basis is unknown",
    ]
    assert notices[2:] == [
        f"sites.csv:{line}: site_id: kept without a first report: no events.csv was given; "
        "shown as alleged, undated, until a report naming it loads"
        for line in (2, 3, 4)
    ]
    statuses = statuses_on(dataset, TEST_TODAY)
    assert set(statuses["status"]) == {"alleged"} and statuses["reported"].all()


def test_without_optional_files_a_missing_events_file_is_still_a_problem():
    files = {**small_files(), EVENTS: None}
    dataset = build_dataset(files, today=TEST_TODAY)
    assert "events.csv:-: -: file is missing" in map(str, dataset.problems)
    # Its sites are kept, marked, rather than each reported as having no report.
    assert len(dataset.sites) == 3
    assert all("events.csv could not be read" in p.message for p in dataset.notices)
