"""Sites page: the sites the filters select (its own issue adds the table and export)."""

import streamlit as st

from stationmap import chrome
from stationmap.filters import count_headlines
from stationmap.i18n import _

dataset, view, filtered, state = chrome.current_view()
headlines = count_headlines(filtered)

st.title(_("Sites"))
sites_column, countries_column = st.columns(2)
sites_column.metric(_("Sites selected"), headlines["sites"])
countries_column.metric(_("Countries"), headlines["countries"])
st.info(
    _(
        "This page will list the sites the filters select, with each one's status, first report "
        "and sources, ready to export.",
    ),
    icon=":material/table_rows:",
)
