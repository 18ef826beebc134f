"""Briefing page: a view to present on a shared screen (its own issue fills it)."""

import streamlit as st

from stationmap import chrome
from stationmap.i18n import _

dataset, view, filtered, state = chrome.current_view()

st.title(_("Briefing"))
st.info(
    _(
        "This page will hold a view for presenting on a shared screen: large type, the headline "
        "figures for the filters in force, and a link that reopens exactly this view.",
    ),
    icon=":material/co_present:",
)
