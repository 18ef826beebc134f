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
import pandas as pd

from stationmap import i18n, schema
from stationmap.dates import PartialDate
from stationmap.filters import fold
from stationmap.i18n import N_, _
from stationmap.loader import Dataset
from stationmap.popups import esc, source_list_html
from stationmap.status import status_histories

# The event groups, in the order they are listed and coloured.
GROUP_REPORTS = "reports"
GROUP_POLICE = "police"
GROUP_GOVERNMENT = "government"
GROUP_EMBASSY = "embassy"
GROUP_LEGAL = "legal"
EVENT_GROUPS = (GROUP_REPORTS, GROUP_POLICE, GROUP_GOVERNMENT, GROUP_EMBASSY, GROUP_LEGAL)

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
}

# Colour-blind-safe (Okabe-Ito), and distinct from nothing else on the same chart.
GROUP_COLORS = {
    GROUP_REPORTS: "#999999",
    GROUP_POLICE: "#0072B2",
    GROUP_GOVERNMENT: "#E69F00",
    GROUP_EMBASSY: "#CC79A7",
    GROUP_LEGAL: "#D55E00",
}
if not set(GROUP_LABELS) == set(GROUP_COLORS) == set(EVENT_GROUPS):
    raise RuntimeError("every event group needs a label and a colour")

# The lanes the UK statement of 6 June 2023 tells its story in: when police visited, what the
# government said, what the embassy answered; everything else below them.
LANE_POLICE = N_("Police visits and investigations")
LANE_GOVERNMENT = N_("Government responses")
LANE_EMBASSY = N_("Embassy responses")
LANE_OTHER = N_("Reports and legal steps")
LANES = (LANE_POLICE, LANE_GOVERNMENT, LANE_EMBASSY, LANE_OTHER)
LANE_OF_GROUP = {
    GROUP_POLICE: LANE_POLICE,
    GROUP_GOVERNMENT: LANE_GOVERNMENT,
    GROUP_EMBASSY: LANE_EMBASSY,
    GROUP_REPORTS: LANE_OTHER,
    GROUP_LEGAL: LANE_OTHER,
}

GLOBAL_ROW = N_("Worldwide")
UNDATED_HEADING = N_("Date not known")

# The names of the chart's selections, one per layer: the page reads the clicked event from
# them. One selection cannot span both layers: Vega-Lite then defines its signals twice.
SELECTION = "event"  # the dots: events known to the day
SELECTION_PERIOD = "event_period"  # the bars: events known to the month or year
SELECTIONS = (SELECTION, SELECTION_PERIOD)
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


def earliest_report(dataset: Dataset) -> date | None:
    """The day of the first report (an NGO or media report): where a timeline starts.

    A statement known only to the year ("2022") counts from 1 January of it, and so would
    start the timeline months before anything was reported; the reports are the start. Data
    with no dated report starts at its first site's first appearance.
    """
    events = dataset.events
    reports = events[events["event_type"].map(GROUP_OF_EVENT_TYPE.get) == GROUP_REPORTS]
    days = [when.start for when in reports["date"] if when is not None]
    if not days:
        days = [h[0].date.start for h in status_histories(dataset).values() if h]
    return min(days, default=None)


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
    in scope, or is worldwide (when the scope includes worldwide events). A statement by a
    country that hosts no site at all (China's foreign ministry answering the reports) is about
    every site, so it counts as worldwide. `groups` keeps only those groups (empty: all);
    `until` leaves out events that started after that day (undated events stay: nothing says
    they came later).
    """
    groups = set(groups)
    host_countries = set(dataset.sites["iso2"])
    site_names = dataset.sites["name"].to_dict()
    rows = []
    for event in dataset.events.itertuples(index=False):
        named = set(event.site_ids)
        if named:
            in_scope = bool(named & scope.site_ids)
        elif event.country == schema.GLOBAL_COUNTRY or event.iso2 not in host_countries:
            in_scope = scope.include_global
        else:
            in_scope = event.iso2 in scope.countries
        group = group_of(event.event_type)
        if not in_scope or (groups and group not in groups):
            continue
        when = event.date
        if until is not None and when is not None and when.start > until:
            continue
        shown_sites = [s for s in event.site_ids if s in scope.site_ids] or list(event.site_ids)
        rows.append(
            {
                "event_id": event.event_id,
                "date": when,
                "date_label": i18n.date_label(when),
                "start": pd.Timestamp(when.start) if when else pd.NaT,
                # The bar runs to the end of the last day of the period.
                "end": pd.Timestamp(when.end + timedelta(days=1)) if when else pd.NaT,
                "date_precision": event.date_precision,
                "month_heading": month_heading(when),
                "country": event.country,
                "iso2": event.iso2,
                "row_label": (
                    i18n.country_label(event.iso2, event.country) if event.iso2 else _(GLOBAL_ROW)
                ),
                "event_type": event.event_type,
                "type_label": i18n.event_type_label(event.event_type),
                "group": group,
                "lane": LANE_OF_GROUP[group],
                "actor": event.actor,
                "summary": event.summary,
                "site_ids": tuple(shown_sites),
                "site_names": ", ".join(site_names.get(s, s) for s in shown_sites),
                "source_ids": event.source_ids,
                "order": event.order,
            }
        )
    table = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    table["undated"] = table["start"].isna()
    table = table.sort_values(["undated", "start", "order"], kind="stable").drop(columns="undated")
    return table.reset_index(drop=True)


def by_month(events: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The events split under their month headings, in date order (undated last)."""
    headings = list(dict.fromkeys(events["month_heading"]))
    return [(heading, events[events["month_heading"] == heading]) for heading in headings]


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
    ranked: dict[str, int] = {}
    labels = []
    for site_id, iso2, country in zip(
        rows["site_id"] if per_site else [""] * len(rows),
        rows["iso2"],
        rows["country"],
        strict=True,
    ):
        if site_id:
            label, rank = site_names.get(site_id, site_id), 0
        elif per_site and iso2 in countries:
            name = i18n.country_label(iso2, country)
            label, rank = _("{country}: all sites").format(country=name), 1
        elif iso2:
            label, rank = i18n.country_label(iso2, country), 2
        else:
            label, rank = worldwide, 3
        labels.append(label)
        ranked[label] = rank
    rows["row_label"] = labels
    order = sorted(ranked, key=lambda label: (ranked[label], fold(label)))
    return rows, order


# --- charts ----------------------------------------------------------------------------------


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
    holding the event's id (see `selected_event_ids`).
    """
    dated = events[events["start"].notna()].copy()
    dated["group_label"] = dated["group"].map(group_label)
    if row_field == "lane":
        dated["lane"] = dated["lane"].map(_)
        row_order = [_(lane) for lane in LANES] if row_order is None else row_order
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
    if row_order is not None:
        row_order = [row for row in row_order if row in set(dated[row_field])]
    rows = max(len(row_order) if row_order is not None else dated[row_field].nunique(), 1)
    x_scale = alt.Undefined
    if start and end:
        x_scale = alt.Scale(
            domain=[
                pd.Timestamp(start).isoformat(),
                pd.Timestamp(end + timedelta(days=1)).isoformat(),
            ]
        )
    # Chinese needs fonts with its glyphs, named for its script (Vega draws text itself).
    font = i18n.font_family() or alt.Undefined
    # Drag or scroll to zoom the time axis (double-click resets): the days around 6 June 2023
    # are crowded. Bound to the scales, it selects nothing and never reruns the page.
    zoom = alt.selection_interval(name=f"{name}_zoom", bind="scales", encodings=["x"])
    pick_day = alt.selection_point(name=SELECTION, fields=["event_id"], on="click", empty=False)
    pick_period = alt.selection_point(
        name=SELECTION_PERIOD, fields=["event_id"], on="click", empty=False
    )
    base = alt.Chart(dated).encode(
        # Ticks on the first of a month, so no two ticks carry the same month's label.
        x=alt.X(
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
        ),
        y=alt.Y(
            f"{row_field}:N",
            title=row_title,
            sort=row_order if row_order is not None else None,
            axis=alt.Axis(labelLimit=260, labelFont=font, titleFont=font),
        ),
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


# --- the list ----------------------------------------------------------------------------------

# Styles for the event list, on the page (st.html keeps them to its own block).
LIST_CSS = """
.sm-timeline { list-style: none; margin: 0 0 8px; padding: 0; }
.sm-timeline > li { margin: 0 0 12px; padding-left: 10px; border-left: 4px solid #999999; }
.sm-timeline .sm-date { font-weight: 700; white-space: nowrap; }
.sm-timeline .sm-group { color: #4a5560; }
.sm-timeline p { margin: 2px 0; }
.sm-timeline .sm-sites { color: #4a5560; }
.sm-timeline .sm-sources { margin: 2px 0 0; padding-left: 1.2em; }
.sm-month { margin: 18px 0 6px; font-size: 1.1rem; }
"""


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
