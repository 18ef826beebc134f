"""The footer under every page: the data's version and size, a link to every source, the
disclaimer."""

from __future__ import annotations

import streamlit as st

from stationmap import i18n
from stationmap.app.chrome import SOURCES_PAGE
from stationmap.app.data import site_view, using_uploaded_data
from stationmap.i18n import _, n_
from stationmap.record.facts import headline_facts
from stationmap.record.loader import Dataset


def render_footer(dataset: Dataset) -> None:
    """Data version, counts, a link to every source and the disclaimer, under every page.

    The counts are the whole dataset's as of today, whatever the filters: the data's size.
    """
    # Today's site view is cached for the pages already: the counts come from it cheaply.
    facts = headline_facts(dataset, site_view=site_view())
    latest = facts.latest_event
    st.divider()
    counts = " · ".join(
        (
            n_("{n} site", "{n} sites", facts.sites).format(n=facts.sites),
            n_("{n} country", "{n} countries", facts.countries).format(n=facts.countries),
            n_("{n} event", "{n} events", facts.events).format(n=facts.events),
            n_("{n} source", "{n} sources", facts.sources).format(n=facts.sources),
        )
    )
    version = (
        _("Data version {date} (latest event)").format(date=i18n.date_label(latest))
        if latest
        else _("No dated events")
    )
    if using_uploaded_data():
        version = _("Your uploaded data, this browser session only") + " · " + version
    st.caption(f"{version} · {counts}")
    st.page_link(SOURCES_PAGE, label=_("All sources"), icon=":material/menu_book:")
    st.caption(
        _(
            "Sites shown are alleged, and statuses summarise reported responses by authorities; "
            "each rests on the sources cited for it."
        )
    )
