"""The sites page's first visit: its table first, the rest of the page and the sidebar after.

In a browser's first visit every kind of widget has code of its own to fetch. Drawn with the
table, the sidebar's filters, the language picker and the page's own widgets made the browser
fetch about 40 files besides the table's, over the same few connections; the browser asks for
them in the order of the page, the sidebar first, so the table came last (scripts/bench.py
measures it). So until this session's sidebar has been drawn once, the sites page draws its
title, counts and table, and a reporter (``web/table-drawn.js``, an ``st.components.v2``
component, no frame of its own) that says when the table shows its cells; the run that report
starts draws the rest. The map page does the same with its map (render_order.map_first).
"""

from __future__ import annotations

from functools import cache

import streamlit as st

from stationmap import browser_code
from stationmap.app import ui_state

REPORTER_SCRIPT = "web/table-drawn.js"


def table_alone() -> bool:
    """Whether this run of the sites page draws its table alone, and stops there.

    Until this session's sidebar has been drawn once (then its code is in the browser) and
    until the table has said it is drawn.
    """
    return not (
        st.session_state.get(ui_state.CHROME_DRAWN) or st.session_state.get(ui_state.TABLE_DRAWN)
    )


def _table_drawn() -> None:
    # The reporter's callback, before the run its report starts: that run draws everything.
    st.session_state[ui_state.TABLE_DRAWN] = True


@cache
def _reporter():
    # Made on first use, once a process; each mount registers it with the server that runs it.
    return st.components.v2.component(
        "stationmap.table_drawn", js=browser_code.read(REPORTER_SCRIPT)
    )


def report_when_drawn() -> None:
    """Put the reporter on the page: it starts the next run once the table shows its cells
    (its trigger ``drawn``), and is left out of the runs after its report."""
    _reporter()(key=ui_state.TABLE_DRAWN_REPORTER, on_drawn_change=_table_drawn)
