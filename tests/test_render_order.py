"""How a run starts: the sidebar (the filters) closed for a new reader, open for a link with
filters (stationmap.app.render_order.sidebar_state)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from stationmap.app import render_order, ui_state


def session(query: dict, state: dict):
    return SimpleNamespace(query_params=query, session_state=state)


@pytest.fixture
def streamlit(monkeypatch):
    def use(query: dict, state: dict) -> None:
        monkeypatch.setattr(render_order, "st", session(query, state))

    return use


def test_a_new_reader_starts_with_the_filters_closed(streamlit):
    streamlit({}, {})
    assert not render_order.link_sets_filters()
    assert render_order.sidebar_state() == "collapsed"


@pytest.mark.parametrize("key", sorted(ui_state.FILTER_KEYS))
def test_a_first_run_from_a_link_with_filters_opens_them(streamlit, key):
    streamlit({key: "x"}, {})
    assert render_order.link_sets_filters()
    assert render_order.sidebar_state() == "expanded"


def test_every_run_of_a_session_says_what_its_first_said(streamlit):
    # Streamlit applies a page's initial sidebar state whenever it changes: a later run saying
    # "collapsed" would close the filters a link opened, or that the reader opened.
    state: dict = {}
    streamlit({ui_state.STATUS: "x"}, state)
    assert render_order.sidebar_state() == "expanded"
    state[ui_state.CURRENT_FILTERS] = object()
    assert not render_order.link_sets_filters()
    assert render_order.sidebar_state() == "expanded"

    fresh: dict = {}
    streamlit({}, fresh)
    assert render_order.sidebar_state() == "collapsed"
    streamlit({ui_state.STATUS: "x"}, fresh)
    assert render_order.sidebar_state() == "collapsed"


def test_other_parameters_in_the_link_do_not_open_the_filters(streamlit):
    streamlit({ui_state.LANGUAGE: "zh-Hant", "site": "x"}, {})
    assert render_order.sidebar_state() == "collapsed"


def test_a_sessions_first_run_names_no_pages_and_every_later_run_does(streamlit):
    # The pages' names cost the first paint commits of their own (docs/performance.md); they
    # come with the next run, into the header, where they move nothing.
    state: dict = {}
    streamlit({}, state)
    assert render_order.navigation_position() == "hidden"
    assert render_order.navigation_position() == "top"
    assert render_order.navigation_position() == "top"


def test_a_first_run_from_a_link_with_filters_names_the_pages(streamlit):
    # It draws its whole page in that run (the sidebar first), so no run would follow.
    state: dict = {}
    streamlit({ui_state.STATUS: "x"}, state)
    assert render_order.navigation_position() == "top"
    # The runs after it too, once the filters are in the session (the link is still there).
    state[ui_state.CURRENT_FILTERS] = object()
    assert render_order.navigation_position() == "top"


@pytest.mark.parametrize(
    ("position", "report_pending", "reruns"),
    [("hidden", False, 1), ("hidden", True, 0), ("top", False, 0), ("top", True, 0)],
)
def test_a_whole_page_drawn_without_the_pages_names_runs_again_for_them(
    monkeypatch, position, report_pending, reruns
):
    calls: list[None] = []
    fake = session({}, {ui_state.REPORT_PENDING: report_pending})
    fake.rerun = lambda: calls.append(None)
    monkeypatch.setattr(render_order, "st", fake)
    render_order.show_deferred_navigation(position)
    assert len(calls) == reruns
