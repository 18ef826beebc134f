"""Derive each site's status from its events; status is never typed by hand.

A site appears on the date of its first report: its earliest dated event of a report type (an
NGO report, a media report, a parliamentary statement; see `stationmap.record.first_reports`, which
also says what `validate` refuses). It is `alleged` from then on (or the status its first report
sets), until a status-bearing event changes that. On any date its status is the one set by its
latest status-bearing event on or before that date.

An event known only to the month or year takes effect on the first day of its period, but never
before the site's first report: a response of "December 2022" about a site first reported on
5 December 2022 takes effect on the 5th, just after the report. On any one day the first report
applies first; then events apply as PartialDate sorts them (by the first day of their period,
then the one known to the day, then to the month, then to the year: on 1 June 2023, an event of
"June 2023" is applied after one of "1 June 2023"), and two events with the same date in the
order they stand in the events file.

A site the loader kept without a first report (the events that could have been it were
rejected, or no events file was given: see `stationmap.record.first_reports`) is `alleged` on
every date, with no date and no event behind that status; responses naming it still apply on
their dates.

The changes are worked out once per dataset into one table sorted by site and day
(`status_change_table`), so the statuses on any date are a single vectorised lookup: the as-of date
a person picks changes on every rerun, the dataset does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from stationmap.record import schema
from stationmap.record.dates import PartialDate, resolve_day
from stationmap.record.loader import Dataset

# Site and day fold into one sortable number, site * DAYS_PER_SITE + day, so that one
# searchsorted finds every site's change in force on a date at once. No day ordinal reaches it.
DAYS_PER_SITE = date.max.toordinal() + 1
# The day an undated allegation (a site kept without a first report) holds from: before any.
UNDATED_DAY = date.min.toordinal()


@dataclass(frozen=True)
class StatusChange:
    """A site's status from `effective` on, the event that set it, and that event's date.

    `date` is the event's date as the sources give it ("December 2022"); `effective` the day the
    change takes effect: the first day of that period, or the site's first report if later.
    """

    site_id: str
    status: str
    date: PartialDate
    event_id: str
    effective: date


@dataclass(frozen=True, eq=False)
class StatusChangeTable:
    """Every site's status changes as flat arrays, sorted by site, then as its history is.

    `site_ids` are the dataset's sites in its order. Change i belongs to the site at position
    `keys[i] // DAYS_PER_SITE` and takes effect on the day whose ordinal is
    `keys[i] % DAYS_PER_SITE`. `status`, `since` and `event_id` end with one extra None, so
    that position -1 reads as "no change" in the same take as every other position.
    """

    site_ids: np.ndarray
    keys: np.ndarray
    status: np.ndarray
    since: np.ndarray
    event_id: np.ndarray
    # Per site: the position of its first change (its first report), or -1 if it has none.
    first: np.ndarray

    def in_force_on(self, on: date) -> np.ndarray:
        """Per site, the position of the change in force on a date; -1 before its first report."""
        site_positions = np.arange(len(self.site_ids), dtype=np.int64)
        wanted = site_positions * DAYS_PER_SITE + on.toordinal()
        latest = np.searchsorted(self.keys, wanted, side="right") - 1
        # The latest change at or before (site, day) may be an earlier site's: this site then
        # had not been reported by that day.
        reported = (self.first >= 0) & (latest >= self.first)
        return np.where(reported, latest, -1)


def status_change_table(dataset: Dataset) -> StatusChangeTable:
    """The dataset's status changes as one sorted table, computed once per dataset."""
    if dataset.derived.status_change_table is None:
        dataset.derived.status_change_table = _compute_change_table(dataset)
    return dataset.derived.status_change_table


def _compute_change_table(dataset: Dataset) -> StatusChangeTable:
    sites, events = dataset.sites, dataset.events
    site_ids = sites.index.to_numpy(dtype=object)
    # One naming per (dated event, loaded site it names), as positions; a site named twice by
    # one event is named twice. Plain lists: exploding the frame would copy every column.
    site_lists = events["site_ids"].tolist()
    dated_rows = np.flatnonzero(events["date"].notna().to_numpy())
    event_row = np.array([row for row in dated_rows for _ in site_lists[row]], dtype=np.intp)
    site_position = sites.index.get_indexer(
        [site_id for row in dated_rows for site_id in site_lists[row]]
    )
    loaded = site_position >= 0
    event_row, site_position = event_row[loaded], site_position[loaded]

    # A date sorts as PartialDate does, by (first day, precision): on one first day 'day' <
    # 'month' < 'year'; then by file order.
    dates = events["date"].to_numpy(dtype=object)
    when = dates[event_row]
    day = np.array([partial.start.toordinal() for partial in when], dtype=np.int64)
    _, precision_rank = np.unique([partial.precision for partial in when], return_inverse=True)
    precision_rank = precision_rank.reshape(-1)
    file_order = events["order"].to_numpy()[event_row]

    # Each site's first report: its earliest naming by an event of a report type.
    event_types = events["event_type"].to_numpy(dtype=object)[event_row]
    reports = np.flatnonzero(np.isin(event_types, schema.REPORT_EVENT_TYPES))
    by_time = reports[np.lexsort((file_order[reports], precision_rank[reports], day[reports]))]
    reported_sites, first_of_site = np.unique(site_position[by_time], return_index=True)
    first_report_day = np.full(len(site_ids), -1, dtype=np.int64)
    first_report_day[reported_sites] = day[by_time[first_of_site]]
    is_first_report = np.zeros(len(event_row), dtype=bool)
    is_first_report[by_time[first_of_site]] = True

    # A site kept without a first report gets one undated allegation, as if named by a report
    # on UNDATED_DAY: event row len(events) stands for "no event" (the closing None, {}, and
    # None appended below), so it reads as no date and no event.
    unreported = np.flatnonzero(first_report_day < 0)
    first_report_day[unreported] = UNDATED_DAY
    none_row = len(events)
    event_row = np.concatenate([event_row, np.full(len(unreported), none_row, dtype=np.intp)])
    site_position = np.concatenate([site_position, unreported]).astype(np.intp)
    day = np.concatenate([day, np.full(len(unreported), UNDATED_DAY, dtype=np.int64)])
    precision_rank = np.concatenate([precision_rank, np.zeros(len(unreported), dtype=np.intp)])
    file_order = np.concatenate([file_order, np.full(len(unreported), -1, dtype=np.int64)])
    is_first_report = np.concatenate([is_first_report, np.ones(len(unreported), dtype=bool)])
    dates = np.append(dates, None)

    # Every naming takes effect on its first day, or on the site's first report if that is
    # later. On one day the first report applies first, then the rest in their own order
    # (PartialDate's, then file order); stable, so a site named twice by one event keeps the
    # order of its names.
    starts = day
    day = np.maximum(starts, first_report_day[site_position])
    chronological = np.lexsort(
        (file_order, precision_rank, starts, ~is_first_report, day, site_position)
    )
    event_row, site_position, day = (
        event_row[chronological],
        site_position[chronological],
        day[chronological],
    )

    # A site's first naming is now its first report (alleged unless it sets a status); after
    # that only the namings that set a status change it.
    sets_status = [*events["sets_status"].tolist(), {}]
    status = np.array(
        [
            sets_status[row].get(site_ids[position])
            for row, position in zip(event_row, site_position, strict=True)
        ],
        dtype=object,
    )
    is_first = np.ones(len(site_position), dtype=bool)
    is_first[1:] = site_position[1:] != site_position[:-1]
    sets_a_status = status.astype(bool)
    status[is_first & ~sets_a_status] = schema.DEFAULT_STATUS
    kept = np.flatnonzero(is_first | sets_a_status)

    first = np.full(len(site_ids), -1, dtype=np.int64)
    site_starts = np.flatnonzero(is_first[kept])
    first[site_position[kept][site_starts]] = site_starts
    return StatusChangeTable(
        site_ids=site_ids,
        keys=site_position[kept] * DAYS_PER_SITE + day[kept],
        status=np.append(status[kept], None),
        since=np.append(dates[event_row[kept]], None),
        event_id=np.append(
            np.append(events["event_id"].to_numpy(dtype=object), None)[event_row[kept]], None
        ),
        first=first,
    )


def status_histories(dataset: Dataset) -> dict[str, list[StatusChange]]:
    """Every site's status changes in date order, starting with its first report."""
    if dataset.derived.status_histories is None:
        dataset.derived.status_histories = _compute_histories(dataset)
    return dataset.derived.status_histories


def _compute_histories(dataset: Dataset) -> dict[str, list[StatusChange]]:
    changes = status_change_table(dataset)
    histories: dict[str, list[StatusChange]] = {site_id: [] for site_id in changes.site_ids}
    owners = changes.site_ids[changes.keys // DAYS_PER_SITE]
    # [:-1]: without the closing None.
    effective = changes.keys % DAYS_PER_SITE
    for site_id, status, since, event_id, day in zip(
        owners,
        changes.status[:-1],
        changes.since[:-1],
        changes.event_id[:-1],
        effective,
        strict=True,
    ):
        change = StatusChange(site_id, status, since, event_id, date.fromordinal(int(day)))
        histories[site_id].append(change)
    return histories


def statuses_on(dataset: Dataset, on: date | None = None) -> pd.DataFrame:
    """Per site: its status on a date, the date and event that set it, and its first report.

    Sites not yet reported on that date have no status (NA) and `reported` False.
    """
    changes = status_change_table(dataset)
    first_reports = _first_reports(dataset)
    current = changes.in_force_on(resolve_day(on))
    # Python objects, None where a site has no value, typed by inference as rows of Python
    # values always were: text when any site has a status on that date, object when none has
    # (and `reported` bool, unless there are no sites at all).
    columns = {
        "site_id": first_reports["site_id"],
        "status": changes.status[current],
        "status_since": changes.since[current],
        "status_event_id": changes.event_id[current],
        "first_reported": first_reports["first_reported"],
        "first_report_event_id": first_reports["first_report_event_id"],
        "reported": (current >= 0).astype(object),
    }
    return pd.DataFrame(columns, index=first_reports.index).infer_objects()


def _first_reports(dataset: Dataset) -> pd.DataFrame:
    """The columns of `statuses_on` that no date changes, typed once per dataset."""
    if dataset.derived.first_reports is None:
        changes = status_change_table(dataset)
        columns = {
            "site_id": changes.site_ids,
            "first_reported": changes.since[changes.first],
            "first_report_event_id": changes.event_id[changes.first],
        }
        frame = pd.DataFrame(columns).infer_objects()
        dataset.derived.first_reports = frame.set_index("site_id", drop=False).rename_axis(None)
    return dataset.derived.first_reports


def count_by_status(statuses: pd.DataFrame) -> dict[str, int]:
    """How many reported sites have each status, in the vocabulary's order (zeros included)."""
    counts = statuses.loc[statuses["reported"], "status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in schema.STATUSES}
