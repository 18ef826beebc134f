"""What one bad file may cost, and which rows it may take with it (issue 16, cases 1 and 4).

A file of junk is bounded by its size, never by how wrong it is: the first MAX_PROBLEMS_SHOWN
problems are kept, the rest counted; a file whose header or first rows are foreign is given up
on early. A bad row costs that row only: a carriage return inside a quoted cell, blank lines
after the header and a cell past the csv module's field limit leave every other row and line
number as they were.
"""

from __future__ import annotations

import csv

from stationmap.app.upload import MAX_UPLOAD_BYTES, dataset_from_uploads
from stationmap.record import schema
from stationmap.record.csvfiles import FIRST_ROWS_CHECKED, MAX_PROBLEMS_COUNTED
from stationmap.record.loader import MAX_CELL_CHARS, build_dataset
from stationmap.record.problems import MAX_PROBLEMS_SHOWN, WHOLE_FILE, Problem, ProblemLog
from tests.conftest import TEST_TODAY, csv_bytes, small_files, small_rows

SITES, EVENTS, SOURCES = schema.SITES_FILE, schema.EVENTS_FILE, schema.SOURCES_FILE
SITES_HEADER = ",".join(schema.column_names(SITES)).encode() + b"\n"


def uploaded(files):
    return dataset_from_uploads({file: (file, data) for file, data in files.items()}).dataset


def with_sites(data: bytes) -> dict[str, bytes]:
    return {**small_files(), SITES: data[:MAX_UPLOAD_BYTES]}


def messages(dataset, row=None):
    return [p.message for p in dataset.problems if row is None or p.row == row]


# --- the log ---------------------------------------------------------------------------------


def test_the_log_keeps_the_first_problems_and_counts_all():
    log = ProblemLog(limit=3)
    for row in range(2, 12):
        log.append(Problem(SITES, row, "name", "required value is empty"))
    assert [p.row for p in log] == [2, 3, 4]
    assert (log.total, log.not_kept, log.by_file[SITES]) == (10, 7, 10)
    assert log.summary() == "first 3 problems shown; 10 in all"
    log.note(Problem(SITES, WHOLE_FILE, "", "a note"))
    assert len(log) == 4 and log.total == 10 and log.not_kept == 7


def test_a_log_under_its_limit_has_no_summary():
    log = ProblemLog(limit=3)
    log.append(Problem(SITES, 2, "name", "x"))
    assert log.summary() is None and log.not_kept == 0


# --- a file of junk --------------------------------------------------------------------------


def test_a_million_bytes_of_one_character_rows_is_given_up_on_after_its_first_rows():
    dataset = uploaded(with_sites(SITES_HEADER + b"x\n" * MAX_UPLOAD_BYTES))
    whole_file = [p for p in dataset.problems if p.file == SITES and p.row == WHOLE_FILE]
    assert [p.message for p in whole_file] == [
        f"none of the first {FIRST_ROWS_CHECKED} rows could be loaded, each with several "
        "problems, so the rest of the file was not checked: the file looks like it is not a "
        "sites table; compare it with the template"
    ]
    # Only the first rows were checked: their problems, and none past them.
    assert max(p.row for p in dataset.problems if p.file == SITES) == FIRST_ROWS_CHECKED + 1
    assert dataset.problem_count < MAX_PROBLEMS_SHOWN


def test_junk_after_good_rows_is_counted_to_a_hard_limit_and_the_first_problems_shown():
    good = small_files()[SITES]
    dataset = uploaded(with_sites(good + b"x,\n" * MAX_UPLOAD_BYTES))
    # The first problems, and two lines that say what is not listed.
    assert len(dataset.problems) == MAX_PROBLEMS_SHOWN + 2
    assert dataset.problem_count > MAX_PROBLEMS_COUNTED
    whole_file = messages(dataset, WHOLE_FILE)
    assert f"first 1,000 problems shown; {dataset.problem_count:,} in all" in whole_file
    assert any(
        message.startswith("100,000 problems by line ")
        and message.endswith(", so the rest of the file was not checked")
        for message in whole_file
    )
    # The good rows before the junk still load.
    assert len(dataset.sites) == 3


def test_a_file_with_too_many_problems_and_no_good_row_is_named_as_not_that_table():
    rows = small_rows()
    # Every row fails once (a coordinate given alone), so the file is read to the end.
    bad = {**rows[SITES][0], "latitude": "", "site_id": "uk-a"}
    many = [{**bad, "site_id": f"uk-{n}"} for n in range(MAX_PROBLEMS_SHOWN + 10)]
    dataset = build_dataset({**small_files(), SITES: csv_bytes(SITES, many)}, today=TEST_TODAY)
    assert dataset.problems[0] == Problem(
        SITES,
        WHOLE_FILE,
        "",
        f"first 1,000 problems shown; {dataset.problem_count:,} in all; the file looks like it "
        "is not a sites table; compare it with the template",
    )


def test_a_header_with_no_column_of_the_table_is_one_problem():
    dataset = uploaded(with_sites(b",".join([b"a"] * 50_000) + b"\n" + b"1\n" * 1000))
    sites = [str(p) for p in dataset.problems if p.file == SITES]
    assert sites == [
        "sites.csv:1: -: none of the header's 50,000 columns is a column of sites.csv: the "
        "file looks like it is not a sites table; compare it with the template (expected: "
        + ", ".join(schema.column_names(SITES))
        + ")"
    ]


def test_a_missing_sources_file_does_not_make_the_sites_look_foreign():
    # One problem per row (its sources could not be loaded) is a reference, not a foreign row.
    rows = small_rows()
    many = [{**rows[SITES][0], "site_id": f"uk-{n}"} for n in range(FIRST_ROWS_CHECKED + 5)]
    files = {**small_files(), SITES: csv_bytes(SITES, many), SOURCES: None}
    dataset = build_dataset(files, today=TEST_TODAY)
    assert not any("not a sites table" in message for message in messages(dataset))
    # Every row was checked, to the last.
    assert max(p.row for p in dataset.problems if p.file == SITES) == len(many) + 1


# --- one bad row costs one row ---------------------------------------------------------------


def sites_without_coordinates(rows):
    for site in rows[SITES]:
        site.update(latitude="", longitude="", coord_source="")
    return rows


def test_a_carriage_return_in_a_quoted_cell_survives_the_gazetteer():
    rows = sites_without_coordinates(small_rows())
    rows[SITES][0]["notes"] = "NOTES"
    files = small_files(rows)
    # Quoted as a spreadsheet quotes it (Python's writer, ending lines with \n, would not).
    files[SITES] = files[SITES].replace(b"NOTES", b'"first line\rsecond line"')
    result = dataset_from_uploads({f: (f, d) for f, d in files.items()})
    assert result.dataset.problems == []
    assert len(result.dataset.sites) == 3
    assert result.dataset.sites.loc["uk-croydon", "notes"] == "first line\rsecond line"
    assert len(result.placed) == 3


def test_blank_lines_after_the_header_keep_every_line_number():
    rows = sites_without_coordinates(small_rows())
    rows[SITES][1]["precision"] = "street"
    data = small_files(rows)[SITES]
    header, rest = data.split(b"\n", 1)
    files = {**small_files(rows), SITES: header + b"\n\n\n" + rest}
    result = dataset_from_uploads({f: (f, d) for f, d in files.items()})
    # Glasgow's row is the second after the header: line 3, and 5 with two blank lines.
    assert [str(p) for p in result.dataset.problems][0].startswith("sites.csv:5: precision:")


def test_a_cell_past_the_csv_field_limit_costs_its_row_only():
    rows = small_rows()
    limit = csv.field_size_limit()
    data = small_files(rows)[SITES]
    header, first, rest = data.split(b"\n", 2)
    long_row = b"uk-long," + b"x" * (limit + 1) + b",United Kingdom,GB\n"
    files = {**small_files(rows), SITES: b"\n".join([header, first, long_row + rest])}
    dataset = build_dataset(files, today=TEST_TODAY)
    assert [str(p) for p in dataset.problems] == [
        f"sites.csv:3: -: a cell is longer than {limit:,} characters (the limit is "
        f"{MAX_CELL_CHARS:,}); this row is left out"
    ]
    assert len(dataset.sites) == 3


def test_validate_lists_the_first_problems_and_says_how_many_in_all(tmp_path, capsys):
    import io

    from stationmap.cli import main
    from stationmap.record.loader import load_dataset
    from tests.conftest import write_dataset

    good = small_files()[SITES]
    folder = write_dataset(tmp_path / "data", with_sites(good + b"x,\n" * MAX_UPLOAD_BYTES))
    out = io.StringIO()

    assert main(["validate", "--data-dir", str(folder)], out=out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == MAX_PROBLEMS_SHOWN + 2
    assert lines[0].startswith("sites.csv:-: -: 100,000 problems by line ")
    count = load_dataset(folder).problem_count
    assert count > MAX_PROBLEMS_COUNTED
    assert capsys.readouterr().err.strip() == f"{count:,} problem(s) in {folder}"
