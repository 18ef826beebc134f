"""What one browser session keeps that is large: its uploaded data and the files made from it.

Not in ``st.session_state``: when a browser disconnects, Streamlit keeps the session's state in
the server's memory so that a reconnect can resume it, and drops it only when something else
happens after ``server.disconnectedSessionTTL``; three sessions in turn that uploaded 15,000
sites each left the server 200 MB larger each time. Kept instead in a session-scoped resource
(``st.cache_resource(scope="session")``), which Streamlit releases as soon as the browser
disconnects: a visitor whose connection drops finds the published data again, and uploads anew.

Only this session ever sees it; nothing here is written to disk or shared.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from stationmap.app import heap

# The checked upload (its signature and result), the upload in use, and the sites page's
# offline map file (with the view it shows).
CHECKED_UPLOAD = "checked_upload"
UPLOADED_DATA = "uploaded_data"
OFFLINE_MAP = "offline_map"


# Which session the store belongs to (its release is told only the store).
_SESSION_ID = "session_id"


def _release(files: dict[str, Any]) -> None:
    """The browser has disconnected: drop this session's data and the files Streamlit keeps."""
    session_id = files.pop(_SESSION_ID, None)
    had_data = bool(files)
    files.clear()
    if session_id is not None and had_data:
        _drop_streamlit_files(session_id)
        heap.give_back_freed_memory()


def _drop_streamlit_files(session_id: str) -> None:
    # Streamlit drops a session's uploaded files and download files only when it shuts the
    # session down, which it never does for one that expired while waiting for a reconnect:
    # each upload's megabytes, and an offline map's 25 MB, stayed for the server's life. The
    # session's upload is gone with its store, so its files go too; download links made in
    # it stop working (see the upload page).
    from streamlit import runtime

    if not runtime.exists():
        return
    instance = runtime.get_instance()
    instance.uploaded_file_mgr.remove_session_files(session_id)
    instance.media_file_mgr.clear_session_refs(session_id)
    # A download's file is only marked on the first sweep and deleted on the next (a grace for a
    # click that reruns the page before the browser fetches it; this app's downloads never
    # rerun). Without a second sweep it stayed until some other session's run ended.
    instance.media_file_mgr.remove_orphaned_files()
    instance.media_file_mgr.remove_orphaned_files()


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _files() -> dict[str, Any]:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return {_SESSION_ID: context.session_id} if context is not None else {}


def get(key: str, default: Any = None) -> Any:
    """This session's value for `key`, or `default`."""
    return _files().get(key, default)


def put(key: str, value: Any) -> None:
    _files()[key] = value


def drop(key: str) -> None:
    _files().pop(key, None)


def checked_upload(signature: tuple) -> Any:
    """The result of checking the uploaded files of `signature`, if they were the last checked."""
    checked = get(CHECKED_UPLOAD)
    return checked[1] if checked is not None and checked[0] == signature else None


def keep_checked_upload(signature: tuple, result: Any) -> None:
    """Remember the result of checking the files of `signature`: they are checked only once."""
    put(CHECKED_UPLOAD, (signature, result))
