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
