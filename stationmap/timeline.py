"""Timelines of reports, police action and government responses, as pure tables, charts and HTML.

Events are grouped into a few kinds a reader can tell apart at a glance, and each is drawn over
the period its date actually covers: an event known only to the month spans that month, so the
chart never shows a false exact day. The as-of date means "the picture as it was then": events
that started after it are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import altair as alt
import numpy as np
import pandas as pd

from stationmap import browser_code, i18n
from stationmap.html.popups import esc, source_list_html
from stationmap.i18n import N_, _
from stationmap.record import schema
from stationmap.record.dates import PartialDate
from stationmap.record.filters import fold
from stationmap.record.loader import Dataset
from stationmap.record.status import status_histories

# The event groups, in the order they are listed and coloured.
GROUP_REPORTS = "reports"
GROUP_POLICE = "police"
GROUP_GOVERNMENT = "government"
GROUP_EMBASSY = "embassy"
GROUP_LEGAL = "legal"
# Charges and convictions for offences other than running a station (Seoul): a group and a lane
# of their own, so that picking "Legal steps" never shows them beside a station's prosecution.
GROUP_OTHER_OFFENCES = "other_offences"
EVENT_GROUPS = (
    GROUP_REPORTS,
    GROUP_POLICE,
    GROUP_GOVERNMENT,
    GROUP_EMBASSY,
    GROUP_LEGAL,
    GROUP_OTHER_OFFENCES,
)

GROUP_OF_EVENT_TYPE = {
    "ngo_report": GROUP_REPORTS,
    "media_report": GROUP_REPORTS,
    "police_visit": GROUP_POLICE,
    "investigation_opened": GROUP_POLICE,
    "government_statement": GROUP_GOVERNMENT,
    "parliamentary_statement": GROUP_GOVERNMENT,
    "diplomatic_protest": GROUP_GOVERNMENT,
    "closure_ordered": GROUP_GOVERNMENT,
    "closure_reported": GROUP_GOVERNMENT,
    "embassy_response": GROUP_EMBASSY,
    "legislation": GROUP_LEGAL,
    "arrest": GROUP_LEGAL,
    "charge": GROUP_LEGAL,
    "conviction": GROUP_LEGAL,
    "other_charge": GROUP_OTHER_OFFENCES,
    "other_conviction": GROUP_OTHER_OFFENCES,
}
if set(GROUP_OF_EVENT_TYPE) != set(schema.EVENT_TYPES):
    raise RuntimeError("every event type needs a timeline group")

# What the group filter and the chart's legend call each group.
GROUP_LABELS = {
    GROUP_REPORTS: N_("Reports"),
    GROUP_POLICE: N_("Police visits and investigations"),
    GROUP_GOVERNMENT: N_("Government, parliamentary and diplomatic responses"),
    GROUP_EMBASSY: N_("Embassy responses"),
    GROUP_LEGAL: N_("Legal steps"),
    GROUP_OTHER_OFFENCES: N_("Cases for other offences"),
}

# Colour-blind-safe (Okabe-Ito), and distinct from nothing else on the same chart.
GROUP_COLORS = {
    GROUP_REPORTS: "#999999",
    GROUP_POLICE: "#0072B2",
    GROUP_GOVERNMENT: "#E69F00",
    GROUP_EMBASSY: "#CC79A7",
    GROUP_LEGAL: "#D55E00",
    GROUP_OTHER_OFFENCES: "#000000",
}
if not set(GROUP_LABELS) == set(GROUP_COLORS) == set(EVENT_GROUPS):
    raise RuntimeError("every event group needs a label and a colour")

# The lanes the UK statement of 6 June 2023 tells its story in: when police visited, what the
# government said, what the embassy answered; everything else below them.
LANE_POLICE = N_("Police visits and investigations")
LANE_GOVERNMENT = N_("Government responses")
LANE_EMBASSY = N_("Embassy responses")
LANE_OTHER = N_("Reports and legal steps")
LANE_OTHER_OFFENCES = N_("Cases for other offences")
LANES = (LANE_POLICE, LANE_GOVERNMENT, LANE_EMBASSY, LANE_OTHER, LANE_OTHER_OFFENCES)
LANE_OF_GROUP = {
    GROUP_POLICE: LANE_POLICE,
    GROUP_GOVERNMENT: LANE_GOVERNMENT,
    GROUP_EMBASSY: LANE_EMBASSY,
    GROUP_REPORTS: LANE_OTHER,
    GROUP_LEGAL: LANE_OTHER,
    GROUP_OTHER_OFFENCES: LANE_OTHER_OFFENCES,
}


GLOBAL_ROW = N_("Worldwide")
UNDATED_HEADING = N_("Date not known")

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
# A row per site reads well for a few dozen sites; one country with hundreds would make a chart
# thousands of pixels tall, so past this the chart has a row per country, as for many countries.
MAX_SITE_ROWS = 40
# The page lists every event, with its sources, up to this many; past it, one month at a time:
# 20,000 events made 10 MB of HTML for the browser to lay out.
MAX_LISTED_EVENTS = 1_000

# Vertical space per chart row, and for the legend above and the axis below them: Streamlit
# fits the whole chart, legend and axis included, into the height the chart asks for.
ROW_HEIGHT_PX = 32
CHART_MARGIN_PX = 110

TIMELINE_COLUMNS = [
    "event_id",
    "date",
    "date_label",
    "start",
    "end",
    "date_precision",
    "month_heading",
    "country",
    "iso2",
    "row_label",
    "event_type",
    "type_label",
    "group",
    "lane",
    "actor",
    "summary",
    "site_ids",
    "site_names",
    "source_ids",
    "order",
]


def group_of(event_type: str) -> str:
    """The timeline group of an event type (e.g. 'police' for 'police_visit')."""
    return GROUP_OF_EVENT_TYPE[event_type]


def group_label(group: str) -> str:
    """A group as people read it, in their language."""
    return _(GROUP_LABELS[group]) if group in GROUP_LABELS else group


def month_heading(when: PartialDate | None) -> str:
    """The heading an event is listed under: 'June 2023', '2022 (month not known)', …"""
    if when is None:
        return _(UNDATED_HEADING)
    if when.precision == "year":
        return _("{year} (month not known)").format(year=i18n.date_label(when))
    return i18n.date_label(PartialDate(when.start.replace(day=1), "month"))


def axis_start(dataset: Dataset, events: pd.DataFrame) -> date | None:
    """The first day of a timeline's axis: the month of the first report, or of an earlier event.

    Chinese official announcements of the programme (2021, January 2022) predate every report;
    an axis that began at the first report would draw them outside the chart.
    """
    first = earliest_report(dataset)
    starts = events["start"].dropna() if "start" in events else pd.Series(dtype="datetime64[s]")
    if not starts.empty:
        earliest_event = starts.min().date()
        first = earliest_event if first is None else min(first, earliest_event)
    return first.replace(day=1) if first else None


def earliest_report(dataset: Dataset) -> date | None:
    """The day of the first report (an NGO or media report): where a timeline starts.

    A statement known only to the year ("2022") counts from 1 January of it, and so would
    start the timeline months before anything was reported; the reports are the start. Data
    with no dated report starts at its first site's first appearance.
    """
    # Asked on every run of the map page: once per dataset is enough.
    if dataset.derived.earliest_report is None:
        events = dataset.events
        reports = events[events["event_type"].map(GROUP_OF_EVENT_TYPE.get) == GROUP_REPORTS]
        days = [when.start for when in reports["date"] if when is not None]
        if not days:
            # An undated allegation (a site kept without a report) has no day to start from.
            days = [
                h[0].effective
                for h in status_histories(dataset).values()
                if h and h[0].date is not None
            ]
        dataset.derived.earliest_report = min(days, default=None)
    return dataset.derived.earliest_report


@dataclass(frozen=True)
class EventScope:
    """Which events a timeline shows: those about these sites or countries."""

    site_ids: frozenset[str]
    countries: frozenset[str]
    include_global: bool = True


def scope_for(filtered_sites: pd.DataFrame, *, include_global: bool = True) -> EventScope:
    """The events that belong with a filtered set of sites: theirs and their countries'."""
    return EventScope(
        site_ids=frozenset(filtered_sites["site_id"]),
        countries=frozenset(filtered_sites["iso2"]),
        include_global=include_global,
    )


def select_events(
    dataset: Dataset,
    scope: EventScope,
    groups: Iterable[str] = (),
    *,
    until: date | None = None,
) -> pd.DataFrame:
    """Events in scope, as a timeline table in date order (undated last).

    An event is in scope if it names a site in scope, or names no site and concerns a country
    in scope, or is worldwide (when the scope includes worldwide events). A statement by China
    (`schema.OPERATING_COUNTRY_ISO2`: its foreign ministry answering the reports) is about
    every site, so it counts as worldwide. `groups` keeps only those groups (empty: all);
    `until` leaves out events that started after that day (undated events stay: nothing says
    they came later).
    """
    # Whole columns at a time, and each label made once per distinct value: at 20,000 events a
    # row-by-row loop, translating every date and country anew, took seconds of every rerun.
    events = dataset.events.reset_index(drop=True)
    groups = set(groups)
    site_ids = events["site_ids"]
    names_sites = site_ids.map(len) > 0
    listed = site_ids[names_sites].explode()
    names_a_site_in_scope = (
        listed.isin(scope.site_ids).groupby(level=0).any().reindex(events.index, fill_value=False)
    )
    hosts = set(dataset.sites["iso2"])
    about_everyone = (events["country"] == schema.GLOBAL_COUNTRY) | (
        events["iso2"] == schema.OPERATING_COUNTRY_ISO2
    )
    # A country that hosts no site (Thailand's checks that found no post) belongs with no
    # site's country: it shows with the worldwide events only in a view of every country.
    elsewhere = ~about_everyone & ~events["iso2"].isin(hosts)
    every_country = scope.include_global and hosts <= scope.countries
    about_a_country_in_scope = events["iso2"].isin(scope.countries)
    in_scope = names_a_site_in_scope.where(
        names_sites,
        about_a_country_in_scope.where(~about_everyone, scope.include_global).where(
            ~elsewhere, every_country
        ),
    ).astype(bool)
    group = events["event_type"].map(GROUP_OF_EVENT_TYPE)
    keep = in_scope & (group.isin(groups) if groups else True)
    if until is not None:
        started_later = events["date"].map(lambda when: when is not None and when.start > until)
        keep &= ~started_later.astype(bool)
    kept = events[keep].reset_index(drop=True)
    group = group[keep].reset_index(drop=True)

    dates = kept["date"]
    distinct_dates = {when for when in dates if when is not None}
    # Once per distinct date (i18n keeps the labels themselves between runs).
    date_labels = {when: i18n.date_label(when) for when in [*distinct_dates, None]}
    headings = {when: month_heading(when) for when in [*distinct_dates, None]}
    starts = dates.map({when: pd.Timestamp(when.start) for when in distinct_dates})
    # The bar runs to the end of the last day of the period.
    ends = dates.map({when: pd.Timestamp(when.end + timedelta(days=1)) for when in distinct_dates})
    places = list(zip(kept["iso2"], kept["country"], strict=True))
    row_labels = {
        (iso2, country): i18n.country_label(iso2, country) if iso2 else _(GLOBAL_ROW)
        for iso2, country in set(places)
    }
    type_labels = {kind: i18n.event_type_label(kind) for kind in set(kept["event_type"])}
    site_names = dataset.sites["name"].to_dict()
    shown_sites = [
        tuple(s for s in ids if s in scope.site_ids) or tuple(ids) for ids in kept["site_ids"]
    ]
    table = pd.DataFrame(
        {
            "event_id": kept["event_id"],
            "date": dates,
            "date_label": [date_labels[when] for when in dates],
            # Whole days: seconds, the unit pandas gives a Timestamp made from a date.
            "start": starts.astype("datetime64[s]"),
            "end": ends.astype("datetime64[s]"),
            "date_precision": kept["date_precision"],
            "month_heading": [headings[when] for when in dates],
            "country": kept["country"],
            "iso2": kept["iso2"],
            "row_label": [row_labels[place] for place in places],
            "event_type": kept["event_type"],
            "type_label": kept["event_type"].map(type_labels),
            "group": group,
            "lane": group.map(LANE_OF_GROUP),
            "actor": kept["actor"],
            "summary": kept["summary"],
            "site_ids": shown_sites,
            "site_names": [", ".join(site_names.get(s, s) for s in ids) for ids in shown_sites],
            "source_ids": kept["source_ids"],
            "order": kept["order"],
        },
        columns=TIMELINE_COLUMNS,
    )
    table["undated"] = table["start"].isna()
    table = table.sort_values(["undated", "start", "order"], kind="stable").drop(columns="undated")
    return table.reset_index(drop=True)


def by_month(events: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The events split under their month headings, in date order (undated last)."""
    # One pass over the table, headings in the order they first appear (the table is in date
    # order): a mask per heading went over 20,000 events forty times.
    return list(events.groupby("month_heading", sort=False))


def count_by_group(events: pd.DataFrame) -> dict[str, int]:
    """How many events each group has, every group listed."""
    counts = events["group"].value_counts()
    return {group: int(counts.get(group, 0)) for group in EVENT_GROUPS}


# --- chart rows ----------------------------------------------------------------------------------


def per_site_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, site) so a single-country chart can have a row per site."""
    exploded = events.assign(site_id=events["site_ids"].map(lambda ids: list(ids) or [""]))
    exploded = exploded.explode("site_id")
    return exploded


def row_per_site(sites: pd.DataFrame) -> bool:
    """Whether the chart of these (filtered) sites has a row per site: they are all in one
    country, and few enough for a row each (see MAX_SITE_ROWS)."""
    return sites["iso2"].nunique() == 1 and len(sites) <= MAX_SITE_ROWS


def chart_rows(
    events: pd.DataFrame, *, per_site: bool, site_names: Mapping[str, str], countries: Iterable[str]
) -> tuple[pd.DataFrame, list[str]]:
    """The dated events with the chart row each is drawn on, and the rows in display order.

    By country: one row per country, worldwide last. By site (`per_site`, for one country):
    one row per site, then the country's own events that name no site, then other countries
    (China answering for every site) and worldwide. An event naming several sites is drawn on
    each of their rows.
    """
    dated = events[events["start"].notna()]
    countries = set(countries)
    worldwide = _(GLOBAL_ROW)
    rows = per_site_rows(dated).reset_index(drop=True) if per_site else dated.copy()
    site_ids = rows["site_id"] if per_site else [""] * len(rows)
    keys = list(zip(site_ids, rows["iso2"], rows["country"], strict=True))

    def place(site_id: str, iso2: str, country: str) -> tuple[str, int]:
        if site_id:
            return site_names.get(site_id, site_id), 0
        if per_site and iso2 in countries:
            name = i18n.country_label(iso2, country)
            return _("{country}: all sites").format(country=name), 1
        if iso2:
            return i18n.country_label(iso2, country), 2
        return worldwide, 3

    # Labelled once per distinct site and country (a few hundred), not once per event.
    placed = {key: place(*key) for key in dict.fromkeys(keys)}
    rows["row_label"] = [placed[key][0] for key in keys]
    ranked = dict(placed.values())
    order = sorted(ranked, key=lambda label: (ranked[label], fold(label)))
    return rows, order


def shown_rows(events: pd.DataFrame, row_field: str) -> pd.Series:
    """The row each event is drawn on, as the chart names it (the lanes in the reader's
    language)."""
    if row_field == "lane":
        return events["lane"].map({lane: _(lane) for lane in LANES})
    return events[row_field]


# --- charts ----------------------------------------------------------------------------------


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
            legend=alt.Legend(orient="top", columns=3, labelLimit=320, labelFont=font),
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
    return alt.layer(spans, days).properties(
        height=rows * row_height + CHART_MARGIN_PX, width="container"
    )


def selected_event_ids(selection: Mapping | None) -> list[str]:
    """The ids of the events selected in a chart, from what `st.altair_chart` returns."""
    if not selection:
        return []
    params = selection.get("selection") or {}
    chosen = [item for name in SELECTIONS for item in params.get(name) or []]
    ids = [item.get("event_id") for item in chosen if isinstance(item, Mapping)]
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
    return alt.layer(months, years).properties(
        height=rows * row_height + CHART_MARGIN_PX, width="container"
    )


def clicked_cells(selection: Mapping | None, row_field: str) -> list[tuple[str, str]]:
    """The cells selected in a count chart, as (row, period), from what `st.altair_chart`
    returns."""
    if not selection:
        return []
    params = selection.get("selection") or {}
    chosen = [item for name in COUNT_SELECTIONS for item in params.get(name) or []]
    cells = [(i.get(row_field), i.get(PERIOD)) for i in chosen if isinstance(i, Mapping)]
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


@dataclass(frozen=True, eq=False)
class TimelineChart:
    """A chart of a timeline table as the page draws it, and how to read a click on it."""

    chart: alt.LayerChart
    events: pd.DataFrame  # the rows it draws (from select_events or chart_rows)
    row_field: str
    counts: bool  # True: a count per row and month (build_count_chart), not a mark per event

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
    return TimelineChart(chart=chart, events=events, row_field=row_field, counts=counts)


def latest_month(headings: list[str]) -> int:
    """Which of `by_month`'s headings is the latest month with a date (the last heading, if
    none has one): where a list of one month at a time opens."""
    undated = _(UNDATED_HEADING)
    dated = [index for index, heading in enumerate(headings) if heading != undated]
    return dated[-1] if dated else max(len(headings) - 1, 0)


# --- the list ----------------------------------------------------------------------------------

# Styles for the event list, on the page (st.html keeps them to its own block).
LIST_CSS = browser_code.read("web/timeline-list.css")


def event_item_html(event: Mapping, sources: Mapping[str, Mapping]) -> str:
    """One event of the timeline: date, kind, actor, summary, sites and its sources as links."""
    color = GROUP_COLORS.get(event.get("group"), "#999999")
    sites = ""
    if event.get("site_names"):
        label = _("Sites: {names}").format(names=event["site_names"])
        sites = f'<p class="sm-sites">{esc(label)}</p>'
    return (
        f'<li style="border-left-color:{color}" data-event="{esc(event.get("event_id"))}">'
        f'<p><span class="sm-date">{esc(event.get("date_label"))}</span> · '
        f'<span class="sm-group">{esc(event.get("type_label"))}</span> · '
        f"<strong>{esc(event.get('actor'))}</strong></p>"
        f"<p>{esc(event.get('summary'))}</p>"
        f"{sites}"
        f"{source_list_html(event.get('source_ids', ()), sources)}"
        "</li>"
    )


def event_list_html(events: pd.DataFrame, sources: Mapping[str, Mapping]) -> str:
    """Events (rows of a timeline table) as a list, in the order given."""
    items = "".join(event_item_html(event, sources) for event in events.to_dict("records"))
    return f'<ol class="sm-timeline">{items}</ol>'


def months_html(events: pd.DataFrame, sources: Mapping[str, Mapping]) -> str:
    """Every event under its month heading ('June 2023', …, 'Date not known' last)."""
    return "".join(
        f'<h4 class="sm-month">{esc(heading)}</h4>{event_list_html(month, sources)}'
        for heading, month in by_month(events)
    )
