"""The URL says when a view shows uploaded data, so a session that lost its upload can say so.

An upload lives in the memory of the one server process holding the reader's session
(:mod:`stationmap.app.session_files`). Behind a load balancer (docs/deploy.md), a reader whose
process has stopped is sent to another on their next load: the filters come back, since they are
in the URL, but the upload cannot. So while a session shows its upload, the URL carries
``data=upload`` (never the data: a link cannot carry someone's files), and a session that starts
from such a URL without an upload of its own tells the reader plainly that the upload is gone and
shows the published data with the same filters. The same happens when a reader's connection
dropped long enough for the process to release the upload.
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
        if not _marked():
            st.query_params[ui_state.DATA_SOURCE] = ui_state.UPLOADED_DATA_MARK
        return
    if not _marked():
        return
    # Marked, with no upload here: a new session (another process, or this one restarted), or
    # a session whose upload was released while its browser was away. A session that chose the
    # published data itself only has a marker left over from the run before its choice.
    if first_run or st.session_state.get(ui_state.USE_UPLOADED_DATA):
        st.session_state[ui_state.UPLOAD_LOST] = True
        st.session_state[ui_state.USE_UPLOADED_DATA] = False
    # Out of the URL: a link copied from here shows the published data, and says nothing.
    del st.query_params[ui_state.DATA_SOURCE]


def _dismiss() -> None:
    st.session_state[ui_state.UPLOAD_LOST] = False


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
                    "Your uploaded data is gone. It was kept only in the memory of the server "
                    "process that held your session, and you are now connected to another one "
                    "(or that one was restarted). This page shows the published dataset with "
                    "the same filters. To see your data again, upload your files again on the "
                    "“Your data” page."
                )
            ),
            icon=":material/cloud_off:",
        )
        st.button(_("Understood"), key=ui_state.UPLOAD_LOST_DISMISS, on_click=_dismiss)
