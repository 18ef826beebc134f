"""The map page on a laptop, a large screen and a phone: the whole map in view, sized from its
first paint; the play control out of the way on a phone; the as-of date applied on Enter."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Locator, Page, expect

from stationmap.app import ui_state
from stationmap.map import kept_frame
from tests.browser.helpers import RERUN_TIMEOUT_MS, assert_clean, open_app, poll, sites_drawn

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 720}
LARGE_SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
UK_QUERY = f"{ui_state.COUNTRY}={quote_plus('United Kingdom')}"
# streamlit-folium's frontend, as the app serves it (stationmap.map.kept_frame).
MAP_IFRAME = f'iframe[title="{kept_frame.FRAME_TITLE}"]'

# Records every height the map's place in the page has, from the moment it is in the page,
# with whether the page's style sheet for it (web/map-fit.css) applies yet, and every height
# the map's frame is shown at. Streamlit first holds any element's place with a small generic
# skeleton until the element's code has loaded, and so it does for the style sheet's own
# element: until then the place is that skeleton. On a first visit nothing is below the map
# then, so nothing moves; from the moment the sheet applies, the place must keep its height.
PLACE_HEIGHTS_JS = """
window.smPlaceHeights = [];
window.smFrameHeights = [];
new MutationObserver(() => {
    const place = document.querySelector('.st-key-MAP_FRAME');
    if (!place) { return; }
    const frame = place.querySelector('iframe');
    if (frame && !frame.smWatched) {
        frame.smWatched = true;
        new ResizeObserver(() => {
            const height = Math.round(frame.getBoundingClientRect().height);
            if (height) { window.smFrameHeights.push(height); }
        }).observe(frame);
    }
    if (place.smWatched) { return; }
    place.smWatched = true;
    new ResizeObserver(() => {
        const styled = getComputedStyle(place).getPropertyValue('--sm-map-height') !== '';
        window.smPlaceHeights.push([Math.round(place.getBoundingClientRect().height), styled]);
    }).observe(place);
}).observe(document, {childList: true, subtree: true});
""".replace("MAP_FRAME", ui_state.MAP_FRAME)

# Each marker and cluster drawn, as [left, top, right, bottom] within the map's own box
# (negative or past its size: off the map).
DRAWN_BOXES_JS = """() => {
    const map = document.querySelector('.leaflet-container').getBoundingClientRect();
    return [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
        .map((icon) => icon.getBoundingClientRect())
        .map((box) => [box.left - map.left, box.top - map.top,
                       box.right - map.left, box.bottom - map.top]);
}"""


def in_window(box: dict, window: dict) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= window["width"]
        and box["y"] + box["height"] <= window["height"]
    )


def overlap(one: dict, other: dict) -> bool:
    return not (
        one["x"] + one["width"] <= other["x"]
        or other["x"] + other["width"] <= one["x"]
        or one["y"] + one["height"] <= other["y"]
        or other["y"] + other["height"] <= one["y"]
    )


def open_map_on(page: Page, screen: dict, url: str) -> Locator:
    """Open the map page in a window of this size; the map's frame element."""
    page.set_viewport_size(screen)
    page.add_init_script(PLACE_HEIGHTS_JS)
    open_app(page, url)
    return page.locator(MAP_IFRAME)


def test_on_a_laptop_screen_the_whole_map_and_its_legend_are_in_view(page, app_server, map_frame):
    iframe = open_map_on(page, LAPTOP, app_server.base_url)

    legend = map_frame(page).locator(".sm-legend-control")
    expect(legend).to_be_visible()
    frame_box = iframe.bounding_box()
    assert in_window(frame_box, LAPTOP), frame_box
    assert in_window(legend.bounding_box(), LAPTOP), legend.bounding_box()
    # Without scrolling.
    assert page.get_by_test_id("stMain").evaluate("(main) => main.scrollTop") == 0
    # Its height was reserved up front: once sized, its place in the page never had another,
    # and the frame was never shown at another.
    height = round(frame_box["height"])
    places = page.evaluate("() => window.smPlaceHeights")
    assert {place for place, styled in places if styled} == {height}, places
    assert set(page.evaluate("() => window.smFrameHeights")) == {height}
    assert_clean(page)


def test_on_a_laptop_screen_the_map_is_fitted_to_the_filtered_sites(page, app_server, map_frame):
    # The United Kingdom: Glasgow, Belfast and the two London sites.
    iframe = open_map_on(page, LAPTOP, f"{app_server.base_url}/?{UK_QUERY}")
    poll(page, lambda: sites_drawn(map_frame(page)), 4, "sites drawn")

    frame = map_frame(page)
    size = frame.evaluate(
        "() => { const box = document.querySelector('.leaflet-container')"
        ".getBoundingClientRect(); return [box.width, box.height]; }"
    )
    boxes = frame.evaluate(DRAWN_BOXES_JS)
    assert boxes
    for left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= size[0] and bottom <= size[1], boxes
    assert in_window(iframe.bounding_box(), LAPTOP)
    assert_clean(page)


def test_on_a_large_screen_the_map_uses_the_room(page, app_server, map_frame):
    iframe = open_map_on(page, LARGE_SCREEN, app_server.base_url)

    expect(map_frame(page).locator(".sm-legend-control")).to_be_visible()
    frame_box = iframe.bounding_box()
    assert in_window(frame_box, LARGE_SCREEN), frame_box
    # Taller than the 620 px it had whatever the screen, and most of the window's height
    # (Streamlit's header band, which holds the page navigation, and the rows above the map
    # take about 375 px).
    assert frame_box["height"] >= LARGE_SCREEN["height"] * 0.6, frame_box
    assert_clean(page)


def test_on_a_phone_the_time_control_leaves_the_zoom_buttons_and_the_map_free(
    page, app_server, map_frame
):
    open_map_on(page, PHONE, app_server.base_url)

    frame = map_frame(page)
    play = frame.locator(".sm-play")
    zoom = frame.locator(".leaflet-control-zoom")
    expect(play.locator(".sm-play-month")).to_be_visible()
    expect(zoom).to_be_visible()
    play_box, zoom_box = play.bounding_box(), zoom.bounding_box()
    map_box = frame.locator(".leaflet-container").bounding_box()
    assert not overlap(play_box, zoom_box), (play_box, zoom_box)
    # A small corner of the map, not half of it.
    covered = play_box["width"] * play_box["height"]
    assert covered <= map_box["width"] * map_box["height"] / 10, (play_box, map_box)
    # Still a control: its button and slider are there and named.
    expect(frame.get_by_role("button", name=re.compile("Play"))).to_be_visible()
    expect(frame.get_by_role("slider", name="Month shown")).to_be_visible()
    assert_clean(page)


def test_the_as_of_date_applies_on_enter(page, app_server, map_frame):
    open_app(page, f"{app_server.base_url}/?{UK_QUERY}")
    field = page.get_by_test_id("stSidebar").locator(f".st-key-{ui_state.AS_OF}")

    field.locator("[data-type=year]").focus()
    page.keyboard.type("20230605")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"[?&]{ui_state.AS_OF}=2023-06-05\b"), timeout=RERUN_TIMEOUT_MS)
    expect(page.get_by_text("Counts on 5 June 2023")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    poll(
        page,
        lambda: map_frame(page, RERUN_TIMEOUT_MS).locator(".sm-play-day").inner_text(),
        "Statuses on 5 June 2023",
        "the map's day",
    )
    # The keyboard user is still in the field.
    assert page.evaluate(
        f"() => Boolean(document.activeElement.closest('.st-key-{ui_state.AS_OF}'))"
    )
    assert_clean(page)
