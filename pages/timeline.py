"""Timeline page: reports, police action and government responses in date order, with sources.

The tables, charts and HTML come from stationmap.timeline; this page lays them out. The events
are those about the sites the shared filters select, their countries and the world, up to the
as-of date in the sidebar. On a session's first visit the first chart comes with only what is
above it, for the kinds of event the link names, and the rest (the kinds' pills and everything
under the chart) with the sidebar in the run its report starts (stationmap.app.drawn_first);
opened from another page, only the second chart waits for that run.
"""

from collections.abc import Mapping

import streamlit as st

from stationmap import i18n
from stationmap.app import chrome, data, drawn_first, ui_state
from stationmap.html import popups
from stationmap.i18n import _, n_
from stationmap.record.facts import last_event_day
from stationmap.timeline.charts import MAX_EVENT_MARKS, TimelineChart
from stationmap.timeline.event_list import (
    LIST_CSS,
    event_list_html,
    kinds_legend_html,
    latest_month,
    months_html,
)
from stationmap.timeline.events import (
    EVENT_GROUPS,
    MAX_COUNTRY_ROWS,
    counts_markdown,
    group_label,
    groups_named,
)
from stationmap.timeline.view import TimelineView, build_timeline_view

# Room around a chart in the box that holds its place, so it never needs a scroll bar.
CHART_FRAME_PX = 16
# The height of the box Streamlit draws for a widget until its code has loaded (Chromium,
# Streamlit 1.67).
WIDGET_BOX_PX = 40


def chart_place(chart: TimelineChart):
    """A box as tall as `chart`, for it to be drawn in."""
    return st.container(height=chart.height + CHART_FRAME_PX, border=False)


def widget_row():
    """A row at least as tall as the box Streamlit draws for a widget until its code has loaded,
    for such a widget: shorter than that box (one row of pills), it then moves nothing when its
    code comes (a layout shift); taller, the row grows."""
    row = st.container(horizontal=True, wrap=False, gap=None)
    # An empty box that high, first: at the element's left, level with its top, nothing moves
    # sideways either.
    row.container(height=WIDGET_BOX_PX, width=1, border=False)
    return row


def render_event_list(timeline: TimelineView, sources: Mapping[str, Mapping], styles: str) -> None:
    """Every event under its month heading, or past MAX_LISTED_EVENTS one month at a time."""
    events = timeline.events
    if timeline.list_html is not None:
        # With the script of its links to each year (event_list.jump_html).
        st.html(styles + timeline.list_html, unsafe_allow_javascript=True)
    else:
        # Too many to lay out at once: the reader picks a month, and sees its events in full.
        months = timeline.months
        headings = list(months)
        heading = st.selectbox(
            _("Month"),
            headings,
            index=latest_month(headings),
            key=ui_state.TIMELINE_MONTH,
            format_func=lambda heading: n_(
                "{month}: {n} event", "{month}: {n} events", len(months[heading])
            ).format(month=heading, n=len(months[heading])),
        )
        st.caption(
            n_(
                "{n} event is too many to list at once: pick a month to list its events with "
                "their sources.",
                "{n} events are too many to list at once: pick a month to list its events with "
                "their sources.",
                len(events),
            ).format(n=len(events))
        )
        st.html(styles + months_html(months[heading], sources))


dataset, site_view, filtered, state = chrome.page_data()
# The axis and the caption end at the as-of date, or at the last event: not at today.
until = state.as_of or last_event_day(dataset)
sources = data.shared_result("sources_by_id", (), lambda: dataset.sources.to_dict("index"))
styles = f"<style>{popups.POPUP_CSS}{LIST_CSS}</style>"

st.title(_("Timeline"))
# Nothing above the charts may change height once drawn (a layout shift): the code of a widget
# loads after the page is drawn, and until then Streamlit keeps it a box WIDGET_BOX_PX high. So
# the pills say what they do in a caption, drawn at once, and keep their label for screen
# readers only: one row of them fits that box (widget_row). The counts are text, drawn at once
# (not st.metric).
st.caption(_("Pick one or more kinds to show only those; with none picked, every kind is shown."))
first_visit = drawn_first.drawn_alone()
with widget_row():
    if first_visit:
        # A session's first visit: the pills' code would load beside Vega's and hold the first
        # chart back (about 0.1 s at 100 sites: docs/performance.md). They come in this row with
        # the run the chart's report starts, and the chart shows the kinds the link asks for.
        groups = groups_named(st.query_params.get_all(ui_state.EVENT_GROUP))
    else:
        groups = st.pills(
            _("Kinds of event"),
            EVENT_GROUPS,
            selection_mode="multi",
            key=ui_state.EVENT_GROUP,
            format_func=group_label,
            label_visibility="collapsed",
            bind="query-params",
        )
# Built once per dataset, language, filters and kinds of event, and shared by every session:
# a click on a chart or a month picked below reruns the page and rebuilds nothing.
timeline = data.shared_result(
    "timeline",
    (state, tuple(groups or ()), until),
    lambda: build_timeline_view(dataset, filtered, groups or (), as_of=state.as_of, until=until),
)
events, counts, per_site = timeline.events, timeline.counts, timeline.per_site

st.markdown(counts_markdown(len(events), counts))
st.caption(
    n_(
        "Events about the {n} site the filters select, its country and the world, from the "
        "first report to {date}.",
        "Events about the {n} sites the filters select, their countries and the world, from "
        "the first report to {date}.",
        len(filtered),
    ).format(n=len(filtered), date=i18n.day_label(until))
)

if events.empty:
    st.info(_("No events match these filters."), icon=":material/event_busy:")
else:
    lane_chart, row_chart = timeline.lane_chart, timeline.row_chart

    st.subheader(_("Police visits and government responses"))
    # Each chart in a box of its height, drawn at once: the chart itself shows only once the
    # browser has Vega, and would push everything under it down (a layout shift). Its spec was
    # made with the view, once (charts.vega_lite_spec): st.altair_chart would convert and check
    # the Altair chart again on every run.
    lanes = chart_place(lane_chart).vega_lite_chart(
        lane_chart.spec,
        on_select="rerun",
        selection_mode=lane_chart.selections,
        key=ui_state.LANE_CHART,
        width="stretch",
    )
    if first_visit:
        # A session's first visit: the rest of the page (under this chart: it moves nothing
        # when it comes), the sidebar, the pills and the language come with the run this
        # chart's report starts, and their code loads after Vega's. What the browser lays out
        # beside the chart holds it back: with the legend and the second chart's box in this
        # run too, the shipped data's timeline took 1.18-1.21x its floor in probes; without,
        # 1.12-1.13x (docs/performance.md, fourteenth round).
        drawn_first.report_when_drawn(drawn_first.TIMELINE_CHART)
        st.stop()
    # Under the first chart, so that on a first visit it comes after it without moving it.
    if not lane_chart.counts:
        st.html(styles + kinds_legend_html(events))
    # Filled in once both charts have been drawn, with what was clicked on either.
    selected_box = st.container()
    st.subheader(_("By site") if per_site else _("By country"))
    if filtered["iso2"].nunique() == 1 and not per_site:
        st.caption(
            n_(
                "{n} site is too many for a row each: the chart has a row for the country, and "
                "the list below names each event's sites.",
                "{n} sites are too many for a row each: the chart has a row for the country, "
                "and the list below names each event's sites.",
                len(filtered),
            ).format(n=len(filtered))
        )
    if timeline.shared_row_countries:
        st.caption(
            n_(
                "The {kept} countries with the most events have a row each; the other {n} "
                "country shares the last one. Pick countries in the sidebar to give each a row.",
                "The {kept} countries with the most events have a row each; the other {n} "
                "countries share the last one. Pick countries in the sidebar to give each a row.",
                timeline.shared_row_countries,
            ).format(kept=MAX_COUNTRY_ROWS - 1, n=timeline.shared_row_countries)
        )
    # When the page is opened from another page this chart (most often below the fold, and up
    # to 40 rows: at 10,000 sites Vega took 0.35-0.42 s to draw both) comes in the run the first
    # chart's report starts: its box is kept meanwhile, so nothing under it moves. The rest of
    # the page and the sidebar come at once, and the reporter waits in this chart's box.
    row_later = drawn_first.page_entered()
    row_place = chart_place(row_chart)
    if row_later:
        with row_place:
            drawn_first.report_when_drawn(drawn_first.TIMELINE_CHART)
    by_row = (
        None
        if row_later
        else row_place.vega_lite_chart(
            row_chart.spec,
            on_select="rerun",
            selection_mode=row_chart.selections,
            key=ui_state.TIMELINE_CHART,
            width="stretch",
        )
    )
    undated = int(events["start"].isna().sum())
    notes = []
    if not (lane_chart.counts and row_chart.counts):
        notes.append(
            _(
                "A dot is an event known to the day; a bar spans the month or year the sources "
                "give. Hover over one for its date, actor and summary; click it for its sources. "
                "Drag or scroll on a chart to zoom in on a period; double-click to zoom out."
            )
        )
    if lane_chart.counts or row_chart.counts:
        notes.append(
            n_(
                "With more than {n} event, a chart shows how many events each row has per "
                "month: the darker the cell, the more events. A thin strip under a row counts "
                "the events known only to the year. Hover over a cell for its counts by kind; "
                "click it to list its events with their sources. Drag or scroll on a chart to "
                "zoom in on a period; double-click to zoom out.",
                "With more than {n} events, a chart shows how many events each row has per "
                "month: the darker the cell, the more events. A thin strip under a row counts "
                "the events known only to the year. Hover over a cell for its counts by kind; "
                "click it to list its events with their sources. Drag or scroll on a chart to "
                "zoom in on a period; double-click to zoom out.",
                MAX_EVENT_MARKS,
            ).format(n=MAX_EVENT_MARKS)
        )
    if undated:
        notes.append(
            n_(
                "{n} event with no known date is listed at the end, not on the charts.",
                "{n} events with no known date are listed at the end, not on the charts.",
                undated,
            ).format(n=undated)
        )
    st.caption(" ".join(notes))

    selected = list(
        dict.fromkeys(lane_chart.clicked_event_ids(lanes) + row_chart.clicked_event_ids(by_row))
    )
    chosen = events[events["event_id"].isin(selected)]
    if not chosen.empty:
        with selected_box.container(border=True, key=ui_state.SELECTED_EVENTS):
            st.markdown(f"**{_('Selected on the charts')}**")
            st.html(styles + event_list_html(chosen, sources))

    st.subheader(_("Every event, by month"))
    # On request: the list of a hundred events with their sources is more for the browser to
    # lay out than both charts, and would hold them back. Its content is made only while the
    # expander is open (a run of its own when it opens).
    listing = st.expander(
        n_(
            "List the {n} event with its sources",
            "List the {n} events with their sources",
            len(events),
        ).format(n=len(events)),
        key=ui_state.TIMELINE_LIST,
        on_change="rerun",
    )
    if listing.open:
        with listing:
            render_event_list(timeline, sources, styles)
