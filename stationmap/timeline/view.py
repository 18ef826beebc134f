"""What the timeline page shows for one set of filters, built in one go, with no Streamlit.

The page asks `stationmap.app.data.shared_result` for it, so it is built once per dataset,
language, filters and kinds of event, and shared by every session: a rerun that changed none
of them (a click on a chart, a month picked in the list) rebuilds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from stationmap.record.loader import Dataset
from stationmap.timeline.charts import TimelineChart, timeline_chart
from stationmap.timeline.event_list import MAX_LISTED_EVENTS, jump_html, months_html
from stationmap.timeline.events import (
    axis_start,
    by_month,
    chart_rows,
    count_by_group,
    fold_countries,
    row_per_site,
    scope_for,
    select_events,
)


@dataclass(frozen=True, eq=False)
class TimelineView:
    """The events the filters allow, their counts, both charts and the list by month."""

    events: pd.DataFrame
    counts: dict[str, int]
    per_site: bool  # the second chart has a row per site (else per country)
    lane_chart: TimelineChart | None  # None: no events
    row_chart: TimelineChart | None
    # The list by month: the whole list's HTML when it is short enough to show at once (None
    # otherwise), and the events under each month heading when it is not.
    list_html: str | None
    months: dict[str, pd.DataFrame]
    # How many countries share one row of the second chart (0: each has its own).
    shared_row_countries: int = 0


def build_timeline_view(
    dataset: Dataset,
    filtered: pd.DataFrame,
    groups: Iterable[str],
    *,
    as_of: date | None,
    until: date,
) -> TimelineView:
    """The timeline of the `filtered` sites, their countries and the world, up to `as_of`."""
    # Worldwide events belong with any site; with no site selected there is nothing to show.
    scope = scope_for(filtered, include_global=not filtered.empty)
    events = select_events(dataset, scope, tuple(groups), until=as_of)
    counts = count_by_group(events)
    per_site = row_per_site(filtered)
    if events.empty:
        return TimelineView(events, counts, per_site, None, None, None, {})
    start = axis_start(dataset, events)
    rows, order = chart_rows(
        events,
        per_site=per_site,
        site_names=dataset.sites["name"].to_dict(),
        countries=scope.countries,
    )
    shared = 0
    if not per_site:
        rows, order, shared = fold_countries(rows, order)
    lane_chart = timeline_chart(events, row_field="lane", start=start, end=until, name="lanes")
    row_chart = timeline_chart(rows, row_order=order, start=start, end=until, name="rows")
    if len(events) <= MAX_LISTED_EVENTS:
        # Links to each year first: the list is long, and a keyboard user can jump.
        sources = dataset.sources.to_dict("index")
        list_html, months = jump_html(events) + months_html(events, sources), {}
    else:
        list_html, months = None, dict(by_month(events))
    return TimelineView(events, counts, per_site, lane_chart, row_chart, list_html, months, shared)
