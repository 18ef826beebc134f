"""Sources and method: every source with what it supports, how statuses are derived, what the
data does not cover, and its version and changelog.

The facts shown (counts, the latest event, per-source use) come from stationmap.html.tables and
stationmap.method; the wording is neutral and says throughout that these are allegations.
"""

import html

import pandas as pd
import streamlit as st

from stationmap import browser_code, config, i18n, method
from stationmap.app import chrome, data, drawn_first, ui_state
from stationmap.html import legend, markdown, popups, tables
from stationmap.i18n import _, n_
from stationmap.record.facts import headline_facts
from stationmap.record.filters import FilterState
from stationmap.record.loader import Dataset
from stationmap.timeline.events import scope_for, select_events

SHOW_ALL_ROW_PX = 40


def render_sources(
    dataset: Dataset, filtered: pd.DataFrame, state: FilterState, show_all: bool
) -> None:
    """The sources of what the filters show, or all of them, as a table of links."""

    # The sources of what the filters show: the sites' own and those of the events the
    # timeline shows with them (worldwide ones too, unless no site is shown).
    def cited() -> frozenset[str]:
        scope = scope_for(filtered, include_global=not filtered.empty)
        events = select_events(dataset, scope, until=state.as_of)
        return tables.sources_cited(dataset, filtered.index, events)

    # Shared by every session with the same data, language and filters (see data.shared_result).
    in_view = data.shared_result("sources_in_view", (state,), cited)
    shown = None if show_all else in_view
    count = len(dataset.sources) if show_all else len(in_view)
    if show_all:
        summary = n_(
            "All {n} source: every site, event and status in the data rests on it.",
            "All {n} sources: every site, event and status in the data rests on them.",
            count,
        )
    else:
        summary = n_(
            "{n} source of {total}: those of the sites the filters show ({sites}) and of the "
            "events about them.",
            "{n} sources of {total}: those of the sites the filters show ({sites}) and of the "
            "events about them.",
            count,
        )
    st.caption(
        summary.format(n=count, total=len(dataset.sources), sites=len(filtered))
        + " "
        + _("Links open in a new tab.")
    )
    # HTML, not a data grid: the link text is the publisher and title, never the address.
    # Built once per data, language and filters (all of them: over a second a run at 10,000
    # sources), and shared by every session. In a box kept for it from the first paint: the
    # table shows once the browser has the code for HTML, and pushed what was under it out of
    # sight (a layout shift of 0.6).
    # Opened from another page, a long table's first rows come first, and the whole table in
    # the run their report starts; it fills the box below the rows in view, so nothing moves.
    rows_first = drawn_first.page_entered() and count > tables.SOURCE_FIRST_ROWS
    first = tables.SOURCE_FIRST_ROWS if rows_first else None
    table = data.shared_result(
        "source_table_html",
        (None if show_all else state, first),
        lambda: tables.source_table_html(dataset, shown, first),
    )
    box = st.container(height=tables.source_table_height(count), border=False)
    box.html(table)
    if rows_first:
        with box:
            drawn_first.report_when_drawn(drawn_first.SOURCES_TABLE)
    st.caption(
        _(
            "Where a publisher's headline names a private business or person whose involvement "
            "was denied, the title is replaced by a description in square brackets. Each link "
            "goes to the publisher's own page; where the page read was a copy (a mirror, a "
            'reprint, an archive), "copy read" links to it. Sources the research marks weak '
            "say so."
        )
    )


def render_latest_checks(dataset: Dataset, filtered: pd.DataFrame, show_all: bool) -> None:
    """Each site's latest check, oldest first, in the same scope as the sources."""
    st.caption(
        _(
            "Each site's latest check: the newest dated source that names it, through its own "
            "row or an event about it (a date known only to the month or year counts as its last "
            "day). Oldest first, so what most needs re-checking is at the top; `python -m "
            "stationmap stale --older-than 12m` lists the sites older than a year."
        )
    )
    checks = data.shared_result(
        "latest_check_table", (), lambda: tables.latest_check_table(dataset)
    )
    if not show_all:
        # The same scope as the sources above: the sites the sidebar's filters show.
        checks = checks[checks.index.isin(filtered.index)]
    st.caption(
        n_("All {n} site.", "All {n} sites.", len(checks)).format(n=len(checks))
        if show_all
        else n_(
            "{n} site of {total}: those the filters show.",
            "{n} sites of {total}: those the filters show.",
            len(checks),
        ).format(n=len(checks), total=len(dataset.sites))
    )
    # A box of the table's height, drawn at once, as on the sites page: nothing moves when the
    # grid's code arrives.
    height = tables.table_height(len(checks))
    # No pandas Styler, as on the sites page: Streamlit sends a Styler cell by cell, and pandas
    # refuses to style more than 262,144 cells (about 65,000 sites here). The dates show their
    # words through their column's options, which keeps sorting by date.
    dates = tables.date_labels(checks, ("latest_source_date",))
    st.container(height=height + tables.TABLE_FRAME_PX, border=False).dataframe(
        checks,
        hide_index=True,
        width="stretch",
        height=height,
        placeholder="",  # a site with no dated source has an empty date, not "None"
        column_config={
            "name": st.column_config.TextColumn(_("Site"), pinned=True),
            "country": st.column_config.TextColumn(_("Country")),
            "latest_source_date": st.column_config.SelectboxColumn(
                _("Latest source"), options=list(dates), format_func=dates.__getitem__
            ),
            "source": st.column_config.TextColumn(_("Source"), width="large"),
        },
    )


def render_method() -> None:
    """How statuses and bases are derived, and how precise the locations are."""
    st.subheader(_("Statuses"))
    definitions = method.status_definitions()
    rows = "".join(
        f"<li>{popups.status_chip_html(row.status, f'<strong>{html.escape(row.label)}</strong>')}"
        f" — {html.escape(row.definition)}</li>"
        for row in definitions.itertuples(index=False)
    )
    st.html(
        f"<style>{popups.POPUP_CSS}{browser_code.read('web/sources.css')}</style>"
        f'<ul class="sm-definitions">{rows}</ul>'
    )
    st.subheader(_("How a status is derived"))
    st.markdown(
        _(
            "A status is never typed by hand; it follows from the dated events in the data.\n\n"
            "- A site appears on the date of its first report: the earliest dated NGO report, "
            "media report or parliamentary statement that names it. It is *alleged* from then "
            "on.\n"
            "- Every other event (a police visit, an inquiry, a closure, a government or embassy "
            "statement, a case) responds to a report, so it can never be a site's first report "
            "and can never come before it; the data is checked for this.\n"
            "- An event may set a status: one status for all the sites it names, or a different "
            "status per site (`site_id:status` pairs) where one statement settles several sites "
            "differently. A charge or conviction for other offences never sets one.\n"
            "- On any date, a site's status is the one set by its latest status-bearing event on "
            "or before that date. The sidebar's *Statuses as of* date picks that date.\n"
            "- A date known only to the month or the year takes effect on the first day of that "
            "month or year, but never before the site's first report. Two events on the same "
            "date apply in the order they stand in the events file. An undated event cannot set "
            "a status.\n"
            "- A site's *status since* date is the date of the event that set its status."
        )
    )
    st.subheader(_("What a site rests on"))
    st.markdown(
        _(
            "Each site's **basis** is the strongest kind of source that names it, through its "
            "own row or an event about it; it is worked out from the sources, never typed. A "
            "source counts for what it documents: a newspaper's report that the police opened "
            "an inquiry documents the police's act. Only the host country's authorities count; "
            "a Chinese embassy's or ministry's answer never does, nor an elected member's own "
            "website. **Independent sources** counts the distinct publishers behind them; a "
            "reprint or relay counts as the publisher of the story it copies. A site with one "
            "is marked *single source*; one resting on weak sources alone, *weak sources only*."
        )
    )
    bases = method.basis_definitions()
    basis_rows = "".join(
        f"<li><strong>{html.escape(row.label)}</strong> — {html.escape(row.definition)}</li>"
        for row in bases.itertuples(index=False)
    )
    st.html(
        f"<style>{browser_code.read('web/sources.css')}</style>"
        f'<ul class="sm-definitions">{basis_rows}</ul>'
    )
    st.subheader(_("How precise the locations are"))
    st.markdown(
        _(
            "Coordinates stand for a district, a city or a country, never a building. Where a "
            "listed address belongs to a business or a home whose operator denied involvement, "
            "the location is kept at city or district level and no street address is shown: "
            "appearing on a list is not evidence against a private business. Street-level "
            "detail is kept only where a public body named it, or a public court case concerns "
            "it. Rows for a country or region whose sources name no city are drawn at the "
            "capital and marked as country-level. Only officials, public bodies and public court "
            "cases are named, never a private person."
        )
    )


def render_coverage() -> None:
    """What the data does not cover."""
    published = headline_facts(data.load_published_data())
    st.markdown(
        _(
            "- **Not every alleged station is here.** Safeguard Defenders' December 2022 report "
            "counts at least 102 stations in 53 countries. About 16 of those countries are not "
            "identified in any source the research could read, and no complete list of the "
            "stations was available.\n"
            "- **Many rows stand for a country, not a place.** {country_level} of the {sites} "
            "published rows are country-level: the sources name the country (or region) but no "
            "city, so they are drawn at its capital.\n"
            "- **Places named only in unreliable reposts are not included** (Odesa, Ulaanbaatar, "
            "Sirdaryo, South Africa).\n"
            "- **Some outcomes are not confirmed.** In the New York case, the co-defendant's "
            "trial outcome and the sentence after the guilty plea are not confirmed by a "
            "reputable source and are not entered.\n"
            "- **Many statuses rest on one statement**, often the Chinese side's assurance that a "
            "site closed, and most investigations have no reported outcome.\n"
            "- Some dates are known only to the month or the year, and a few not at all."
        ).format(country_level=published.country_level, sites=published.sites)
    )


def render_version(dataset: Dataset) -> None:
    """The data's version, its counts and the changelog."""
    facts = headline_facts(dataset)
    latest = facts.latest_event
    if data.using_uploaded_data():
        st.info(
            _("These figures are of your uploaded data; the changelog is the published dataset's."),
            icon=":material/upload_file:",
        )
    st.markdown(
        _(
            "**Data version:** {version} (the date of the latest event).\n\n"
            "{sites} sites in {countries} countries ({country_level} country-level), {events} "
            "events ({undated} undated) and {sources} sources."
        ).format(
            version=i18n.date_label(latest) if latest else _("no dated events"),
            sites=facts.sites,
            countries=facts.countries,
            country_level=facts.country_level,
            events=facts.events,
            undated=facts.undated_events,
            sources=facts.sources,
        )
    )
    st.html(f"<style>{popups.POPUP_CSS}</style>{legend.status_counts_html(facts.by_status)}")
    changelog = method.read_changelog(config.data_dir())
    if changelog:
        with st.container(border=True, key=ui_state.CHANGELOG):
            # The curator's Markdown: formatting kept, nothing loaded from elsewhere.
            st.markdown(markdown.curated(changelog))
    else:
        st.caption(
            _("This data folder has no changelog ({file}).").format(file=method.CHANGELOG_FILE)
        )


dataset, site_view, filtered, state = chrome.page_data()

st.title(_("Sources"))
st.caption(
    _(
        "Every site on these pages is an alleged station, and every status a summary of "
        "responses that authorities reported. Each rests on the sources listed here."
    )
)
# Above the tabs, as it scopes two of them: the sources, and the sites' latest checks. In a box
# as tall as the placeholder Streamlit shows until the toggle's code has loaded (the toggle is
# shorter): the tabs under it stay where they are drawn.
show_all = st.container(height=SHOW_ALL_ROW_PX, border=False).toggle(
    _("Show all sources"),
    key=ui_state.SOURCES_SHOW_ALL,
    help=_("Off: only the sources of the sites and events the sidebar's filters show."),
)
# Only the open tab is made and sent (a click on another tab runs the page again): the
# latest-check table of 10,000 sites alone took half a second of every run, and its grid's
# code held back the sources the reader came for.
sources_tab, checks_tab, method_tab, coverage_tab, version_tab = st.tabs(
    [
        _("Sources"),
        _("Latest check per site"),
        _("Method"),
        _("What the data does not cover"),
        _("Version and changes"),
    ],
    key=ui_state.SOURCES_TAB,
    on_change="rerun",
)
if sources_tab.open:
    with sources_tab:
        render_sources(dataset, filtered, state, show_all)
if checks_tab.open:
    with checks_tab:
        render_latest_checks(dataset, filtered, show_all)
if method_tab.open:
    with method_tab:
        render_method()
if coverage_tab.open:
    with coverage_tab:
        render_coverage()
if version_tab.open:
    with version_tab:
        render_version(dataset)
