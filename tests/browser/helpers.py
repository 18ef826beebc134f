"""Small helpers the sites, timeline, upload and offline-export browser tests share."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page, expect

from benchmarks.browser import APP_COMPLETE_SELECTOR
from benchmarks.waiting import page_pause, wait_until
from stationmap import config
from stationmap.app import ui_state
from stationmap.map import records as map_records
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view

# Covers the first script run, which imports pandas and folium on a cold 2-core machine.
FIRST_RUN_TIMEOUT_MS = 30_000
# A rerun after a widget change reads cached data; generous for a loaded CI machine.
RERUN_TIMEOUT_MS = 15_000

# Where the widget-code loader says it is ("loading", "loaded", "stopped").
WIDGET_CODE_STATE = "data-sm-widget-code"

# Opened at /sites, Streamlit's front end first looks for its server at /sites/_stcore/...
# (in case the app is served under a path prefix), is answered 404, then uses /_stcore/.
# That probe stays on this machine and is Streamlit's own; every other console error counts.
BASE_PATH_PROBE = re.compile(
    r"status of 404 \(Not Found\) \(\{'url': 'http://127\.0\.0\.1:\d+/[a-z]+/_stcore/"
    r"(health|host-config)'"
)

# Markers on screen plus the counts inside cluster icons: the sites a map shows.
SITES_DRAWN_JS = """() => {
    const markers = document.querySelectorAll('.leaflet-marker-pane .sm-marker').length;
    let clustered = 0;
    document.querySelectorAll('.leaflet-marker-pane .marker-cluster span')
        .forEach((span) => { clustered += parseInt(span.textContent, 10); });
    return markers + clustered;
}"""


def wait_for_script(page: Page, timeout: float = FIRST_RUN_TIMEOUT_MS) -> None:
    """Wait until the app is connected, its page is whole and its script has run to the end.

    The sidebar's widgets, on every page, mark a whole page: on a session's first visit the map
    page draws its map alone, and the rest in the run its map starts once it has shown its sites
    (render_order.map_first). Each kind of widget shows once its own code has loaded, and one shown
    late moves those below it, so all of them are waited for (benchmarks.browser's
    APP_COMPLETE_SELECTOR).
    """
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
    for selector in APP_COMPLETE_SELECTOR:
        expect(page.locator(selector).first).to_be_attached(timeout=timeout)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)


def open_app(page: Page, url: str) -> None:
    """Open `url`, wait for its script, and for the other pages' widget code to have loaded.

    The loader (web/widget-code.js) compiles about 2 MB of Streamlit's code once a page first
    settles; a short run started meanwhile (a tab, an upload) can reach the page in one go and
    never show as running, which helpers counting runs would wait for in vain.
    """
    page.goto(url)
    wait_for_script(page)
    expect(page.locator("html")).not_to_have_attribute(
        WIDGET_CODE_STATE, "loading", timeout=FIRST_RUN_TIMEOUT_MS
    )


def open_event_list(page: Page) -> Locator:
    """The timeline's month-by-month list, opened as a reader does (it is made on request)."""
    listing = page.locator(f".st-key-{ui_state.TIMELINE_LIST}")
    listing.locator("summary").click()
    events = listing.locator("h4.sm-month").first
    expect(events).to_be_attached(timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page)
    return listing


# Counts the script runs that end from the call on (window.smRunsEnded); one observer a page.
COUNT_RUNS_ENDED_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!window.smRunsObserved) {
        window.smRunsObserved = true;
        new MutationObserver(() => {
            const state = app.getAttribute('data-test-script-state');
            if (state === 'notRunning') { window.smRunsEnded += 1; }
        }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }
    window.smRunsEnded = 0;
}"""


def upload(page: Page, uploader_key: str, files) -> None:
    """Choose `files` (a path or Playwright's file payload) in an uploader, and wait for the run
    that starts to end: a file chosen while another's run is under way can be lost, and the
    uploader shows its chip before that run starts."""
    page.evaluate(COUNT_RUNS_ENDED_JS)
    page.locator(f".st-key-{uploader_key} input[type=file]").set_input_files(files)
    page.wait_for_function("() => window.smRunsEnded > 0", timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page, RERUN_TIMEOUT_MS)


def open_tab(page: Page, name: str) -> Locator:
    """Click the tab `name` and wait for the run the click starts to end: a page's lazy tabs
    (the sources page's) are made only once opened."""
    tab = page.get_by_role("tab", name=name, exact=True)
    page.evaluate(COUNT_RUNS_ENDED_JS)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    # The first-run allowance: a loaded 2-core machine took over 15 s for such a run.
    page.wait_for_function("() => window.smRunsEnded > 0", timeout=FIRST_RUN_TIMEOUT_MS)
    wait_for_script(page, FIRST_RUN_TIMEOUT_MS)
    return tab


# Streamlit's table: a header row, then rows of this height (px), and the row-selection
# checkboxes in the first column.
TABLE_ROW_PX = 35
CHECKBOX_X_PX = 18


def select_first_table_row(page: Page, table: Locator) -> None:
    """Tick the first row of a Streamlit table (drawn on a canvas) by its checkbox."""
    # The grid's accessible cells appear once it can take a click.
    expect(table.locator("[role=gridcell]").first).to_be_attached()
    box = table.bounding_box()
    # Below the header row.
    checkbox = (box["x"] + CHECKBOX_X_PX, box["y"] + TABLE_ROW_PX * 1.5)
    page.mouse.move(*checkbox)
    page.mouse.click(*checkbox)


def sidebar_summary(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_text(re.compile(r"^Showing \d+ of \d+ site"))


def published_view(state: FilterState):
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    return dataset, apply_filters(build_site_view(dataset, on=state.as_of or date.today()), state)


def drawable_count(filtered) -> int:
    return len(map_records.placed_sites(filtered))


# In a map's frame: how many times its markers have been clustered for every zoom (layer.js
# clusterEveryZoom: once, at the map's first zoom).
CLUSTERED_EVERY_ZOOM_JS = (
    "() => performance.getEntriesByName('stationmap:clustered-every-zoom').length"
)


def sites_drawn(frame: Frame) -> int:
    return frame.evaluate(SITES_DRAWN_JS)


def poll(page: Page, read: Callable[[], object], wanted: object, what: str) -> None:
    """Poll `read()` until it returns `wanted` (maps redraw asynchronously), or fail."""
    wait_until(
        read,
        lambda last: last == wanted,
        timeout_s=RERUN_TIMEOUT_MS / 1000,
        what=f"{what}: wanted {wanted!r}",
        pause=page_pause(page),
        # A rerun replaced the map's frame mid-read: read again.
        retry_on=(PlaywrightError, AssertionError),
    )


def assert_clean(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert [error for error in page.errors_seen if not BASE_PATH_PROBE.search(error)] == []
    assert page.third_party_requests == []
