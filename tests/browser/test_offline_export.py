"""The exported map opened from disk (file://) in Chromium with every network request blocked:
it draws every site and the country outlines, and tries to load nothing from anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote_plus, urlparse

import pytest
from playwright.sync_api import Browser, Page

from stationmap.app import ui_state
from stationmap.map import offline as offline_map
from stationmap.record.filters import FilterState
from tests.browser.helpers import (
    RERUN_TIMEOUT_MS,
    assert_clean,
    drawable_count,
    open_app,
    poll,
    published_view,
    sites_drawn,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        offline_map.missing_vendor_files() != [], reason="static/vendor/ is not installed"
    ),
]

# The 1:110m Natural Earth file has 177 countries; each is one SVG path.
MIN_COUNTRY_PATHS = 100
# Schemes that never leave the browser: the file itself, and what it carries inline.
IN_FILE_SCHEMES = frozenset({"file", "data", "blob", "about"})


class OfflinePage:
    """A page in its own context where every request that is not to the file is aborted."""

    def __init__(self, browser: Browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.attempted: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    def _route(self, route, request) -> None:
        if urlparse(request.url).scheme in IN_FILE_SCHEMES:
            route.continue_()
        else:
            self.attempted.append(request.url)
            route.abort("internetdisconnected")

    def open(self, path: Path) -> Page:
        self.page.goto(path.resolve().as_uri())
        return self.page


@pytest.fixture
def offline(browser: Browser) -> Iterator[OfflinePage]:
    opened = OfflinePage(browser)
    yield opened
    opened.context.close()


def assert_map_draws(page: Page, sites: int) -> None:
    poll(page, lambda: sites_drawn(page.main_frame), sites, "sites drawn")
    outlines = page.locator(".leaflet-pane svg path")
    poll(page, lambda: outlines.count() > MIN_COUNTRY_PATHS, True, "country outline paths")


def test_the_map_downloaded_from_the_sites_page_works_from_disk_with_no_network(
    page, app_server, offline, tmp_path
):
    state = FilterState(statuses=("reported_closed",), regions=("Europe",))
    query = f"{ui_state.STATUS}={quote_plus('Reported closed')}&{ui_state.REGION}=Europe"
    open_app(page, f"{app_server.base_url}/sites?{query}")
    # Built only when asked, then offered for download.
    page.get_by_role("button", name="Map (HTML, offline)", exact=True).click()
    download = page.get_by_role("button", name="Download the map (HTML, offline)", exact=True)
    with page.expect_download(timeout=RERUN_TIMEOUT_MS) as info:
        download.click(timeout=RERUN_TIMEOUT_MS)
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.endswith("-status-reported_closed-region-europe.html")
    assert_clean(page)

    _dataset, filtered = published_view(state)
    opened = offline.open(saved)

    assert_map_draws(opened, drawable_count(filtered))
    note = opened.locator(".sm-offline-note")
    assert "Filters: Status: Reported closed; Region: Europe" in note.inner_text()
    assert "allegations and reported responses" in note.inner_text()
    assert offline.attempted == []
    assert offline.errors == []


def test_every_site_of_the_cli_export_is_drawn_offline_and_popups_work(offline, tmp_path):
    dataset, everything = published_view(FilterState())
    path = tmp_path / "all-sites.html"
    path.write_bytes(offline_map.standalone_map_html(everything, dataset, on=date.today()))

    opened = offline.open(path)

    assert_map_draws(opened, drawable_count(everything))
    # Zoom into a cluster until a single marker shows, then open its popup.
    marker = opened.locator(".leaflet-marker-pane .sm-marker").first
    marker.click()
    popup = opened.locator(".leaflet-popup .sm-popup")
    popup.wait_for(state="visible", timeout=RERUN_TIMEOUT_MS)
    assert popup.locator("a[href^='http']").count() > 0
    assert offline.attempted == []
    assert offline.errors == []
