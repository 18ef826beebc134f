"""The map page from the keyboard alone, for screen readers, and with the opened site in the URL."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Frame, Page, expect

from benchmarks.browser import APP_COMPLETE_SELECTOR
from stationmap.app import ui_state
from stationmap.html.markdown import WORD_JOINER
from tests.browser.helpers import (
    CLUSTERED_EVERY_ZOOM_JS,
    RERUN_TIMEOUT_MS,
    assert_clean,
    open_app,
    poll,
    sites_drawn,
    wait_for_script,
)

pytestmark = pytest.mark.browser

# Tab presses allowed to reach something: the sidebar's filters and links come first.
MAX_TABS = 80
GLASGOW = "uk-glasgow"
SKIP_LINK = "a.sm-skip-link"

# What has focus, wherever it is: the top page's active element, or, when that is the map's
# frame, the active element inside it.
FOCUSED_IN_PAGE_JS = "(selector) => document.activeElement?.matches(selector) ?? false"
FOCUSED_IN_FRAME_JS = """(selector) => {
    const active = document.activeElement;
    return Boolean(active && document.hasFocus() && active.matches(selector));
}"""


def tab_until(page: Page, focused, what: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `focused()` is true, at most MAX_TABS times."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if focused():
            return
        page.keyboard.press(key)
    assert focused(), f"{what} not reached in {MAX_TABS} presses of {key}"


def in_page(page: Page, selector: str):
    return lambda: page.evaluate(FOCUSED_IN_PAGE_JS, selector)


def in_frame(frame: Frame, selector: str):
    return lambda: frame.evaluate(FOCUSED_IN_FRAME_JS, selector)


def test_from_the_first_tab_a_keyboard_reaches_a_sites_sources(page, app_server, map_frame):
    open_app(page, f"{app_server.base_url}/?{ui_state.TEXT}=Glasgow")
    poll(page, lambda: sites_drawn(map_frame(page, RERUN_TIMEOUT_MS)), 1, "sites drawn")
    frame = map_frame(page)
    skip = page.locator(SKIP_LINK)

    # The first thing after the page's controls is the link that skips the map; it shows once
    # focused.
    tab_until(page, in_page(page, SKIP_LINK), "the skip link")
    expect(skip).to_be_visible()
    expect(skip).to_have_text("Skip the map")

    # Into the map, onto the marker, named for a screen reader, with a ring that shows.
    tab_until(page, in_frame(frame, ".sm-marker"), "the marker")
    marker = frame.locator(".sm-marker")
    expect(marker).to_have_attribute("aria-label", re.compile(r"^Glasgow \u2014 "))
    ring = marker.locator("span").evaluate(
        "(span) => { const s = getComputedStyle(span); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert ring == ["solid", "3px"]

    page.keyboard.press("Enter")

    # The popup opens, and the page shows the site's details under the map, and its address.
    expect(frame.locator(".leaflet-popup .sm-popup")).to_contain_text("Glasgow")
    details = page.locator(f".st-key-{ui_state.SITE_DETAILS}")
    expect(details.get_by_role("heading", name="Glasgow")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.FOCUS_SITE}={GLASGOW}(&|$)"))

    # Back to the skip link, which moves focus past the map to the details...
    tab_until(page, in_page(page, SKIP_LINK), "the skip link", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator(f".st-key-{ui_state.AFTER_MAP}")).to_be_focused()
    # ... where the next few Tabs reach a source of the site.
    source = f".st-key-{ui_state.SITE_DETAILS} a[href^='https://']"
    tab_until(page, in_page(page, source), "a source link in the details")
    assert_clean(page)


def test_enter_on_a_cluster_zooms_and_keeps_focus_on_what_it_revealed(page, app_server, map_frame):
    # Spain's nine sites: Madrid's three share a point, in one cluster at the country's zoom.
    open_app(page, f"{app_server.base_url}/?{ui_state.COUNTRY}=Spain")
    poll(page, lambda: sites_drawn(map_frame(page, RERUN_TIMEOUT_MS)), 9, "sites drawn")
    # The page complete (a first visit draws the sidebar in a second run, once the map has
    # shown): the cluster marked below is then the one a reader would reach.
    for selector in APP_COMPLETE_SELECTOR:
        expect(page.locator(selector).first).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page, RERUN_TIMEOUT_MS)
    frame = map_frame(page)
    cluster = frame.locator(".marker-cluster.sm-cluster").first
    count = cluster.inner_text().strip()
    # A screen reader hears what it holds and what Enter does, not a bare number.
    expect(cluster).to_have_attribute("aria-label", f"{count} sites, Enter to zoom")
    expect(cluster).to_have_attribute("role", "button")
    cluster.evaluate("(element) => { element.dataset.smOld = 'yes'; }")
    cluster.focus()

    page.keyboard.press("Enter")

    # The cluster's icon goes; focus is on a marker or sub-cluster it revealed, not the body.
    revealed = ".sm-marker:not([data-sm-old]), .sm-cluster:not([data-sm-old])"
    poll(page, in_frame(frame, revealed), True, "focus on a revealed marker or cluster")
    expect(frame.locator("[data-sm-old]")).to_have_count(0)
    # Enter on it (a marker, or a cluster again) still works from there: no focus was lost.
    assert frame.evaluate("() => document.activeElement !== document.body")
    assert_clean(page)


def test_a_link_with_a_site_opens_its_details_and_popup_and_close_clears_it(
    page, app_server, map_frame
):
    open_app(page, f"{app_server.base_url}/?{ui_state.FOCUS_SITE}={GLASGOW}")
    details = page.locator(f".st-key-{ui_state.SITE_DETAILS}")
    expect(details.get_by_role("heading", name="Glasgow")).to_be_visible()
    expect(map_frame(page).locator(".leaflet-popup .sm-popup")).to_contain_text(
        "Glasgow", timeout=RERUN_TIMEOUT_MS
    )

    details.get_by_role("button", name="Close").click()

    expect(details).to_have_count(0, timeout=RERUN_TIMEOUT_MS)
    expect(page).not_to_have_url(re.compile(rf"[?&]{ui_state.FOCUS_SITE}="))
    assert_clean(page)


def test_a_popup_stays_open_when_the_map_first_zooms(page, app_server, map_frame):
    # The first zoom clusters the markers for every zoom, taking each off the map and adding
    # it again (layer.js clusterEveryZoom): a popup open on one is opened again.
    open_app(page, f"{app_server.base_url}/?{ui_state.COUNTRY}=Spain")
    poll(page, lambda: sites_drawn(map_frame(page, RERUN_TIMEOUT_MS)), 9, "sites drawn")
    wait_for_script(page, RERUN_TIMEOUT_MS)
    frame = map_frame(page)
    frame.locator(".sm-marker").first.click()
    popup = frame.locator(".leaflet-popup")
    expect(popup.locator(".sm-popup")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page, RERUN_TIMEOUT_MS)
    name = popup.locator(".sm-popup").inner_text().splitlines()[0]
    assert frame.evaluate(CLUSTERED_EVERY_ZOOM_JS) == 0

    frame.locator(".leaflet-control-zoom-in").click()

    poll(page, lambda: frame.evaluate(CLUSTERED_EVERY_ZOOM_JS), 1, "clustered for every zoom")
    # A closed popup fades out (opacity 0) and is then taken away; one opened again shows.
    expect(popup).to_have_css("opacity", "1")
    expect(popup.locator(".sm-popup")).to_contain_text(name)
    assert_clean(page)


def test_an_unknown_site_in_the_link_is_ignored_with_a_note(page, app_server):
    hostile = "<b>x</b>[y](https://example.com)"
    open_app(page, f"{app_server.base_url}/?{ui_state.FOCUS_SITE}={quote_plus(hostile)}")

    note = page.get_by_text(re.compile("is not among the sites shown"))
    expect(note).to_be_visible()
    # Shown as written (a word joiner keeps the address from becoming a link), never as markup.
    expect(note).to_contain_text(f"<b>x</b>[y](https{WORD_JOINER}://example.com)")
    expect(note.locator("a, b")).to_have_count(0)
    expect(page.locator(f".st-key-{ui_state.SITE_DETAILS}")).to_have_count(0)
    assert_clean(page)


def test_space_on_a_marker_opens_it_as_enter_does(page, app_server, map_frame):
    open_app(page, f"{app_server.base_url}/?{ui_state.TEXT}=Glasgow")
    poll(page, lambda: sites_drawn(map_frame(page, RERUN_TIMEOUT_MS)), 1, "sites drawn")
    frame = map_frame(page)
    scroll_before = page.get_by_test_id("stMain").evaluate("(main) => main.scrollTop")
    frame.locator(".sm-marker").focus()

    page.keyboard.press("Space")

    expect(frame.locator(".leaflet-popup .sm-popup")).to_contain_text("Glasgow")
    details = page.locator(f".st-key-{ui_state.SITE_DETAILS}")
    expect(details.get_by_role("heading", name="Glasgow")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    # Space did not scroll the page as it would on its own.
    assert page.get_by_test_id("stMain").evaluate("(main) => main.scrollTop") == scroll_before
    assert_clean(page)


def test_the_map_as_text_lists_the_sites_and_opens_one_with_focus_on_it(page, app_server):
    open_app(page, f"{app_server.base_url}/?{ui_state.COUNTRY}=United+Kingdom")
    text_view = page.locator(f".st-key-{ui_state.MAP_AS_TEXT}")
    summary = text_view.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(text_view.locator(".sm-text-view")).to_contain_text("By country")
    expect(text_view.locator(".sm-text-view")).to_contain_text("United Kingdom: 4")
    choice = text_view.get_by_role("button", name=re.compile(r"^Glasgow .*United Kingdom$"))
    choice.focus()

    page.keyboard.press("Enter")

    details = page.locator(f".st-key-{ui_state.SITE_DETAILS}")
    expect(details.get_by_role("heading", name="Glasgow")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    expect(details).to_be_focused(timeout=RERUN_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.FOCUS_SITE}={GLASGOW}(&|$)"))
    assert_clean(page)
