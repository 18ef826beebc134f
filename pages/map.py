"""Map page: every site the filters allow, coloured by status; click a marker for its story.

The map is drawn by stationmap.map.builder as a live map: its sites are built once per dataset
and language (stationmap.map.live_layer) and kept by the browser; each run sends only a map view
message (the filters and the date), which the map applies to the markers it has. Its play
control steps through the months inside the map, in the browser, without a rerun. Under the map:
the clicked site's details, status history, events and sources (its id in the address,
stationmap.app.opened_site), and the map as text with a list of its sites; before it, a link
that skips it (stationmap.app.map_access). On a session's first visit the page draws its title
and map alone, and the rest in the run the map starts once it has shown its sites
(render_order.map_first).
"""

from datetime import date

import streamlit as st

from stationmap import i18n
from stationmap.app import (
    chrome,
    data,
    drawn_first,
    map_access,
    opened_site,
    render_order,
    ui_state,
)
from stationmap.html import legend, markdown, popups
from stationmap.html.texts import current_texts
from stationmap.i18n import _
from stationmap.map import assets, folium_bridge, live_layer
from stationmap.map import builder as mapbuilder
from stationmap.map import records as map_records
from stationmap.map import source as map_source
from stationmap.record.facts import last_event_day
from stationmap.record.filters import apply_filters, count_headlines
from stationmap.timeline.events import earliest_report

# What streamlit-folium is told; in a browser the page's style sheet sizes the map to the
# window instead (folium_bridge.show_live_map, web/map-fit.css).
MAP_HEIGHT_PX = 620
BRIEFING_PAGE = "pages/briefing.py"
# The height of the counts' row with "Skip the map" under it (hidden until focused) at
# 1350x940, measured in Chromium: kept for them on a first visit, while only the map is drawn.
HEADLINE_ROW_PX = 130
COUNTS_PX = 114

dataset, site_view, filtered, state = chrome.page_data()
texts = current_texts()
map_assets = assets.detect_assets()
tiles = assets.configured_tiles()

# A session's first visit: the map alone, then the rest once the map says it is shown.
map_only = render_order.map_first(map_assets.local)
# Opened from another page: the map (and the sidebar) first, what is beside and under it once
# the map says it is shown.
rest_later = not map_only and render_order.map_before_rest(map_assets.local)
# The title and the line under it first, in reading order: drawn above a map already on the
# page, they would push it down (a layout shift). The map is made before the buttons and
# counts of these rows, which go into places kept for them: the browser then fetches the
# map's code before theirs, and the map appears sooner.
title_row = st.container(horizontal=True, vertical_alignment="center", key=ui_state.MAP_TITLE)
intro = st.container(key=ui_state.MAP_INTRO)
# The first screen says what is mapped and on what footing, before any count or marker.
with title_row:
    st.title(_("Alleged Chinese overseas police stations"), anchor=False)
with intro:
    st.markdown(
        _(
            "Every site is an allegation reported by NGOs or media: click one for its sources "
            "and the responses governments reported."
        )
    )
notices = st.container()
# The counts and, at its end, "Skip the map", right before the map; on a first visit they
# come with the next run, as when the page is opened from another, and their row's height is
# kept for them now.
headline_row = st.container(key=ui_state.MAP_HEADLINE)
if map_only or rest_later:
    headline_row.container(height=HEADLINE_ROW_PX, border=False)

# The map holds every site once; each run sends it only this message: the sites the filters allow
# on any date, the status filter and the date, which the map and its play control apply.
layer, source = map_source.live_layer(
    dataset, data.site_view, texts, shared=data.shared_cache_key() is not None
)
# A site named by the address (a shared link, "Show on map" on the sites page), not by a click.
focus = opened_site.focus_for_map()
view_message = live_layer.map_view_message(
    layer,
    live_layer.ids_in_play(site_view, state),
    as_of=state.as_of,
    statuses=state.statuses,
    first=earliest_report(dataset),
    # The slider ends at the last event (or at a later as-of date), not at today.
    last=max(last_event_day(dataset), state.as_of or date.min),
    focus=focus,
    report_shown=map_only or rest_later,
)
# Only a click on a marker reruns the page; panning, zooming and playing stay in the browser.
map_value = folium_bridge.show_live_map(
    mapbuilder.build_live_map(source, tiles=tiles, assets=map_assets),
    view_message,
    key=ui_state.SITE_MAP,
    frame_key=ui_state.MAP_FRAME,
    height=MAP_HEIGHT_PX,
    assets=map_assets,
)
if map_only:
    # The sidebar, the counts and the buttons come with the run the map's report starts.
    st.stop()


def render_rest() -> None:
    """What is beside and under the map: the counts, "Present this view", the notices, what a
    click on a marker opened and the map as text. From this script's values above; a function
    so that a run can leave it to the next (`rest_later`)."""
    if view_message["steps"]:
        st.caption(
            _(
                "Press Play on the map, or move its slider, to see the statuses month by month "
                "from the first report. The counts above follow the map's date when you let go of "
                "the slider or pause."
            )
        )

    # One set of numbers: the counts are for the day the map shows, the slider's once it has
    # settled on one (the map reports it), else the message's own.
    slider_day = folium_bridge.reported_day(map_value, view_message)
    if slider_day is None:
        counted_day = map_records.day_of_number(view_message["day"])
        counted = filtered
    else:
        counted_day = map_records.day_of_number(slider_day)
        counted = apply_filters(data.site_view(counted_day), state)
    headline = count_headlines(counted)
    with title_row:
        st.space("stretch")
        present = st.button(
            _("Present this view"),
            key=ui_state.PRESENT_VIEW,
            icon=":material/co_present:",
            help=_(
                "These filters and this date as one slide for a shared screen: large type, "
                "the map, its counts and sources, and nothing else"
            ),
        )
    if present:
        # The filters go along: they live in this session's sidebar widgets, whatever the page.
        st.switch_page(BRIEFING_PAGE, query_params={ui_state.PRESENT: "1"})
    with headline_row:
        counts_column, statuses_column = st.columns([2, 5], vertical_alignment="center")
        # The counts in a box of fixed height: the code of st.metric loads on a first visit after
        # the map, and would make the row grow and the map move down.
        with counts_column.container(height=COUNTS_PX, border=False):
            with st.container(horizontal=True):
                st.metric(_("Sites"), headline["sites"])
                st.metric(_("Countries"), headline["countries"])
            # Under the two counts, in the room the status list beside them leaves: which day every
            # number here is for (the map's, which its slider moves), at no cost in height.
            st.caption(_("Counts on {date}").format(date=i18n.day_label(counted_day)))
        with statuses_column:
            st.html(
                f"<style>{popups.POPUP_CSS}</style>{legend.status_counts_html(headline['by_status'])}"
            )
    with notices:
        if not map_assets.local:
            st.warning(
                _(
                    "Map assets missing: loading from public CDNs. The map needs a network, and "
                    "those CDNs learn who is viewing it. Run `make setup` with npm installed to "
                    "serve them from this app."
                ),
                icon=":material/cloud_off:",
            )
        if tiles.error:
            # The setting is quoted back: shown as typed, never as a link or formatting.
            st.error(markdown.plain(tiles.error), icon=":material/map:")

    with headline_row:
        map_access.skip_link()

    opened = opened_site.after_map(layer.placed, filtered.index)
    # What "Skip the map" moves focus to.
    after_map = st.container(key=ui_state.AFTER_MAP)
    with after_map:
        if opened.unknown is not None:
            map_access.unknown_site_note(opened.unknown)
        if opened.site_id is None:
            st.caption(
                _(
                    "Click a marker, or press Enter on it, to see that site's details, status "
                    "history and sources here."
                )
            )
        else:
            details = popups.site_details(
                dataset, site_view.loc[opened.site_id], state.as_of, texts
            )
            with st.container(border=True, key=ui_state.SITE_DETAILS):
                if state.as_of is not None:
                    st.caption(
                        _("As of {date}, the date in the sidebar.").format(
                            date=i18n.day_label(state.as_of)
                        )
                    )
                st.html(f"<style>{popups.POPUP_CSS}</style>{details}")
                st.button(
                    _("Close"),
                    key=ui_state.CLOSE_SITE,
                    icon=":material/close:",
                    on_click=opened_site.close,
                )
            if opened_site.take_list_focus() == opened.site_id:
                map_access.focus_details(opened.site_id)
        # The same rows and day as the counts above: one set of numbers.
        map_access.map_as_text(counted, counted_day, texts)


if rest_later:
    drawn_first.hold_rest_for_map()
else:
    render_rest()
