"""Sites page: every site the filters allow in a sortable table, a selected site's story, a
summary per country, and downloads of exactly what is shown.

On a session's first visit the page draws its title, counts and table alone, and the rest with
the sidebar in the run the table starts once it is drawn (stationmap.app.drawn_first); opened
from another page, the sidebar comes with the table, and the rest in that second run. The
tables come from stationmap.html.tables, the details from stationmap.html.popups (as
under the map), the files from stationmap.exports and stationmap.map.offline.
"""

from datetime import date

import pandas as pd
import streamlit as st

from stationmap import exports, i18n
from stationmap.app import (
    chrome,
    data,
    drawn_first,
    page_actions,
    session_files,
    site_picker,
    ui_state,
)
from stationmap.html import popups, tables
from stationmap.html.texts import Texts, counts_line, current_texts
from stationmap.i18n import _
from stationmap.map import offline as offline_map
from stationmap.record import schema
from stationmap.record.dates import resolve_day
from stationmap.record.filters import FilterState, count_headlines
from stationmap.record.loader import Dataset
from stationmap.timeline.events import scope_for, select_events

MAP_PAGE = "pages/map.py"
# Wide enough for the longest date in words ('30 September 2023'): the table sizes a column of
# options by the dates as written, which are shorter.
DATE_COLUMN_PX = 140
# Shows a link's host, so a reader sees where it goes before following it.
HOST_PATTERN = r"https?://(?:www\.)?([^/]+)"


def render_country_summary(
    filtered: pd.DataFrame, dataset: Dataset, state: FilterState, on: date
) -> None:
    """The sites shown, counted per country and status, with each country's latest event."""
    summary = data.shared_result(
        "country_summary", (state, on), lambda: tables.country_summary(filtered, dataset)
    )
    st.dataframe(
        tables.style_table(summary, date_columns=("latest_event",)),
        hide_index=True,
        width="stretch",
        column_config={
            "country": st.column_config.TextColumn(_("Country"), pinned=True),
            "sites": st.column_config.NumberColumn(_("Sites")),
            **{
                status: st.column_config.NumberColumn(i18n.status_label(status))
                for status in schema.STATUSES
            },
            "latest_event": st.column_config.TextColumn(
                _("Latest event"),
                help=_("The latest event about these sites, or about the country as a whole"),
            ),
        },
    )


def render_rest(
    dataset: Dataset,
    view: pd.DataFrame,
    filtered: pd.DataFrame,
    state: FilterState,
    on: date,
    texts: Texts,
    table: pd.DataFrame,
    selection,
) -> None:
    """Everything under the table: a site's details (`selection`: what the table returned), the
    summary by country, the downloads."""
    site_ids = tuple(table.index)
    selected = selection.selection.rows if selection else []
    # A row ticked in the table opens that site, once: the list below may open another after it.
    ticked = site_ids[selected[0]] if selected and selected[0] < len(site_ids) else None
    if ticked != st.session_state.get(ui_state.SITE_TICKED):
        st.session_state[ui_state.SITE_CHOICE] = ticked
    st.session_state[ui_state.SITE_TICKED] = ticked
    if st.session_state.get(ui_state.SITE_CHOICE) not in site_ids:
        st.session_state[ui_state.SITE_CHOICE] = None  # filtered out since it was opened
    site_id = None
    if table.empty:
        st.info(_("No sites match these filters."), icon=":material/filter_alt_off:")
    else:
        site_id = site_picker.render_site_picker(table)
    if site_id is not None:
        with st.container(border=True, key=ui_state.SITE_DETAILS):
            details = popups.site_details(dataset, view.loc[site_id], state.as_of, texts)
            st.html(f"<style>{popups.POPUP_CSS}</style>{details}")
            st.button(
                _("Show on map"),
                key=ui_state.SHOW_ON_MAP,
                icon=":material/map:",
                on_click=page_actions.request_focus,
                args=(site_id,),
            )

    st.subheader(_("By country"))
    # Built only when asked for (about two seconds at 10,000 sites): the table above comes first.
    if st.toggle(_("Show the summary by country"), key=ui_state.SHOW_COUNTRY_SUMMARY):
        render_country_summary(filtered, dataset, state, on)

    st.subheader(_("Download what is shown"))
    st.caption(
        _(
            "Each file holds exactly the sites selected above (and, for events, the events about "
            "them and their countries), with every source link. File names carry the date and "
            "the filters."
        )
    )
    # One row per country (the last, as a dict of every row would keep): a dict of all 10,000
    # rows took about 20 ms of every run.
    countries = view.drop_duplicates("iso2", keep="last")
    country_names = dict(zip(countries["iso2"], countries["country"], strict=True))
    # Plain text, not Markdown: the search words come from the person or from a shared link.
    st.text(_("Filters: {filters}").format(filters=exports.describe_filters(state, country_names)))
    sites_csv, sites_geojson, events_csv, map_html = st.columns(4)
    # Deferred (a callable): each file is made only when someone asks for it.
    sites_csv.download_button(
        _("Sites (CSV)"),
        data=lambda: exports.sites_csv(filtered, dataset),
        file_name=exports.export_filename("sites", "csv", state, on),
        mime="text/csv",
        key=ui_state.DOWNLOAD_SITES_CSV,
        icon=":material/table:",
        on_click="ignore",
    )
    sites_geojson.download_button(
        _("Sites (GeoJSON)"),
        data=lambda: exports.sites_geojson_bytes(filtered, dataset),
        file_name=exports.export_filename("sites", "geojson", state, on),
        mime="application/geo+json",
        key=ui_state.DOWNLOAD_SITES_GEOJSON,
        icon=":material/public:",
        on_click="ignore",
    )
    events_csv.download_button(
        _("Events (CSV)"),
        data=lambda: exports.events_csv(select_events(dataset, scope_for(filtered)), dataset),
        file_name=exports.export_filename("events", "csv", state, on),
        mime="text/csv",
        key=ui_state.DOWNLOAD_EVENTS_CSV,
        icon=":material/event_note:",
        on_click="ignore",
    )
    missing = offline_map.missing_vendor_files()
    # What the offline map shows: when any of it changes, the file made for it is dropped.
    map_view_key = (state, on, i18n.current_language(), data.data_label(), id(dataset))
    if st.session_state.pop(ui_state.OFFLINE_MAP_REQUEST, None) == map_view_key:
        # Made only when asked (about 25 MB and 2 s at 15,000 sites), in this run, which knows the
        # reader's language (a deferred download would not); kept in the session's own store.
        session_files.put(
            session_files.OFFLINE_MAP,
            (
                map_view_key,
                offline_map.standalone_map_html(
                    filtered, dataset, on=on, state=state, data_label=data.data_label()
                ),
            ),
        )
    prepared = session_files.get(session_files.OFFLINE_MAP)
    if prepared is not None and prepared[0] != map_view_key:
        session_files.drop(session_files.OFFLINE_MAP)
        prepared = None
    if prepared is None:
        map_html.button(
            _("Map (HTML, offline)"),
            key=ui_state.PREPARE_MAP_HTML,
            icon=":material/map:",
            on_click=page_actions.request_offline_map,
            args=(map_view_key,),
            disabled=bool(missing),
            help=(
                _(
                    "Not available: the map's files (Leaflet and the country outlines) are not "
                    "installed on this server. Run `make setup` with npm to install them."
                )
                if missing
                else _(
                    "One file with the map and everything it needs: it opens with no network. "
                    "Press to make it, then download it."
                )
            ),
        )
    else:
        map_html.download_button(
            _("Download the map (HTML, offline)"),
            data=prepared[1],
            file_name=exports.export_filename("map", "html", state, on),
            mime="text/html",
            key=ui_state.DOWNLOAD_MAP_HTML,
            icon=":material/download:",
            on_click="ignore",
            type="primary",
            help=_("One file with the map and everything it needs: it opens with no network."),
        )


dataset, view, filtered, state = chrome.page_data()
if (focus := st.session_state.pop(ui_state.FOCUS_REQUEST, None)) is not None:
    # The filters in force travel along by themselves: their widgets write them into the URL.
    st.switch_page(MAP_PAGE, query_params={ui_state.FOCUS_SITE: focus})
on = resolve_day(state.as_of)
headlines = count_headlines(filtered)
texts = current_texts()

st.title(_("Sites"))
# Text, not st.metric: drawn with the first paint, nothing under it moves when a metric's code
# comes, and one file less for the browser to fetch before the table's.
st.markdown(
    counts_line(
        ((_("Sites selected"), headlines["sites"]), (_("Countries"), headlines["countries"]))
    )
)
st.caption(
    _(
        "Each row is a site named in reports as an alleged station, with the status its latest "
        "reported event had set by {date}. Sort by any column, search with the table's own "
        "search or the sidebar. For a site's history and sources, press Details in its row, "
        "or choose the site in the list below the table."
    ).format(date=i18n.day_label(on))
)

# Built once per dataset, language, filters and date, and shared by every session: selecting a
# row reruns the page and rebuilds nothing.
sites = data.shared_result("sites_grid", (state, on), lambda: tables.sites_grid(filtered, dataset))
table, dates = sites.table, sites.dates
status_tags = tables.status_tags(texts)
basis_tags = tables.basis_tags(texts)
height = tables.table_height(len(table))
# A box of the table's height, drawn at once: the table itself shows only once the browser has
# its code, and would push everything under it down (a layout shift).
table_place = st.container(height=height + tables.TABLE_FRAME_PX, border=False)
site_ids = tuple(table.index)
# No pandas Styler: Streamlit sends one cell by cell (about a second a run at 10,000 sites).
# Dates show their words through their column's options, statuses and bases as coloured tags.
selection = table_place.dataframe(
    sites.grid,
    hide_index=True,
    width="stretch",
    height=height,
    placeholder="",  # an unknown date or link is left empty, not "None"
    on_select="rerun",
    selection_mode="single-row",
    key=sites.selection_key(ui_state.SITES_TABLE),
    column_config={
        "name": st.column_config.TextColumn(_("Name"), pinned=True),
        # A button in every row; the grid takes it from a pointer only, so the list below the
        # table is the keyboard's way to the same details.
        "details": st.column_config.ButtonColumn(
            _("Details"),
            help=_("Show this site's details, status history and sources below the table"),
            on_click=page_actions.open_clicked_site,
            args=(site_ids,),
            key=ui_state.SITE_DETAILS_CLICK,
        ),
        "country": st.column_config.TextColumn(_("Country")),
        "city": st.column_config.TextColumn(_("City")),
        "precision": st.column_config.TextColumn(
            _("Location precision"),
            help=_("Coordinates stand for a district, a city or a country, never a building."),
        ),
        "operating_bureau": st.column_config.TextColumn(_("Operating bureau (as reported)")),
        "status": st.column_config.MultiselectColumn(
            _("Status"),
            help=_("Derived from the latest status-bearing event on or before the date"),
            options=list(status_tags),
            color=list(status_tags.values()),
        ),
        **{
            column: st.column_config.SelectboxColumn(
                label,
                width=DATE_COLUMN_PX,
                options=list(dates),
                format_func=dates.__getitem__,
            )
            for column, label in (
                ("status_since", _("Status since")),
                ("first_reported", _("First reported")),
            )
        },
        "event_count": st.column_config.NumberColumn(_("Events")),
        "source_count": st.column_config.NumberColumn(_("Sources")),
        "basis": st.column_config.MultiselectColumn(
            _("Basis"),
            options=list(basis_tags),
            color=list(basis_tags.values()),
            help=_(
                "The strongest kind of source naming the site: a court or prosecutor, the host "
                "country's authorities, an NGO report, or media only (see Sources → Method)"
            ),
        ),
        "independent_sources": st.column_config.NumberColumn(
            _("Independent sources"),
            help=_(
                "Distinct publishers behind the sources naming it; copies of one story count once"
            ),
        ),
        "status_source": st.column_config.LinkColumn(
            _("Source of the status"),
            help=_("The publication reporting the event that set the status"),
            display_text=HOST_PATTERN,
        ),
    },
)

if drawn_first.drawn_alone() and not table.empty:
    # The details, the summary, the downloads and the sidebar come with the run the table's
    # report starts: their code then loads after the table's.
    drawn_first.report_when_drawn(drawn_first.SITES_TABLE)
    st.stop()

if drawn_first.page_entered() and not table.empty:
    # Opened from another page: the table and the sidebar at once, and what is under the
    # table (and the footer) with the run the table's report starts. Drawn with them, it kept
    # the browser busy for about 50 ms more before the table showed (33 ms on the shipped
    # data); it comes below what the reader sees first, and nothing under it is drawn yet, so
    # nothing moves when it comes.
    drawn_first.report_when_drawn(drawn_first.SITES_TABLE)
    drawn_first.hold_rest()
else:
    render_rest(dataset, view, filtered, state, on, texts, table, selection)
