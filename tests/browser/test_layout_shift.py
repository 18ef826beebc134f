"""Nothing jumps while a page loads: every page's Cumulative Layout Shift on the real data is at
most 0.1 (Core Web Vitals' "good"), on a first visit and on a later one in the same session.

CLS as Chrome defines it (the largest session window of layout shifts), measured at 1350x940
from the first byte until Streamlit is idle and nothing has moved for a second: the same code
as `make bench` (benchmarks/layout_shift.py, benchmarks/page_loads.py). A first visit is a new
reader's (the filters closed, as the app starts them); a later visit is reached from the
navigation's link (a slide: from the slide before, by Next), by a reader who has opened the
filters, and measured from the click; as in Chrome, a shift within half a second of the click
is not counted. A failure lists the largest shifts with the elements that moved, from where to
where.

On a first visit the limit holds for the app's own shifts: Streamlit's loading skeleton, drawn
in its centred layout before the first message whenever the server takes over half a second to
answer, moves to the wide layout when it comes (benchmarks/layout_shift.py,
is_streamlit_skeleton): a bare Streamlit page has it too (make bench's floors), and no app code
runs before it. Both figures are printed.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from benchmarks import expectations, layout_shift, page_loads
from benchmarks.stats import Sample
from stationmap import config
from stationmap.app import drawn_first, ui_state
from stationmap.record.filters import FilterState
from tests.browser.conftest import is_local_url
from tests.browser.helpers import drawable_count, published_view

pytestmark = pytest.mark.browser

STORY = expectations.first_story_slide(config.DEFAULT_DATA_DIR)
PAGES = {
    spec.name: spec
    for spec in page_loads.app_pages(drawable_count(published_view(FilterState())[1]), STORY)
}
# Where a later visit starts: any other page of the app.
LATER_FROM = {name: ("timeline" if name == "map" else "map") for name in PAGES}


def watched(page: Page) -> Page:
    page.set_viewport_size(layout_shift.VIEWPORT)
    layout_shift.install(page.context)
    return page


def assert_steady(sample: Sample, what: str, *, figure: str = "cls") -> None:
    """`figure` within the limit: "cls" (Chrome's), or "app_cls" (without Streamlit's
    loading skeleton's shift)."""
    assert sample.ok, f"{what}: {sample.error}"
    assert "cls_error" not in sample.detail, f"{what}: {sample.detail['cls_error']}"
    value = sample.detail[figure]
    moved = "\n  ".join(sample.detail["shifts"])
    report = (
        f"{what}: CLS {sample.detail['cls']:.3f}, the app's own {sample.detail['app_cls']:.3f} "
        f"(Streamlit's skeleton {sample.detail['skeleton']:.3f}; all shifts "
        f"{sample.detail['shift_sum']:.3f}), limit {expectations.CLS_LIMIT} on "
        f"{'the app' if figure == 'app_cls' else 'CLS'}; largest shifts:\n  {moved}"
    )
    print(report)
    assert value <= expectations.CLS_LIMIT, report


@pytest.mark.filters_closed
@pytest.mark.parametrize("name", list(PAGES))
def test_a_first_visit_does_not_shift(app_server, page: Page, name: str):
    spec = PAGES[name]
    sample = page_loads.time_page_load(watched(page), app_server.base_url + spec.path, spec)
    assert_steady(sample, f"first visit to {spec.path}", figure="app_cls")


@pytest.mark.filters_closed
def test_the_drawn_first_reporter_moves_nothing(app_server, browser: Browser, page: Page):
    # On a first visit to the sources the reporter waits under a long table's first rows, in
    # the table's box; Streamlit's placeholder for it, 40 px until its code had loaded, was
    # counted as a shift of 0.038 (web/page.css hides the reporter, which draws nothing).
    spec = PAGES["sources"]
    url = app_server.base_url + spec.path
    # A server that has run the page before, as every reader but the first finds it: on a
    # cold one the run is so slow that the reporter's code is there before its place is.
    warm_up = browser.new_context()
    warm_up.route(
        "**/*",
        lambda route, request: (
            route.continue_() if is_local_url(request.url) else route.abort("blockedbyclient")
        ),
    )
    try:
        first_reader = warm_up.new_page()
        first_reader.goto(url)
        first_reader.locator(drawn_first.SOURCES_TABLE).first.wait_for()
    finally:
        warm_up.close()
    sample = page_loads.time_page_load(watched(page), url, spec)
    assert sample.ok, sample.error
    reporter = f"st-key-{ui_state.FIRST_VIEW_REPORTER}"
    assert not [shift for shift in sample.detail["shifts"] if reporter in shift]
    assert sample.detail["app_cls"] < 0.01, sample.detail["shifts"]


@pytest.mark.parametrize("name", list(PAGES))
def test_a_later_visit_does_not_shift(app_server, page: Page, name: str):
    spec = PAGES[name]
    if name == "briefing slide":
        # The story's first slide, whole and still, then Next: the second is the later visit.
        opened = page_loads.time_page_load(watched(page), app_server.base_url + spec.path, spec)
        assert opened.ok, opened.error
        step = page.locator(f".st-key-{ui_state.BRIEFING_NEXT} button")
        sample = page_loads.time_page_change(page, spec, link=step)
        assert_steady(sample, f"the slide after {spec.path}, by Next")
        return
    origin = PAGES[LATER_FROM[name]]
    # Whole and still (the map page draws its sidebar in a second run) before the click.
    opened = page_loads.time_page_load(watched(page), app_server.base_url + origin.path, origin)
    assert opened.ok, opened.error
    sample = page_loads.time_page_change(page, spec)
    assert_steady(sample, f"{spec.nav_title} from the navigation, after {origin.path}")


@pytest.mark.filters_closed
@pytest.mark.parametrize("path", ["/", "/timeline", "/sites", "/sources"])
def test_the_page_links_coming_after_a_first_run_move_nothing(app_server, page: Page, path):
    # A session's first run names no pages; the next does (render_order.navigation_position).
    # Streamlit keeps a larger gap above a page with links across the top: without the theme's
    # paddingTop (.streamlit/config.toml) every page moved 32 px down when they came.
    page.set_viewport_size(layout_shift.VIEWPORT)
    title = page.get_by_test_id("stMainBlockContainer").locator("h1").first
    links = page.get_by_test_id("stTopNav").get_by_role("link")
    page.goto(app_server.base_url + path)
    title.wait_for()
    drawn_at = title.bounding_box()
    assert links.count() == 0, "the first run named the pages"

    links.first.wait_for()
    layout_shift.wait_for_quiet(page)
    assert links.count() == 6  # dashboard.py's pages
    # Under a pixel: the map's title row centres its title again when its button comes.
    assert abs(title.bounding_box()["y"] - drawn_at["y"]) < 1
