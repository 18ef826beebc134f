"""The Altair charts of a timeline table, and how to read a click on them.

A chart has a row per lane, country or site and draws each dated event over the period its
date covers: a dot for a day, a bar for a month or a year. Past MAX_EVENT_MARKS dated events it
draws instead how many events each row has per month (`build_count_chart`), so its size grows
with its rows and months, not with the events. `timeline_chart` picks one of the two and
`TimelineChart` reads a click on either back as event ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from hashlib import blake2b

import altair as alt
import numpy as np
import pandas as pd

from stationmap import i18n
from stationmap.i18n import _
from stationmap.timeline.events import (
    EVENT_GROUPS,
    GROUP_COLORS,
    LANES,
    group_label,
    shown_rows,
)

# The names of the chart's selections, one per layer: the page reads the clicked event from
# them. One selection cannot span both layers: Vega-Lite then defines its signals twice.
SELECTION = "event"  # the dots: events known to the day
SELECTION_PERIOD = "event_period"  # the bars: events known to the month or year
SELECTIONS = (SELECTION, SELECTION_PERIOD)
# The selections of a count chart (see build_count_chart): a cell holds one row's events of
# one month, or of one year for events known only to the year. One per layer, as above.
SELECTION_MONTH_CELL = "month_cell"
SELECTION_YEAR_CELL = "year_cell"
COUNT_SELECTIONS = (SELECTION_MONTH_CELL, SELECTION_YEAR_CELL)
# A count table's columns for a cell's period ('2023-06', or '2022') and its number of events.
PERIOD = "period"
COUNT = "events"

# At scale. Past this many dated events, a chart draws how many there were per row and month
# instead of a mark for each: over three years on a chart some thousand pixels wide, a month is
# about 25 pixels, so a thousand dots already sit on top of one another, and 20,000 of them (a
# tooltip and a selection test each) kept the browser busy for 10 seconds and more. The shipped
# data has about a hundred events and is always drawn event by event.
MAX_EVENT_MARKS = 1_000

# Vertical space per chart row, and for the legend above and the axis below them: Streamlit
# fits the whole chart, legend and axis included, into the height the chart asks for.
ROW_HEIGHT_PX = 32
CHART_MARGIN_PX = 110


def _time_axis(start: date | None, end: date | None, font) -> alt.X:
    """The x encoding every timeline chart shares: the periods' starts, `start` to `end`."""
    x_scale = alt.Undefined
    if start and end:
        x_scale = alt.Scale(
            domain=[
                pd.Timestamp(start).isoformat(),
                pd.Timestamp(end + timedelta(days=1)).isoformat(),
            ]
        )
    # Ticks on the first of a month, so no two ticks carry the same month's label.
    return alt.X(
        "start:T",
        title=None,
        scale=x_scale,
        axis=alt.Axis(
            # Translators: a d3 time format for the month ticks: "%b %Y" is "Jun 2023";
            # "%Y年%-m月" is "2023年6月".
            format=_("%b %Y"),
            tickCount="month",
            labelOverlap="greedy",
            labelFont=font,
        ),
    )


def _row_axis(
    shown: pd.Series, row_field: str, row_title: str | None, row_order: list[str] | None, font
) -> tuple[alt.Y, int]:
    """The y encoding (a row per lane, country or site, in `row_order`) and how many rows."""
    if row_field == "lane" and row_order is None:
        row_order = [_(lane) for lane in LANES]
    if row_order is not None:
        present = set(shown)
        row_order = [row for row in row_order if row in present]
    rows = max(len(row_order) if row_order is not None else shown.nunique(), 1)
    y = alt.Y(
        f"{row_field}:N",
        title=row_title,
        sort=row_order if row_order is not None else None,
        axis=alt.Axis(labelLimit=260, labelFont=font, titleFont=font),
    )
    return y, rows


def _zoom(name: str):
    # Drag or scroll to zoom the time axis (double-click resets): the days around 6 June 2023
    # are crowded. Bound to the scales, it selects nothing and never reruns the page.
    return alt.selection_interval(name=f"{name}_zoom", bind="scales", encodings=["x"])


def _fit(layers: alt.LayerChart, rows: int, row_height: int) -> alt.LayerChart:
    """The chart as tall as its rows, legend and axis, and as wide as its container."""
    return layers.properties(height=rows * row_height + CHART_MARGIN_PX, width="container")


def _picked(selection: Mapping | None, names: Iterable[str]) -> list[Mapping]:
    """The items picked in these selections, from what `st.altair_chart` returns: anything
    that is not a mapping (a malformed or foreign state) is left out."""
    params = (selection or {}).get("selection") or {}
    chosen = [item for name in names for item in params.get(name) or []]
    return [item for item in chosen if isinstance(item, Mapping)]


def build_timeline_chart(
    events: pd.DataFrame,
    *,
    row_field: str = "row_label",
    row_title: str | None = None,
    row_order: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    row_height: int = ROW_HEIGHT_PX,
    name: str = "timeline",
) -> alt.LayerChart:
    """A Vega-Lite chart: one row per country, site or lane; each event over its period.

    Dated events only. An event known to the day is a dot; one known to the month or the year
    is a bar over that whole period, so nothing looks more exact than its source. The axis runs
    from `start` to `end` (both days included). Hover shows the date, the actor and the summary;
    a click selects the event: a dot in the selection 'event', a bar in 'event_period', each
    holding the event's id (see `selected_event_ids`). For more events than a reader can tell
    apart, see `build_count_chart`.
    """
    dated = events[events["start"].notna()].copy()
    dated["group_label"] = dated["group"].map({g: group_label(g) for g in EVENT_GROUPS})
    dated[row_field] = shown_rows(dated, row_field)
    dated = dated[
        [
            "event_id",
            "date_label",
            "start",
            "end",
            "date_precision",
            "group_label",
            "type_label",
            "actor",
            "summary",
            "site_names",
            row_field,
        ]
    ]
    # Chinese needs fonts with its glyphs, named for its script (Vega draws text itself).
    font = i18n.font_family() or alt.Undefined
    y, rows = _row_axis(dated[row_field], row_field, row_title, row_order, font)
    zoom = _zoom(name)
    pick_day = alt.selection_point(name=SELECTION, fields=["event_id"], on="click", empty=False)
    pick_period = alt.selection_point(
        name=SELECTION_PERIOD, fields=["event_id"], on="click", empty=False
    )
    base = alt.Chart(dated).encode(
        x=_time_axis(start, end, font),
        y=y,
        color=alt.Color(
            "group_label:N",
            title=None,
            scale=alt.Scale(
                domain=[group_label(g) for g in EVENT_GROUPS],
                range=[GROUP_COLORS[g] for g in EVENT_GROUPS],
            ),
            # The page names the colours in a list of its own (event_list.kinds_legend_html):
            # Vega's legend, in fixed columns, ran off a chart 1280 px wide.
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("date_label:N", title=_("Date")),
            alt.Tooltip("type_label:N", title=_("Event")),
            alt.Tooltip("actor:N", title=_("Actor")),
            alt.Tooltip("summary:N", title=_("Summary")),
            alt.Tooltip("site_names:N", title=_("Sites")),
        ],
    )
    spans = (
        base.transform_filter(alt.datum.date_precision != "day")
        .mark_bar(height=14, cornerRadius=2, clip=True, stroke="#1b1f24")
        .encode(
            x2="end:T",
            strokeWidth=alt.condition(pick_period, alt.value(2), alt.value(0)),
            opacity=alt.condition(pick_period, alt.value(1.0), alt.value(0.75)),
        )
        .add_params(pick_period, zoom)
    )
    days = (
        base.transform_filter(alt.datum.date_precision == "day")
        .mark_point(filled=True, size=130, shape="circle", clip=True, stroke="#1b1f24")
        .encode(
            strokeWidth=alt.condition(pick_day, alt.value(2.5), alt.value(0.5)),
            opacity=alt.condition(pick_day, alt.value(1.0), alt.value(0.85)),
        )
        .add_params(pick_day)
    )
    return _fit(alt.layer(spans, days), rows, row_height)


def selected_event_ids(selection: Mapping | None) -> list[str]:
    """The ids of the events selected in a chart, from what `st.altair_chart` returns."""
    ids = [item.get("event_id") for item in _picked(selection, SELECTIONS)]
    return list(dict.fromkeys(i for i in ids if isinstance(i, str)))


# --- at scale: a count per row and month instead of a mark per event ---------------------------


def wants_counts(events: pd.DataFrame) -> bool:
    """Whether a chart of these rows should draw counts: more dated events than MAX_EVENT_MARKS."""
    return int(events["start"].notna().sum()) > MAX_EVENT_MARKS


def group_count_column(group: str) -> str:
    """The column of a count table that holds one group's events ('police_events')."""
    return f"{group}_events"


def _cell_periods(dated: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each dated event's cell: the first day of its period, the period's key ('2023-06', or
    '2022' for an event known only to the year) and whether it is known only to the year."""
    year_only = dated["date_precision"].eq("year").to_numpy()
    months = dated["start"].to_numpy().astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    starts = np.where(year_only, years, months).astype("datetime64[ns]")
    # The key as a number (202306, or 2022) and written out once per distinct period: strftime
    # on every one of 20,000 events took longer than the counting.
    year_numbers = years.astype(np.int64) + 1970
    codes = np.where(year_only, year_numbers, year_numbers * 100 + months.astype(np.int64) % 12 + 1)
    written = {
        code: f"{code}" if code < 10_000 else f"{code // 100}-{code % 100:02d}"
        for code in np.unique(codes).tolist()
    }
    index = dated.index
    return (
        pd.Series(starts, index=index),
        pd.Series(codes, index=index).map(written),
        pd.Series(year_only, index=index),
    )


def count_cells(events: pd.DataFrame, row_field: str = "row_label") -> pd.DataFrame:
    """How many dated events each chart row has in each month: a row per (row, period).

    An event known to the day or the month counts in its month. One known only to the year
    counts in a cell of its own spanning that year (`precision` 'year'), never in a month it
    may not belong to. Columns: the row (`row_field`, as the chart names it), PERIOD ('2023-06'
    or '2022'), `period_label` ('June 2023', '2022 (month not known)'), `precision`, the
    period's `start` and `end` (the first day after it), COUNT (every event in the cell) and a
    count per group that has any event (`group_count_column`). In date order, then by row.
    """
    dated = events[events["start"].notna()]
    present = [g for g in EVENT_GROUPS if g in set(dated["group"])]
    columns = [
        row_field,
        PERIOD,
        "period_label",
        "precision",
        "start",
        "end",
        COUNT,
        *map(group_count_column, present),
    ]
    if dated.empty:
        return pd.DataFrame(columns=columns)
    starts, keys, year_only = _cell_periods(dated)
    events_by_cell = pd.DataFrame(
        {
            row_field: shown_rows(dated, row_field),
            PERIOD: keys,
            "period_label": dated["month_heading"],
            "precision": year_only.map({True: "year", False: "month"}),
            "start": starts,
            "group": dated["group"],
        }
    )
    cells = events_by_cell.groupby(["start", row_field, PERIOD], sort=True)
    per_group = cells["group"].value_counts().unstack(fill_value=0)
    table = cells[["period_label", "precision"]].first().join(per_group[present])
    table = table.rename(columns={g: group_count_column(g) for g in present}).reset_index()
    table[COUNT] = table[[group_count_column(g) for g in present]].sum(axis=1)
    month_ends = table["start"] + pd.offsets.MonthBegin(1)
    year_ends = table["start"] + pd.offsets.YearBegin(1)
    table["end"] = month_ends.where(table["precision"] == "month", year_ends)
    return table[columns]


def build_count_chart(
    events: pd.DataFrame,
    *,
    row_field: str = "row_label",
    row_title: str | None = None,
    row_order: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    row_height: int = ROW_HEIGHT_PX,
    name: str = "timeline",
) -> alt.LayerChart:
    """A Vega-Lite chart of how many events each row has per month: one cell per row and month.

    For tables with more events than a reader can tell apart as marks (see `wants_counts`):
    the chart's size then grows with its rows and months, not with the events. The darker a
    cell, the more events in it; events known only to the year make a thin strip along the
    bottom of their row, spanning that year. Hover shows the period, the row, the count and
    the count per group; a click selects the cell: a month in the selection 'month_cell', a
    year in 'year_cell', each holding the row and the period (see `clicked_cells`).
    """
    cells = count_cells(events, row_field)
    groups = [g for g in EVENT_GROUPS if group_count_column(g) in cells.columns]
    if row_field == "lane":
        # Translators: in a chart's tooltip, the title of its row: "Police visits and
        # investigations", "Embassy responses", ...
        row_tooltip = _("Kind of event")
    else:
        # Translators: in a chart's tooltip, the title of its row: a site, a country or
        # "Worldwide".
        row_tooltip = _("Where")
    font = i18n.font_family() or alt.Undefined
    y, rows = _row_axis(cells[row_field], row_field, row_title, row_order, font)
    zoom = _zoom(name)
    pick_month = alt.selection_point(
        name=SELECTION_MONTH_CELL, fields=[row_field, PERIOD], on="click", empty=False
    )
    pick_year = alt.selection_point(
        name=SELECTION_YEAR_CELL, fields=[row_field, PERIOD], on="click", empty=False
    )
    base = alt.Chart(cells).encode(
        x=_time_axis(start, end, font),
        x2="end:T",
        y=y,
        color=alt.Color(
            f"{COUNT}:Q",
            title=_("Events"),
            # A square-root scale, so a month with a few events still shows beside one with
            # hundreds; one blue from light to dark reads the same to colour-blind readers.
            # The lightest quarter of the scheme is left out: a cell of one event must show
            # on white.
            scale=alt.Scale(type="sqrt", scheme={"name": "blues", "extent": [0.25, 1]}),
            legend=alt.Legend(orient="top", labelFont=font, titleFont=font),
        ),
        tooltip=[
            alt.Tooltip("period_label:N", title=_("Date")),
            alt.Tooltip(f"{row_field}:N", title=row_tooltip),
            alt.Tooltip(f"{COUNT}:Q", title=_("Events")),
            *(alt.Tooltip(f"{group_count_column(g)}:Q", title=group_label(g)) for g in groups),
        ],
    )
    # A month's cell fills most of its row; a year's strip runs along the row's bottom edge,
    # under the months it may belong to, so the two never cover each other.
    cell_height = row_height - 14
    months = (
        base.transform_filter(alt.datum.precision == "month")
        .mark_bar(height=cell_height, yOffset=-3, clip=True, stroke="#1b1f24")
        .encode(strokeWidth=alt.condition(pick_month, alt.value(2), alt.value(0)))
        .add_params(pick_month, zoom)
    )
    years = (
        base.transform_filter(alt.datum.precision == "year")
        .mark_bar(height=5, yOffset=cell_height / 2 + 1, clip=True, stroke="#1b1f24")
        .encode(strokeWidth=alt.condition(pick_year, alt.value(2), alt.value(0)))
        .add_params(pick_year)
    )
    return _fit(alt.layer(months, years), rows, row_height)


def clicked_cells(selection: Mapping | None, row_field: str) -> list[tuple[str, str]]:
    """The cells selected in a count chart, as (row, period), from what `st.altair_chart`
    returns."""
    cells = [(i.get(row_field), i.get(PERIOD)) for i in _picked(selection, COUNT_SELECTIONS)]
    return list(dict.fromkeys(c for c in cells if all(isinstance(part, str) for part in c)))


def events_in_cells(
    events: pd.DataFrame, cells: Iterable[tuple[str, str]], row_field: str = "row_label"
) -> list[str]:
    """The ids of the events a count chart of `events` counts in these (row, period) cells, in
    the table's order."""
    wanted = set(cells)
    dated = events[events["start"].notna()]
    if not wanted or dated.empty:
        return []
    _starts, keys, _year_only = _cell_periods(dated)
    inside = [cell in wanted for cell in zip(shown_rows(dated, row_field), keys, strict=True)]
    return list(dict.fromkeys(dated.loc[inside, "event_id"]))


def vega_lite_spec(chart: alt.TopLevelMixin, name: str) -> dict:
    """`chart` as the Vega-Lite spec `st.vega_lite_chart` draws, its table under `datasets` as
    a DataFrame (Streamlit sends it as Arrow), named `name` and a hash of its content.

    Made once per chart, where the chart is cached: `st.altair_chart` converts the chart on
    every run, and Altair checks it against the Vega-Lite schema as it does, 0.03-0.1 s a
    chart. Without Altair's default theme, as `st.altair_chart` converts it (its sizes are
    not the app's). The name changes with the table, so a chart with other rows is drawn
    afresh, as `st.altair_chart` names its tables.
    """
    frame = chart.data
    digest = blake2b(pd.util.hash_pandas_object(frame).to_numpy().tobytes(), digest_size=8)
    table = f"{name}-{digest.hexdigest()}"
    named = chart.copy(deep=False)
    named.data = alt.NamedData(name=table)
    with alt.theme.enable("none"):
        spec = named.to_dict()
    spec["datasets"] = {table: frame}
    return spec


@dataclass(frozen=True, eq=False)
class TimelineChart:
    """A chart of a timeline table as the page draws it, and how to read a click on it."""

    chart: alt.LayerChart
    events: pd.DataFrame  # the rows it draws (from select_events or chart_rows)
    row_field: str
    counts: bool  # True: a count per row and month (build_count_chart), not a mark per event
    # The chart as the page draws it (`vega_lite_spec`): shared, never changed in place
    # (Streamlit takes the table out of a copy).
    spec: dict = field(default_factory=dict)

    @property
    def height(self) -> int:
        """The chart's height in pixels, legend and axis included (what `_fit` asked for)."""
        return int(self.chart.height)

    @property
    def selections(self) -> tuple[str, ...]:
        """The chart's click selections, for `st.altair_chart(selection_mode=...)`."""
        return COUNT_SELECTIONS if self.counts else SELECTIONS

    def clicked_event_ids(self, selection: Mapping | None) -> list[str]:
        """The ids of the events clicked on the chart: the event, or every event in the cell."""
        if self.counts:
            cells = clicked_cells(selection, self.row_field)
            return events_in_cells(self.events, cells, self.row_field)
        return selected_event_ids(selection)


def timeline_chart(
    events: pd.DataFrame,
    *,
    row_field: str = "row_label",
    row_order: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    name: str = "timeline",
) -> TimelineChart:
    """The chart of a timeline table: a mark per event, or past MAX_EVENT_MARKS a count per row
    and month, with the same rows and time axis."""
    counts = wants_counts(events)
    build = build_count_chart if counts else build_timeline_chart
    chart = build(events, row_field=row_field, row_order=row_order, start=start, end=end, name=name)
    return TimelineChart(
        chart=chart,
        events=events,
        row_field=row_field,
        counts=counts,
        spec=vega_lite_spec(chart, name),
    )


# The made-up events of `warmup_spec`: one known to the day, one to the month, so both layers
# draw a mark. Never shown.
_WARMUP_EVENTS = (
    ("warm-day", "2023-06-06", "2023-06-07", "day", "police"),
    ("warm-month", "2023-09-01", "2023-10-01", "month", "government"),
)
# Its width in pixels: the page's charts are as wide as their container, and the warm-up's
# element is in no page, so it has none.
WARMUP_WIDTH_PX = 600


def warmup_spec() -> dict:
    """The Vega-Lite spec of a timeline chart (`build_timeline_chart`) of two made-up events,
    its table inline as JSON: what the browser draws, out of any page, to compile Vega's code
    before a reader's first timeline chart (stationmap.app.widget_code). In English; the app
    reads it from ``web/chart-warmup.json``, which ``scripts/chart_warmup.py`` writes."""
    events = pd.DataFrame(
        [
            {
                "event_id": event_id,
                "date_label": start,
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(end),
                "date_precision": precision,
                "group": group,
                "type_label": group,
                "actor": "",
                "summary": "",
                "site_names": "",
                "row_label": group,
            }
            for event_id, start, end, precision, group in _WARMUP_EVENTS
        ]
    )
    chart = build_timeline_chart(events, start=date(2023, 1, 1), end=date(2023, 12, 31))
    spec = vega_lite_spec(chart.properties(width=WARMUP_WIDTH_PX), "warmup")
    spec["datasets"] = {
        name: json.loads(frame.to_json(orient="records", date_format="iso"))
        for name, frame in spec["datasets"].items()
    }
    return spec
