"""Timeline page: reports, police action and government responses in date order, with sources.

The tables, charts and HTML come from stationmap.timeline; this page lays them out. The events
are those about the sites the shared filters select, their countries and the world, up to the
as-of date in the sidebar.
"""

from datetime import date

import streamlit as st

from stationmap import chrome, i18n, popups, timeline, ui_state
from stationmap.i18n import _, n_

dataset, view, filtered, state = chrome.current_view()
until = state.as_of or date.today()
sources = dataset.sources.to_dict("index")
styles = f"<style>{popups.POPUP_CSS}{timeline.LIST_CSS}</style>"

st.title(_("Timeline"))
groups = st.pills(
    _("Kinds of event"),
    timeline.EVENT_GROUPS,
    selection_mode="multi",
    key=ui_state.EVENT_GROUP,
    format_func=timeline.group_label,
    help=_("Pick one or more kinds to show only those; with none picked, every kind is shown."),
    bind="query-params",
)
# Worldwide events belong with any site; with no site selected there is nothing to show.
scope = timeline.scope_for(filtered, include_global=not filtered.empty)
events = timeline.select_events(dataset, scope, groups, until=state.as_of)
counts = timeline.count_by_group(events)

columns = st.columns(4)
columns[0].metric(_("Events"), len(events))
for column, group in zip(
    columns[1:],
    (timeline.GROUP_POLICE, timeline.GROUP_GOVERNMENT, timeline.GROUP_EMBASSY),
    strict=True,
):
    column.metric(_(timeline.LANE_OF_GROUP[group]), counts[group])
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
    first = timeline.earliest_report(dataset)
    start = first.replace(day=1) if first else None
    # Exactly one country: a row per site, so a reader sees which site each event concerns.
    per_site = filtered["iso2"].nunique() == 1
    rows, order = timeline.chart_rows(
        events,
        per_site=per_site,
        site_names=dataset.sites["name"].to_dict(),
        countries=scope.countries,
    )

    st.subheader(_("Police visits and government responses"))
    lanes = st.altair_chart(
        timeline.build_timeline_chart(
            events, row_field="lane", start=start, end=until, name="lanes"
        ),
        on_select="rerun",
        selection_mode=timeline.SELECTIONS,
        key=ui_state.LANE_CHART,
        width="stretch",
    )
    # Filled in once both charts have been drawn, with what was clicked on either.
    selected_box = st.container()
    st.subheader(_("By site") if per_site else _("By country"))
    by_row = st.altair_chart(
        timeline.build_timeline_chart(rows, row_order=order, start=start, end=until, name="rows"),
        on_select="rerun",
        selection_mode=timeline.SELECTIONS,
        key=ui_state.TIMELINE_CHART,
        width="stretch",
    )
    undated = int(events["start"].isna().sum())
    notes = [
        _(
            "A dot is an event known to the day; a bar spans the month or year the sources "
            "give. Hover over one for its date, actor and summary; click it for its sources. "
            "Drag or scroll on a chart to zoom in on a period; double-click to zoom out."
        )
    ]
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
        dict.fromkeys(timeline.selected_event_ids(lanes) + timeline.selected_event_ids(by_row))
    )
    chosen = events[events["event_id"].isin(selected)]
    if not chosen.empty:
        with selected_box.container(border=True, key=ui_state.SELECTED_EVENTS):
            st.markdown(f"**{_('Selected on the charts')}**")
            st.html(styles + timeline.event_list_html(chosen, sources))

    st.subheader(_("Every event, by month"))
    st.html(styles + timeline.months_html(events, sources))
