"""The one module of headline figures: the footer, the sources page and `validate` read it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stationmap.record import dates
from stationmap.record.dates import resolve_day
from stationmap.record.facts import HeadlineFacts, headline_facts, latest_event_date
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY


def test_the_data_version_is_the_latest_event_date(small_dataset):
    assert latest_event_date(small_dataset).iso() == "2023-06-06"


def test_headline_facts_count_reported_sites_and_every_event_and_source(small_dataset):
    facts = headline_facts(small_dataset, TEST_TODAY)
    sites = small_dataset.sites
    assert facts.as_of == TEST_TODAY
    assert facts.sites == len(sites)
    assert facts.countries == sites["iso2"].nunique()
    assert facts.country_level == (sites["precision"] == "country").sum()
    assert (facts.events, facts.sources) == (5, 2)
    assert facts.undated_events == small_dataset.events["date"].isna().sum()
    assert facts.latest_event.iso() == "2023-06-06"
    assert sum(facts.by_status.values()) == facts.sites
    assert facts.problems == 0


def test_sites_not_yet_reported_on_the_date_are_not_counted(small_dataset):
    before_any_report = date(2000, 1, 1)
    facts = headline_facts(small_dataset, before_any_report)
    assert (facts.sites, facts.countries, facts.country_level) == (0, 0, 0)
    assert set(facts.by_status.values()) == {0}
    # The data's size is not a matter of date.
    assert (facts.events, facts.sources) == (5, 2)


def test_a_site_view_given_gives_the_same_facts_as_one_built(shipped_dataset):
    built = headline_facts(shipped_dataset, TEST_TODAY)
    given = headline_facts(
        shipped_dataset, TEST_TODAY, site_view=build_site_view(shipped_dataset, TEST_TODAY)
    )
    assert given == built


def test_headline_facts_of_an_empty_dataset_are_zero():
    empty = build_dataset({}, today=TEST_TODAY)
    facts = headline_facts(empty, TEST_TODAY)
    assert (facts.sites, facts.countries, facts.events, facts.sources) == (0, 0, 0, 0)
    assert facts.latest_event is None
    assert facts.problems == empty.problem_count > 0  # the three files are missing


def test_the_facts_are_frozen(small_dataset):
    facts = headline_facts(small_dataset, TEST_TODAY)
    assert isinstance(facts, HeadlineFacts)
    with pytest.raises(AttributeError):
        facts.sites = 0


def test_the_data_version_of_the_shipped_data(shipped_dataset):
    # Worked out here from the tables themselves: the version must follow the data.
    facts = headline_facts(shipped_dataset, TEST_TODAY)
    sites, events = shipped_dataset.sites, shipped_dataset.events
    assert facts.latest_event == max(events["date"].dropna())
    assert (facts.sites, facts.countries, facts.events, facts.sources) == (
        len(sites),  # every shipped site is reported by today
        sites["iso2"].nunique(),
        len(events),
        len(shipped_dataset.sources),
    )
    assert facts.country_level == (sites["precision"] == "country").sum() > 0
    assert facts.undated_events == events["date"].isna().sum()
    assert sum(facts.by_status.values()) == facts.sites


# --- "no date means today", decided once ----------------------------------------------------------


def test_a_given_day_is_kept():
    assert resolve_day(date(2023, 6, 6)) == date(2023, 6, 6)


def test_no_day_means_the_calendar_today(monkeypatch):
    class FixedDate(date):
        @classmethod
        def today(cls):
            return cls(2030, 1, 2)

    monkeypatch.setattr(dates, "date", FixedDate)
    assert resolve_day() == date(2030, 1, 2)
    assert resolve_day(None) == date(2030, 1, 2)


def test_the_facts_without_a_date_are_todays(monkeypatch, small_dataset):
    monkeypatch.setattr("stationmap.record.facts.resolve_day", lambda on=None: on or TEST_TODAY)
    assert headline_facts(small_dataset).as_of == TEST_TODAY
    assert headline_facts(small_dataset, TEST_TODAY - timedelta(days=1)).as_of < TEST_TODAY
