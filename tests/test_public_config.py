"""The server's own settings for a dashboard that may be opened to others (issue 16, case 3).

tests/browser/test_public_server.py checks in a browser what a visitor then sees of a crash.
"""

from __future__ import annotations

import tomllib

from stationmap import config


def settings() -> dict:
    return tomllib.loads((config.PROJECT_ROOT / ".streamlit" / "config.toml").read_text())


def test_visitors_are_shown_no_error_details():
    # "none": a plain message instead of the exception's type, message and traceback (server
    # paths and code); Streamlit logs them on the server all the same.
    assert settings()["client"]["showErrorDetails"] == "none"


def test_the_server_listens_on_this_machine_unless_told_otherwise():
    assert settings()["server"]["address"] == "127.0.0.1"
