"""The pages' button callbacks, kept out of the page scripts.

Streamlit keeps a button's callback, and its arguments, with the session's widgets for as long
as the session lives, even after its browser has gone. A function defined in a page script
keeps that script's globals alive with it: the dataset, the site view and the filtered rows,
which for an upload of 15,000 sites are a hundred megabytes. Defined here, a callback keeps
this module's globals only, and its arguments are small (an id, a request, a view's key).
"""

from __future__ import annotations

import streamlit as st

from stationmap.app import ui_state
from stationmap.briefing import view as briefing_view


def request_focus(site_id: str) -> None:
    """Ask for the map centred on a site (it holds even if the run starts over)."""
    st.session_state[ui_state.FOCUS_REQUEST] = site_id


def open_clicked_site(site_ids: tuple[str, ...]) -> None:
    """Open the details of the site whose Details button was pressed in the sites table.

    `site_ids` are the table's rows in the order it was given them; the click names a row of
    that order even when the reader has sorted the table.
    """
    click = st.session_state.get(ui_state.SITE_DETAILS_CLICK)
    row = click["row"] if click else None
    if row is not None and 0 <= row < len(site_ids):
        st.session_state[ui_state.SITE_CHOICE] = site_ids[row]


def request_offline_map(view_key: tuple) -> None:
    """Ask for the offline map of the view `view_key` names; the sites page builds it."""
    st.session_state[ui_state.OFFLINE_MAP_REQUEST] = view_key


def go(request: briefing_view.Request | None) -> None:
    """Show another slide, story or mode of the briefing: the URL says which."""
    if request is None:
        return
    params = briefing_view.request_params(request)
    for key in briefing_view.BRIEFING_PARAMS:
        if key in params:
            st.query_params[key] = params[key]
        elif key in st.query_params:
            del st.query_params[key]
