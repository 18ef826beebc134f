"""The site whose details the map page shows, carried in the address as ``?site=<id>``.

A site is opened by a click on its marker (or Enter on it), by the list of sites under the map,
or by a link that names it (``?site=E001``, as "Show on map" on the sites page makes); the page
writes it into the address, so a copied link opens it again, and its "Close" button takes it
out. A site the address names, and no click did, is also centred on by the map, with its popup
open; one the click named is not, so the map does not move under the reader's pointer.

The rules are `map_focus` and `decide`, pure; the rest reads and writes Streamlit's address and
session state (keys in `stationmap.app.ui_state`).
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from stationmap.app import ui_state
from stationmap.map import folium_bridge
from stationmap.map import records as map_records

# An id from the address is shown back in a note at this length at most: it may be anything.
MAX_ID_SHOWN = 40


@dataclass(frozen=True)
class Opened:
    """What the page shows under the map after this run's click, if any.

    `site_id`: the site whose details are shown, or None. `unknown`: an id the address named
    that is not among the sites shown (not in the data, malformed, or filtered out), which the
    page mentions in a neutral note and otherwise ignores. `by_click`: opened by a new click.
    """

    site_id: str | None
    unknown: str | None = None
    by_click: bool = False


def map_focus(address_site: str | None, opened_by_click: str | None) -> str | None:
    """The site the map centres on and opens: the address's, unless a click put it there."""
    if not address_site or address_site == opened_by_click:
        return None
    return address_site


def decide(
    address_site: str | None, clicked_site: str | None, new_click: bool, shown: Container[str]
) -> Opened:
    """Which site is open: a new click's, else the address's if it is among those `shown`."""
    if new_click and clicked_site is not None:
        return Opened(clicked_site, by_click=True)
    if not address_site:
        return Opened(None)
    if address_site in shown:
        return Opened(address_site)
    return Opened(None, unknown=address_site)


def shown_id(site_id: str) -> str:
    """An id from the address, cut to a length a note can show (escape it for where it goes)."""
    return site_id if len(site_id) <= MAX_ID_SHOWN else site_id[: MAX_ID_SHOWN - 1] + "…"


# --- the page's side: Streamlit's address and session state ----------------------------------


def address_site() -> str | None:
    return st.query_params.get(ui_state.FOCUS_SITE) or None


def focus_for_map() -> str | None:
    """This run's `map_focus`, from the address and the site the last click opened."""
    return map_focus(address_site(), st.session_state.get(ui_state.SITE_OPENED_BY_CLICK))


def after_map(placed: Sequence[Mapping], shown: Container[str]) -> Opened:
    """The site open once the map has been drawn, whose value holds its last click.

    The value is read where streamlit-folium keeps it, ``st.session_state[ui_state.SITE_MAP]``
    (as `render_order.map_first` reads the map's report). A click counts once: the value keeps the
    last click's position, and a site closed since must stay closed. A new click's site goes
    into the address. `placed`: the markers' records (`LiveLayer.placed`); `shown`: the ids of
    the sites the page shows.
    """
    map_value = st.session_state.get(ui_state.SITE_MAP)
    count = folium_bridge.clicked_count(map_value)
    new_click = count != st.session_state.get(ui_state.SITE_CLICKS_SEEN, 0)
    st.session_state[ui_state.SITE_CLICKS_SEEN] = count
    clicked = map_records.site_at(placed, folium_bridge.clicked_position(map_value))
    opened = decide(address_site(), clicked, new_click and count > 0, shown)
    if opened.by_click:
        st.session_state[ui_state.SITE_OPENED_BY_CLICK] = opened.site_id
        st.query_params[ui_state.FOCUS_SITE] = opened.site_id
    return opened


def close() -> None:
    """ "Close" on the details: the site leaves the address and the page."""
    st.query_params.pop(ui_state.FOCUS_SITE, None)
    st.session_state[ui_state.SITE_OPENED_BY_CLICK] = None


def open_from_list(site_id: str) -> None:
    """A site chosen in the list under the map: opened as a link would (the map centres on
    it), and its details take focus once shown (`take_list_focus`)."""
    st.query_params[ui_state.FOCUS_SITE] = site_id
    st.session_state[ui_state.SITE_OPENED_BY_CLICK] = None
    st.session_state[ui_state.SITE_FROM_LIST] = site_id


def take_list_focus() -> str | None:
    """The site just opened from the list, once: its details should take focus."""
    return st.session_state.pop(ui_state.SITE_FROM_LIST, None)
