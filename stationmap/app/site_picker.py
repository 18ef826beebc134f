"""The sites page's list of sites below the table: the keyboard's way to a site's details.

A list of every site is what a reader expects, up to a point. Streamlit sends a selectbox's
options with the page and the browser builds them all on each draw: at 10,000 sites that cost
about 0.3 s of every page change into the sites page (scripts/bench.py, docs/performance.md).
So a table of more than ``LIST_MAX_OPTIONS`` sites gets a search box above the list, and the
list holds the first matches; the site already open always stays in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from stationmap.app import ui_state
from stationmap.i18n import _, n_

# Enough to scroll through by eye; the browser builds them in a few milliseconds.
LIST_MAX_OPTIONS = 200
# Part of a name is what a reader types; a bound on it keeps a pasted text's search cheap.
SEARCH_MAX_CHARS = 120


@dataclass(frozen=True)
class SiteChoices:
    """What the list offers: site ids in the table's order, and how many sites matched."""

    options: tuple[str, ...]
    matched: int


def site_label(name: str, country: str) -> str:
    # With the country: two sites may share a name.
    return f"{name} ({country})"


def site_choices(
    table: pd.DataFrame, query: str, chosen: str | None, limit: int = LIST_MAX_OPTIONS
) -> SiteChoices:
    """The sites of `table` whose name, city or country holds `query` (any case), the first
    `limit` of them in the table's order; `chosen` (a site of the table) first if it is not
    among them, so an open site stays open."""
    words = query.strip().casefold()
    if words:
        found = pd.Series(False, index=table.index)
        for column in ("name", "city", "country"):
            text = table[column].astype("string").fillna("").str.casefold()
            found |= text.str.contains(words, regex=False).to_numpy()
        matching = table.index[found.to_numpy()]
    else:
        matching = table.index
    shown = tuple(matching[:limit])
    if chosen is not None and chosen not in shown and chosen in table.index:
        shown = (chosen, *shown)
    return SiteChoices(shown, len(matching))


def render_site_picker(table: pd.DataFrame) -> str | None:
    """The list of sites (with a search box above it when the table is long); the site chosen."""
    long_table = len(table) > LIST_MAX_OPTIONS
    query = ""
    if long_table:
        query = st.text_input(
            _("Find a site for its details"),
            key=ui_state.SITE_SEARCH,
            max_chars=SEARCH_MAX_CHARS,
            placeholder=_("Part of a name, city or country, then Enter"),
        )
    choices = site_choices(
        table, query, st.session_state.get(ui_state.SITE_CHOICE), LIST_MAX_OPTIONS
    )
    names = table.loc[list(choices.options), ["name", "country"]]
    labels = {
        site_id: site_label(name, country)
        for site_id, name, country in zip(names.index, names["name"], names["country"], strict=True)
    }
    site_id = st.selectbox(
        _("Details of a site"),
        choices.options,
        index=None,
        key=ui_state.SITE_CHOICE,
        format_func=lambda choice: labels.get(choice, choice),
        placeholder=_("Choose a site (type to search), or press Details in its row"),
    )
    if long_table:
        listed = min(choices.matched, LIST_MAX_OPTIONS)
        if choices.matched > listed:
            note = _(
                "The list holds the first {listed} of {matched} matching sites, in the table's "
                "order: type more of a name above to narrow it."
            ).format(listed=listed, matched=choices.matched)
        else:
            note = n_("{matched} site matches.", "{matched} sites match.", choices.matched).format(
                matched=choices.matched
            )
        st.caption(note)
    return site_id
