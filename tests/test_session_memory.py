"""What keeps a session's data alive after its browser has gone (issue 16, case 1).

Streamlit keeps a disconnected session's state, and every widget's callback and arguments,
until well after it has gone; the last run's script module stays in ``sys.modules["__main__"]``
until another run; and glibc keeps memory freed by one thread in that thread's arena. So: large
data lives in stationmap.app.session_files (released on disconnect), callbacks live in modules and
take small arguments, dashboard.py keeps nothing in globals, and freed memory goes back to the
system. The browser test tests/browser/test_public_server.py measures the whole.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

from stationmap import config
from stationmap.app import heap

PAGES = sorted((config.PROJECT_ROOT / "pages").glob("*.py"))


def functions_defined_in(tree: ast.Module) -> set[str]:
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_no_page_hands_streamlit_a_callback_of_its_own(path: Path):
    # A callback defined in a page keeps the page's globals (the dataset, the views) alive with
    # the session's widgets.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = functions_defined_in(tree)
    handed = [
        f"{path.name}:{keyword.lineno}: {keyword.value.id}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg in ("on_click", "on_change", "on_select")
        and isinstance(keyword.value, ast.Name)
        and keyword.value.id in own
    ]
    assert handed == []


def test_the_entry_point_keeps_no_data_in_globals():
    tree = ast.parse((config.PROJECT_ROOT / "dashboard.py").read_text(encoding="utf-8"))
    assigned = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    ]
    assert assigned == []


class FakeLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append(("mallopt", parameter, value))

    def malloc_trim(self, pad):
        self.calls.append(("malloc_trim", pad))


def test_freed_memory_is_handed_back_in_a_thread_of_its_own(monkeypatch):
    libc = FakeLibc()
    monkeypatch.setattr(heap, "_glibc", lambda: libc)
    before = set(threading.enumerate())

    heap.give_back_freed_memory()

    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=10)
    assert libc.calls == [("malloc_trim", 0)]


def test_malloc_arenas_are_limited_once_a_process(monkeypatch):
    libc = FakeLibc()
    monkeypatch.setattr(heap, "_glibc", lambda: libc)
    monkeypatch.setattr(heap, "_arenas_limited", False)

    heap.limit_malloc_arenas()
    heap.limit_malloc_arenas()

    assert libc.calls == [("mallopt", -8, heap.MALLOC_ARENAS)]


def test_the_upload_page_says_who_can_fetch_a_download_and_until_when():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(config.PROJECT_ROOT / "dashboard.py", default_timeout=60).run()
    app.switch_page("pages/upload.py").run()

    assert not app.exception
    captions = " ".join(caption.value for caption in app.caption)
    assert "anyone who is given that address can fetch the file" in captions
    assert "up to 1,000,000 bytes (1 MB) each" in captions
