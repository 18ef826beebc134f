"""Sources page: every source the data cites, with a link to it."""

import streamlit as st

from stationmap import chrome
from stationmap.i18n import _, n_

dataset, view, filtered, state = chrome.current_view()
table = chrome.sources_table(dataset)

st.title(_("Sources"))
st.caption(
    n_(
        "The {n} source every site, event and status here rests on. Links open in a new tab.",
        "The {n} sources every site, event and status here rests on. Links open in a new tab.",
        len(table),
    ).format(n=len(table))
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "publisher": st.column_config.TextColumn(_("Publisher")),
        "title": st.column_config.TextColumn(_("Title"), width="large"),
        "date": st.column_config.TextColumn(_("Date")),
        "kind": st.column_config.TextColumn(_("Kind")),
        # Shows the site's host name, so a reader sees where a link goes before following it.
        "url": st.column_config.LinkColumn(_("Link"), display_text=r"https?://(?:www\.)?([^/]+)"),
    },
)
