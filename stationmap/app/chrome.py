"""The chrome every page shares, written once: data loading, sidebar filters, problems, footer.

``dashboard.py`` calls :func:`choose_language` first, then :func:`render_chrome` around
``st.navigation(...).run()`` (after the page when :func:`filters_before_sidebar` can tell the
filters without it, before otherwise), then :func:`render_language_picker` and
:func:`render_footer`. Widgets made in the entry point persist across pages, so a
filter chosen on one page holds on every page; each filter is bound to the URL with
Streamlit's ``bind="query-params"`` (names in :mod:`stationmap.app.ui_state`), so a copied link
opens the same view. A page gets what it shows in one line::

    dataset, view, filtered, state = chrome.current_view()

Someone who uploads their own files on the "Your data" page and chooses to use them sees them on
every page, in that browser session only: the validated dataset is kept in the session's own
store (:mod:`stationmap.app.session_files`, released when the browser disconnects), never on disk
and never in a cache that Streamlit shares between sessions, and every page says so with a
button back to the published data.

The functions at the top are pure and tested without Streamlit; those below draw.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from stationmap import browser_code, config, i18n
from stationmap.app import heap, session_files, ui_state
from stationmap.i18n import _, n_
from stationmap.map import folium_bridge
from stationmap.record import schema
from stationmap.record.filters import FilterState, apply_filters, count_headlines, filter_options
from stationmap.record.loader import Dataset, load_dataset
from stationmap.record.views import build_site_view

if TYPE_CHECKING:
    from stationmap.app.upload import UploadResult

# Pages linked from the chrome; dashboard.py registers them under these paths.
SOURCES_PAGE = "pages/sources.py"
# Named like its URL (/upload): before dashboard.py first runs, Streamlit looks a path up by file
# name (see _rerun_through_entry_point), and a mismatch shows "Page not found".
UPLOAD_PAGE = "pages/upload.py"

# Old entries are only ever needed again if someone reverts a data edit; a few suffice.
DATASET_CACHE_ENTRIES = 4
# One view per as-of date. A view of 10,000 sites is about 5 MB and is rebuilt in well under
# a tenth of a second, so a few dozen recent dates are plenty.
VIEW_CACHE_ENTRIES = 32


class AppView(NamedTuple):
    """What a page shows: the dataset, every site's row, the rows the filters let through."""

    dataset: Dataset
    view: pd.DataFrame
    filtered: pd.DataFrame
    state: FilterState


# --- pure helpers -------------------------------------------------------------------------------


def data_fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Each data file's name, modification time and size: changes whenever a CSV is edited."""
    fingerprint = []
    for file in schema.DATA_FILES:
        try:
            stat = (Path(data_dir) / file).stat()
        except OSError:
            fingerprint.append((file, -1, -1))
        else:
            fingerprint.append((file, stat.st_mtime_ns, stat.st_size))
    return tuple(fingerprint)


def filter_state_from_values(
    values: Mapping[str, Any],
    *,
    reported_bounds: tuple[date, date] | None = None,
    today: date | None = None,
) -> FilterState:
    """The FilterState the sidebar widgets' values stand for (keys from ui_state).

    A missing or cleared widget means no restriction. A first-report range that reaches the
    data's own first or last date is open on that side, so sites reported later still show
    when the data grows; while a person has picked only the first day of a range, the range is
    open-ended. An as-of date of today or later, or none, means today (``as_of=None``).
    """
    today = today or date.today()

    def chosen(key: str) -> tuple:
        value = values.get(key)
        return tuple(value) if isinstance(value, list | tuple) else ()

    reported = [day for day in chosen(ui_state.REPORTED) if isinstance(day, date)]
    reported_from = reported[0] if reported else None
    reported_to = reported[1] if len(reported) > 1 else None
    if reported_bounds:
        if reported_from is not None and reported_from <= reported_bounds[0]:
            reported_from = None
        if reported_to is not None and reported_to >= reported_bounds[1]:
            reported_to = None
    as_of = values.get(ui_state.AS_OF)
    if not isinstance(as_of, date) or as_of >= today:
        as_of = None
    text = values.get(ui_state.TEXT)
    return FilterState(
        statuses=chosen(ui_state.STATUS),
        countries=chosen(ui_state.COUNTRY),
        regions=chosen(ui_state.REGION),
        bureaus=chosen(ui_state.BUREAU),
        bases=chosen(ui_state.BASIS),
        reported_from=reported_from,
        reported_to=reported_to,
        text=text.strip() if isinstance(text, str) else "",
        as_of=as_of,
    )


def filter_defaults(options: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Each filter widget's value when nothing is chosen: what "Reset filters" restores."""
    defaults: dict[str, Any] = {
        ui_state.TEXT: "",
        ui_state.STATUS: [],
        ui_state.AS_OF: today,
        ui_state.COUNTRY: [],
        ui_state.REGION: [],
        ui_state.BUREAU: [],
        ui_state.BASIS: [],
    }
    if options.get("first_reported_range"):
        defaults[ui_state.REPORTED] = tuple(options["first_reported_range"])
    return defaults


def problem_lines(dataset: Dataset) -> list[str]:
    """Every problem with the data as ``FILE:ROW: COLUMN: message``."""
    return [str(problem) for problem in dataset.problems]


def latest_event_date(dataset: Dataset):
    """The date of the most recent dated event: the data's version. None if there is none."""
    # In the footer of every run: once per dataset is enough.
    if dataset.derived.latest_event_date is None:
        dataset.derived.latest_event_date = max(dataset.events["date"].dropna(), default=None)
    return dataset.derived.latest_event_date


def footer_facts(dataset: Dataset, view: pd.DataFrame) -> dict[str, Any]:
    """The footer's figures: sites reported in a site view and their countries, every event and
    source, and the date of the latest event (None without dated events)."""
    reported = view[view["reported"].astype(bool)]
    return {
        "sites": len(reported),
        "countries": int(reported["iso2"].nunique()),
        "events": len(dataset.events),
        "sources": len(dataset.sources),
        "latest": latest_event_date(dataset),
    }


# --- data, cached at the edge -------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=DATASET_CACHE_ENTRIES)
def _load_dataset(data_dir: str, fingerprint: tuple, today: date) -> Dataset:
    # fingerprint and today only key the cache: an edited file, or a new day (dates after
    # "today" are refused by the loader), loads afresh. One shared object, not a copy per
    # run (st.cache_data would unpickle megabytes each time): the pages only read it, and
    # what is derived from it once (Dataset.derived: status histories, the map's layer)
    # stays with it.
    dataset = load_dataset(Path(data_dir), today=today)
    # It lives as long as the process: no garbage collection after a run need scan it again.
    heap.keep_out_of_gc_scans()
    return dataset


# Shared, not copied per run (each copy of a view of 10,000 sites costs tens of milliseconds
# to unpickle, several times a run): callers must not change a view in place.
@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _site_view(data_dir: str, fingerprint: tuple, today: date, on: date) -> pd.DataFrame:
    return build_site_view(_load_dataset(data_dir, fingerprint, today), on=on)


def _data_key() -> tuple[str, tuple, date]:
    data_dir = config.data_dir()
    return str(data_dir), data_fingerprint(data_dir), date.today()


# --- this session's uploaded data -----------------------------------------------------------------


def uploaded_data() -> UploadResult | None:
    """The files this session uploaded and validated, if any (memory only, this session only)."""
    return session_files.get(session_files.UPLOADED_DATA)


def using_uploaded_data() -> bool:
    """True while this session has chosen to see its uploaded data instead of the published."""
    return bool(st.session_state.get(ui_state.USE_UPLOADED_DATA)) and uploaded_data() is not None


def use_checked_upload() -> None:
    """Show the last checked upload on every page of this session (a button callback).

    Callbacks take no data as arguments: Streamlit keeps them with the session's widgets.
    """
    checked = session_files.get(session_files.CHECKED_UPLOAD)
    if checked is not None:
        session_files.put(session_files.UPLOADED_DATA, checked[1])
        use_uploaded_data()


def use_uploaded_data() -> None:
    """Show this session's uploaded data on every page again (a button callback)."""
    st.session_state[ui_state.USE_UPLOADED_DATA] = True
    _forget_data_bounds()


def use_published_data() -> None:
    """Show the published dataset again; the upload stays available to switch back to."""
    st.session_state[ui_state.USE_UPLOADED_DATA] = False
    _forget_data_bounds()


def forget_uploaded_data() -> None:
    """Drop this session's uploaded data altogether and show the published dataset."""
    session_files.drop(session_files.UPLOADED_DATA)
    session_files.drop(session_files.CHECKED_UPLOAD)
    st.session_state[ui_state.USE_UPLOADED_DATA] = False
    _forget_data_bounds()


def _forget_data_bounds() -> None:
    # The first-report range defaults to the shown data's first and last dates, and a range
    # that reaches both means "no restriction". Kept across a switch of data, the old data's
    # range would quietly filter the new data, so it starts again from the new data's bounds.
    # (Filters whose options come from the data, such as countries, Streamlit resets itself
    # when the options change.)
    st.session_state.pop(ui_state.REPORTED, None)


def shared_cache_key() -> tuple | None:
    """What identifies the data this session shows, for caches shared by every session.

    None while the session shows uploaded data: anything derived from it must not be put in
    ``st.cache_data`` or ``st.cache_resource``, where other sessions could be served it.
    """
    if using_uploaded_data():
        return None
    return _data_key()[:2]


def data_label() -> str:
    """The data the pages show, in words, for notes on exports."""
    if using_uploaded_data():
        return _("Uploaded data (not the published dataset)")
    return _("Published stationmap dataset")


# --- the data a page shows -----------------------------------------------------------------------


def load_published_data() -> Dataset:
    """The published dataset in ``config.data_dir()``, whatever this session shows."""
    return _load_dataset(*_data_key())


def load_app_data() -> Dataset:
    """The session's uploaded dataset if it chose to use it; otherwise the dataset in
    ``config.data_dir()``, loaded once per version of its files."""
    if using_uploaded_data():
        return uploaded_data().dataset
    return load_published_data()


def site_view(on: date | None = None) -> pd.DataFrame:
    """Every site's row with its status on a date (default today); see views.build_site_view."""
    if using_uploaded_data():
        # Not cached: st.cache_data is shared by every session. Statuses and counts are
        # derived once per dataset (Dataset.derived), so a view of an upload is quick.
        return build_site_view(uploaded_data().dataset, on=on or date.today())
    return _site_view(*_data_key(), on or date.today())


def _rerun_through_entry_point() -> None:
    # Streamlit decides per process, before the first run, whether the app is an old-style
    # multipage app, and it says yes for any app beside a folder named `pages/`. Until
    # dashboard.py has called st.navigation once, a request for /sites then runs
    # pages/sites.py alone: no sidebar filters, file names in the menu. That is exactly what
    # the first visitor after a restart gets from a shared deep link (and what every AppTest
    # run gets). There is no public switch, so clear the internal flag st.navigation itself
    # clears and run again, this time through dashboard.py, at the same address and query.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_view() -> AppView:
    """The dataset, the site view for the chosen as-of date, the filtered rows and the filters.

    Every page calls this first. It reads the filters the sidebar set in this run.
    """
    _rerun_through_entry_point()
    state = st.session_state.get(ui_state.CURRENT_FILTERS, FilterState())
    view = site_view(state.as_of)
    return AppView(load_app_data(), view, apply_filters(view, state), state)


# --- drawing ----------------------------------------------------------------------------------


def _relabel_bound_filters() -> None:
    # A bound multiselect writes its chosen labels into the URL; after a language change, setting
    # each filter to its own value makes Streamlit rewrite them in the new language.
    for key in (*ui_state.FILTER_KEYS, ui_state.EVENT_GROUP):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _language_chosen() -> None:
    # The picker's callback: the URL follows at once, so the run it starts reads the new choice.
    st.query_params[ui_state.LANGUAGE] = st.session_state[ui_state.LANGUAGE]
    _relabel_bound_filters()


def _browser_language(languages: tuple[str, ...]) -> str:
    """The language the reader's browser prefers, among those offered (English if none)."""
    accept = st.context.headers.get("Accept-Language")
    return i18n.preferred_language([st.context.locale, *i18n.accepted_languages(accept)], languages)


def _choose_language(languages: tuple[str, ...]) -> str:
    """This run's language: the link's, else the session's, else the browser's."""
    from_url = i18n.match_language(st.query_params.get(ui_state.LANGUAGE), languages)
    chosen = st.session_state.get(ui_state.LANGUAGE)
    if from_url is not None:
        chosen = from_url
    elif chosen not in languages:
        # A link without a language but with filters was made in English (the one language
        # the URL leaves out): its filter labels are English, so it opens in English.
        labelled = any(key in st.query_params for key in ui_state.LABELLED_KEYS)
        chosen = i18n.SOURCE_LANGUAGE if labelled else _browser_language(languages)
    # Set on every run, not only when it changes: a page switch can reset the picker to its
    # default while the session still holds the old value.
    st.session_state[ui_state.LANGUAGE] = chosen
    return chosen


def choose_language() -> DeltaGenerator | None:
    """Settle this run's language and keep the top of the sidebar for its picker.

    The language travels in the URL as its tag (``?lang=zh-Hans``), so a shared link opens in
    it; with none, the browser's preferred language decides. The URL leaves ``lang`` out only
    for English in a browser that prefers English. Call before anything shows text, so every
    ``_()`` in the run uses the chosen language; draw the picker with `render_language_picker`
    into the place returned (None: only one language, no picker), after the page, so the
    page's own code is fetched first.
    """
    languages = i18n.available_languages()
    if len(languages) < 2:
        return None
    chosen = _choose_language(languages)
    in_url = chosen != i18n.SOURCE_LANGUAGE or _browser_language(languages) != chosen
    if not in_url:
        st.query_params.pop(ui_state.LANGUAGE, None)
    elif st.query_params.get(ui_state.LANGUAGE) != chosen:
        # A page switch drops parameters no widget is bound to; this puts it back.
        st.query_params[ui_state.LANGUAGE] = chosen
    return st.sidebar.container()


def render_language_picker(place: DeltaGenerator | None) -> None:
    """Offer the interface languages in `place` (from `choose_language`), if there are several."""
    if place is None:
        return
    with place:
        # Not bound with bind="query-params": that would put the picker's label in the URL.
        st.selectbox(
            _("Language"),
            i18n.available_languages(),
            key=ui_state.LANGUAGE,
            format_func=i18n.language_label,
            on_change=_language_chosen,
        )
        _render_language_marks(i18n.current_language())


def _render_language_marks(language: str) -> None:
    """Mark the page with its language, and say once that the data stays in English.

    Streamlit's page says ``lang="en"`` whatever it shows: the browser then draws Chinese with
    whichever CJK font it finds first, often the Japanese forms. With the page's ``lang`` set,
    Simplified and Traditional text each get their own forms and fonts (i18n.font_css).
    """
    note = ""
    if language != i18n.SOURCE_LANGUAGE:
        note = html.escape(
            _(
                "Event summaries, notes, actor names and source titles stay in the dataset's "
                "language (English)."
            )
        )
        note = f'<p class="sm-data-language">{note}</p>'
    # Our own constant text: the tag is one of the languages with a catalogue.
    tag = browser_code.script_safe_json(i18n.html_lang(language))
    script = browser_code.script("web/language.js", "stationmap.setPageLanguage", tag)
    # Not about language, but a page script too, and one st.html takes no more room than one.
    script += "\n" + browser_code.script("web/date-enter.js", "stationmap.applyDatesOnEnter")
    st.html(
        f"<style>{i18n.font_css()}{browser_code.read('web/language.css')}</style>{note}"
        f"<script>{script}</script>",
        unsafe_allow_javascript=True,
    )


def _reset_filters(defaults: Mapping[str, Any]) -> None:
    # Through session state, the one way Streamlit lets code change a bound widget: the URL
    # follows, and drops every parameter that is back at its default.
    for key, value in defaults.items():
        st.session_state[key] = value


def render_sidebar(view: pd.DataFrame) -> FilterState:
    """Draw the shared filters in the sidebar and return what they select.

    ``view`` supplies the choices (countries, regions and bureaus present in the data); any
    date's view gives the same ones.
    """
    options = filter_options(view)
    today = date.today()
    defaults = filter_defaults(options, today)
    country_names = dict(options["countries"])
    bound = {"bind": "query-params"}
    with st.sidebar:
        st.header(_("Filters"))
        st.text_input(
            _("Search names, places and notes"),
            key=ui_state.TEXT,
            placeholder=_("e.g. Glasgow"),
            **bound,
        )
        st.multiselect(
            _("Status"),
            options["statuses"],
            key=ui_state.STATUS,
            format_func=i18n.status_label,
            placeholder=_("All statuses"),
            **bound,
        )
        first_reported = options["first_reported_range"]
        st.date_input(
            _("Statuses as of"),
            # "today" rather than a date: a page left open overnight moves on with the calendar.
            value="today",
            # No status exists before the first report.
            min_value=first_reported[0] if first_reported else None,
            max_value=today,
            key=ui_state.AS_OF,
            format="YYYY-MM-DD",
            help=_(
                "Each site shows the status its latest reported event had set by this date. "
                "Sites first reported later are hidden."
            ),
            **bound,
        )
        st.multiselect(
            _("Country"),
            [code for code, _name in options["countries"]],
            key=ui_state.COUNTRY,
            format_func=lambda code: i18n.country_label(code, country_names.get(code, code)),
            placeholder=_("All countries"),
            **bound,
        )
        st.multiselect(
            _("Region"),
            options["regions"],
            key=ui_state.REGION,
            format_func=i18n.region_label,
            placeholder=_("All regions"),
            **bound,
        )
        st.multiselect(
            _("Operating bureau (as reported)"),
            options["bureaus"],
            key=ui_state.BUREAU,
            format_func=i18n.bureau_label,
            placeholder=_("All bureaus"),
            **bound,
        )
        st.multiselect(
            _("Basis"),
            options["bases"],
            key=ui_state.BASIS,
            format_func=i18n.basis_label,
            placeholder=_("Any basis"),
            help=_(
                "What each site rests on: the strongest kind of source naming it (Sources → "
                "Method says how it is worked out)."
            ),
            **bound,
        )
        if ui_state.REPORTED in defaults:
            first, last = defaults[ui_state.REPORTED]
            st.date_input(
                _("First reported between"),
                value=(first, last),
                min_value=first,
                max_value=last,
                key=ui_state.REPORTED,
                format="YYYY-MM-DD",
                **bound,
            )
        st.button(
            _("Reset filters"),
            key=ui_state.RESET_FILTERS,
            on_click=_reset_filters,
            args=(defaults,),
            icon=":material/restart_alt:",
        )
        st.caption(
            _(
                "Copy link: the address in your browser holds these filters. Copy it to share "
                "or bookmark exactly this view."
            )
        )
    return _filters_in_session(options, today)


def _filters_in_session(options: Mapping[str, Any], today: date) -> FilterState:
    """The FilterState the sidebar widgets' values in session state stand for."""
    return filter_state_from_values(
        {key: st.session_state.get(key) for key in ui_state.FILTER_KEYS},
        reported_bounds=options["first_reported_range"],
        today=today,
    )


def render_data_problems(dataset: Dataset) -> None:
    """If some rows could not be loaded, say so and list every problem; the rest still shows."""
    lines = problem_lines(dataset)
    if not lines:
        return
    st.warning(
        n_(
            "The data has {n} problem. The rows concerned are left out; everything else is shown.",
            "The data has {n} problems. The rows concerned are left out; everything else is shown.",
            dataset.problem_count,
        ).format(n=dataset.problem_count),
        icon=":material/warning:",
    )
    with st.expander(_("Show the problems (file:row: column: message)")):
        # A code block, not Markdown: the lines quote the files, which must not render as links.
        st.code("\n".join(lines), language=None, wrap_lines=True)


def _filter_summary(view: pd.DataFrame, filtered: pd.DataFrame) -> str:
    shown = count_headlines(filtered)
    total = int(view["reported"].sum())
    sites = n_("Showing {shown} of {total} site", "Showing {shown} of {total} sites", total).format(
        shown=shown["sites"], total=total
    )
    countries = n_("{n} country", "{n} countries", shown["countries"])
    return f"{sites} · {countries.format(n=shown['countries'])}"


def render_upload_banner() -> None:
    """While the session shows uploaded data, say so at the top of every page, with a way back."""
    if not using_uploaded_data():
        return
    with st.container(border=True, key=ui_state.UPLOAD_BANNER):
        st.info(
            _(
                "Showing your uploaded data (this browser session only) — switch back to the "
                "published dataset"
            ),
            icon=":material/upload_file:",
        )
        st.button(
            _("Switch back to the published dataset"),
            key=ui_state.SWITCH_TO_PUBLISHED,
            on_click=use_published_data,
            icon=":material/undo:",
        )


def render_notices() -> None:
    """Above every page: the uploaded-data banner and the data's problems, if any."""
    render_upload_banner()
    render_data_problems(load_app_data())


def filters_before_sidebar() -> FilterState | None:
    """The filters in force, read without drawing the sidebar; None if only it can tell.

    The sidebar's widgets keep their values in session state from one run to the next, so
    once they have been drawn, this run's filters are known before they are drawn again; and
    a session's first run with no filters in its link has the defaults. Only a first run from
    a link with filters needs the widgets, which read the link when they are made. Knowing the
    filters first lets a page be drawn before the sidebar: the map then starts loading while
    the sidebar is still being made.
    """
    first_run = ui_state.CURRENT_FILTERS not in st.session_state
    if first_run and any(key in st.query_params for key in ui_state.FILTER_KEYS):
        return None
    return _filters_in_session(filter_options(site_view()), date.today())


def use_filters(state: FilterState) -> None:
    """Make `state` the filters `current_view` applies in this run."""
    st.session_state[ui_state.CURRENT_FILTERS] = state


def map_first(assets_local: bool) -> bool:
    """Whether this run of the map page draws its title and map only, and stops there.

    In a browser's first visit, each kind of widget on the page has code of its own to fetch:
    drawn with the map, the sidebar's filters and the page's buttons and counts make the
    browser fetch about 40 more files than a page with a map alone, over the same few
    connections as the map's own code, and the map shows later (scripts/bench.py measures
    it). So until this session's sidebar has been drawn once, the map page draws its map
    first; the map reports when it has shown its sites (`folium_bridge.map_was_shown` of its
    value), and the run that report starts draws the rest of the page.

    Not when the map's code comes from a CDN (`assets_local` False): a map that may never
    load would never report, and the page would never get its filters.
    """
    if not assets_local or st.session_state.get(ui_state.CHROME_DRAWN):
        return False
    return not folium_bridge.map_was_shown(st.session_state.get(ui_state.SITE_MAP))


def render_chrome(page_filters: FilterState | None = None) -> AppView:
    """Draw the sidebar filters and the count above them; return what the pages show.

    `page_filters`: those a page already ran on, read before the sidebar
    (`filters_before_sidebar`). If the sidebar's widgets say otherwise, the script runs again,
    so no page ever shows filters other than those in the sidebar.
    """
    # Made before the filters, so the count sits above them where a presenter's audience sees it.
    summary = st.sidebar.container()
    state = render_sidebar(site_view())
    st.session_state[ui_state.CHROME_DRAWN] = True
    use_filters(state)
    if page_filters is not None and page_filters != state:
        st.rerun()
    app_view = current_view()
    summary.markdown(f"**{_filter_summary(app_view.view, app_view.filtered)}**")
    if state.as_of is not None:
        summary.caption(
            _("Statuses as of {date}").format(date=i18n.day_label(state.as_of)),
        )
    return app_view


def render_footer(dataset: Dataset) -> None:
    """Data version, counts, a link to every source and the disclaimer, under every page.

    The counts are the whole dataset's as of today, whatever the filters: the data's size.
    """
    facts = footer_facts(dataset, site_view())
    latest = facts["latest"]
    st.divider()
    counts = " · ".join(
        (
            n_("{n} site", "{n} sites", facts["sites"]).format(n=facts["sites"]),
            n_("{n} country", "{n} countries", facts["countries"]).format(n=facts["countries"]),
            n_("{n} event", "{n} events", facts["events"]).format(n=facts["events"]),
            n_("{n} source", "{n} sources", facts["sources"]).format(n=facts["sources"]),
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
