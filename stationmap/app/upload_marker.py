"""The URL says when a view shows uploaded data, so a session that lost its upload can say so.

An upload lives in the memory of the one server process holding the reader's session
(:mod:`stationmap.app.session_files`). Behind a load balancer (docs/deploy.md), a reader whose
process has stopped is sent to another on their next load: the filters come back, since they are
in the URL, but the upload cannot. So while a session shows its upload, the URL carries
``data=upload`` (never the data: a link cannot carry someone's files), and a session that starts
from such a URL without an upload of its own tells the reader plainly that the upload is gone and
shows the published data with the same filters; the marker stays until the reader dismisses the
notice. The same happens after a reload or a dropped connection, which release an upload too.
"""

from __future__ import annotations

import streamlit as st

from stationmap.app import ui_state
from stationmap.app.data import using_uploaded_data
from stationmap.html.markdown import plain
from stationmap.i18n import _


def _marked() -> bool:
    return st.query_params.get(ui_state.DATA_SOURCE) == ui_state.UPLOADED_DATA_MARK


def sync_upload_marker() -> None:
    """Put the marker in the URL while the session shows its upload; note an upload that is gone.

    Call once a run, before anything shows the data. The marker is put back on every run, as a
    page switch drops URL parameters no widget is bound to.
    """
    first_run = ui_state.UPLOAD_MARKER_SEEN not in st.session_state
    st.session_state[ui_state.UPLOAD_MARKER_SEEN] = True
    if using_uploaded_data():
        # A new upload in use: the notice about the old one has done its job.
        st.session_state[ui_state.UPLOAD_LOST] = False
        _mark()
        return
    if st.session_state.get(ui_state.UPLOAD_LOST):
        # Kept until the reader has read the notice: a reload, or a second move to another
        # process, says it again rather than quietly showing other data.
        _mark()
        return
    if not _marked():
        return
    if first_run or st.session_state.get(ui_state.USE_UPLOADED_DATA):
        # Marked, with no upload here: a new session (a reload, a link opened elsewhere,
        # another process), or one whose upload was released while its browser was away.
        st.session_state[ui_state.UPLOAD_LOST] = True
        st.session_state[ui_state.USE_UPLOADED_DATA] = False
    else:
        # The session chose the published data itself: a marker left from the run before.
        _unmark()


def _mark() -> None:
    if not _marked():
        st.query_params[ui_state.DATA_SOURCE] = ui_state.UPLOADED_DATA_MARK


def _unmark() -> None:
    st.query_params.pop(ui_state.DATA_SOURCE, None)


def _dismiss() -> None:
    st.session_state[ui_state.UPLOAD_LOST] = False
    _unmark()


def upload_was_lost() -> bool:
    """True while this session should be told that the upload it had is gone."""
    return bool(st.session_state.get(ui_state.UPLOAD_LOST)) and not using_uploaded_data()


def render_lost_upload_notice() -> None:
    """Say plainly that the uploaded data is gone and the published data is shown instead."""
    if not upload_was_lost():
        return
    with st.container(border=True, key=ui_state.UPLOAD_LOST_NOTICE):
        st.warning(
            plain(
                _(
                    "The uploaded data this view showed is gone: uploads are kept only in the "
                    "memory of the server process holding the browser session that made them, "
                    "and this is a new session (the page was reloaded, the connection was lost, "
                    "the link was opened elsewhere, or the server process changed). This page "
                    "shows the published dataset with the same filters. To see that data again, "
                    "upload its files again on the “Your data” page."
                )
            ),
            icon=":material/cloud_off:",
        )
        st.button(_("Understood"), key=ui_state.UPLOAD_LOST_DISMISS, on_click=_dismiss)
