"""Nothing jumps while a page loads: every page's Cumulative Layout Shift on the real data is at
most 0.1 (Core Web Vitals' "good"), on a first visit and on a later one in the same session.

CLS as Chrome defines it (the largest session window of layout shifts), measured at 1350x940
from the first byte until Streamlit is idle and nothing has moved for a second: the same code
as `make bench` (benchmarks/layout_shift.py, benchmarks/page_loads.py). A later visit is
reached from the sidebar's link (a slide: from the slide before, by Next), and measured from
the click; as in Chrome, a shift within half a second of the click is not counted. A failure
lists the largest shifts with the elements that moved, from where to where.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from benchmarks import expectations, layout_shift, page_loads
from benchmarks.stats import Sample
from stationmap import config
from stationmap.app import ui_state
from stationmap.record.filters import FilterState
from tests.browser.helpers import drawable_count, published_view

pytestmark = pytest.mark.browser

# Issue 17 (open): a first visit with the sidebar open starts with Streamlit 1.67's own shift of
# 0.222 (the app frame, painted full width before any message, pushed right when the sidebar
# mounts; docs/performance.md, "Why no page is at CLS ≤ 0.1 yet"), so no first visit can pass
# yet. Not strict: a page that keeps still passes. Later visits are held to the limit.
FIRST_VISIT_SHIFTS = pytest.mark.xfail(
    strict=False, reason="issue 17: the sidebar's opening shifts every first visit"
)

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


def assert_steady(sample: Sample, what: str) -> None:
    assert sample.ok, f"{what}: {sample.error}"
    assert "cls_error" not in sample.detail, f"{what}: {sample.detail['cls_error']}"
    cls = sample.detail["cls"]
    moved = "\n  ".join(sample.detail["shifts"])
    report = (
        f"{what}: CLS {cls:.3f} (all shifts {sample.detail['shift_sum']:.3f}), limit "
        f"{expectations.CLS_LIMIT}; largest shifts:\n  {moved}"
    )
    print(report)
    assert cls <= expectations.CLS_LIMIT, report


@FIRST_VISIT_SHIFTS
@pytest.mark.parametrize("name", list(PAGES))
def test_a_first_visit_does_not_shift(app_server, page: Page, name: str):
    spec = PAGES[name]
    sample = page_loads.time_page_load(watched(page), app_server.base_url + spec.path, spec)
    assert_steady(sample, f"first visit to {spec.path}")


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
    assert_steady(sample, f"{spec.nav_title} from the sidebar, after {origin.path}")
