"""The map page's ways round the map, for the keyboard and screen readers.

- "Skip the map": a link before the map that moves focus to what follows it, past every marker.
- The map as text: a summary of the view (from the rows the headline counts count) and the list
  of its sites, each a button that opens the site's details as a click on its marker would.

The script and style they use are files (``stationmap/web/skip-link.js``, ``skip-link.css``).
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import streamlit as st

from stationmap import browser_code
from stationmap.app import opened_site, ui_state
from stationmap.html import markdown, view_text
from stationmap.html.texts import Texts
from stationmap.i18n import _, n_

SKIP_SCRIPT = "web/skip-link.js"
SKIP_CSS = "web/skip-link.css"
# What "Skip the map" moves focus to: the box the page draws after the map.
AFTER_MAP_SELECTOR = f".st-key-{ui_state.AFTER_MAP}"
DETAILS_SELECTOR = f".st-key-{ui_state.SITE_DETAILS}"


def skip_link() -> None:
    """The link before the map, out of sight until the keyboard reaches it."""
    label = html.escape(_("Skip the map"))
    target = html.escape(AFTER_MAP_SELECTOR)
    script = browser_code.script(SKIP_SCRIPT, "stationmap.bindSkipLinks")
    st.html(
        f"<style>{browser_code.read(SKIP_CSS)}</style>"
        f'<a class="sm-skip-link" href="#" data-sm-skip="{target}">{label}</a>'
        f"<script>{script}</script>",
        unsafe_allow_javascript=True,
    )


def details_focus_script(site_id: str) -> str:
    """The script that gives focus to the details box once shown (`focus_details`).

    The id makes each opening's element new, so its script runs. It is a JSON string that
    nothing can end early (browser_code.script_safe_json), as an expression of its own: in a
    comment, an id with "*/" in it would end the comment.
    """
    focus = browser_code.script(
        SKIP_SCRIPT, "stationmap.focusWhenShown", browser_code.script_safe_json(DETAILS_SELECTOR)
    )
    return f"void {browser_code.script_safe_json(site_id)};\n{focus}"


def focus_details(site_id: str) -> None:
    """Give focus to the details box once shown (a site was just opened from the list)."""
    st.html(f"<script>{details_focus_script(site_id)}</script>", unsafe_allow_javascript=True)


def unknown_site_note(site_id: str) -> None:
    """The one word said about an address naming no site shown: neutral, and the id as text."""
    note = _("The link names a site, “{site}”, that is not among the sites shown; none is open.")
    st.caption(note.format(site=markdown.plain(opened_site.shown_id(site_id))))


def map_as_text(filtered: pd.DataFrame, on: date, texts: Texts) -> None:
    """The summary of the view and the list of its sites, folded under one heading.

    Made only while open (a run of its own when it opens): its hundred and fifty buttons are
    drawn by the page's main thread, which the map's frame shares, and on a page change into
    the map the frame's scripts waited until they were drawn (0.3-0.6 s at 10,000 sites on a
    loaded machine); each run also spent 65 ms of Python on them.
    """
    title = _("The map as text: counts and a list of the sites")
    with st.container(key=ui_state.MAP_AS_TEXT):
        listing = st.expander(title, key=ui_state.MAP_AS_TEXT_OPEN, on_change="rerun")
    if not listing.open:
        return
    with listing:
        st.html(
            f"<style>{browser_code.read(SKIP_CSS)}</style>"
            f"{view_text.summary_html(filtered, on, texts)}"
        )
        listed = view_text.listed_sites(filtered, texts)
        if len(listed) < len(filtered):
            st.caption(
                n_(
                    "The first {shown} of {count} site; narrow the filters to list the rest.",
                    "The first {shown} of {count} sites; narrow the filters to list the rest.",
                    len(filtered),
                ).format(shown=len(listed), count=len(filtered))
            )
        st.caption(_("Choose a site to see its details, status history and sources."))
        for site in listed:
            st.button(
                markdown.plain(site.text),
                key=f"{ui_state.SITE_LIST}-{site.site_id}",
                type="tertiary",
                on_click=opened_site.open_from_list,
                args=(site.site_id,),
            )
