"""The sites page in a real browser: downloads of exactly what is filtered, a row's story, and
"Show on map"."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Page, expect

from stationmap import exports
from stationmap.app import ui_state
from stationmap.record.filters import FilterState
from tests.browser.helpers import (
    RERUN_TIMEOUT_MS,
    assert_clean,
    open_app,
    published_view,
    select_first_table_row,
    wait_for_script,
)
from tests.geojson_schema import validate_geojson

pytestmark = pytest.mark.browser

REPORTED_CLOSED_IN_EUROPE = FilterState(statuses=("reported_closed",), regions=("Europe",))
EUROPE_CLOSED_QUERY = f"{ui_state.STATUS}={quote_plus('Reported closed')}&{ui_state.REGION}=Europe"


def download(page: Page, label: str):
    """Click a download button and return Playwright's Download."""
    with page.expect_download(timeout=RERUN_TIMEOUT_MS) as info:
        page.get_by_role("button", name=label, exact=True).click()
    return info.value


def test_the_geojson_download_holds_exactly_the_filtered_sites(page, app_server, tmp_path):
    open_app(page, f"{app_server.base_url}/sites?{EUROPE_CLOSED_QUERY}")
    _dataset, filtered = published_view(REPORTED_CLOSED_IN_EUROPE)
    assert len(filtered) > 0

    geojson = download(page, "Sites (GeoJSON)")

    assert geojson.suggested_filename == exports.export_filename(
        "sites", "geojson", REPORTED_CLOSED_IN_EUROPE, date.today()
    )
    path = tmp_path / geojson.suggested_filename
    geojson.save_as(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    validate_geojson(document)
    assert [feature["id"] for feature in document["features"]] == list(filtered.index)
    assert {feature["properties"]["status"] for feature in document["features"]} == {
        "reported_closed"
    }
    assert {feature["properties"]["region"] for feature in document["features"]} == {"Europe"}
    assert_clean(page)


def test_the_csv_downloads_hold_the_filtered_sites_and_their_events(page, app_server, tmp_path):
    open_app(page, f"{app_server.base_url}/sites?{EUROPE_CLOSED_QUERY}")
    _dataset, filtered = published_view(REPORTED_CLOSED_IN_EUROPE)

    sites = download(page, "Sites (CSV)")
    events = download(page, "Events (CSV)")

    assert sites.suggested_filename.endswith("-status-reported_closed-region-europe.csv")
    sites_path, events_path = tmp_path / "sites.csv", tmp_path / "events.csv"
    sites.save_as(sites_path)
    events.save_as(events_path)
    rows = list(csv.DictReader(io.StringIO(sites_path.read_text(encoding="utf-8-sig"))))
    assert [row["site_id"] for row in rows] == list(filtered.index)
    event_rows = list(csv.DictReader(io.StringIO(events_path.read_text(encoding="utf-8-sig"))))
    named = {site for row in event_rows for site in row["site_ids"].split(";") if site}
    assert set(filtered.index) <= named
    assert_clean(page)


def test_selecting_a_row_shows_the_site_and_show_on_map_opens_the_map_on_it(page, app_server):
    open_app(page, f"{app_server.base_url}/sites?{ui_state.COUNTRY}=Ireland")
    details = page.locator(f".st-key-{ui_state.SITE_DETAILS}")
    expect(details).to_have_count(0)

    # The first (and only) row.
    select_first_table_row(page, page.locator(f"[class*='st-key-{ui_state.SITES_TABLE}']"))

    expect(details).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    expect(details.get_by_role("heading", name="Dublin: Capel Street")).to_be_visible()
    expect(details).to_contain_text("Status history")
    source = details.locator("a[href^='https://']").first
    expect(source).to_have_attribute("target", "_blank")
    expect(source).to_have_attribute("rel", re.compile(r"\bnoopener\b"))

    details.get_by_role("button", name="Show on map").click()

    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.FOCUS_SITE}=ie-dublin(&|$)"))
    wait_for_script(page)
    expect(page.get_by_test_id("stMain").get_by_test_id("stHeading").first).to_have_text("Map")
    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.COUNTRY}=Ireland(&|$)"))
    assert_clean(page)


# How many Tab presses may pass before a control is reached: the sidebar's filters, the
# table's toolbar and one row of cells (the grid's Tab walks its first row, then leaves).
MAX_TABS = 120
FOCUSED_LABEL_JS = """() => {
    const element = document.activeElement;
    return (element.getAttribute('aria-label') || element.innerText || '').trim();
}"""


def tab_to(page: Page, label: str) -> None:
    """Press Tab until the focused control is the one labelled `label`, as a keyboard user."""
    seen = []
    for _press in range(MAX_TABS):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED_LABEL_JS))
        # A button's text starts with its icon's name ("map Show on map").
        if seen[-1] == label or seen[-1].endswith(f"\n{label}"):
            return
    raise AssertionError(f"{label!r} not reached in {MAX_TABS} presses of Tab: {seen}")


def test_at_1280_by_720_status_is_in_view_and_details_open_from_the_keyboard(page, app_server):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, f"{app_server.base_url}/sites")
    table = page.locator(f"[class*='st-key-{ui_state.SITES_TABLE}']")
    expect(table.locator("[role=gridcell]").first).to_be_attached()

    # The grid's accessible copy holds the columns in view only: Status and Details are among
    # them, the rightmost ones are not, and the page itself does not scroll sideways.
    headers = table.locator("[role=columnheader]").all_inner_texts()
    assert headers[:3] == ["Name", "Status", "Details"], headers
    assert "Basis" not in headers
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    expect(table.locator("[role=gridcell]", has_text="Details").first).to_be_attached()

    page.locator("body").focus()
    tab_to(page, "Details of a site")
    page.keyboard.type("Capel")
    page.keyboard.press("Enter")

    details = page.locator(f".st-key-{ui_state.SITE_DETAILS}")
    expect(details).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    expect(details.get_by_role("heading", name="Dublin: Capel Street")).to_be_visible()
    wait_for_script(page, RERUN_TIMEOUT_MS)
    # Its sources and the way to the map come next in the keyboard's order.
    tab_to(page, "Show on map")
    assert_clean(page)
