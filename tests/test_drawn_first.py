"""A page's first visit in a session: the sites' table, the timeline's charts or a briefing
slide first, the rest once they show (stationmap.app.drawn_first), under Streamlit's AppTest."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from stationmap import config
from stationmap.app import chrome, drawn_first, ui_state
from stationmap.html import tables
from stationmap.record.loader import load_dataset
from tests.app_session import (
    DASHBOARD,
    RUN_TIMEOUT_S,
    assert_ran_cleanly,
    components_keyed,
    map_has_shown,
    source_table_html,
)

SITES_PAGE = "pages/sites.py"


def first_visit(page: str) -> AppTest:
    """A new session opening `page` straight away, as a shared link to it does."""
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    return app.switch_page(page).run()


@pytest.fixture
def navigation_positions(monkeypatch) -> list[str]:
    """Where each run's st.navigation put the pages' names, in order."""
    positions: list[str] = []
    real = st.navigation

    def recorded(pages, **options):
        positions.append(options.get("position"))
        return real(pages, **options)

    monkeypatch.setattr(st, "navigation", recorded)
    return positions


def reporters(app: AppTest) -> list:
    # Not the page's other component, the widget-code loader, which comes with the whole page.
    return components_keyed(app, ui_state.FIRST_VIEW_REPORTER)


def test_a_first_visit_draws_the_title_counts_and_table_and_waits_for_the_table():
    app = first_visit(SITES_PAGE)

    assert_ran_cleanly(app)
    assert [title.value for title in app.title] == ["Sites"]
    (counts,) = [m.value for m in app.main.markdown if m.value.startswith("Sites selected: ")]
    assert "Countries: **" in counts
    (table,) = app.dataframe
    assert len(table.value) > 0
    # The reporter that starts the next run, and nothing of the rest of the page or the sidebar.
    assert [reporter.key for reporter in reporters(app)] == [ui_state.FIRST_VIEW_REPORTER]
    assert not app.selectbox
    assert not app.toggle
    assert not app.get("download_button")
    assert not app.sidebar.multiselect
    assert ui_state.CHROME_DRAWN not in app.session_state


def test_the_run_the_report_starts_draws_the_whole_page_and_the_sidebar():
    app = first_visit(SITES_PAGE)

    # What the reporter's callback does before the run its report starts.
    app.session_state[ui_state.FIRST_VIEW_DRAWN] = True
    app.run()

    assert_ran_cleanly(app)
    assert [box.label for box in app.selectbox] == ["Details of a site", "Language"]
    assert len(app.get("download_button")) == 3
    assert app.sidebar.multiselect
    assert app.session_state[ui_state.CHROME_DRAWN] is True
    # Drawn once: the reporter is gone, and later runs draw the whole page.
    assert not reporters(app)
    app.run()
    assert not reporters(app)
    assert len(app.get("download_button")) == 3


def test_a_visit_after_another_page_draws_the_table_and_sidebar_then_the_rest():
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)).run()

    app.switch_page(SITES_PAGE).run()

    assert_ran_cleanly(app)
    # The table, the sidebar and the reporter; nothing under the table, and no footer (it
    # would sit under the table until the rest came and pushed it down).
    (table,) = app.dataframe
    assert len(table.value) > 0
    (reporter,) = reporters(app)
    assert json.loads(reporter.proto.json) == {
        "selector": drawn_first.SITES_TABLE,
        "inFrames": False,
    }
    assert app.sidebar.multiselect
    assert [box.label for box in app.selectbox] == ["Language"]
    assert not app.toggle
    assert not app.get("download_button")
    assert not any(c.value.startswith("Data version") for c in app.main.caption)
    assert app.session_state[ui_state.FOOTER_LEFT_OUT] is True

    # The run its report starts (the same page): the whole page, the footer, no reporter.
    app.run()
    assert_ran_cleanly(app)
    assert not reporters(app)
    assert [box.label for box in app.selectbox] == ["Details of a site", "Language"]
    assert len(app.get("download_button")) == 3
    assert any(c.value.startswith("Data version") for c in app.main.caption)
    assert app.session_state[ui_state.FOOTER_LEFT_OUT] is False


def test_an_empty_table_from_another_page_is_drawn_whole_at_once():
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S))
    # A search no site matches.
    app.query_params[ui_state.TEXT] = "no site is called this"
    app.run()

    app.switch_page(SITES_PAGE).run()

    assert_ran_cleanly(app)
    assert not reporters(app)
    assert any(box.value == "No sites match these filters." for box in app.info)
    assert len(app.get("download_button")) == 3


# A script that says what drawn_first.drawn_alone() answers in its session.
ASK = (
    "import streamlit as st\n"
    "from stationmap.app import drawn_first\n"
    "st.text(drawn_first.drawn_alone())"
)


def test_the_main_widget_comes_alone_only_until_the_sidebar_or_a_main_widget_has_shown():
    assert AppTest.from_string(ASK).run().text[0].value == "True"
    for key in (ui_state.CHROME_DRAWN, ui_state.FIRST_VIEW_DRAWN):
        app = AppTest.from_string(ASK)
        app.session_state[key] = True
        assert app.run().text[0].value == "False", key


TIMELINE_PAGE = "pages/timeline.py"


def test_a_first_visit_to_the_timeline_draws_its_first_chart_and_waits_for_it():
    app = first_visit(TIMELINE_PAGE)

    assert_ran_cleanly(app)
    assert [title.value for title in app.title] == ["Timeline"]
    # The lanes' chart and what is above it; what is under it comes in the next run, where it
    # moves nothing already drawn: the kinds' legend, the chart by country, the list.
    (chart,) = app.get("vega_lite_chart")
    assert chart.key == ui_state.LANE_CHART
    assert [s.value for s in app.subheader] == ["Police visits and government responses"]
    assert app.markdown[0].value.startswith("Events: **")
    (reporter,) = reporters(app)
    assert reporter.key == ui_state.FIRST_VIEW_REPORTER
    assert all("Kinds of event" not in block.value for block in app.get("html"))
    assert not app.expander
    assert not app.sidebar.multiselect
    assert ui_state.CHROME_DRAWN not in app.session_state


def test_the_run_the_timelines_report_starts_draws_the_whole_page_and_the_sidebar():
    app = first_visit(TIMELINE_PAGE)

    app.session_state[ui_state.FIRST_VIEW_DRAWN] = True
    app.run()

    assert_ran_cleanly(app)
    assert [chart.key for chart in app.get("vega_lite_chart")] == [
        ui_state.LANE_CHART,
        ui_state.TIMELINE_CHART,
    ]
    assert [s.value for s in app.subheader][:2] == [
        "Police visits and government responses",
        "By country",
    ]
    assert any("Kinds of event" in block.value for block in app.get("html"))
    assert len(app.expander) == 1
    assert app.sidebar.multiselect
    assert app.session_state[ui_state.CHROME_DRAWN] is True
    assert not reporters(app)


def test_a_visit_to_the_timeline_from_another_page_waits_for_its_first_chart_only():
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)).run()

    app.switch_page(TIMELINE_PAGE).run()

    assert_ran_cleanly(app)
    # The lanes' chart and the reporter in the box of the chart by country, which the next
    # run draws; the rest of the page and the sidebar come at once.
    assert [chart.key for chart in app.get("vega_lite_chart")] == [ui_state.LANE_CHART]
    (reporter,) = reporters(app)
    assert json.loads(reporter.proto.json) == {
        "selector": drawn_first.TIMELINE_CHART,
        "inFrames": False,
    }
    assert len(app.expander) == 1
    assert app.sidebar.multiselect

    # The run its report starts (the same page: nothing more is waited for).
    app.run()
    assert_ran_cleanly(app)
    assert [chart.key for chart in app.get("vega_lite_chart")] == [
        ui_state.LANE_CHART,
        ui_state.TIMELINE_CHART,
    ]
    assert not reporters(app)
    assert len(app.expander) == 1


def test_a_page_is_entered_on_its_first_run_and_after_another_pages_run_only():
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)).run()
    assert app.session_state[ui_state.PAGE_ENTERED] is True
    # The session's first page was not opened from another.
    assert app.session_state[ui_state.CAME_FROM_PAGE] is False
    app.run()
    assert app.session_state[ui_state.PAGE_ENTERED] is False
    assert app.session_state[ui_state.CAME_FROM_PAGE] is False
    app.switch_page(SITES_PAGE).run()
    assert app.session_state[ui_state.PAGE_ENTERED] is True
    assert app.session_state[ui_state.CAME_FROM_PAGE] is True
    app.run()
    assert app.session_state[ui_state.PAGE_ENTERED] is False
    assert app.session_state[ui_state.CAME_FROM_PAGE] is False


def source_rows(app: AppTest) -> int:
    return source_table_html(app).count('<tr id="source-')


def test_the_sources_page_from_another_page_draws_a_long_tables_first_rows_first():
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)).run()
    total = len(load_dataset(config.DEFAULT_DATA_DIR).sources)
    assert total > tables.SOURCE_FIRST_ROWS

    app.switch_page("pages/sources.py").run()

    assert_ran_cleanly(app)
    assert source_rows(app) == tables.SOURCE_FIRST_ROWS
    (reporter,) = reporters(app)
    assert json.loads(reporter.proto.json) == {
        "selector": drawn_first.SOURCES_TABLE,
        "inFrames": False,
    }
    # The caption counts every source, and the sidebar comes at once.
    assert any(c.value.startswith(f"{total} sources of {total}") for c in app.caption)
    assert app.sidebar.multiselect

    # The run its report starts: the whole table, and no reporter.
    app.run()
    assert_ran_cleanly(app)
    assert source_rows(app) == total
    assert not reporters(app)


BRIEFING_PAGE = "pages/briefing.py"


def first_visit_to(query: dict) -> AppTest:
    """A new session opening the briefing straight away at `query`, as a shared link does."""
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.query_params.update(query)
    return app.switch_page(BRIEFING_PAGE).run()


@pytest.mark.parametrize(
    ("query", "title", "selector", "in_frames"),
    [
        (
            {ui_state.PRESENT: "1"},
            "Alleged overseas police stations",
            drawn_first.SLIDE_MAP,
            True,
        ),
        # The UK story's fifth slide shows a timeline alone: its chart is what it waits for.
        (
            {ui_state.STORY: "uk", ui_state.SLIDE: "5"},
            None,
            drawn_first.TIMELINE_CHART,
            False,
        ),
    ],
)
def test_a_first_visit_to_a_slide_draws_the_slide_and_waits_for_its_map_or_chart(
    query, title, selector, in_frames
):
    app = first_visit_to(query)

    assert_ran_cleanly(app)
    if title is not None:
        assert [t.value for t in app.title] == [title]
    # The slide's bar and its keys are there (the keyboard works from the start).
    assert app.button(key=ui_state.BRIEFING_EXIT)
    (reporter,) = reporters(app)
    assert reporter.key == ui_state.FIRST_VIEW_REPORTER
    assert json.loads(reporter.proto.json) == {"selector": selector, "inFrames": in_frames}
    # Nothing of the sidebar or the language picker.
    assert not app.sidebar.multiselect
    assert not app.selectbox
    assert ui_state.CHROME_DRAWN not in app.session_state


def test_the_run_a_slides_report_starts_draws_the_sidebar_and_keeps_the_slide():
    app = first_visit_to({ui_state.PRESENT: "1"})
    frames = [frame.proto.srcdoc for frame in app.get("iframe")]

    app.session_state[ui_state.FIRST_VIEW_DRAWN] = True
    app.run()

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect
    assert [box.label for box in app.selectbox] == ["Language"]
    assert app.session_state[ui_state.CHROME_DRAWN] is True
    assert not reporters(app)
    # The same map document, so the browser keeps the frame it has drawn.
    assert [frame.proto.srcdoc for frame in app.get("iframe")] == frames


def test_the_printable_page_and_the_list_of_stories_are_drawn_whole():
    for query in ({}, {ui_state.STORY: "uk", ui_state.PRINT: "1"}):
        app = first_visit_to(query)
        assert_ran_cleanly(app)
        assert not reporters(app), query
        assert app.sidebar.multiselect, query


def test_a_first_visit_to_the_map_names_the_pages_in_the_run_its_report_starts(
    navigation_positions,
):
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S).run()
    assert_ran_cleanly(app)
    assert navigation_positions == ["hidden"]
    assert not app.sidebar.multiselect

    map_has_shown(app).run()
    assert_ran_cleanly(app)
    assert navigation_positions == ["hidden", "top"]
    assert app.sidebar.multiselect


def test_a_first_visit_to_the_timeline_names_the_pages_in_the_run_its_report_starts(
    navigation_positions,
):
    app = first_visit(TIMELINE_PAGE)
    assert reporters(app)
    assert navigation_positions == ["hidden"]

    app.session_state[ui_state.FIRST_VIEW_DRAWN] = True
    app.run()
    assert_ran_cleanly(app)
    assert navigation_positions == ["hidden", "top"]


def test_a_first_visit_to_a_page_drawn_whole_runs_again_at_once_for_the_pages_names(
    navigation_positions,
):
    # The upload page has no report to wait for: no run would follow to name the pages.
    app = first_visit(chrome.UPLOAD_PAGE)
    assert_ran_cleanly(app)
    assert navigation_positions == ["hidden", "top"]
    assert app.session_state[ui_state.CHROME_DRAWN] is True

    app.run()
    assert navigation_positions == ["hidden", "top", "top"]
