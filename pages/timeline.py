"""Timeline page: reports and responses in date order (its own issue fills it)."""

import streamlit as st

from stationmap import chrome
from stationmap.i18n import _, n_

dataset, view, filtered, state = chrome.current_view()

st.title(_("Timeline"))
st.info(
    n_(
        "This page will show, in date order, the reports about the {n} site the filters select "
        "and the responses of police and governments, each with its source.",
        "This page will show, in date order, the reports about the {n} sites the filters select "
        "and the responses of police and governments, each with its source.",
        len(filtered),
    ).format(n=len(filtered)),
    icon=":material/timeline:",
)
