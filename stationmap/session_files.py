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

from stationmap import heap

# The checked upload (its signature and result), the upload in use, and the sites page's
# offline map file (with the view it shows).
CHECKED_UPLOAD = "checked_upload"
UPLOADED_DATA = "uploaded_data"
OFFLINE_MAP = "offline_map"


def _release(files: dict[str, Any]) -> None:
    had_data = bool(files)
    files.clear()
    if had_data:
        heap.give_back_freed_memory()


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _files() -> dict[str, Any]:
    return {}


def get(key: str, default: Any = None) -> Any:
    """This session's value for `key`, or `default`."""
    return _files().get(key, default)


def put(key: str, value: Any) -> None:
    _files()[key] = value


def drop(key: str) -> None:
    _files().pop(key, None)
