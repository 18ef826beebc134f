"""The map page in a real browser: markers, filters, links with filters, clicks, no third party."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect

from stationmap import config, mapbuilder, ui_state
from stationmap.filters import FilterState, apply_filters
from stationmap.loader import load_dataset
from stationmap.views import build_site_view

pytestmark = pytest.mark.browser

# Covers the first script run, which imports pandas and folium on a cold 2-core machine.
FIRST_RUN_TIMEOUT_MS = 30_000
# A rerun after a widget change or a click reads cached data; generous for a loaded CI machine.
RERUN_TIMEOUT_MS = 15_000
POLL_MS = 100
# The 1:110m Natural Earth file has 177 countries; each is one SVG path.
MIN_COUNTRY_PATHS = 100


def drawable_sites(state: FilterState) -> list[str]:
    """Ids of the sites the map should draw for a FilterState, from the package itself."""
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    view = build_site_view(dataset, on=state.as_of or date.today())
    return list(mapbuilder.placed_sites(apply_filters(view, state)).index)


def open_map(page: Page, url: str) -> None:
    """Load the map page and wait until its script has run to the end."""
    page.goto(url)
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
    expect(app).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=FIRST_RUN_TIMEOUT_MS
    )


def sites_drawn(frame: Frame) -> int:
    """Markers on screen plus the counts inside cluster icons: the sites the map shows."""
    return frame.evaluate(
        """() => {
            const markers = document.querySelectorAll('.leaflet-marker-pane .sm-marker').length;
            let clustered = 0;
            document.querySelectorAll('.leaflet-marker-pane .marker-cluster span')
                .forEach((span) => { clustered += parseInt(span.textContent, 10); });
            return markers + clustered;
        }"""
    )


def poll(page: Page, read: Callable[[], object], wanted: object, what: str) -> None:
    """Poll `read()` until it returns `wanted` (the map redraws asynchronously), or fail."""
    deadline = time.monotonic() + RERUN_TIMEOUT_MS / 1000
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = read()
        except (PlaywrightError, AssertionError) as error:
            # The map's frame was replaced mid-read (a rerun remounts it): read again.
            last = error
        if last == wanted:
            return
        page.wait_for_timeout(POLL_MS)
    raise AssertionError(f"{what}: wanted {wanted!r}, last read {last!r}")


def map_shows(page: Page, map_frame, count: int) -> None:
    """Wait until the (possibly new) map frame draws exactly `count` sites."""
    poll(page, lambda: sites_drawn(map_frame(page, RERUN_TIMEOUT_MS)), count, "sites drawn")


def assert_clean(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert page.errors_seen == []
    assert page.third_party_requests == []


def test_the_map_draws_every_site_the_filters_allow(page, app_server, map_frame):
    open_map(page, app_server.base_url)

    frame = map_frame(page)
    expect(frame.locator(".leaflet-container")).to_be_visible()
    map_shows(page, map_frame, len(drawable_sites(FilterState())))
    expect(frame.locator(".sm-legend-control")).to_contain_text("Alleged")
    assert_clean(page)


def test_with_no_tiles_nothing_leaves_this_machine_and_countries_are_outlined(
    page, app_server, map_frame
):
    open_map(page, app_server.base_url)
    frame = map_frame(page)

    outlines = frame.locator(".leaflet-pane svg path")
    poll(page, lambda: outlines.count() > MIN_COUNTRY_PATHS, True, "country outline paths")
    assert frame.locator(".leaflet-tile").count() == 0
    assert any("/app/static/vendor/world-atlas/" in url for url in page.requests_seen)
    assert page.third_party_requests == []
    assert_clean(page)


def test_choosing_a_status_in_the_sidebar_changes_the_map(page, app_server, map_frame):
    open_map(page, app_server.base_url)
    map_shows(page, map_frame, len(drawable_sites(FilterState())))

    status = page.get_by_test_id("stMultiSelect").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text("Status", exact=True)
    )
    status.click()
    page.get_by_role("option", name="Reported closed").click()
    page.keyboard.press("Escape")

    closed = drawable_sites(FilterState(statuses=("reported_closed",)))
    assert 0 < len(closed) < len(drawable_sites(FilterState()))
    map_shows(page, map_frame, len(closed))
    legend = map_frame(page).locator('.sm-legend li[data-status="reported_closed"]')
    expect(legend.locator(".sm-legend-count")).to_have_text(str(len(closed)))
    assert_clean(page)


def test_a_link_with_filters_opens_the_map_with_them_applied(page, app_server, map_frame):
    status, country = "No evidence found (police)", "United Kingdom"
    query = f"{ui_state.STATUS}={quote_plus(status)}&{ui_state.COUNTRY}={quote_plus(country)}"
    open_map(page, f"{app_server.base_url}/?{query}")

    state = FilterState(statuses=("no_evidence_found",), countries=("GB",))
    expected = drawable_sites(state)
    assert expected
    map_shows(page, map_frame, len(expected))
    headline = page.get_by_test_id("stMetric").filter(has_text="Sites")
    expect(headline.get_by_test_id("stMetricValue")).to_have_text(str(len(expected)))
    assert_clean(page)


def test_clicking_a_marker_shows_its_details_and_sources_under_the_map(page, app_server, map_frame):
    open_map(page, f"{app_server.base_url}/?{ui_state.TEXT}=Glasgow")
    map_shows(page, map_frame, 1)
    details = page.locator(".st-key-site_details")
    expect(details).to_have_count(0)

    map_frame(page).locator(".sm-marker").click()

    expect(details).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    expect(details.get_by_role("heading", name="Glasgow")).to_be_visible()
    expect(details).to_contain_text("Status history")
    source = details.locator("a[href^='https://']").first
    expect(source).to_have_attribute("target", "_blank")
    expect(source).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    # The marker's own popup opened too, with the same facts.
    expect(map_frame(page).locator(".leaflet-popup .sm-popup")).to_contain_text("Glasgow")
    assert_clean(page)


def test_when_nothing_matches_the_map_says_so(page, app_server, map_frame):
    open_map(page, f"{app_server.base_url}/?{ui_state.TEXT}=no-such-place-anywhere")

    frame = map_frame(page)
    expect(frame.locator(".sm-empty")).to_have_text("No sites match these filters.")
    assert sites_drawn(frame) == 0
    assert_clean(page)
