"""The chrome every page shares, put together: the page's data, the sidebar, the notices.

``dashboard.py`` calls ``language.choose_language`` first, then :func:`render_notices` and
:func:`render_chrome` around ``st.navigation(...).run()`` (after the page when
``render_order.filters_before_sidebar`` can tell the filters without it, before otherwise), then
``language.render_language_picker`` and ``footer.render_footer``. A page gets what it shows in one
line::

    dataset, site_view, filtered, state = chrome.page_data()

The parts live by job beside this module: :mod:`~stationmap.app.data` (the dataset, cached, or
this session's upload), :mod:`~stationmap.app.sidebar` (the filters),
:mod:`~stationmap.app.language`, :mod:`~stationmap.app.footer` and
:mod:`~stationmap.app.render_order` (what a run draws first).
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st

from stationmap import i18n
from stationmap.app import ui_state, upload_marker
from stationmap.app.data import (
    filter_choices,
    load_app_data,
    site_view,
    use_published_data,
    using_uploaded_data,
)
from stationmap.app.render_order import rerun_through_entry_point
from stationmap.app.sidebar import filter_summary, render_sidebar
from stationmap.i18n import _, n_
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import Dataset

# Pages linked from the chrome; dashboard.py registers them under these paths.
SOURCES_PAGE = "pages/sources.py"
# Named like its URL (/upload): before dashboard.py first runs, Streamlit looks a path up by file
# name (see render_order.rerun_through_entry_point), and a mismatch shows "Page not found".
UPLOAD_PAGE = "pages/upload.py"


class PageData(NamedTuple):
    """What a page shows: the dataset, every site's row on the chosen date (the site view), the
    rows the filters let through, and the filters."""

    dataset: Dataset
    site_view: pd.DataFrame
    filtered: pd.DataFrame
    state: FilterState


def problem_lines(dataset: Dataset) -> list[str]:
    """Every problem with the data as ``FILE:ROW: COLUMN: message``."""
    return [str(problem) for problem in dataset.problems]


def use_filters(state: FilterState) -> None:
    """Make `state` the filters `page_data` applies in this run."""
    st.session_state[ui_state.CURRENT_FILTERS] = state


def page_data() -> PageData:
    """The dataset, the site view for the chosen as-of date, the filtered rows and the filters.

    Every page calls this first. It reads the filters the sidebar set in this run.
    """
    rerun_through_entry_point()
    state = st.session_state.get(ui_state.CURRENT_FILTERS, FilterState())
    shown = site_view(state.as_of)
    return PageData(load_app_data(), shown, apply_filters(shown, state), state)


# --- drawing ----------------------------------------------------------------------------------


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
    """Above every page: a lost upload, the uploaded-data banner and the data's problems."""
    upload_marker.sync_upload_marker()
    upload_marker.render_lost_upload_notice()
    render_upload_banner()
    render_data_problems(load_app_data())


def render_chrome(page_filters: FilterState | None = None) -> PageData:
    """Draw the sidebar filters and the count above them; return what the pages show.

    `page_filters`: those a page already ran on, read before the sidebar
    (`render_order.filters_before_sidebar`). If the sidebar's widgets say otherwise, the script
    runs again, so no page ever shows filters other than those in the sidebar.
    """
    # Made before the filters, so the count sits above them where a presenter's audience sees it.
    summary = st.sidebar.container()
    state = render_sidebar(filter_choices())
    st.session_state[ui_state.CHROME_DRAWN] = True
    use_filters(state)
    if page_filters is not None and page_filters != state:
        st.rerun()
    shown = page_data()
    summary.markdown(f"**{filter_summary(shown.site_view, shown.filtered)}**")
    if state.as_of is not None:
        summary.caption(
            _("Statuses as of {date}").format(date=i18n.day_label(state.as_of)),
        )
    return shown
