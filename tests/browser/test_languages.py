"""The dashboard in Simplified and Traditional Chinese in a real browser: every Chinese text is
drawn with a CJK font of its own script (asked of Chromium through the DevTools protocol, inside
the map's frame too), the language survives navigation, and the browser's language decides when
the link does not.

Screenshots of the map and a briefing slide in each language are saved to
test-artifacts/languages/ (not committed) for a person to look at.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from stationmap.app import ui_state
from tests.browser.conftest import ARTIFACTS_DIR
from tests.browser.helpers import RERUN_TIMEOUT_MS, assert_clean, open_app, poll, wait_for_script

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS_DIR / "languages"
# Each script's own cut of Noto Sans CJK (Debian's fonts-noto-cjk): the Simplified and
# Traditional forms of some characters differ, so the wrong cut is a visible fault too.
FONT_OF_SCRIPT = {"zh-Hans": "Noto Sans CJK SC", "zh-Hant": "Noto Sans CJK TC"}
MAP_HEADING = {"zh-Hans": "被指称的中国海外警察站", "zh-Hant": "被指稱的中國海外警察站"}
LEGEND_TITLE = {"zh-Hans": "状态（地图上的站点）", "zh-Hant": "狀態（地圖上的站點）"}
POPUP_HEADING = {"zh-Hans": "来源", "zh-Hant": "來源"}
SLIDE_CAPTION_START = {"zh-Hans": "2022年9月12日，", "zh-Hant": "2022年9月12日，"}
SLIDE_CAPTION_TEXT = {"zh-Hans": "这些均为指控", "zh-Hant": "這些均為指控"}
# The pages in the sidebar's order, with their headings in Traditional Chinese.
PAGE_HEADINGS = {
    "": "被指稱的中國海外警察站",
    "timeline": "時間軸",
    "sites": "站點",
    "briefing": "簡報",
    "sources": "來源",
    "upload": "您的資料",
}
# The text a node draws itself (not its children's), for counting its Chinese characters.
OWN_TEXT_JS = """(element) => Array.from(element.childNodes)
    .filter((node) => node.nodeType === Node.TEXT_NODE)
    .map((node) => node.textContent).join('')"""


def han_characters(text: str) -> int:
    return sum(1 for char in text if unicodedata.name(char, "").startswith("CJK UNIFIED"))


def find_node(cdp, node: dict, selector: str) -> int | None:
    """The DevTools node id of the first match of `selector` in this document or any frame
    inside it (DOM.querySelector does not cross into frames; pierce=True lists their documents).
    """
    found = cdp.send("DOM.querySelector", {"nodeId": node["nodeId"], "selector": selector})
    if found["nodeId"]:
        return found["nodeId"]
    stack = list(node.get("children", []))
    while stack:
        child = stack.pop(0)
        if "contentDocument" in child:
            inner = find_node(cdp, child["contentDocument"], selector)
            if inner:
                return inner
        stack.extend(child.get("children", []))
    return None


def platform_fonts(page: Page, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium drew the text of the first `selector` match with, and how many glyphs
    each: CSS.getPlatformFontsForNode, in the page or inside the map's frame."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        document = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        node = find_node(cdp, document, selector)
        assert node, f"no {selector!r} in the page or its frames"
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def assert_drawn_in_cjk(page: Page, where: Page | Frame, selector: str, language: str) -> None:
    """Every Chinese character of the node is drawn with the CJK font of the language's script,
    none with a fallback that lacks it (the "tofu" boxes of a missing glyph)."""
    own_text = where.locator(selector).first.evaluate(OWN_TEXT_JS)
    wanted = han_characters(own_text)
    assert wanted, f"{selector!r} has no Chinese text of its own: {own_text!r}"
    fonts = platform_fonts(page, selector)
    cjk = [font for font in fonts if "CJK" in font["familyName"] or "Han" in font["familyName"]]
    assert cjk, f"{selector!r} ({own_text!r}) drawn without a CJK font: {fonts}"
    assert {font["familyName"] for font in cjk} == {FONT_OF_SCRIPT[language]}, fonts
    assert sum(font["glyphCount"] for font in cjk) >= wanted > 0, fonts


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def page_language(page: Page) -> str:
    """The ``lang`` of the page's document, which the app sets to the interface language."""
    return page.evaluate("document.documentElement.lang")


def url_language(page: Page) -> str | None:
    match = re.search(rf"[?&]{ui_state.LANGUAGE}=([^&#]+)", page.url)
    return match.group(1) if match else None


# --- fonts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_the_map_page_draws_chinese_in_the_cjk_font_of_its_script(
    page, app_server, map_frame, language
):
    open_app(page, f"{app_server.base_url}/?{ui_state.LANGUAGE}={language}&{ui_state.TEXT}=Glasgow")
    frame = map_frame(page)
    expect(frame.locator(".sm-marker")).to_have_count(1, timeout=RERUN_TIMEOUT_MS)

    # The page and the map each say which language they are in.
    poll(page, lambda: page_language(page), language, "the page's lang")
    assert frame.locator(".leaflet-container").get_attribute("lang") == language
    heading = page.get_by_test_id("stHeading").locator("h1")
    expect(heading).to_have_text(MAP_HEADING[language])
    assert_drawn_in_cjk(page, page, '[data-testid="stHeading"] h1 span', language)
    assert_drawn_in_cjk(page, frame, ".sm-legend-title", language)
    expect(frame.locator(".sm-legend-title")).to_have_text(LEGEND_TITLE[language])

    frame.locator(".sm-marker").click()
    popup = map_frame(page).locator(".leaflet-popup .sm-popup")
    expect(popup).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page, RERUN_TIMEOUT_MS)
    frame = map_frame(page)
    expect(frame.locator(".leaflet-popup .sm-heading").last).to_have_text(POPUP_HEADING[language])
    assert_drawn_in_cjk(page, frame, ".leaflet-popup .sm-heading", language)
    # The details under the map, from the same HTML.
    assert_drawn_in_cjk(page, page, ".st-key-site_details .sm-heading", language)

    screenshot(page, f"map-{language}")
    assert_clean(page)


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_a_briefing_slide_shows_its_chinese_caption_in_the_cjk_font_of_its_script(
    page, app_server, language
):
    query = f"{ui_state.LANGUAGE}={language}&{ui_state.STORY}=uk&{ui_state.SLIDE}=1"
    open_app(page, f"{app_server.base_url}/briefing?{query}")

    caption = page.locator('[class*="st-key-briefing_caption"] p').first
    expect(caption).to_contain_text(SLIDE_CAPTION_START[language], timeout=RERUN_TIMEOUT_MS)
    poll(page, lambda: page_language(page), language, "the page's lang")
    expect(caption).to_contain_text(SLIDE_CAPTION_TEXT[language])
    # A translated caption carries no "shown in English" note.
    expect(page.locator('[class*="st-key-briefing_caption"]')).not_to_contain_text("English")
    assert_drawn_in_cjk(page, page, '[class*="st-key-briefing_caption"] p', language)

    screenshot(page, f"briefing-{language}")
    assert_clean(page)


# --- where the language comes from and where it goes ------------------------------------------


def test_the_language_in_the_link_survives_navigation_between_pages(page, app_server):
    open_app(page, f"{app_server.base_url}/?{ui_state.LANGUAGE}=zh-Hant")
    navigation = page.get_by_test_id("stTopNav")
    for path, heading in PAGE_HEADINGS.items():
        navigation.locator(f'a[href$="/{path}"]').click()
        expect(page.get_by_test_id("stHeading").locator("h1").first).to_have_text(
            heading, timeout=RERUN_TIMEOUT_MS
        )
        wait_for_script(page, RERUN_TIMEOUT_MS)
        poll(page, lambda: url_language(page), "zh-Hant", f"lang in the URL of /{path}")
        poll(page, lambda: page_language(page), "zh-Hant", f"the lang of /{path}")
    # A reload opens the same language from the URL alone.
    page.reload()
    wait_for_script(page)
    expect(page.get_by_test_id("stHeading").locator("h1").first).to_have_text("您的資料")
    assert_clean(page)


@pytest.mark.parametrize("page", ["zh-TW"], indirect=True)
def test_a_browser_that_prefers_traditional_chinese_opens_in_it(page, app_server):
    open_app(page, app_server.base_url)

    expect(page.get_by_test_id("stHeading").locator("h1")).to_have_text("被指稱的中國海外警察站")
    # Put into the URL, so a link copied from here opens in Traditional Chinese for anyone.
    poll(page, lambda: url_language(page), "zh-Hant", "lang in the URL")
    assert_clean(page)


def test_choosing_a_language_in_the_sidebar_switches_the_page_and_the_link(page, app_server):
    open_app(page, app_server.base_url)
    expect(page.get_by_test_id("stHeading").locator("h1")).to_have_text(
        "Alleged Chinese overseas police stations"
    )
    assert url_language(page) is None

    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="简体中文").click()

    expect(page.get_by_test_id("stHeading").locator("h1")).to_have_text("被指称的中国海外警察站")
    poll(page, lambda: url_language(page), "zh-Hans", "lang in the URL")
    poll(page, lambda: page_language(page), "zh-Hans", "the page's lang")
    assert_clean(page)
