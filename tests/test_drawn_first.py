"""A page's first visit in a session: the sites' table or the timeline's charts first, the rest
once they show (stationmap.app.drawn_first), under Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from stationmap.app import ui_state
from tests.app_session import DASHBOARD, RUN_TIMEOUT_S, assert_ran_cleanly, map_has_shown

SITES_PAGE = "pages/sites.py"


def first_visit(page: str) -> AppTest:
    """A new session opening `page` straight away, as a shared link to it does."""
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    return app.switch_page(page).run()


def reporters(app: AppTest) -> list:
    return list(app.get("bidi_component"))


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


def test_a_visit_after_another_page_draws_the_whole_page_at_once():
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)).run()

    app.switch_page(SITES_PAGE).run()

    assert_ran_cleanly(app)
    assert not reporters(app)
    assert [box.label for box in app.selectbox] == ["Details of a site", "Language"]
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
    # The lanes' chart; the chart by country has its box kept, empty, until the next run.
    (chart,) = app.get("vega_lite_chart")
    assert chart.key == ui_state.LANE_CHART
    assert [s.value for s in app.subheader][:2] == [
        "Police visits and government responses",
        "By country",
    ]
    (reporter,) = reporters(app)
    assert reporter.key == ui_state.FIRST_VIEW_REPORTER
    # Nothing of the rest of the page (the list's expander) or of the sidebar.
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
    assert len(app.expander) == 1
    assert app.sidebar.multiselect
    assert app.session_state[ui_state.CHROME_DRAWN] is True
    assert not reporters(app)
