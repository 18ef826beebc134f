"""The dashboard under Streamlit's AppTest, in the state a browser session is in."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from stationmap import config
from stationmap.app import ui_state
from stationmap.map import folium_bridge

DASHBOARD = config.PROJECT_ROOT / "dashboard.py"
# The first run imports pandas, folium and the gazetteer; a cold CI machine needs a while.
RUN_TIMEOUT_S = 60


def map_has_shown(app: AppTest) -> AppTest:
    """As after the map page's map has shown its sites and said so, as it does in a browser.

    On a session's first visit the map page draws its map alone and the rest in the run that
    the map's report starts (render_order.map_first); AppTest runs no component, so tests of the
    whole page set the report the map would have sent. Call before the first run. The
    session's first run, which names no pages (render_order.navigation_position), is then
    behind it too.
    """
    app.session_state[ui_state.SITE_MAP] = {folium_bridge.MAP_SHOWN_REPORT: True}
    app.session_state[ui_state.NAVIGATION_DEFERRED] = True
    return app


def run_map(query: dict | None = None) -> AppTest:
    """The map page run whole (its map has shown), with `query` in its address."""
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S))
    app.query_params.update(query or {})
    return app.run()


def components_keyed(app: AppTest, key: str) -> list:
    """The page's st.components.v2 elements with `key` (the drawn-first reporter, the
    widget-code loader)."""
    return [element for element in app.get("bidi_component") if element.key == key]


def drawn_whole(app: AppTest) -> AppTest:
    """`app` after the run its drawn-first reporter starts in a browser, if its last run left one
    on the page (stationmap.app.drawn_first): AppTest runs no component, so this does what the
    reporter's callback does, then runs again. Pages opened from another page draw what is
    under the sites' table, the timeline's second chart and a long sources table in that run;
    the map page what is beside and under its map, in the run its map's report starts (AppTest
    runs no component either: the run is all it takes).
    """
    if components_keyed(app, ui_state.FIRST_VIEW_REPORTER):
        app.session_state[ui_state.FIRST_VIEW_DRAWN] = True
        app.run()
    elif app.session_state[ui_state.REPORT_PENDING]:
        app.run()
    return app


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [exception.value for exception in app.exception]


def open_each_tab(app: AppTest, key: str) -> dict[str, dict]:
    """Each tab of the lazy tabs `key` opened in turn, as a click on it would: only the open
    tab's content is made, so a test reads each tab in the run that opens it. By label, in
    order: what each showed (its Markdown, subheaders, HTML, tables and any exception). The
    app is left on its last tab."""
    labels = [tab.label for tab in app.tabs]
    texts = {}
    for label in labels:
        app.session_state[key] = label
        app.run()
        texts[label] = {
            "markdown": " ".join(block.value for block in app.markdown),
            "subheaders": [header.value for header in app.subheader],
            "html": " ".join(block.proto.body for block in app.get("html")),
            "dataframes": [frame.value for frame in app.dataframe],
            "exceptions": [exception.value for exception in app.exception],
        }
    return texts


def source_table_html(app: AppTest) -> str:
    """The sources page's table of links, as the page sent it."""
    bodies = [block.proto.body for block in app.get("html")]
    (table,) = [body for body in bodies if '<table class="sm-source-table"' in body]
    return table
