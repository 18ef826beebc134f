"""Map page: every site the filters allow, coloured by status; click a marker for its story.

The map is drawn by stationmap.mapbuilder; this page lays it out, caches what does not change
between reruns, and shows the clicked site's details, status history, events and sources.
"""

from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from stationmap import assets, chrome, config, mapbuilder, popups
from stationmap.filters import count_headlines
from stationmap.i18n import _

# Tall enough for Europe's clusters and the legend on a laptop screen shared in a meeting.
MAP_HEIGHT_PX = 620
MAP_KEY = "site_map"
# One entry per filter combination and date; the timeline's play control steps through dates.
RECORD_CACHE_ENTRIES = 64


@st.cache_data(show_spinner=False, max_entries=RECORD_CACHE_ENTRIES)
def site_records(
    data_key: tuple, site_ids: tuple[str, ...], as_of: date | None, language: str, _app_view
) -> list[dict]:
    """The map's marker records for these sites, data version, date and language."""
    # The leading underscore keeps the view out of the cache key: the arguments before it
    # say everything the records depend on, and hash far faster than the tables.
    dataset, filtered = _app_view.dataset, _app_view.filtered
    return mapbuilder.build_site_records(
        filtered, events=dataset.events, sources=dataset.sources, as_of=as_of
    )


app_view = chrome.current_view()
dataset, view, filtered, state = app_view
texts = popups.current_texts()
map_assets = assets.detect_assets()
tiles = assets.configured_tiles()

st.title(_("Map"))
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

data_key = (str(config.data_dir()), chrome.data_fingerprint(config.data_dir()))
records = site_records(data_key, tuple(filtered.index), state.as_of, texts.language, app_view)
site_map = mapbuilder.build_map(
    filtered,
    events=dataset.events,
    sources=dataset.sources,
    tiles=tiles,
    assets=map_assets,
    as_of=state.as_of,
    records=records,
)
# Only a click on a marker reruns the page; panning and zooming stay in the browser.
clicked = st_folium(
    site_map,
    key=MAP_KEY,
    height=MAP_HEIGHT_PX,
    use_container_width=True,
    returned_objects=["last_object_clicked"],
)

site_id = mapbuilder.site_at(records, (clicked or {}).get("last_object_clicked"))
if site_id is None:
    st.caption(_("Click a marker to see that site's details, status history and sources here."))
else:
    details = popups.site_details(dataset, view.loc[site_id], state.as_of, texts)
    with st.container(border=True, key="site_details"):
        st.html(f"<style>{popups.POPUP_CSS}</style>{details}")
