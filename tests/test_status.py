"""Status is derived from events: the latest status-bearing event on or before a date wins."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from stationmap.status import count_by_status, status_histories, statuses_on


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
