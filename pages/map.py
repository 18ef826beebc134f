"""Map page: every site the filters allow, coloured by status; click a marker for its story.

The map is drawn by stationmap.mapbuilder; this page lays it out, caches what does not change
between reruns, and shows the clicked site's details, status history, events and sources.
Its play control steps through the months inside the map, in the browser, without a rerun.
"""

from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from stationmap import assets, chrome, i18n, mapbuilder, popups, timeline, ui_state
from stationmap.filters import count_headlines
from stationmap.i18n import _
from stationmap.status import status_histories

# Tall enough for Europe's clusters, the legend and the play control on a laptop screen shared
# in a meeting.
MAP_HEIGHT_PX = 620
# One entry per filter combination and date.
RECORD_CACHE_ENTRIES = 64
BRIEFING_PAGE = "pages/briefing.py"


def build_records(sites: pd.DataFrame, dataset, as_of: date | None) -> list[dict]:
    """The map's marker records for these sites, with each site's status history for playing."""
    return mapbuilder.build_site_records(
        sites,
        events=dataset.events,
        sources=dataset.sources,
        as_of=as_of,
        histories=status_histories(dataset),
    )


@st.cache_data(show_spinner=False, max_entries=RECORD_CACHE_ENTRIES)
def cached_records(
    data_key: tuple,
    site_ids: tuple[str, ...],
    as_of: date | None,
    language: str,
    _sites: pd.DataFrame,
    _dataset,
) -> list[dict]:
    """`build_records`, kept per data version, sites, date and language."""
    # The leading underscores keep the tables out of the cache key: the arguments before them
    # say everything the records depend on, and hash far faster than the tables.
    return build_records(_sites, _dataset, as_of)


dataset, view, filtered, state = chrome.current_view()
texts = popups.current_texts()
map_assets = assets.detect_assets()
tiles = assets.configured_tiles()

with st.container(horizontal=True, vertical_alignment="center"):
    st.title(_("Map"))
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
sites_column, countries_column, statuses_column = st.columns([1, 1, 5], vertical_alignment="center")
sites_column.metric(_("Sites"), headline["sites"])
countries_column.metric(_("Countries"), headline["countries"])
with statuses_column:
    st.html(f"<style>{popups.POPUP_CSS}</style>{popups.status_counts_html(headline['by_status'])}")

if not map_assets.local:
    st.warning(
        _(
            "Map assets missing: loading from public CDNs. The map needs a network, and those "
            "CDNs learn who is viewing it. Run `make setup` with npm installed to serve them "
            "from this app."
        ),
        icon=":material/cloud_off:",
    )
if tiles.error:
    st.error(tiles.error, icon=":material/map:")

# The map holds every site the filters allow on any date; the play control shows each only
# from its first report, and only while its status is one the filters choose.
in_play = mapbuilder.sites_in_play(view, state)
first_report = timeline.earliest_report(dataset)
play = None
if first_report is not None:
    play = mapbuilder.Play(
        histories=status_histories(dataset),
        first=first_report,
        last=date.today(),
        statuses=state.statuses,
    )
data_key = chrome.shared_cache_key()
if data_key is None:
    # This session's uploaded data: never in a cache other sessions share.
    records = build_records(in_play, dataset, state.as_of)
else:
    records = cached_records(
        data_key, tuple(in_play.index), state.as_of, texts.language, in_play, dataset
    )
# "Show on map" on the sites page opens this page with ?site=<id>.
focus = st.query_params.get(ui_state.FOCUS_SITE)
site_map = mapbuilder.build_map(
    in_play,
    events=dataset.events,
    sources=dataset.sources,
    tiles=tiles,
    assets=map_assets,
    as_of=state.as_of,
    records=records,
    play=play,
    focus=focus,
)
# Only a click on a marker reruns the page; panning, zooming and playing stay in the browser.
clicked = st_folium(
    site_map,
    key=ui_state.SITE_MAP,
    height=MAP_HEIGHT_PX,
    use_container_width=True,
    returned_objects=["last_object_clicked"],
)
if play is not None and records:
    st.caption(
        _(
            "Press Play on the map, or move its slider, to see the statuses month by month "
            "from the first report. The counts above stay at the date in the sidebar."
        )
    )

site_id = mapbuilder.site_at(records, (clicked or {}).get("last_object_clicked"))
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
