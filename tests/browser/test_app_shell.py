"""The app shell in a real browser: every page path, shareable filter links, persistent filters."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Locator, Page, expect

from stationmap import config
from stationmap.app import ui_state, widget_code
from stationmap.record.filters import FilterState, apply_filters, count_headlines
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from tests.browser.helpers import (
    RERUN_TIMEOUT_MS,
    assert_clean,
    open_app,
    poll,
    sidebar_summary,
    wait_for_script,
)

pytestmark = pytest.mark.browser

# (URL path, the page's heading), one per page dashboard.py registers.
PAGE_PATHS = [
    ("/", "Alleged Chinese overseas police stations"),
    ("/timeline", "Timeline"),
    ("/sites", "Sites"),
    ("/briefing", "Briefing"),
    ("/sources", "Sources"),
]


def main_heading(page: Page) -> Locator:
    return page.get_by_test_id("stMain").get_by_test_id("stHeading").first


def multiselect(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMultiSelect").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    )


def sites_selected(page: Page) -> Locator:
    # The sites page's counts line: "Sites selected: **12** · Countries: **5**".
    return (
        page.get_by_test_id("stMarkdown").filter(has_text="Sites selected:").locator("strong").first
    )


def expected_summary(state: FilterState) -> str:
    """The sidebar's count line for a FilterState, worked out with the package's functions."""
    view = build_site_view(load_dataset(config.DEFAULT_DATA_DIR), on=date.today())
    shown = count_headlines(apply_filters(view, state))
    noun = "country" if shown["countries"] == 1 else "countries"
    return (
        f"Showing {shown['sites']} of {int(view.reported.sum())} sites · "
        f"{shown['countries']} {noun}"
    )


@pytest.mark.parametrize(("path", "heading"), PAGE_PATHS, ids=[path for path, _ in PAGE_PATHS])
def test_each_page_path_answers_with_its_heading_and_no_errors(page, app_server, path, heading):
    open_app(page, app_server.base_url + path)

    expect(main_heading(page)).to_have_text(heading)
    expect(page.get_by_test_id("stTopNav")).to_be_visible()
    expect(sidebar_summary(page)).to_have_text(expected_summary(FilterState()))
    assert_clean(page)


def test_no_deploy_button_is_shown(page, app_server):
    open_app(page, app_server.base_url + "/sites")

    expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)


def test_a_link_with_status_and_country_filters_opens_with_them_applied(page, app_server):
    status, country = "No evidence reported by authorities", "United Kingdom"
    query = f"{ui_state.STATUS}={quote_plus(status)}&{ui_state.COUNTRY}={quote_plus(country)}"
    open_app(page, f"{app_server.base_url}/sites?{query}")

    expect(multiselect(page, "Status")).to_contain_text(status)
    expect(multiselect(page, "Country")).to_contain_text(country)
    state = FilterState(statuses=("no_evidence_found",), countries=("GB",))
    expect(sidebar_summary(page)).to_have_text(expected_summary(state))
    selected = count_headlines(
        apply_filters(build_site_view(load_dataset(config.DEFAULT_DATA_DIR)), state)
    )["sites"]
    expect(sites_selected(page)).to_have_text(str(selected))
    assert_clean(page)


def test_changing_a_filter_in_the_sidebar_updates_the_url(page, app_server):
    open_app(page, app_server.base_url + "/sites")

    search = page.get_by_test_id("stTextInput").filter(has_text="Search").locator("input")
    search.fill("Glasgow")
    search.press("Enter")

    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.TEXT}=Glasgow(&|$)"))
    expect(sites_selected(page)).to_have_text("1", timeout=RERUN_TIMEOUT_MS)
    expect(sidebar_summary(page)).to_have_text(expected_summary(FilterState(text="Glasgow")))
    assert_clean(page)


def chunks_requested(page: Page, since: int = 0) -> list[str]:
    """Which of the files the widget-code loader is given the page has asked for."""
    asked = page.requests_seen[since:]
    return sorted(
        name
        for name in widget_code.chunk_files()
        if any(url.endswith(f"/static/{name}") for url in asked)
    )


def test_the_other_pages_widget_code_loads_once_a_page_is_idle_and_is_then_used(page, app_server):
    open_app(page, app_server.base_url + "/sources")
    expect(main_heading(page)).to_have_text("Sources")
    # The sources page shows no table or chart of Streamlit's own: the loader fetched them.
    poll(page, lambda: chunks_requested(page), sorted(widget_code.chunk_files()), "widget code")
    asked_before = len(page.requests_seen)

    page.get_by_test_id("stTopNav").get_by_role("link", name="Sites").click()
    expect(page.locator('[data-testid="stDataFrame"] [role="gridcell"]').first).to_be_attached(
        timeout=RERUN_TIMEOUT_MS
    )
    page.get_by_test_id("stTopNav").get_by_role("link", name="Timeline").click()
    expect(page.locator('[data-testid="stVegaLiteChart"] .marks').first).to_be_attached(
        timeout=RERUN_TIMEOUT_MS
    )

    # The table and the chart found their code (and the grid its style sheet) in the browser.
    assert chunks_requested(page, asked_before) == []
    assert_clean(page)


def test_once_the_code_is_in_vega_is_warmed_on_a_chart_out_of_the_page(page, app_server):
    warnings = []
    page.on("console", lambda message: warnings.append(message.text))
    open_app(page, app_server.base_url + "/sources")  # waits for the loader to say "loaded"

    # The chart of web/chart-warmup.json was drawn once, in an element never in the page.
    assert page.evaluate("() => window.__stationmapChartWarm") is True
    expect(page.locator(".vega-embed")).to_have_count(0)
    assert [text for text in warnings if "stationmap:" in text] == []

    page.get_by_test_id("stTopNav").get_by_role("link", name="Timeline").click()
    expect(page.locator('[data-testid="stVegaLiteChart"] .marks').first).to_be_attached(
        timeout=RERUN_TIMEOUT_MS
    )
    assert [text for text in warnings if "stationmap:" in text] == []
    assert_clean(page)


def test_a_filter_persists_when_navigating_to_another_page(page, app_server):
    open_app(page, app_server.base_url + "/sites")
    multiselect(page, "Status").click()
    page.get_by_role("option", name="Reported closed").click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.STATUS}=Reported\+closed(&|$)"))
    closed = expected_summary(FilterState(statuses=("reported_closed",)))
    expect(sidebar_summary(page)).to_have_text(closed, timeout=RERUN_TIMEOUT_MS)

    page.get_by_test_id("stTopNav").get_by_role("link", name="Sources").click()

    expect(main_heading(page)).to_have_text("Sources", timeout=RERUN_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(rf"/sources\?{ui_state.STATUS}=Reported\+closed$"))
    expect(multiselect(page, "Status")).to_contain_text("Reported closed")
    expect(sidebar_summary(page)).to_have_text(closed)
    assert_clean(page)


def test_a_deep_link_is_the_first_request_a_fresh_server_gets(page, app_server_factory):
    # Its own server: Streamlit runs the very first request of a process beside a pages/ folder
    # as an old-style multipage app, which must still come out with the sidebar and filters.
    fresh = app_server_factory({"STATIONMAP_TILES": "none", "STATIONMAP_TEST_SERVER": "fresh"})
    open_app(page, f"{fresh.base_url}/sites?{ui_state.TEXT}=Glasgow")

    expect(main_heading(page)).to_have_text("Sites")
    nav = page.get_by_test_id("stTopNav")
    expect(nav.get_by_role("link")).to_contain_text(
        ["Map", "Timeline", "Sites", "Briefing", "Sources"]
    )
    expect(sites_selected(page)).to_have_text("1")
    expect(page).to_have_url(re.compile(rf"/sites\?{ui_state.TEXT}=Glasgow$"))
    assert_clean(page)


# --- the filters: closed for a new reader, open once opened -----------------------------------


def sidebar_is_open(page: Page) -> bool:
    return page.get_by_test_id("stSidebar").get_attribute("aria-expanded") == "true"


@pytest.mark.filters_closed
def test_a_new_reader_opens_the_filters_from_the_keyboard_and_they_stay_open(page, app_server):
    open_app(page, app_server.base_url + "/timeline")
    summary = sidebar_summary(page)
    # Closed at first: nothing on the page moves while it loads (docs/performance.md).
    assert not sidebar_is_open(page)
    expect(summary).not_to_be_in_viewport()
    opener = page.get_by_test_id("stExpandSidebarButton")
    expect(opener).to_have_accessible_name(re.compile("sidebar", re.IGNORECASE))
    opener.focus()
    page.keyboard.press("Enter")
    expect(summary).to_be_in_viewport()
    expect(summary).to_have_text(expected_summary(FilterState()))
    # Streamlit keeps it open on the next page and after a reload.
    page.get_by_test_id("stTopNav").get_by_role("link", name="Sites").click()
    expect(main_heading(page)).to_have_text("Sites")
    wait_for_script(page)
    expect(summary).to_be_in_viewport()
    page.reload()
    wait_for_script(page)
    expect(summary).to_be_in_viewport()
    assert_clean(page)


@pytest.mark.filters_closed
def test_a_link_with_filters_opens_them_so_its_reader_sees_them(page, app_server):
    open_app(page, f"{app_server.base_url}/sites?{ui_state.TEXT}=Glasgow")
    expect(sidebar_summary(page)).to_be_in_viewport()
    expect(page.get_by_label("Search names, places and notes")).to_have_value("Glasgow")
    assert_clean(page)


# The box of the first element matching a selector, from the moment it is in the page: taken in
# one go, as the element may be replaced between two steps of a locator.
BOX_JS = """(selector) => {
    const element = document.querySelector(selector);
    if (!element) { return null; }
    const box = element.getBoundingClientRect();
    return [box.x, box.y, box.width, box.height];
}"""
SOURCES_FIRST_ROW = "table.sm-source-table tbody tr"
# The sites table, once its first cells are drawn.
SITES_TABLE = '[data-testid="stDataFrame"]:has([role="gridcell"])'


def box_of(page: Page, selector: str) -> list[float]:
    return page.wait_for_function(BOX_JS, arg=selector, timeout=RERUN_TIMEOUT_MS).json_value()


def test_a_page_opened_from_another_draws_what_it_held_back_without_moving_anything(
    page, app_server
):
    # The timeline's second chart, the sources' long table and what is under the sites' table
    # come in the run that starts once the first chart, the first rows or the table show
    # (stationmap.app.drawn_first): nothing above them moves.
    open_app(page, app_server.base_url + "/")
    nav = page.get_by_test_id("stTopNav")

    nav.get_by_role("link", name="Timeline").click()
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(2, timeout=RERUN_TIMEOUT_MS)
    expect(charts.nth(1).locator("svg.marks")).to_have_count(1, timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page)
    expect(page.get_by_test_id("stExpander")).to_have_count(1)

    nav.get_by_role("link", name="Sources").click()
    rows = page.locator(SOURCES_FIRST_ROW)
    first_drawn = box_of(page, SOURCES_FIRST_ROW)
    total = len(load_dataset(config.DEFAULT_DATA_DIR).sources)
    expect(rows).to_have_count(total, timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page)
    # The first rows stay where they were drawn (the page's CLS: test_layout_shift).
    assert box_of(page, SOURCES_FIRST_ROW) == first_drawn

    nav.get_by_role("link", name="Sites").click()
    table_drawn = box_of(page, SITES_TABLE)
    # The rest: the list of sites, the downloads and the footer, under the table that stayed.
    expect(page.get_by_test_id("stDownloadButton")).to_have_count(3, timeout=RERUN_TIMEOUT_MS)
    expect(page.get_by_text("All sources")).to_be_visible()
    wait_for_script(page)
    assert box_of(page, SITES_TABLE) == table_drawn
    assert_clean(page)
