"""Map page: every site the filters allow, coloured by status; click a marker for its story.

The map is drawn by stationmap.map.builder as a live map: its sites are built once per dataset
and language and kept by the browser; each run sends only the view (the filters and the date),
which the map applies to the markers it has. Its play control steps through the months inside
the map, in the browser, without a rerun. Under the map: the clicked site's details, status
history, events and sources. On a session's first visit the page draws its title and map alone,
and the rest in the run the map starts once it has shown its sites (render_order.map_first).
"""

import streamlit as st

from stationmap import i18n
from stationmap.app import chrome, data, render_order, ui_state
from stationmap.html import legend, markdown, popups
from stationmap.i18n import _
from stationmap.map import assets, folium_bridge
from stationmap.map import builder as mapbuilder
from stationmap.map import source as map_source
from stationmap.record.dates import resolve_day
from stationmap.record.filters import count_headlines
from stationmap.timeline.events import earliest_report

# Tall enough for Europe's clusters, the legend and the play control on a laptop screen shared
# in a meeting.
MAP_HEIGHT_PX = 620
BRIEFING_PAGE = "pages/briefing.py"

dataset, view, filtered, state = chrome.page_data()
texts = popups.current_texts()
map_assets = assets.detect_assets()
tiles = assets.configured_tiles()

# The map is made first and the rows above it after, into places kept for them: the browser
# then fetches the map's code before the code of the buttons and counts, and the map appears
# sooner. On screen the order is the usual one.
title_row = st.container(horizontal=True, vertical_alignment="center")
headline_row = st.container()
notices = st.container()

# The map holds every site once; each run sends it only this view: the sites the filters allow
# on any date, the status filter and the date, which the map and its play control apply.
layer, source = map_source.live_layer(
    dataset, data.site_view, texts, shared=data.shared_cache_key() is not None
)
# "Show on map" on the sites page opens this page with ?site=<id>.
focus = st.query_params.get(ui_state.FOCUS_SITE)
# A session's first visit: the map alone, then the rest once the map says it is shown.
map_only = render_order.map_first(map_assets.local)
site_view = mapbuilder.live_view(
    layer,
    mapbuilder.sites_in_play(view, state).index,
    as_of=state.as_of,
    statuses=state.statuses,
    first=earliest_report(dataset),
    last=resolve_day(),
    focus=focus,
    report_shown=map_only,
)
# Only a click on a marker reruns the page; panning, zooming and playing stay in the browser.
map_value = folium_bridge.show_live_map(
    mapbuilder.build_live_map(source, tiles=tiles, assets=map_assets),
    site_view,
    key=ui_state.SITE_MAP,
    height=MAP_HEIGHT_PX,
)
with title_row:
    st.title(_("Map"))
if map_only:
    # The sidebar, the counts and the buttons come with the run the map's report starts.
    st.stop()
if site_view["steps"]:
    st.caption(
        _(
            "Press Play on the map, or move its slider, to see the statuses month by month "
            "from the first report. The counts above stay at the date in the sidebar."
        )
    )

with title_row:
    st.space("stretch")
    present = st.button(
        _("Present this view"),
        key=ui_state.PRESENT_VIEW,
        icon=":material/co_present:",
        help=_(
            "These filters and this date as one slide for a shared screen: large type, the map, "
            "its counts and sources, and nothing else"
        ),
    )
if present:
    # The filters go along: they live in this session's sidebar widgets, whatever the page.
    st.switch_page(BRIEFING_PAGE, query_params={ui_state.PRESENT: "1"})
headline = count_headlines(filtered)
with headline_row:
    sites_column, countries_column, statuses_column = st.columns(
        [1, 1, 5], vertical_alignment="center"
    )
    sites_column.metric(_("Sites"), headline["sites"])
    countries_column.metric(_("Countries"), headline["countries"])
    with statuses_column:
        st.html(
            f"<style>{popups.POPUP_CSS}</style>{legend.status_counts_html(headline['by_status'])}"
        )
with notices:
    if not map_assets.local:
        st.warning(
            _(
                "Map assets missing: loading from public CDNs. The map needs a network, and "
                "those CDNs learn who is viewing it. Run `make setup` with npm installed to serve "
                "them from this app."
            ),
            icon=":material/cloud_off:",
        )
    if tiles.error:
        # The setting is quoted back: shown as typed, never as a link or formatting.
        st.error(markdown.plain(tiles.error), icon=":material/map:")

site_id = mapbuilder.site_at(layer.placed, folium_bridge.clicked_position(map_value))
if site_id is None and focus in filtered.index:
    site_id = focus
if site_id is None:
    st.caption(_("Click a marker to see that site's details, status history and sources here."))
else:
    details = popups.site_details(dataset, view.loc[site_id], state.as_of, texts)
    with st.container(border=True, key=ui_state.SITE_DETAILS):
        if state.as_of is not None:
            st.caption(
                _("As of {date}, the date in the sidebar.").format(date=i18n.day_label(state.as_of))
            )
        st.html(f"<style>{popups.POPUP_CSS}</style>{details}")
