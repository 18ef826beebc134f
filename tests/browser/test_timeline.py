"""The timeline page in a real browser: Vega draws the charts, a click shows sources, offline."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Locator, Page, expect

from stationmap import config
from stationmap.app import ui_state
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from stationmap.timeline.events import (
    GROUP_EMBASSY,
    GROUP_LEGAL,
    GROUP_POLICE,
    scope_for,
    select_events,
)
from tests.browser.helpers import RERUN_TIMEOUT_MS, assert_clean, open_app, open_event_list

pytestmark = pytest.mark.browser

UK_QUERY = f"{ui_state.COUNTRY}={quote_plus('United Kingdom')}"


def chart(page: Page, key: str) -> Locator:
    """The Vega chart Streamlit drew for a chart key."""
    return page.locator(f".st-key-{key}")


def events_metric(page: Page) -> Locator:
    """The number of events in the line of counts above the charts ("Events: **195** · …")."""
    counts = page.get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(r"^Events: \d"))
    return counts.locator("strong").first


def expected_count(state: FilterState, groups=()) -> int:
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    view = build_site_view(dataset, on=state.as_of or date.today())
    sites = apply_filters(view, state)
    scope = scope_for(sites, include_global=not sites.empty)
    return len(select_events(dataset, scope, groups, until=state.as_of))


def test_the_timeline_charts_are_drawn_by_streamlits_own_vega_with_nothing_from_a_cdn(
    page, app_server
):
    open_app(page, f"{app_server.base_url}/timeline?{UK_QUERY}")

    for key in (ui_state.LANE_CHART, ui_state.TIMELINE_CHART):
        marks = chart(page, key).locator("svg.marks, canvas")
        expect(marks.first).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    # A dot per event known to the day, a bar per event known to the month or year.
    lanes = chart(page, ui_state.LANE_CHART)
    expect(lanes.locator(".mark-symbol path").first).to_be_visible()
    expect(lanes.locator(".mark-rect path").first).to_be_visible()
    expect(lanes).to_contain_text("Police visits and investigations")
    expect(lanes).to_contain_text("Embassy responses")
    expect(events_metric(page)).to_have_text(str(expected_count(FilterState(countries=("GB",)))))
    # Vega came with Streamlit's own bundle, from this server.
    assert not [url for url in page.requests_seen if re.search(r"jsdelivr|unpkg|vega\.github", url)]
    assert_clean(page)


def test_clicking_an_event_shows_its_sources_as_safe_links(page, app_server):
    open_app(page, f"{app_server.base_url}/timeline?{UK_QUERY}")
    selected = page.locator(f".st-key-{ui_state.SELECTED_EVENTS}")
    expect(selected).to_have_count(0)
    # The bar of Alicia Kearns's statement in the Commons (April 2023), on Belfast's row: bars
    # stand for events known only to the month.
    bar = chart(page, ui_state.TIMELINE_CHART).locator(
        ".mark-rect path[aria-label*='row_label: Belfast'][aria-label*='April 2023']"
    )

    bar.click()

    expect(selected).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    expect(selected).to_contain_text("April 2023")
    expect(selected).to_contain_text("Alicia Kearns")
    link = selected.locator("a").first
    expect(link).to_have_attribute("href", re.compile(r"^https?://"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    assert_clean(page)


def test_picking_a_kind_of_event_narrows_the_timeline_and_the_link(page, app_server):
    open_app(page, f"{app_server.base_url}/timeline?{UK_QUERY}")
    expect(events_metric(page)).to_have_text(str(expected_count(FilterState(countries=("GB",)))))

    page.get_by_test_id("stButtonGroup").get_by_role(
        "button", name="Police visits and investigations"
    ).click()

    police = expected_count(FilterState(countries=("GB",)), [GROUP_POLICE])
    expect(events_metric(page)).to_have_text(str(police), timeout=RERUN_TIMEOUT_MS)
    expect(page).to_have_url(
        re.compile(rf"[?&]{ui_state.EVENT_GROUP}=Police\+visits\+and\+investigations(&|$)")
    )
    assert_clean(page)


def test_a_first_visit_with_kinds_in_its_link_keeps_them_in_the_pills_and_the_link(
    page, app_server
):
    # A new session straight to the link: the first run charts the kinds the link names
    # without drawing the pills, which come in the next run, bound to the same URL.
    query = f"{ui_state.EVENT_GROUP}=Legal+steps&{ui_state.EVENT_GROUP}=Embassy+responses"
    open_app(page, f"{app_server.base_url}/timeline?{query}")

    pills = page.get_by_test_id("stButtonGroup")
    for name in ("Legal steps", "Embassy responses"):
        expect(pills.get_by_role("button", name=name, pressed=True)).to_be_visible(
            timeout=RERUN_TIMEOUT_MS
        )
    expect(pills.get_by_role("button", pressed=True)).to_have_count(2)
    expected = expected_count(FilterState(), [GROUP_LEGAL, GROUP_EMBASSY])
    expect(events_metric(page)).to_have_text(str(expected))
    for label in ("Legal\\+steps", "Embassy\\+responses"):
        expect(page).to_have_url(re.compile(rf"[?&]{ui_state.EVENT_GROUP}={label}(&|$)"))
    assert_clean(page)


def test_the_as_of_date_ends_the_timeline(page, app_server):
    open_app(page, f"{app_server.base_url}/timeline?{UK_QUERY}&{ui_state.AS_OF}=2023-06-05")

    state = FilterState(countries=("GB",), as_of=date(2023, 6, 5))
    expect(events_metric(page)).to_have_text(str(expected_count(state)))
    listed = open_event_list(page).locator(".sm-timeline li[data-event]")
    expect(listed).to_have_count(expected_count(state))
    expect(page.locator('.sm-timeline li[data-event="E070"]')).to_have_count(0)
    # The time axis ends with the month of the as-of date.
    labels = chart(page, ui_state.LANE_CHART).locator(".role-axis-label text")
    expect(labels.filter(has_text="Jun 2023")).to_have_count(1)
    assert not [text for text in labels.all_text_contents() if text.startswith("Jul 2023")]
    assert "Sep 2022" in labels.all_text_contents()
    assert_clean(page)


LAPTOP = {"width": 1280, "height": 720}


def test_at_1280_px_the_charts_legend_wraps_and_shows_every_kind_whole(page, app_server):
    page.set_viewport_size(LAPTOP)
    open_app(page, f"{app_server.base_url}/timeline")
    expect(chart(page, ui_state.LANE_CHART).locator("svg.marks").first).to_be_visible(
        timeout=RERUN_TIMEOUT_MS
    )
    legend = page.locator(".sm-kinds").first
    expect(legend).to_contain_text("Government, parliamentary and diplomatic responses")

    main = page.get_by_test_id("stMainBlockContainer").bounding_box()
    items = legend.locator("li")
    assert items.count() >= 4
    for index in range(items.count()):
        item = items.nth(index)
        expect(item).to_be_visible()
        box = item.bounding_box()
        # Inside the page's column, and not cut: the text is as wide as it needs to be.
        assert box["x"] + box["width"] <= main["x"] + main["width"] + 1, box
        assert item.evaluate("(li) => li.scrollWidth <= li.clientWidth + 1")
    # The chart itself draws no legend of its own to run off its edge.
    expect(chart(page, ui_state.LANE_CHART).locator(".role-legend")).to_have_count(0)
    assert_clean(page)


# Resolves once the element's place on screen has not changed for 30 frames in a row.
SETTLED_JS = """(element) => new Promise((resolve) => {
    let last = null, still = 0;
    (function frame() {
        const top = Math.round(element.getBoundingClientRect().top);
        still = top === last ? still + 1 : 0;
        last = top;
        if (still >= 30) { resolve(top); } else { requestAnimationFrame(frame); }
    })();
})"""


# Since the list is made on request, a jump by the address (#sm-year-2024) was sometimes undone:
# the main column scrolled to the year, then back by some thousands of pixels. The links now
# move focus and scroll by script (event_list.jump_html); two jumps, one after the other.
def test_the_keyboard_jumps_from_the_top_of_the_list_to_a_year(page, app_server):
    page.set_viewport_size(LAPTOP)
    open_app(page, f"{app_server.base_url}/timeline")
    open_event_list(page)
    jump = page.get_by_role("navigation", name="Jump to a year")
    expect(jump).to_be_attached()

    for year in ("2024", "2023"):
        heading = page.locator(f"#sm-year-{year}")
        expect(heading).not_to_be_in_viewport()
        link = jump.get_by_role("link", name=year, exact=True)
        link.focus()
        page.keyboard.press("Enter")

        expect(heading).to_be_in_viewport()
        # And it stays there once the page has settled (the expander that holds the list grows
        # for about half a second after it opens, and once took the jump back).
        heading.evaluate(SETTLED_JS)
        expect(heading).to_be_in_viewport()
        expect(heading).to_be_focused()
        # The page did not start over: the list is where it was, the filters as they were.
        expect(page.get_by_test_id("stApp")).to_have_attribute(
            "data-test-script-state", "notRunning"
        )
        box = heading.bounding_box()
        assert 0 <= box["y"] <= LAPTOP["height"] - box["height"], box
        # Not by the address: nothing for Streamlit to take as a new page.
        assert "#" not in page.url
    assert_clean(page)
