"""What a run draws first: the page before the sidebar when it can, the map alone at first.

Also the one patch of Streamlit's internals the app needs (:func:`rerun_through_entry_point`):
a page opened before ``dashboard.py`` first ran is run again through it; and what keeps
Streamlit's own file-name navigation out of sight meanwhile (:func:`show_app_navigation`).
"""

from __future__ import annotations

import streamlit as st

from stationmap.app import ui_state
from stationmap.app.data import filter_choices
from stationmap.app.drawn_first import came_from_another_page
from stationmap.app.sidebar import filters_in_session
from stationmap.map import folium_bridge
from stationmap.record.dates import resolve_day
from stationmap.record.filters import FilterState


def rerun_through_entry_point() -> None:
    """Run again through dashboard.py if Streamlit ran a page script on its own."""
    # Streamlit decides per process, before the first run, whether the app is an old-style
    # multipage app, and it says yes for any app beside a folder named `pages/`. Until
    # dashboard.py has called st.navigation once, a request for /sites then runs
    # pages/sites.py alone: no sidebar filters, file names in the menu. That is exactly what
    # the first visitor after a restart gets from a shared deep link (and what every AppTest
    # run gets). There is no public switch, so clear the internal flag st.navigation itself
    # clears and run again, this time through dashboard.py, at the same address and query.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# Off in .streamlit/config.toml, on once dashboard.py runs: see show_app_navigation.
SIDEBAR_NAVIGATION_OPTION = "client.showSidebarNavigation"


def show_app_navigation() -> None:
    """Let the sidebar show the app's own navigation, from the first run of dashboard.py on.

    Until dashboard.py has called st.navigation once in this process, Streamlit treats the app
    as an old-style multipage app (see `rerun_through_entry_point`) and sends the browser a
    navigation of the file names in `pages/` ("dashboard, briefing, map, ...") before it runs
    the page; a first deep link after a restart showed it for seconds. .streamlit/config.toml
    hides sidebar navigation, so that one never shows; st.navigation's own would be hidden too,
    so dashboard.py turns the option on (a public, scriptable option) before calling it.
    """
    if st.get_option(SIDEBAR_NAVIGATION_OPTION) is False:
        st.set_option(SIDEBAR_NAVIGATION_OPTION, True)


def navigation_position() -> str:
    """Where st.navigation names the pages: across the top, but not in a session's first run.

    Streamlit's top navigation is the costliest part of a first paint that the floors do not
    have: the six names, then a change to the navigation's own section, are commits of their
    own that the browser makes before the page's main widget. In interleaved first visits of
    the map on the shipped data (docs/performance.md, fifteenth round) the map showed 0.10 s
    sooner without them, as soon as a bare st_folium page. So a session's first run leaves the
    names out; the run after it (the one the page's report starts, see `map_first` and
    stationmap.app.drawn_first) puts them in the header. The gap above the page is set in the
    theme (.streamlit/config.toml, paddingTop), the same with or without them, so nothing
    moves when they come. A first run from a link with filters draws its whole page at once,
    names included.
    """
    if ui_state.NAVIGATION_DEFERRED in st.session_state:
        return "top"
    # Set on the session's first run either way: a later run is never a first one, and one
    # that named no pages after a link's first run would run again for them, under a click.
    st.session_state[ui_state.NAVIGATION_DEFERRED] = True
    return "top" if link_sets_filters() else "hidden"


def show_deferred_navigation(position: str) -> None:
    """At the end of a run that drew its whole page: if it left the pages' names out
    (`navigation_position`) and no report is to start another run, run again to show them."""
    if position == "hidden" and not st.session_state.get(ui_state.REPORT_PENDING):
        st.rerun()


def filters_before_sidebar() -> FilterState | None:
    """The filters in force, read without drawing the sidebar; None if only it can tell.

    The sidebar's widgets keep their values in session state from one run to the next, so
    once they have been drawn, this run's filters are known before they are drawn again; and
    a session's first run with no filters in its link has the defaults. Only a first run from
    a link with filters needs the widgets, which read the link when they are made. Knowing the
    filters first lets a page be drawn before the sidebar: the map then starts loading while
    the sidebar is still being made.
    """
    if link_sets_filters():
        return None
    return filters_in_session(filter_choices(), resolve_day())


def map_first(assets_local: bool) -> bool:
    """Whether this run of the map page draws its title and map only, and stops there.

    In a browser's first visit, each kind of widget on the page has code of its own to fetch:
    drawn with the map, the sidebar's filters and the page's buttons and counts make the
    browser fetch about 40 more files than a page with a map alone, over the same few
    connections as the map's own code, and the map shows later (scripts/bench.py measures
    it). So until this session's sidebar has been drawn once, the map page draws its map
    first; the map reports when it has shown its sites (`folium_bridge.map_was_shown` of its
    value), and the run that report starts draws the rest of the page.

    Not when the map's code comes from a CDN (`assets_local` False): a map that may never
    load would never report, and the page would never get its filters.
    """
    if not assets_local or st.session_state.get(ui_state.CHROME_DRAWN):
        return False
    return not folium_bridge.map_was_shown(st.session_state.get(ui_state.SITE_MAP))


def map_before_rest(assets_local: bool) -> bool:
    """Whether this run of the map page, opened from another page, draws its map (and the
    sidebar, whose code the browser has) and leaves what is beside and under it (the counts,
    "Present this view", a clicked site's details, the map as text) to the run the map's
    report starts, as on a first visit (`map_first`).

    That rest is the page's main thread's work while the map's frame loads its scripts and
    clusters the sites, and the server's while it sends them: at 10,000 synthetic sites,
    timeline -> map took 0.38 s with it held and 0.48 s without (medians of 12 changes each,
    alternating in one session; docs/performance.md, sixteenth round). Its row above the map
    keeps its height meanwhile, so nothing moves when it comes. Not when the map's code comes
    from a CDN (`assets_local` False), as for `map_first`.
    """
    return assets_local and came_from_another_page()


def link_sets_filters() -> bool:
    """Whether this is a session's first run and its link sets filters (only the sidebar's
    widgets can read them, when they are made)."""
    first_run = ui_state.CURRENT_FILTERS not in st.session_state
    return first_run and any(key in st.query_params for key in ui_state.FILTER_KEYS)


def sidebar_state() -> str:
    """How the sidebar (the filters) starts: closed, unless the link set filters.

    Streamlit paints its empty app frame full width before the first message; a sidebar
    that opens then pushes the whole page 300 px right, a layout shift of 0.22 on every first
    visit (docs/performance.md). Closed, it moves nothing, and the reader opens it with the
    button at the top left; Streamlit keeps it open from then on, across pages and reloads.
    A first run from a link with filters opens it, so the reader sees at once which filters
    the link set. Said in the run's first message (a sidebar drawn before it would open), and
    the same on every run of the session: Streamlit applies it whenever it changes, and would
    close a sidebar the reader has open.
    """
    if ui_state.SIDEBAR_START not in st.session_state:
        st.session_state[ui_state.SIDEBAR_START] = (
            "expanded" if link_sets_filters() else "collapsed"
        )
    return st.session_state[ui_state.SIDEBAR_START]
