"""Derive each site's status from its events; status is never typed by hand.

A site appears on the date of the first dated event that names it (its first report) and is
`alleged` from then on, until a status-bearing event changes that. On any date its status is
the one set by its latest status-bearing event on or before that date. An event known only to
the month or year takes effect on the first day of its period; two events on the same date
apply in the order they stand in the events file.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

import pandas as pd

from stationmap import schema
from stationmap.dates import PartialDate
from stationmap.loader import Dataset


@dataclass(frozen=True)
class StatusChange:
    """A site's status from `date` on, and the event that set it."""

    site_id: str
    status: str
    date: PartialDate
    event_id: str


def status_histories(dataset: Dataset) -> dict[str, list[StatusChange]]:
    """Every site's status changes in date order, starting with its first report."""
    if "status_histories" not in dataset.derived:
        dataset.derived["status_histories"] = _compute_histories(dataset)
    return dataset.derived["status_histories"]


def _compute_histories(dataset: Dataset) -> dict[str, list[StatusChange]]:
    dated = dataset.events[dataset.events["date"].notna()]
    ordered = sorted(dated.itertuples(index=False), key=lambda event: (event.date, event.order))
    histories: dict[str, list[StatusChange]] = {}
    for event in ordered:
        for site_id in event.site_ids:
            history = histories.setdefault(site_id, [])
            status = event.sets_status.get(site_id)
            if not history:
                first = status or schema.DEFAULT_STATUS
                history.append(StatusChange(site_id, first, event.date, event.event_id))
            elif status:
                history.append(StatusChange(site_id, status, event.date, event.event_id))
    return {site_id: histories.get(site_id, []) for site_id in dataset.sites.index}


def change_on(history: list[StatusChange], on: date) -> StatusChange | None:
    """The change in force on a date, or None if the site had not been reported by then."""
    position = bisect_right(history, on, key=lambda change: change.date.start)
    return history[position - 1] if position else None


def first_report(history: list[StatusChange]) -> StatusChange | None:
    """The change that stands for the site's first report."""
    return history[0] if history else None


def statuses_on(dataset: Dataset, on: date | None = None) -> pd.DataFrame:
    """Per site: its status on a date, the date and event that set it, and its first report.

    Sites not yet reported on that date have no status (NA) and `reported` False.
    """
    on = on or date.today()
    rows = []
    for site_id, history in status_histories(dataset).items():
        current = change_on(history, on)
        first = first_report(history)
        rows.append(
            {
                "site_id": site_id,
                "status": current.status if current else None,
                "status_since": current.date if current else None,
                "status_event_id": current.event_id if current else None,
                "first_reported": first.date if first else None,
                "first_report_event_id": first.event_id if first else None,
                "reported": current is not None,
            }
        )
    columns = [
        "site_id",
        "status",
        "status_since",
        "status_event_id",
        "first_reported",
        "first_report_event_id",
        "reported",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("site_id", drop=False).rename_axis(None)


def count_by_status(statuses: pd.DataFrame) -> dict[str, int]:
    """How many reported sites have each status, in the vocabulary's order (zeros included)."""
    counts = statuses.loc[statuses["reported"], "status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in schema.STATUSES}
