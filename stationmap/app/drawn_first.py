"""A page's first visit in a session: its main widget first, the rest and the sidebar after.

In a browser's first visit every kind of widget has code of its own to fetch. Drawn with the
sites' table or the timeline's charts, the sidebar's filters, the language picker and the
page's own widgets made the browser fetch about 40 files besides the main widget's, over the
same few connections; the browser asks for them in the order of the page, the sidebar first,
so the main widget came last (scripts/bench.py measures it). So until this session's sidebar
has been drawn once, such a page draws what the reader came for, and a reporter
(``web/drawn-first.js``, an ``st.components.v2`` component, no frame of its own) that says when
it shows (an element matching the page's selector is in the document, or in a frame's: a
briefing slide's map); the run that report starts draws the rest. The map page does the same
with its map (render_order.map_first).

A page opened from another page (`page_entered`) has the sidebar's code already, and draws it
at once; but the timeline still waits for its first chart to show before it draws the second,
the sources page for the first rows of a long table before it draws the rest, the sites
page for its table before it draws what is under it and the footer (`hold_rest`), and the map
page for its map, which reports itself, before its counts and what is under it
(`hold_rest_for_map`, render_order.map_before_rest): each would hold back what the reader
sees first.
"""

from __future__ import annotations

from functools import cache

import streamlit as st

from stationmap import browser_code
from stationmap.app import ui_state

REPORTER_SCRIPT = "web/drawn-first.js"

# What says each page's main widget shows: the table's first cells; a chart's marks (Vega
# draws an SVG or a canvas).
SITES_TABLE = '[data-testid="stDataFrame"] [role="gridcell"]'
TIMELINE_CHART = '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
# The sources page's table of links: its first row.
SOURCES_TABLE = "table.sm-source-table tbody tr"
# A briefing slide's map, in its own frame: the live layer marks its map once it shows its view,
# its markers added (or none, for a view of no sites). In a frame only this attribute is watched
# (web/drawn-first.js says why).
SLIDE_MAP = ".leaflet-container[data-sm-view]"


def drawn_alone() -> bool:
    """Whether this run of a page draws its main widget alone, and stops there.

    Until this session's sidebar has been drawn once (then its code is in the browser) and
    until a main widget has said it shows.
    """
    return not (
        st.session_state.get(ui_state.CHROME_DRAWN)
        or st.session_state.get(ui_state.FIRST_VIEW_DRAWN)
    )


def note_page(path: str) -> None:
    """Say which page this run draws (its URL path), before it is drawn: `page_entered` then
    tells whether the run before drew another page (or none)."""
    before = st.session_state.get(ui_state.LAST_PAGE)
    st.session_state[ui_state.PAGE_ENTERED] = before != path
    st.session_state[ui_state.CAME_FROM_PAGE] = before is not None and before != path
    st.session_state[ui_state.LAST_PAGE] = path


def hold_rest() -> None:
    """Say that this run of the page has drawn its main widget (and a reporter) and leaves the
    rest of the page to the run the report starts: the footer waits for it too
    (ui_state.FOOTER_LEFT_OUT, which dashboard.py clears before each page)."""
    st.session_state[ui_state.FOOTER_LEFT_OUT] = True


def hold_rest_for_map() -> None:
    """`hold_rest` for the map page, whose map is its own reporter (its view message asks it to
    report once it has shown its sites: stationmap.app.render_order.map_before_rest): a run
    is to come (ui_state.REPORT_PENDING), as with `report_when_drawn`."""
    st.session_state[ui_state.REPORT_PENDING] = True
    hold_rest()


def page_entered() -> bool:
    """Whether this run draws its page afresh: the session's first run, or the first since a
    link to this page was followed from another page."""
    return bool(st.session_state.get(ui_state.PAGE_ENTERED, True))


def came_from_another_page() -> bool:
    """Whether this run draws its page because a link was followed from another page of this
    session (`page_entered`, but not the session's first run)."""
    return bool(st.session_state.get(ui_state.CAME_FROM_PAGE, False))


def _drawn() -> None:
    # The reporter's callback, before the run its report starts: that run draws everything.
    st.session_state[ui_state.FIRST_VIEW_DRAWN] = True


@cache
def _reporter():
    # Made on first use, once a process; each mount registers it with the server that runs it.
    return st.components.v2.component(
        "stationmap.drawn_first", js=browser_code.read(REPORTER_SCRIPT)
    )


def report_when_drawn(selector: str, *, in_frames: bool = False) -> None:
    """Put the reporter on the page: it starts the next run once an element matching
    `selector` is in the document (its trigger ``drawn``), or, `in_frames`, in a same-origin
    frame's document (then once the browser has painted it); it is left out of the runs after
    its report."""
    st.session_state[ui_state.REPORT_PENDING] = True
    _reporter()(
        key=ui_state.FIRST_VIEW_REPORTER,
        data={"selector": selector, "inFrames": in_frames},
        on_drawn_change=_drawn,
    )
