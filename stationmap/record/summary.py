"""Headline figures for a dataset: how many sites, countries, events and sources, by status."""

from __future__ import annotations

from datetime import date

from stationmap.record.loader import Dataset
from stationmap.record.status import count_by_status, statuses_on


def summarize(dataset: Dataset, on: date | None = None) -> dict:
    """Counts for the valid rows of a dataset, with each site's status on a date (default today)."""
    on = on or date.today()
    statuses = statuses_on(dataset, on)
    reported_ids = statuses.index[statuses["reported"].astype(bool)]
    reported = dataset.sites.loc[dataset.sites.index.intersection(reported_ids)]
    dated = dataset.events[dataset.events["date"].notna()]
    latest = max(dated["date"], default=None)
    return {
        "as_of": on.isoformat(),
        "sites": len(reported),
        "countries": int(reported["iso2"].nunique()),
        "events": len(dataset.events),
        "sources": len(dataset.sources),
        "latest_event": latest.iso() if latest else None,
        "status_counts": count_by_status(statuses),
        "problems": dataset.problem_count,
    }


def last_event_day(dataset: Dataset, today: date) -> date:
    """Where date axes and sliders end when no date is chosen: the last day of the latest dated
    event (its month's or year's last day if that is all that is known).

    Not today: the months after the last event show nothing new, and an axis running on to
    the current month suggests there is news there. Never after today; today when nothing is
    dated.
    """
    if dataset.derived.last_event_end is None:
        # Asked on every run of the map and timeline pages: once per dataset is enough.
        ends = (when.end for when in dataset.events["date"].dropna())
        dataset.derived.last_event_end = max(ends, default=None)
    last = dataset.derived.last_event_end
    return today if last is None else min(last, today)
