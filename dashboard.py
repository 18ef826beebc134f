"""Entry point: `streamlit run dashboard.py`.

Lays out the pages and the chrome they share; everything else lives in the stationmap package.
The sidebar filters are made here, so they hold on every page: after the page whenever the
filters are known without drawing them (the page's map then starts loading sooner), before it
on a first visit from a link with filters, which only the widgets can read. On a session's first
visit the map page stops after its map, and the sidebar comes with the next run (see
render_order.map_first); a session's first run names no pages, the next does (see
render_order.navigation_position).
"""

import streamlit as st

from stationmap import browser_code, i18n
from stationmap.app import (
    chrome,
    drawn_first,
    footer,
    heap,
    language,
    render_order,
    ui_state,
    widget_code,
)
from stationmap.i18n import _

# Before any session's data is made (it acts once a process; later runs skip it).
heap.limit_malloc_arenas()


def main() -> None:
    """Lay out the pages and the chrome, and run the chosen page.

    A function, not the script's top level: Streamlit leaves the last run's script module in
    ``sys.modules["__main__"]`` until another run replaces it, and a global here (the site view, the
    dataset) would keep the last session's data, an upload of 15,000 sites, after it has gone.
    """
    # First, before anything is drawn: the layout and whether the sidebar starts closed
    # (render_order.sidebar_state says why). An emoji, not a :material: icon: Streamlit
    # fetches a material favicon from a Google host.
    st.set_page_config(
        page_icon="🗺️", layout="wide", initial_sidebar_state=render_order.sidebar_state()
    )
    # Before any text, so the title, the page names and everything after them are in the
    # chosen language.
    language_picker = language.choose_language()
    render_order.show_app_navigation()
    # A session's first run names no pages: they come with the next (render_order says why).
    navigation_position = render_order.navigation_position()
    navigation = st.navigation(
        [
            st.Page(
                "pages/map.py", title=_("Map"), icon=":material/map:", url_path="", default=True
            ),
            st.Page(
                "pages/timeline.py",
                title=_("Timeline"),
                icon=":material/timeline:",
                url_path="timeline",
            ),
            st.Page(
                "pages/sites.py", title=_("Sites"), icon=":material/table_rows:", url_path="sites"
            ),
            st.Page(
                "pages/briefing.py",
                title=_("Briefing"),
                icon=":material/co_present:",
                url_path="briefing",
            ),
            st.Page(
                chrome.SOURCES_PAGE,
                title=_("Sources"),
                icon=":material/menu_book:",
                url_path="sources",
            ),
            st.Page(
                chrome.UPLOAD_PAGE,
                title=_("Your data"),
                icon=":material/upload_file:",
                url_path="upload",
            ),
        ],
        position=navigation_position,
    )
    # The page's own tab title; a briefing slide sets its own after this.
    st.set_page_config(page_title=i18n.tab_title(navigation.title))
    # Style only, so it takes no room: the rules every page shares, from the first run on.
    st.html(f"<style>{browser_code.read('web/page.css')}</style>")
    drawn_first.note_page(navigation.url_path)
    chrome.render_notices()
    st.session_state[ui_state.FOOTER_LEFT_OUT] = False
    st.session_state[ui_state.REPORT_PENDING] = False
    known = render_order.filters_before_sidebar()
    if known is None:
        # A first visit from a link with filters: the sidebar's widgets read them from the link.
        page = chrome.render_chrome()
        navigation.run()
    else:
        # The page first, then the sidebar: the page's map starts loading sooner.
        chrome.use_filters(known)
        navigation.run()
        page = chrome.render_chrome(page_filters=known)
    language.render_language_picker(language_picker)
    if not st.session_state[ui_state.FOOTER_LEFT_OUT]:
        footer.render_footer(page.dataset)
        # Last: the other pages' widget code, once this page is drawn and the browser idle.
        widget_code.load_widget_code()
    # Reached only by a run that drew its whole page (a first visit's held run stops inside it).
    render_order.show_deferred_navigation(navigation_position)


main()
