"""A server's first visitor, from a deep link, never sees Streamlit's file-name navigation.

Before dashboard.py has run once in a process, Streamlit treats the app as an old-style
multipage app and would send a navigation of the files in pages/ ("dashboard, briefing, map, …")
before the page's own (render_order.show_app_navigation). Only a server that has served no
one yet shows it, so this test starts one of its own.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import open_app

pytestmark = pytest.mark.browser

# Every set of labels a navigation shows while the page loads (Streamlit's by file name in the
# sidebar, the app's at the top), in order (without the icons' names, which are text too):
# observed, so labels shown for one frame are caught.
RECORD_NAVIGATION_JS = """
(() => {
  window.smNavigationsSeen = [];
  new MutationObserver(() => {
    const links = document.querySelectorAll(
      '[data-testid="stSidebarNav"] a, [data-testid="stTopNav"] a');
    const label = (link) => {
      const icon = link.querySelector('[data-testid="stIconMaterial"]');
      return link.textContent.replace(icon ? icon.textContent : '', '').trim();
    };
    const text = [...links].map(label).join(' | ');
    const seen = window.smNavigationsSeen;
    if (text && seen[seen.length - 1] !== text) { seen.push(text); }
  }).observe(document, {subtree: true, childList: true, characterData: true});
})();
"""
# The names of the files in pages/ and of the entry point, as Streamlit would label them.
FILE_NAMES = ("dashboard", "map", "timeline", "sites", "briefing", "sources", "upload")
APP_PAGE_TITLES = ("Map", "Timeline", "Sites", "Briefing", "Sources", "Your data")


@pytest.mark.parametrize("path", ["timeline", "sites"])
def test_a_first_deep_link_shows_only_the_apps_own_navigation(page, app_server_factory, path):
    # A server of its own (the extra variable only keeps it apart from the shared ones), so
    # this is the first visit it serves.
    server = app_server_factory({"STATIONMAP_TILES": "none", "STATIONMAP_TEST_FRESH": path})
    page.add_init_script(RECORD_NAVIGATION_JS)

    open_app(page, f"{server.base_url}/{path}")

    navigation = page.get_by_test_id("stTopNav")
    for title in APP_PAGE_TITLES:
        expect(navigation.get_by_role("link", name=title, exact=True)).to_be_visible()
    seen = page.evaluate("window.smNavigationsSeen")
    assert seen, "the navigation was never drawn"
    for text in seen:
        assert not set(text.split(" | ")) & set(FILE_NAMES), f"file names shown: {text!r}"
    assert seen[-1] == " | ".join(APP_PAGE_TITLES)
