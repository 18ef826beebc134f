"""The headline figures of a dataset, worked out in one place.

The footer under every page, the sources page's data version and coverage notes, and the
command line's `validate` summary all state how many sites, countries, events and sources the
data has. They read them from :func:`headline_facts`, so no two of them can disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from stationmap.record.dates import PartialDate, resolve_day
from stationmap.record.loader import Dataset
from stationmap.record.status import count_by_status
from stationmap.record.views import build_site_view


@dataclass(frozen=True)
class HeadlineFacts:
    """A dataset's size on a date: sites reported by then, every event and source, the latest
    event's date (the data's version; None without dated events) and sites per status."""

    as_of: date
    sites: int
    countries: int
    country_level: int
    events: int
    undated_events: int
    sources: int
    latest_event: PartialDate | None
    by_status: dict[str, int]
    problems: int


def latest_event_date(dataset: Dataset) -> PartialDate | None:
    """The date of the most recent dated event: the data's version. None if there is none."""
    # In the footer of every run: once per dataset is enough.
    if dataset.derived.latest_event_date is None:
        dataset.derived.latest_event_date = max(dataset.events["date"].dropna(), default=None)
    return dataset.derived.latest_event_date


def headline_facts(
    dataset: Dataset, on: date | None = None, site_view: pd.DataFrame | None = None
) -> HeadlineFacts:
    """The dataset's headline figures, counting the sites reported by `on` (default today).

    `site_view`: the dataset's site view on that date, if the caller has it already (the app
    keeps one cached); otherwise it is built.
    """
    on = resolve_day(on)
    if site_view is None:
        site_view = build_site_view(dataset, on)
    reported = site_view[site_view["reported"].astype(bool)]
    undated = dataset.events["date"].isna()
    return HeadlineFacts(
        as_of=on,
        sites=len(reported),
        countries=int(reported["iso2"].nunique()),
        country_level=int((reported["precision"] == "country").sum()),
        events=len(dataset.events),
        undated_events=int(undated.sum()),
        sources=len(dataset.sources),
        latest_event=latest_event_date(dataset),
        by_status=count_by_status(site_view),
        problems=dataset.problem_count,
    )


def last_event_day(dataset: Dataset, today: date | None = None) -> date:
    """Where date axes and sliders end when no date is chosen: the last day of the latest dated
    event (its month's or year's last day if that is all that is known).

    Not today: the months after the last event show nothing new, and an axis running on to
    the current month suggests there is news there. Never after today; today when nothing is
    dated.
    """
    today = resolve_day(today)
    if dataset.derived.last_event_end is None:
        # Asked on every run of the map and timeline pages: once per dataset is enough.
        ends = (when.end for when in dataset.events["date"].dropna())
        dataset.derived.last_event_end = max(ends, default=None)
    last = dataset.derived.last_event_end
    return today if last is None else min(last, today)
