"""The server's own settings for a dashboard that may be opened to others (issue 16, case 3).

tests/browser/test_public_server.py checks in a browser what a visitor then sees of a crash.
"""

from __future__ import annotations

import ast
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


def test_page_scripts_are_compiled_without_magic():
    # With magic on, Streamlit rewrites every page's syntax tree before compiling it, and does it
    # again whenever no session was connected for a moment; no page writes a bare value.
    assert settings()["runner"]["magicEnabled"] is False


def test_no_page_leaves_a_bare_value_for_magic_to_write():
    # With magic off such a line would show nothing: every statement on its own is a call (or
    # a docstring).
    scripts = [config.PROJECT_ROOT / "dashboard.py", *(config.PROJECT_ROOT / "pages").glob("*.py")]
    bare = [
        f"{script.name}:{node.lineno}"
        for script in scripts
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8")))
        if isinstance(node, ast.Expr)
        and not isinstance(node.value, (ast.Call, ast.Await))
        and not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))
    ]
    assert len(scripts) > 5
    assert bare == []
