"""Each site's latest check, and `python -m stationmap stale` listing the sites to re-check."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from stationmap.cli import build_parser, main
from stationmap.html import tables
from stationmap.record import schema, staleness
from stationmap.record.loader import build_dataset
from tests.conftest import TEST_TODAY, small_files, small_rows, write_dataset

SOURCES = schema.SOURCES_FILE


@pytest.mark.parametrize(
    ("text", "age"),
    [("12m", (12, "m")), ("90d", (90, "d")), ("2y", (2, "y")), (" 3M ", (3, "m"))],
)
def test_an_age_is_a_whole_number_of_days_months_or_years(text, age):
    assert staleness.parse_age(text) == age


@pytest.mark.parametrize("text", ["", "12", "m", "0m", "-1y", "1.5y", "12 weeks", "12w"])
def test_anything_else_is_refused_with_what_is_expected(text):
    with pytest.raises(ValueError, match="e.g. 90d, 12m or 2y"):
        staleness.parse_age(text)


@pytest.mark.parametrize(
    ("age", "today", "cutoff"),
    [
        ((12, "m"), date(2026, 11, 27), date(2025, 11, 27)),
        ((1, "m"), date(2026, 3, 31), date(2026, 2, 28)),
        ((14, "m"), date(2026, 1, 15), date(2024, 11, 15)),
        ((2, "y"), date(2024, 2, 29), date(2022, 2, 28)),
        ((90, "d"), date(2026, 11, 27), date(2026, 8, 29)),
    ],
)
def test_the_cutoff_is_that_long_before_today(age, today, cutoff):
    assert staleness.cutoff_for(age, today) == cutoff


def test_a_sites_latest_check_is_its_newest_dated_source(small_dataset):
    latest = staleness.latest_sources(small_dataset)
    # The UK sites cite the 6 June 2023 statement (S1); France only the September 2022 report.
    assert latest.loc["uk-croydon", ["latest_source_date", "source_id"]].tolist()[1] == "S1"
    assert latest.loc["uk-croydon", "latest_source_date"].iso() == "2023-06-06"
    assert latest.loc["fr-unspecified", "latest_source_date"].iso() == "2022-09"
    assert staleness.latest_sources(small_dataset) is latest  # once per dataset


def test_a_site_is_stale_only_when_its_latest_source_is_certainly_older():
    rows = small_rows()
    rows[SOURCES][1]["date"] = "2023"  # France's only source: some day in 2023
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    # Before 31 December 2023 the year may still reach the cutoff: not listed.
    assert list(staleness.stale_sites(dataset, date(2023, 12, 31)).index) == []
    stale = staleness.stale_sites(dataset, date(2024, 1, 1))
    assert list(stale.index) == ["uk-croydon", "uk-glasgow", "fr-unspecified"]


def test_a_site_no_dated_source_names_is_listed_first():
    rows = small_rows()
    rows[SOURCES][1]["date"] = ""
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    stale = staleness.stale_sites(dataset, date(2023, 6, 7))
    assert list(stale.index) == ["fr-unspecified", "uk-croydon", "uk-glasgow"]
    assert stale.loc["fr-unspecified", "latest_source_date"] is None


def stale_command(folder, *more):
    out = io.StringIO()
    code = main(["stale", "--data-dir", str(folder), *more], out=out)
    return code, out.getvalue()


def test_the_command_lists_each_site_its_latest_date_and_source(small_data_dir):
    # The latest source is from June 2023: older than a year by the fixed test date and today.
    code, output = stale_command(small_data_dir, "--older-than", "12m")
    assert code == 0
    lines = output.splitlines()
    assert lines[0].startswith("3 of 3 site(s) whose latest source is older than 12 months")
    assert lines[1].split() == [
        "fr-unspecified",
        "2022-09",
        "S2",
        "Safeguard",
        "Defenders:",
        "110",
        "Overseas",
    ]
    assert lines[2].split()[:3] == ["uk-croydon", "2023-06-06", "S1"]


def test_the_command_gives_json(small_data_dir):
    code, output = stale_command(small_data_dir, "--older-than", "400d", "--json")
    document = json.loads(output)
    assert code == 0
    assert document["older_than"] == "400d"
    assert date.fromisoformat(document["cutoff"]) < date.today()
    assert document["sites"][0] == {
        "site_id": "fr-unspecified",
        "name": "France (location not reported)",
        "country": "France",
        "latest_source_date": "2022-09",
        "source_id": "S2",
        "publisher": "Safeguard Defenders",
        "title": "110 Overseas",
    }


def test_nothing_is_listed_when_every_site_was_checked_recently(tmp_path):
    rows = small_rows()
    for source in rows[SOURCES]:
        source["date"] = TEST_TODAY.isoformat()
    folder = write_dataset(tmp_path / "fresh", small_files(rows))
    out = io.StringIO()
    args = build_parser().parse_args(["stale", "--data-dir", str(folder), "--older-than", "1m"])
    assert staleness.run_stale(args, folder, out, today=TEST_TODAY) == 0
    assert out.getvalue().splitlines() == [
        "0 of 3 site(s) whose latest source is older than 1 month (dated before 2026-10-27), "
        "oldest first:"
    ]


def test_a_wrong_age_is_a_usage_error(small_data_dir, capsys):
    with pytest.raises(SystemExit) as stopped:
        stale_command(small_data_dir, "--older-than", "soon")
    assert stopped.value.code == 2
    assert "'soon' is not an age" in capsys.readouterr().err


def test_the_sources_page_table_lists_each_sites_latest_check_oldest_first(small_dataset):
    table = tables.latest_check_table(small_dataset)
    assert list(table.columns) == tables.LATEST_CHECK_COLUMNS
    assert list(table.index) == ["fr-unspecified", "uk-croydon", "uk-glasgow"]
    assert table.loc["fr-unspecified", "source"] == "Safeguard Defenders — 110 Overseas"
    assert table.loc["uk-glasgow", "latest_source_date"] == "2023-06-06"


def test_latest_checks_name_each_sites_latest_source_oldest_first(small_dataset):
    checks = staleness.latest_checks(small_dataset)
    assert list(checks.index) == ["fr-unspecified", "uk-croydon", "uk-glasgow"]
    assert checks.loc["fr-unspecified", ["source_id", "publisher", "title"]].tolist() == [
        "S2",
        "Safeguard Defenders",
        "110 Overseas",
    ]
    # The page's table is these rows, rendered.
    table = tables.latest_check_table(small_dataset)
    assert list(table.index) == list(checks.index)


def test_a_site_with_no_dated_source_has_no_publisher_or_title():
    rows = small_rows()
    rows[SOURCES][1]["date"] = ""
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    checks = staleness.latest_checks(dataset, staleness.stale_sites(dataset, date(2023, 6, 7)))
    first = checks.iloc[0]
    assert (first["site_id"], first["source_id"], first["publisher"], first["title"]) == (
        "fr-unspecified",
        "",
        None,
        None,
    )
    assert tables.latest_check_table(dataset).loc["fr-unspecified", "source"] == "No dated source"
