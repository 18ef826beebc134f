"""The data a session sees: the published dataset, cached at the edge, or its own upload.

The published dataset is loaded once per version of its files (:func:`data_fingerprint`) and
shared by every session, as is each date's site view. Someone who uploads their own files on the
"Your data" page and chooses to use them sees them on every page, in that browser session only:
the validated dataset is kept in the session's own store (:mod:`stationmap.app.session_files`,
released when the browser disconnects), never on disk and never in a cache that Streamlit shares
between sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import streamlit as st

from stationmap import config, i18n
from stationmap.app import heap, session_files, ui_state
from stationmap.i18n import _
from stationmap.record import schema
from stationmap.record.dates import resolve_day
from stationmap.record.filters import filter_options
from stationmap.record.loader import Dataset, load_dataset
from stationmap.record.views import build_site_view

if TYPE_CHECKING:
    from stationmap.app.upload import UploadResult

# Old entries are only ever needed again if someone reverts a data edit; a few suffice.
DATASET_CACHE_ENTRIES = 4
# One site view per as-of date. A site view of 10,000 sites is about 5 MB and is rebuilt in well
# under a tenth of a second, so a few dozen recent dates are plenty.
VIEW_CACHE_ENTRIES = 32
# What the pages build from the published data per filter (a timeline's events and charts, the
# sites table): enough for the views many readers share and the few each one goes back to.
PAGE_CACHE_ENTRIES = 64

T = TypeVar("T")


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


# --- the published data, cached at the edge -------------------------------------------------------


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


# Shared, not copied per run (each copy of a site view of 10,000 sites costs tens of
# milliseconds to unpickle, several times a run): callers must not change a site view in place.
@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _site_view(data_dir: str, fingerprint: tuple, today: date, on: date) -> pd.DataFrame:
    return build_site_view(_load_dataset(data_dir, fingerprint, today), on=on)


def _data_key() -> tuple[str, tuple, date]:
    data_dir = config.data_dir()
    return str(data_dir), data_fingerprint(data_dir), resolve_day()


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


@st.cache_resource(show_spinner=False, max_entries=PAGE_CACHE_ENTRIES)
def _shared_result(name: str, key: tuple, _build: Callable[[], object]) -> object:
    # `_build` is left out of the cache key (its leading underscore): `name` and `key` say
    # what it builds.
    return _build()


def shared_result(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """What `build` makes from the data this session shows, shared by every session that
    shows the same data in the same language with the same `parts` (filters, dates).

    Built once per key, not on every run: a rerun that changed nothing a page shows costs a
    look-up. Shared, not copied: callers must not change the result in place. For uploaded
    data (`shared_cache_key` None) it is built afresh each run, in this session only.
    """
    data_key = shared_cache_key()
    if data_key is None:
        return build()
    return _shared_result(name, (data_key, i18n.current_language(), *parts), build)


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
        # derived once per dataset (Dataset.derived), so a site view of an upload is quick.
        return build_site_view(uploaded_data().dataset, on=resolve_day(on))
    return _site_view(*_data_key(), resolve_day(on))


def filter_choices() -> dict[str, list]:
    """The choices each filter offers (`filters.filter_options` of today's site view).

    Built once per data, language and day and shared: the sidebar and
    `render_order.filters_before_sidebar` both ask on every run of every page, and at 10,000
    sites building them took about 10 ms each time, before the page's first widget. Callers
    must not change the result in place.
    """
    today = resolve_day()
    return shared_result("filter_options", (today,), lambda: filter_options(site_view(today)))
