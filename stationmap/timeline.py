"""Timelines of reports, police action and government responses, as pure tables and charts.

Events are grouped into a few kinds a reader can tell apart at a glance, and each is drawn over
the period its date actually covers: an event known only to the month spans that month, so the
chart never shows a false exact day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import altair as alt
import pandas as pd

from stationmap import schema
from stationmap.loader import Dataset

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

# Colour-blind-safe (Okabe-Ito), and distinct from nothing else on the same chart.
GROUP_COLORS = {
    GROUP_REPORTS: "#999999",
    GROUP_POLICE: "#0072B2",
    GROUP_GOVERNMENT: "#E69F00",
    GROUP_EMBASSY: "#CC79A7",
    GROUP_LEGAL: "#D55E00",
}

# The two lanes the UK statement of 6 June 2023 tells its story in.
LANE_POLICE = "Police visits and investigations"
LANE_GOVERNMENT = "Government responses"
LANE_OTHER = "Reports, embassy and legal steps"
LANE_OF_GROUP = {
    GROUP_POLICE: LANE_POLICE,
    GROUP_GOVERNMENT: LANE_GOVERNMENT,
    GROUP_REPORTS: LANE_OTHER,
    GROUP_EMBASSY: LANE_OTHER,
    GROUP_LEGAL: LANE_OTHER,
}

GLOBAL_ROW = "Worldwide"
UNDATED_HEADING = "Date not known"

TIMELINE_COLUMNS = [
    "event_id",
    "date_label",
    "start",
    "end",
    "date_precision",
    "month_heading",
    "country",
    "iso2",
    "row_label",
    "event_type",
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


def month_heading(when) -> str:
    """The heading an event is listed under: 'June 2023', '2022 (month not known)', …"""
    if when is None:
        return UNDATED_HEADING
    if when.precision == "year":
        return f"{when.start.year} (month not known)"
    return f"{when.start:%B %Y}"


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


def select_events(dataset: Dataset, scope: EventScope, groups: Iterable[str] = ()) -> pd.DataFrame:
    """Events in scope, as a timeline table in date order (undated last).

    An event is in scope if it names a site in scope, or names no site and concerns a country
    in scope, or is worldwide (when the scope includes worldwide events). A statement by a
    country that hosts no site at all (China's foreign ministry answering the reports) is about
    every site, so it counts as worldwide.
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
        shown_sites = [s for s in event.site_ids if s in scope.site_ids] or list(event.site_ids)
        rows.append(
            {
                "event_id": event.event_id,
                "date_label": when.label() if when else UNDATED_HEADING,
                "start": pd.Timestamp(when.start) if when else pd.NaT,
                # The bar runs to the end of the last day of the period.
                "end": pd.Timestamp(when.end + timedelta(days=1)) if when else pd.NaT,
                "date_precision": event.date_precision,
                "month_heading": month_heading(when),
                "country": event.country,
                "iso2": event.iso2,
                "row_label": event.country if event.iso2 else GLOBAL_ROW,
                "event_type": event.event_type,
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


def per_site_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, site) so a single-country chart can have a row per site."""
    exploded = events.assign(site_id=events["site_ids"].map(lambda ids: list(ids) or [""]))
    exploded = exploded.explode("site_id")
    return exploded


def build_timeline_chart(
    events: pd.DataFrame,
    *,
    row_field: str = "row_label",
    row_title: str = "Country",
    group_labels: dict[str, str] | None = None,
    start: date | None = None,
    end: date | None = None,
    height_per_row: int = 28,
) -> alt.Chart:
    """A Vega-Lite chart: one row per country (or site), a bar over each event's period.

    Dated events only; hover shows date, actor and summary; clicking selects an event (the
    selection is named 'event' so the page can show its sources).
    """
    dated = events[events["start"].notna()].copy()
    group_labels = group_labels or {group: group for group in EVENT_GROUPS}
    dated["group_label"] = dated["group"].map(group_labels)
    dated = dated.drop(columns=["site_ids", "source_ids"])
    rows = max(dated[row_field].nunique(), 1)
    domain = None
    if start and end:
        domain = [pd.Timestamp(start).isoformat(), pd.Timestamp(end).isoformat()]
    selection = alt.selection_point(name="event", fields=["event_id"], on="click", empty=False)
    x_scale = alt.Scale(domain=domain) if domain else alt.Undefined
    base = alt.Chart(dated).encode(
        x=alt.X("start:T", title=None, scale=x_scale, axis=alt.Axis(format="%b %Y")),
        y=alt.Y(f"{row_field}:N", title=row_title, sort=None),
        color=alt.Color(
            "group_label:N",
            title=None,
            scale=alt.Scale(
                domain=[group_labels[g] for g in EVENT_GROUPS],
                range=[GROUP_COLORS[g] for g in EVENT_GROUPS],
            ),
            legend=alt.Legend(orient="top"),
        ),
        opacity=alt.condition(selection, alt.value(1.0), alt.value(0.8)),
        tooltip=[
            alt.Tooltip("date_label:N", title="Date"),
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("summary:N", title="Summary"),
            alt.Tooltip("site_names:N", title="Sites"),
        ],
    )
    # A month or a year is drawn as a bar over that whole period; a known day as a dot, so
    # nothing looks more exact than the source.
    spans = (
        base.transform_filter(alt.datum.date_precision != "day")
        .mark_bar(height=12, cornerRadius=2)
        .encode(x2="end:T")
    )
    days = (
        base.transform_filter(alt.datum.date_precision == "day")
        .mark_point(filled=True, size=110, shape="circle")
        .encode(strokeWidth=alt.condition(selection, alt.value(2), alt.value(0)))
    )
    chart = (
        alt.layer(spans, days)
        .add_params(selection)
        .properties(height=rows * height_per_row + 40, width="container")
    )
    return chart
