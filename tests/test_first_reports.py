"""The first-report rule: a response can never make a site appear before the report naming it."""

from __future__ import annotations

from datetime import date

from stationmap.record import schema
from stationmap.record.first_reports import first_report_events
from stationmap.record.loader import build_dataset
from stationmap.record.status import status_histories, statuses_on
from tests.conftest import TEST_TODAY, small_files, small_rows

EVENTS = schema.EVENTS_FILE

# The small dataset's first report of both UK sites: E1, Safeguard Defenders, 12 Sep 2022.
FIRST_REPORT = date(2022, 9, 12)


def with_event(**changes) -> list[dict[str, str]]:
    """The small dataset's rows plus one event (E6, line 7 of events.csv) about Glasgow."""
    rows = small_rows()
    rows[EVENTS].append(
        {
            **rows[EVENTS][0],
            "event_id": "E6",
            "site_ids": "uk-glasgow",
            "event_type": "closure_reported",
            "actor": "Chinese embassy",
            "summary": "Said the station had closed.",
            "sets_status": "reported_closed",
            "source_ids": "S1",
            **changes,
        }
    )
    return rows


def load(rows):
    return build_dataset(small_files(rows), today=TEST_TODAY)


def test_a_response_dated_before_the_first_report_is_refused_with_its_row():
    dataset = load(with_event(date="2022-09-01", date_precision="day"))
    assert [str(problem) for problem in dataset.problems] == [
        "events.csv:7: date: this closure_reported (2022-09-01) responds to site 'uk-glasgow' "
        "before its first report (E1, 2022-09-12); a response cannot come before the report "
        "that named the site: date it from its source, or leave it undated"
    ]
    # The event is left out; the site and every other event stay.
    assert "E6" not in dataset.events.index
    assert "uk-glasgow" in dataset.sites.index and len(dataset.events) == 5


def test_a_coarse_response_whose_whole_period_is_earlier_is_refused():
    dataset = load(with_event(date="2022-08", date_precision="month"))
    assert [problem.row for problem in dataset.problems] == [7]
    dataset = load(with_event(date="2021", date_precision="year"))
    assert [problem.row for problem in dataset.problems] == [7]


def test_a_coarse_response_takes_effect_no_earlier_than_the_first_report():
    # E089's fault: a statement dated only "2022" made Stockholm appear on 1 January 2022.
    for written, precision in (("2022", "year"), ("2022-09", "month")):
        dataset = load(with_event(date=written, date_precision=precision))
        assert dataset.problems == []
        before = statuses_on(dataset, date(2022, 9, 11)).loc["uk-glasgow"]
        assert not before["reported"] and before["status"] is None
        on_the_day = statuses_on(dataset, FIRST_REPORT).loc["uk-glasgow"]
        assert on_the_day["first_report_event_id"] == "E1"
        assert on_the_day["status"] == "reported_closed"
        history = status_histories(dataset)["uk-glasgow"]
        assert [(c.event_id, c.status, c.effective) for c in history[:2]] == [
            ("E1", "alleged", FIRST_REPORT),
            ("E6", "reported_closed", FIRST_REPORT),
        ]
        # The change keeps the date its sources give, at their precision.
        assert history[1].date.iso() == written


def test_a_response_on_the_day_of_the_first_report_never_is_the_first_report():
    rows = with_event(date="2022-09-12", date_precision="day")
    rows[EVENTS].insert(0, rows[EVENTS].pop())  # the response stands first in the file
    dataset = load(rows)
    assert dataset.problems == []
    glasgow = statuses_on(dataset, FIRST_REPORT).loc["uk-glasgow"]
    assert (glasgow["first_report_event_id"], glasgow["status"]) == ("E1", "reported_closed")


def test_a_site_named_only_by_responses_has_no_first_report():
    rows = small_rows()
    rows[EVENTS][0]["site_ids"] = "uk-croydon"
    rows[EVENTS][2]["site_ids"] = "uk-croydon;uk-glasgow"  # E3, a police visit, names Glasgow
    dataset = load(rows)
    assert [str(problem) for problem in dataset.problems] == [
        "sites.csv:3: site_id: no dated report (ngo_report, media_report, "
        "parliamentary_statement) in events.csv names site 'uk-glasgow', so it has no first "
        "report (only responses name it: E3; a response cannot be one)"
    ]
    assert "uk-glasgow" not in dataset.sites.index


def test_each_report_type_can_be_a_first_report_and_the_earliest_wins():
    for event_type in schema.REPORT_EVENT_TYPES:
        dataset = load(
            with_event(
                date="2022-09-10",
                date_precision="day",
                event_type=event_type,
                sets_status="",
            )
        )
        assert dataset.problems == []
        assert statuses_on(dataset, date(2022, 9, 10)).loc["uk-glasgow", "reported"]
        assert (
            first_report_events(dataset.events.to_dict("records"))["uk-glasgow"]["event_id"] == "E6"
        )


def test_no_response_type_is_a_report_type():
    responses = set(schema.EVENT_TYPES) - set(schema.REPORT_EVENT_TYPES)
    assert {"police_visit", "closure_reported", "government_statement", "embassy_response"} <= (
        responses
    )
    assert set(schema.NON_STATUS_EVENT_TYPES) <= responses
