"""Where date axes and sliders end (record.facts.last_event_day)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from stationmap.record.dates import parse_partial_date
from stationmap.record.facts import last_event_day
from stationmap.record.loader import Dataset


def with_event_dates(dataset: Dataset, *texts: str | None) -> Dataset:
    """The dataset with only events on these dates (None: undated), and nothing derived yet."""
    dates = [parse_partial_date(text) if text else None for text in texts]
    events = dataset.events.iloc[: len(dates)].copy()
    events["date"] = pd.Series(dates, index=events.index, dtype=object)
    return dataclasses.replace(dataset, events=events, derived=type(dataset.derived)())


def test_axes_end_on_the_last_day_the_latest_event_covers(small_dataset):
    dataset = with_event_dates(small_dataset, "2022-09-12", "2023-06", None)
    # Known to the month: the axis runs to its end, so the month is whole on it.
    assert last_event_day(dataset, today=date(2026, 11, 27)) == date(2023, 6, 30)


def test_an_event_known_to_the_year_counts_to_the_end_of_that_year(small_dataset):
    dataset = with_event_dates(small_dataset, "2023-06-05", "2024")
    assert last_event_day(dataset, today=date(2026, 11, 27)) == date(2024, 12, 31)


def test_never_after_today(small_dataset):
    dataset = with_event_dates(small_dataset, "2026-11")
    assert last_event_day(dataset, today=date(2026, 11, 27)) == date(2026, 11, 27)


def test_with_nothing_dated_axes_end_today(small_dataset):
    dataset = with_event_dates(small_dataset, None)
    assert last_event_day(dataset, today=date(2026, 11, 27)) == date(2026, 11, 27)
