"""Status is derived from events: the latest status-bearing event on or before a date wins."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from stationmap.map import records as map_records
from stationmap.record import schema
from stationmap.record.loader import build_dataset
from stationmap.record.status import count_by_status, status_histories, statuses_on
from tests.conftest import TEST_TODAY, small_files, small_rows

# The cases the map's JavaScript is tested on too (tests/js/status_cases.test.js), so the
# status rule in Python and in the browser cannot drift apart.
STATUS_CASES = json.loads(
    (Path(__file__).parent / "cases" / "status_on_date.json").read_text(encoding="utf-8")
)
CASE_SITE = "site-a"
DATE_PRECISION_BY_LENGTH = {0: "unknown", 4: "year", 7: "month", 10: "day"}


def test_small_dataset_status_over_time(small_dataset):
    def status(site_id, on):
        return statuses_on(small_dataset, on).loc[site_id, "status"]

    assert pd.isna(status("uk-croydon", date(2022, 9, 11)))  # not reported yet
    assert status("uk-croydon", date(2022, 9, 12)) == "alleged"
    # A month-precision event takes effect on the first day of its month.
    assert status("uk-croydon", date(2022, 10, 31)) == "alleged"
    assert status("uk-croydon", date(2022, 11, 1)) == "under_investigation"
    assert status("uk-croydon", date(2023, 6, 5)) == "under_investigation"
    assert status("uk-croydon", date(2023, 6, 6)) == "no_evidence_found"
    # The same event names Glasgow but sets a status only for Croydon.
    assert status("uk-glasgow", date(2023, 6, 6)) == "alleged"


def test_unreported_sites_are_hidden_before_their_first_report(small_dataset):
    before = statuses_on(small_dataset, date(2022, 12, 4))
    assert not before.loc["fr-unspecified", "reported"]
    assert count_by_status(before) | {} == {
        **dict.fromkeys(count_by_status(before), 0),
        "alleged": 1,
        "under_investigation": 1,
    }
    after = statuses_on(small_dataset, date(2022, 12, 5))
    assert after.loc["fr-unspecified", "reported"]
    assert after.loc["fr-unspecified", "first_report_event_id"] == "E4"


def test_history_lists_each_change_with_its_event(small_dataset):
    history = status_histories(small_dataset)["uk-croydon"]
    assert [(c.status, c.date.iso(), c.event_id) for c in history] == [
        ("alleged", "2022-09-12", "E1"),
        ("under_investigation", "2022-11", "E2"),
        ("no_evidence_found", "2023-06-06", "E3"),
    ]


# The UK timeline of the shipped dataset, checked on dates around each event that changed it.
UK_TIMELINE = [
    ("uk-croydon", date(2022, 9, 11), None),
    ("uk-croydon", date(2022, 9, 12), "alleged"),
    ("uk-croydon", date(2022, 11, 1), "under_investigation"),  # urgent question
    ("uk-croydon", date(2023, 5, 31), "under_investigation"),
    ("uk-croydon", date(2023, 6, 1), "no_evidence_found"),  # Met: no criminal activity (June 2023)
    ("uk-hendon", date(2023, 6, 5), "no_evidence_found"),
    ("uk-glasgow", date(2022, 9, 30), "alleged"),
    ("uk-glasgow", date(2022, 10, 1), "under_investigation"),  # Police Scotland review (Oct 2022)
    ("uk-glasgow", date(2023, 6, 5), "under_investigation"),  # the day before the statement
    ("uk-glasgow", date(2023, 6, 6), "no_evidence_found"),  # the 6 June 2023 statement
    ("uk-glasgow", date(2023, 6, 7), "no_evidence_found"),
    ("uk-belfast", date(2023, 3, 31), None),  # first alleged in the Commons in April 2023
    ("uk-belfast", date(2023, 4, 1), "alleged"),
    ("uk-belfast", date(2023, 6, 5), "alleged"),
    ("uk-belfast", date(2023, 6, 6), "reported_closed"),  # embassy: all stations closed
    ("uk-belfast", date(2026, 11, 27), "reported_closed"),
]


@pytest.mark.parametrize(("site_id", "on", "expected"), UK_TIMELINE)
def test_uk_status_on_dates(shipped_dataset, site_id, on, expected):
    status = statuses_on(shipped_dataset, on).loc[site_id, "status"]
    if expected is None:
        assert pd.isna(status)
    else:
        assert status == expected


def test_uk_status_events(shipped_dataset):
    statuses = statuses_on(shipped_dataset, date(2026, 11, 27))
    assert statuses.loc["uk-glasgow", "status_event_id"] == "E071"
    assert statuses.loc["uk-belfast", "status_event_id"] == "E073"
    assert statuses.loc["uk-croydon", "first_report_event_id"] == "E002"


def test_same_day_events_apply_in_file_order(shipped_dataset):
    # Dublin, 27 Oct 2022: closure ordered (E014), then the embassy said it had ceased (E015).
    statuses = statuses_on(shipped_dataset, date(2022, 10, 27))
    assert statuses.loc["ie-dublin", "status"] == "reported_closed"
    assert statuses.loc["ie-dublin", "status_event_id"] == "E015"


def test_new_york_case(shipped_dataset):
    def status(on):
        return statuses_on(shipped_dataset, on).loc["us-new-york", "status"]

    assert status(date(2023, 4, 16)) == "under_investigation"
    assert status(date(2023, 4, 17)) == "charges_filed"
    assert status(date(2024, 12, 18)) == "convicted"


def uk_status_changes(dataset):
    """(site, change, status before it, first day of the next change) for each UK change."""
    found = []
    for site_id, history in status_histories(dataset).items():
        if not site_id.startswith("uk-"):
            continue
        for i, change in enumerate(history):
            previous = history[i - 1].status if i else None
            following = history[i + 1].date.start if i + 1 < len(history) else None
            found.append((site_id, change, previous, following))
    return found


def test_every_uk_change_holds_from_its_first_day_and_not_the_day_before(shipped_dataset):
    changes = uk_status_changes(shipped_dataset)
    assert len(changes) >= 10
    for site_id, change, previous, following in changes:
        first_day = change.date.start  # a month or a year takes effect on its first day
        before = statuses_on(shipped_dataset, first_day - timedelta(days=1)).loc[site_id]
        on = statuses_on(shipped_dataset, first_day).loc[site_id]
        after = statuses_on(shipped_dataset, first_day + timedelta(days=1)).loc[site_id]
        if previous is None:
            assert not before["reported"], (site_id, change)
        else:
            assert before["status"] == previous, (site_id, change)
        if following != first_day:  # two changes on one day: the later in the file wins
            assert on["status"] == change.status, (site_id, change)
        if following is None or following > first_day + timedelta(days=1):
            assert after["status"] == change.status, (site_id, change)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (
            date(2023, 6, 5),
            {
                "uk-croydon": "no_evidence_found",
                "uk-hendon": "no_evidence_found",
                "uk-glasgow": "under_investigation",
                "uk-belfast": "alleged",
            },
        ),
        (
            date(2023, 6, 7),
            {
                "uk-croydon": "no_evidence_found",
                "uk-hendon": "no_evidence_found",
                "uk-glasgow": "no_evidence_found",
                "uk-belfast": "reported_closed",
            },
        ),
    ],
    ids=["the day before the 6 June 2023 statement", "the day after it"],
)
def test_uk_sites_around_the_6_june_2023_statement(shipped_dataset, on, expected):
    statuses = statuses_on(shipped_dataset, on)
    assert statuses.loc[list(expected), "status"].to_dict() == expected


# --- the cases shared with the map's JavaScript --------------------------------------------------


def case_dataset(events: list[dict]):
    """A dataset of one site, site-a, named by each of these events in this order."""
    rows = small_rows()
    template_site, template_event = rows[schema.SITES_FILE][0], rows[schema.EVENTS_FILE][0]
    rows[schema.SITES_FILE] = [{**template_site, "site_id": CASE_SITE, "name": "Site A"}]
    rows[schema.EVENTS_FILE] = [
        {
            **template_event,
            "event_id": f"C{number}",
            "date": event["date"],
            "date_precision": DATE_PRECISION_BY_LENGTH[len(event["date"])],
            "site_ids": CASE_SITE,
            "event_type": "media_report",
            "sets_status": event.get("sets", ""),
        }
        for number, event in enumerate(events, start=1)
    ]
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert not dataset.problems, dataset.problems
    return dataset


def test_the_shared_cases_count_days_from_the_maps_day_zero():
    assert date.fromisoformat(STATUS_CASES["dayZero"]) == map_records.DAY_ZERO


@pytest.mark.parametrize("case", STATUS_CASES["cases"], ids=lambda case: case["case"])
def test_the_status_on_a_date_is_as_the_shared_cases_say(case):
    dataset = case_dataset(case["events"])
    for on, expected in case["expect"].items():
        status = statuses_on(dataset, date.fromisoformat(on)).loc[CASE_SITE, "status"]
        assert (None if pd.isna(status) else status) == expected, on
    # What the map is sent, read back as dates and statuses: the changes the JavaScript gets.
    sent = map_records.history_pairs(status_histories(dataset)[CASE_SITE])
    changes = [
        [(map_records.DAY_ZERO + timedelta(days=day)).isoformat(), schema.STATUSES[index]]
        for day, index in sent
    ]
    assert changes == case["changes"]
