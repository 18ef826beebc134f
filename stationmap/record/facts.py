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
