"""The shipped dataset: valid, complete against the research files, statuses as researched."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from stationmap import config, schema
from stationmap.cli import main
from stationmap.status import statuses_on
from tests.conftest import RESEARCH_DIR, TEST_TODAY

# Where our derived first-report date differs from the research file's, and why.
FIRST_REPORT_DIFFERENCES = {
    # Croatia denied the allegation on 4 Dec 2022, a day before the report's release date
    # (CNN published its exclusive on the 4th; see research NOTES §4 item 4).
    "hr-unspecified": "2022-12-04",
}


def research_rows(name: str) -> list[dict[str, str]]:
    path = RESEARCH_DIR / name
    if not path.is_file():
        pytest.skip(f"research files not found at {RESEARCH_DIR}")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_shipped_dataset_is_valid(shipped_dataset):
    assert [str(p) for p in shipped_dataset.problems] == []


def test_validate_command_passes_on_shipped_data(capsys):
    assert main(["validate", "--data-dir", str(config.DEFAULT_DATA_DIR)]) == 0
    assert "valid" in capsys.readouterr().out


def test_every_research_row_is_in(shipped_dataset):
    assert set(shipped_dataset.sites.index) == {r["site_id"] for r in research_rows("sites.csv")}
    assert set(shipped_dataset.events.index) == {r["event_id"] for r in research_rows("events.csv")}
    assert set(shipped_dataset.sources.index) == {
        r["source_id"] for r in research_rows("sources.csv")
    }


def test_site_facts_carry_over(shipped_dataset):
    sites = shipped_dataset.sites
    for row in research_rows("sites.csv"):
        site = sites.loc[row["site_id"]]
        for column in ("country", "iso2", "city", "locality", "operating_bureau"):
            assert site[column] == row[column], (row["site_id"], column)


def test_event_facts_carry_over(shipped_dataset):
    events = shipped_dataset.events
    for row in research_rows("events.csv"):
        event = events.loc[row["event_id"]]
        assert event["event_type"] == row["event_type"]
        assert event["country"] == row["country"]
        if row["date"]:
            assert event["date"].iso() == row["date"], row["event_id"]
        # Sites the research names stay named (we may add sites its summary names).
        assert set(filter(None, row["site_id"].split(";"))) <= set(event["site_ids"])


def test_sources_carry_over(shipped_dataset):
    sources = shipped_dataset.sources
    for row in research_rows("sources.csv"):
        source = sources.loc[row["source_id"]]
        assert source["url"] == row["url"]
        assert source["publisher"] == row["publisher"]
        assert source["kind"] == row["kind"]


def test_every_research_citation_is_kept(shipped_dataset):
    url_to_id = {r["url"]: r["source_id"] for r in research_rows("sources.csv")}
    for row in research_rows("sites.csv"):
        cited = {url_to_id[u] for u in row["source_urls"].split(";") if u}
        assert cited <= set(shipped_dataset.sites.loc[row["site_id"], "source_ids"])
    for row in research_rows("events.csv"):
        cited = {url_to_id[u] for u in row["source_url"].split(";") if u}
        assert cited <= set(shipped_dataset.events.loc[row["event_id"], "source_ids"])


def test_derived_status_today_equals_research_status(shipped_dataset):
    statuses = statuses_on(shipped_dataset, TEST_TODAY)
    mismatches = {
        row["site_id"]: (statuses.loc[row["site_id"], "status"], row["status"])
        for row in research_rows("sites.csv")
        if statuses.loc[row["site_id"], "status"] != row["status"]
    }
    assert mismatches == {}


def test_first_report_matches_research(shipped_dataset):
    statuses = statuses_on(shipped_dataset, TEST_TODAY)
    for row in research_rows("sites.csv"):
        derived = statuses.loc[row["site_id"], "first_reported"].iso()
        researched = FIRST_REPORT_DIFFERENCES.get(row["site_id"], row["first_reported_date"])
        if researched:
            # Equal, or the same period given at a coarser precision on one side.
            assert derived.startswith(researched) or researched.startswith(derived), row


def test_every_row_cites_a_source(shipped_dataset):
    assert all(shipped_dataset.sites["source_ids"].map(len) > 0)
    assert all(shipped_dataset.events["source_ids"].map(len) > 0)


def test_every_source_is_http(shipped_dataset):
    assert all(shipped_dataset.sources["url"].str.match(r"^https?://"))


def test_shipped_data_is_fully_geocoded(shipped_dataset):
    sites = shipped_dataset.sites
    assert sites["latitude"].notna().all() and sites["longitude"].notna().all()
    assert set(sites["coord_source"]) <= set(schema.COORD_SOURCES)
    country_rows = sites[sites["precision"] == "country"]
    assert set(country_rows["coord_source"]) == {"gazetteer:capital"}


# The UK timeline the project started from: each of these must be in the data.
UK_EVENTS = {
    "E002": ("ngo_report", "2022-09-12"),  # the September 2022 report
    "E043": ("ngo_report", "2022-12-05"),  # the December 2022 report
    "E025": ("parliamentary_statement", "2022-11-01"),  # the November 2022 commitment
    "E027": ("investigation_opened", "2022-11-02"),  # Met assessment
    "E008": ("investigation_opened", "2022-10"),  # Police Scotland
    "E038": ("police_visit", "2022-12"),
    "E062": ("parliamentary_statement", "2023-04-19"),  # the April 2023 urgent question
    "E070": ("parliamentary_statement", "2023-06-06"),  # the 6 June 2023 statement
    "E071": ("police_visit", "2023-06-06"),
    "E072": ("diplomatic_protest", "2023-06-06"),  # the FCDO message
    "E073": ("embassy_response", "2023-06-06"),  # the embassy's reply
    "E074": ("government_statement", "2023-06-06"),  # Defending Democracy Taskforce review
    "E076": ("legislation", "2023-07-11"),  # National Security Act: Royal Assent
    "E077": ("legislation", "2023-12-20"),  # commencement
    "E086": ("parliamentary_statement", "2025-05-14"),  # the review's conclusion
}


@pytest.mark.parametrize(("event_id", "expected"), UK_EVENTS.items())
def test_uk_timeline_is_complete(shipped_dataset, event_id, expected):
    event = shipped_dataset.events.loc[event_id]
    assert (event["event_type"], event["date"].iso()) == expected
    assert event["iso2"] == "GB"


def test_uk_sites(shipped_dataset):
    uk = shipped_dataset.sites[shipped_dataset.sites["iso2"] == "GB"]
    assert set(uk.index) == {"uk-croydon", "uk-hendon", "uk-glasgow", "uk-belfast"}


def test_no_street_level_location_for_private_premises(shipped_dataset):
    # Street or building detail is kept only where a public body or court named it (research §5).
    localities = shipped_dataset.sites.loc[shipped_dataset.sites["locality"] != "", "locality"]
    allowed_street_level = {"ie-dublin", "us-new-york"}
    for site_id, locality in localities.items():
        if site_id not in allowed_street_level:
            assert not any(word in locality.lower() for word in ("street", "road", "avenue")), (
                site_id
            )


def test_status_on_a_date_uses_only_earlier_events(shipped_dataset):
    early = statuses_on(shipped_dataset, date(2022, 9, 12))
    assert early["reported"].sum() > 30
    assert set(early.loc[early["reported"], "status"]) == {"alleged"}
