"""The briefing in a real browser, on the screens presenters share: every slide fits 1280x720
without scrolling and maps its own sites; the arrow and page keys step; high contrast, print,
"Present this view"; nothing leaves the machine. A screenshot of every shipped slide is kept
in test-artifacts/briefing/ to look at."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Frame, Page, expect

from stationmap import config
from stationmap.app import ui_state
from stationmap.briefing.stories import load_briefings
from stationmap.map import records as map_records
from stationmap.record.filters import apply_filters
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from tests.browser.conftest import ARTIFACTS_DIR, find_map_frame
from tests.browser.helpers import (
    RERUN_TIMEOUT_MS,
    assert_clean,
    drawable_count,
    open_app,
    poll,
    sites_drawn,
    wait_for_script,
)

pytestmark = pytest.mark.browser

SMALL_SCREEN = {"width": 1280, "height": 720}
LARGE_SCREEN = {"width": 1920, "height": 1080}
# Sub-pixel rounding of Streamlit's layout; anything more is a scroll bar.
FIT_TOLERANCE_PX = 2
# The 1:110m Natural Earth file has 177 countries; once they are drawn the map looks done.
MIN_COUNTRY_PATHS = 100
SCREENSHOT_DIR = ARTIFACTS_DIR / "briefing"
PAGES_IN_PDF = re.compile(rb"/Type\s*/Page[^s]")

FIT_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return {
        documentHeight: document.scrollingElement.scrollHeight,
        documentWidth: document.scrollingElement.scrollWidth,
        mainHeight: main.scrollHeight,
        mainVisible: main.clientHeight,
        innerHeight: window.innerHeight,
        innerWidth: window.innerWidth,
    };
}"""


def shipped_slides() -> list[tuple[str, int]]:
    briefings = load_briefings(config.DEFAULT_DATA_DIR / "briefings.toml")
    return [
        (story.story_id, slide.number)
        for story in briefings.stories.values()
        for slide in story.slides
    ]


def slide_of(story_id: str, number: int):
    briefings = load_briefings(config.DEFAULT_DATA_DIR / "briefings.toml")
    return briefings.stories[story_id].slides[number - 1]


def slide_sites(story_id: str, number: int):
    """The sites a slide shows, from the package itself: its filters on its date."""
    slide = slide_of(story_id, number)
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    return apply_filters(
        build_site_view(dataset, slide.filters.as_of or date.today()), slide.filters
    )


def slide_url(base_url: str, story_id: str, number: int, extra: str = "") -> str:
    return f"{base_url}/briefing?{ui_state.STORY}={story_id}&{ui_state.SLIDE}={number}{extra}"


def open_slide(page: Page, url: str, viewport: dict = SMALL_SCREEN) -> None:
    page.set_viewport_size(viewport)
    open_app(page, url)


def wait_for_keys(page: Page) -> None:
    """Wait until the Next button, which answers the keys, is on the page.

    Streamlit draws buttons from a script of their own, a moment after the rest of the slide:
    a key pressed before then finds nothing to press.
    """
    expect(page.locator(f".st-key-{ui_state.BRIEFING_NEXT} button")).to_be_enabled()


def map_done(page: Page, count: int) -> Frame:
    """Wait until the slide's map draws `count` sites and its country outlines; return it."""
    poll(page, lambda: sites_drawn(find_map_frame(page, RERUN_TIMEOUT_MS)), count, "sites drawn")
    frame = find_map_frame(page)
    outlines = frame.locator(".leaflet-pane svg path")
    poll(page, lambda: outlines.count() > MIN_COUNTRY_PATHS, True, "country outlines")
    return frame


def assert_inside_viewport(page: Page, selector: str, viewport: dict) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not on screen"
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= viewport["width"] + FIT_TOLERANCE_PX, (selector, box)
    assert box["y"] + box["height"] <= viewport["height"] + FIT_TOLERANCE_PX, (selector, box)


def assert_fits(page: Page, viewport: dict) -> None:
    fit = page.evaluate(FIT_JS)
    assert fit["documentHeight"] <= fit["innerHeight"] + FIT_TOLERANCE_PX, fit
    assert fit["documentWidth"] <= fit["innerWidth"] + FIT_TOLERANCE_PX, fit
    # Streamlit scrolls its main area, not the document: that must not scroll either.
    assert fit["mainHeight"] <= fit["mainVisible"] + FIT_TOLERANCE_PX, fit
    assert_inside_viewport(page, "[class*='st-key-briefing_title']", viewport)
    assert_inside_viewport(page, "[class*='st-key-briefing_caption']", viewport)
    assert_inside_viewport(page, "[class*='st-key-briefing_sources']", viewport)


def caption_font_px(page: Page) -> float:
    return page.locator("[class*='st-key-briefing_caption'] p").first.evaluate(
        "(p) => parseFloat(getComputedStyle(p).fontSize)"
    )


def slide_title(page: Page):
    return page.locator("[class*='st-key-briefing_title'] h1")


@pytest.mark.parametrize(("story_id", "number"), shipped_slides())
def test_every_shipped_slide_fits_a_shared_screen_and_maps_its_own_sites(
    page, app_server, story_id, number
):
    slide = slide_of(story_id, number)
    open_slide(page, slide_url(app_server.base_url, story_id, number))

    expect(slide_title(page)).to_have_text(slide.title)
    if slide.panel in ("map", "both"):
        map_done(page, drawable_count(slide_sites(story_id, number)))
        assert_inside_viewport(page, "[class*='st-key-briefing_map'] iframe", SMALL_SCREEN)
    if slide.panel in ("timeline", "both"):
        chart = page.locator("[class*='st-key-briefing_timeline'] .vega-embed")
        expect(chart).to_be_visible()
        assert_inside_viewport(page, "[class*='st-key-briefing_timeline']", SMALL_SCREEN)
    assert_fits(page, SMALL_SCREEN)
    assert caption_font_px(page) >= 28
    # Nothing on screen but the story: no sidebar, header or page footer.
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_test_id("stHeader")).to_be_hidden()
    expect(page.get_by_text(re.compile(r"^Data version"))).to_be_hidden()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{story_id}-{number}.png"))
    assert_clean(page)


def test_a_slide_with_map_and_timeline_fits_a_full_hd_screen_in_larger_type(page, app_server):
    open_slide(page, slide_url(app_server.base_url, "uk", 4), LARGE_SCREEN)

    map_done(page, drawable_count(slide_sites("uk", 4)))
    assert_fits(page, LARGE_SCREEN)
    assert_inside_viewport(page, "[class*='st-key-briefing_map'] iframe", LARGE_SCREEN)
    assert_inside_viewport(page, "[class*='st-key-briefing_timeline']", LARGE_SCREEN)
    assert caption_font_px(page) >= 40
    assert_clean(page)


def test_the_arrow_keys_and_a_clickers_page_keys_step_through_the_slides(page, app_server):
    open_slide(page, slide_url(app_server.base_url, "uk", 1))
    titles = {number: slide_of("uk", number).title for number in range(1, 5)}
    expect(slide_title(page)).to_have_text(titles[1])
    wait_for_keys(page)

    for key, number in (("ArrowRight", 2), ("PageDown", 3), ("ArrowLeft", 2), ("PageUp", 1)):
        page.keyboard.press(key)
        expect(slide_title(page)).to_have_text(titles[number], timeout=RERUN_TIMEOUT_MS)
        expect(page).to_have_url(re.compile(rf"[?&]{ui_state.SLIDE}={number}(&|$)"))
        wait_for_script(page)
    assert_clean(page)


def test_the_keys_still_step_after_a_click_on_the_map(page, app_server):
    open_slide(page, slide_url(app_server.base_url, "uk", 1))
    frame = map_done(page, drawable_count(slide_sites("uk", 1)))
    wait_for_keys(page)

    # The map now has the keyboard: the right arrow must turn the slide, not pan the map.
    frame.locator(".leaflet-container").click(position={"x": 120, "y": 300})
    page.keyboard.press("ArrowRight")

    expect(slide_title(page)).to_have_text(slide_of("uk", 2).title, timeout=RERUN_TIMEOUT_MS)
    assert_clean(page)


def test_high_contrast_turns_the_slide_and_its_map_white_on_black(page, app_server):
    open_slide(page, slide_url(app_server.base_url, "uk", 4))
    background = "(element) => getComputedStyle(element).backgroundColor"
    app = page.get_by_test_id("stApp")
    assert app.evaluate(background) == "rgb(255, 255, 255)"

    page.get_by_role("button", name="High contrast").click()

    expect(page).to_have_url(re.compile(rf"{ui_state.CONTRAST}=high"))
    expect(app).to_have_css("background-color", "rgb(0, 0, 0)", timeout=RERUN_TIMEOUT_MS)
    expect(page.locator("[class*='st-key-briefing_caption'] p").first).to_have_css(
        "color", "rgb(255, 255, 255)"
    )
    frame = map_done(page, drawable_count(slide_sites("uk", 4)))
    legend = frame.locator(".sm-legend-control")
    expect(legend).to_have_css("background-color", "rgb(0, 0, 0)")
    expect(legend).to_have_css("border-top-width", "3px")
    # Still on from slide to slide.
    wait_for_keys(page)
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(rf"{ui_state.SLIDE}=5.*{ui_state.CONTRAST}=high"))
    assert_clean(page)


def test_printing_a_story_gives_one_landscape_page_per_slide(page, app_server):
    open_slide(page, f"{app_server.base_url}/briefing?{ui_state.STORY}=uk&{ui_state.PRINT}=1")
    slides = page.locator("[class*='st-key-briefing_slide-']")
    expect(slides).to_have_count(6)
    maps = [slide for slide in shipped_slides() if slide[0] == "uk"]
    poll(
        page,
        lambda: sum(1 for frame in page.frames if frame.query_selector(".sm-legend-control")),
        sum(1 for _story, n in maps if slide_of("uk", n).panel != "timeline"),
        "maps drawn",
    )

    pdf = page.pdf(landscape=True, print_background=True, prefer_css_page_size=True)

    assert len(PAGES_IN_PDF.findall(pdf)) == 6
    assert_clean(page)


def test_printing_one_slide_gives_one_page(page, app_server):
    open_slide(page, slide_url(app_server.base_url, "uk", 2))
    map_done(page, drawable_count(slide_sites("uk", 2)))

    pdf = page.pdf(landscape=True, print_background=True, prefer_css_page_size=True)

    assert len(PAGES_IN_PDF.findall(pdf)) == 1


def test_present_this_view_turns_the_maps_filters_into_one_slide_and_exit_goes_back(
    page, app_server
):
    page.set_viewport_size(SMALL_SCREEN)
    open_app(page, f"{app_server.base_url}/?{ui_state.TEXT}=Glasgow")

    page.get_by_role("button", name="Present this view").click()

    expect(page).to_have_url(re.compile(rf"/briefing\?.*{ui_state.PRESENT}=1"))
    caption = page.locator("[class*='st-key-briefing_caption']")
    expect(caption).to_contain_text("1 site in 1 country · statuses as of")
    map_done(page, 1)
    assert_fits(page, SMALL_SCREEN)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()

    page.get_by_role("link", name="Exit briefing").click()

    expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Present this view")).to_be_visible()
    assert_clean(page)


def test_escape_leaves_the_slides_even_after_a_click_on_the_map(page, app_server):
    open_slide(page, slide_url(app_server.base_url, "uk", 1))
    frame = map_done(page, drawable_count(slide_sites("uk", 1)))
    expect(page.locator(f".st-key-{ui_state.BRIEFING_EXIT} button")).to_be_attached()
    # The map has the keyboard: Escape pressed in its frame must still leave the slides.
    frame.locator(".leaflet-container").click(position={"x": 120, "y": 300})

    page.keyboard.press("Escape")

    expect(page.get_by_role("heading", name="Briefing", exact=True)).to_be_visible(
        timeout=RERUN_TIMEOUT_MS
    )
    expect(page).not_to_have_url(re.compile(rf"[?&]{ui_state.STORY}="))
    expect(page.get_by_role("button", name="Present this view")).to_be_visible()
    assert_clean(page)


WHITE = "rgb(255, 255, 255)"
BLACK = "rgb(0, 0, 0)"
# The map's sea without tiles (stationmap/map/live/layer.css).
MAP_GROUND = "rgb(220, 230, 239)"
MAP_GROUND_JS = (
    "() => getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor"
)
# A chart's background, which Vega sets on its own picture.
CHART_GROUND_JS = """(chart) => {
    const picture = chart.querySelector('svg.marks, canvas.marks');
    return getComputedStyle(picture).backgroundColor;
}"""


def test_print_all_slides_prints_in_normal_contrast_from_high_contrast(page, app_server):
    open_slide(page, slide_url(app_server.base_url, "uk", 4, f"&{ui_state.CONTRAST}=high"))
    app = page.get_by_test_id("stApp")
    expect(app).to_have_css("background-color", BLACK)

    page.get_by_role("button", name="Print all slides").click()
    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.PRINT}=1(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.CONTRAST}=high(&|$)"))
    # Six slides, each with its map or chart: a while on a busy machine.
    expect(page.locator("[class*='st-key-briefing_slide-']")).to_have_count(
        6, timeout=RERUN_TIMEOUT_MS
    )
    page.emulate_media(media="print")

    expect(app).to_have_css("background-color", WHITE)
    expect(page.locator("[class*='st-key-briefing_caption'] p").first).not_to_have_css(
        "color", WHITE
    )
    poll(
        page,
        lambda: {
            frame.evaluate(MAP_GROUND_JS)
            for frame in page.frames
            if frame.query_selector(".sm-legend-control")
        },
        {MAP_GROUND},
        "maps in normal contrast",
    )
    # The timelines are pictures with a background of their own: drawn for paper too.
    charts = page.locator("[class*='st-key-briefing_timeline'] .vega-embed")
    expect(charts.first).to_be_visible()
    assert {charts.nth(i).evaluate(CHART_GROUND_JS) for i in range(charts.count())} == {WHITE}
    assert_clean(page)


def test_one_slide_printed_from_high_contrast_prints_in_normal_contrast(page, app_server):
    # Slide 4 has a map and a timeline.
    open_slide(page, slide_url(app_server.base_url, "uk", 4, f"&{ui_state.CONTRAST}=high"))
    frame = map_done(page, drawable_count(slide_sites("uk", 4)))
    chart = page.locator("[class*='st-key-briefing_timeline'] .vega-embed").first
    expect(chart.locator("svg.marks")).to_be_visible()
    assert frame.evaluate(MAP_GROUND_JS) == BLACK
    assert chart.evaluate(CHART_GROUND_JS) == BLACK

    page.emulate_media(media="print")

    expect(page.get_by_test_id("stApp")).to_have_css("background-color", WHITE)
    assert frame.evaluate(MAP_GROUND_JS) == MAP_GROUND
    assert chart.evaluate(CHART_GROUND_JS) == WHITE
    label = chart.locator("svg.marks .role-axis-label text").first
    expect(label).not_to_have_css("fill", WHITE)


# Of the slide's chart: its text, its dots and the ends of its time axis, where they are drawn.
CHART_PARTS_JS = """() => {
    const box = (element) => element.getBoundingClientRect();
    const panel = document.querySelector("[class*='st-key-briefing_timeline']");
    const chart = panel.querySelector('svg.marks');
    const axis = [...chart.querySelectorAll('.role-axis-domain line, .role-axis-domain path')]
        .map(box).filter((line) => line.width > line.height)[0];
    const legend = [...panel.querySelectorAll('.sm-kinds li')];
    return {
        text: [...chart.querySelectorAll('text'), ...legend].map((element) => [
            element.textContent, parseFloat(getComputedStyle(element).fontSize)]),
        marks: [...chart.querySelectorAll('.mark-symbol path, .mark-rect path')].map((dot) => {
            const b = box(dot);
            return [b.left, b.right];
        }),
        axis: [axis.left, axis.right],
        legend: legend.map((item) => {
            const b = box(item);
            return [item.textContent, b.right, b.bottom];
        }),
    };
}"""
MIN_CHART_TEXT_PX = 14


def test_the_slide_timeline_is_readable_has_a_legend_and_shows_its_last_events_whole(
    page, app_server
):
    # Slide 4 is the day of the statement: its own events sit at the end of the time axis.
    open_slide(page, slide_url(app_server.base_url, "uk", 4))
    map_done(page, drawable_count(slide_sites("uk", 4)))
    expect(page.locator(".mark-symbol path").first).to_be_attached()
    expect(page.locator(".mark-rect path").first).to_be_attached()
    expect(page.locator(".sm-kinds")).to_contain_text("Embassy responses")
    parts = page.evaluate(CHART_PARTS_JS)

    small = [(text, px) for text, px in parts["text"] if px < MIN_CHART_TEXT_PX]
    assert parts["text"] and small == [], small
    kinds = [name for name, _right, _bottom in parts["legend"]]
    assert {"Reports", "Police visits and investigations", "Embassy responses"} <= set(kinds)
    for name, right, bottom in parts["legend"]:
        assert right <= SMALL_SCREEN["width"] + FIT_TOLERANCE_PX, (name, right)
        assert bottom <= SMALL_SCREEN["height"] + FIT_TOLERANCE_PX, (name, bottom)
    # The last events whole, inside the end of the time axis: the statement's day (a dot) and
    # the replies known only to their month (bars to the end of June) are not cut. (Events
    # before the first report lie past the axis's start, by design.)
    _left, right = parts["axis"]
    assert parts["marks"]
    assert max(mark_right for _left, mark_right in parts["marks"]) <= right + 0.5, parts
    assert_fits(page, SMALL_SCREEN)
    assert_clean(page)


# The 1:50m Natural Earth file has 241 countries, the 1:110m one 177.
FINE_COUNTRY_PATHS = 200


def outline_paths(frame: Frame) -> int:
    return frame.locator(".leaflet-smOutlines-pane path").count()


def test_at_a_slides_zoom_a_cluster_shows_its_statuses_and_the_cities_are_named(page, app_server):
    # 12 September 2022: London's two sites, both alleged, share a cluster at zoom 6.
    open_slide(page, slide_url(app_server.base_url, "uk", 1))
    frame = map_done(page, drawable_count(slide_sites("uk", 1)))
    alleged = next(s["color"] for s in map_records.status_styles() if s["key"] == "alleged")

    ring = frame.locator(".sm-cluster-ringed .sm-cluster-ring")
    expect(ring).to_have_count(1)
    expect(ring).to_be_visible()
    assert alleged.casefold() in ring.get_attribute("style").casefold()
    # The ring shows round the count, not under a navy disc of the same size.
    ring_box = ring.bounding_box()
    disc_box = frame.locator(".sm-cluster-ringed > div").bounding_box()
    assert ring_box["width"] >= disc_box["width"] + 8, (ring_box, disc_box)
    labels = frame.locator(".sm-city-label")
    expect(labels).to_have_text(["Glasgow", "London"], use_inner_text=True)
    for index in range(labels.count()):
        expect(labels.nth(index)).to_be_visible()
    assert_clean(page)


def test_a_world_slide_names_no_city_and_keeps_the_coarse_outlines(page, app_server):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    open_slide(page, slide_url(app_server.base_url, "world", 1))
    frame = map_done(page, drawable_count(slide_sites("world", 1)))

    expect(frame.locator(".sm-city-label")).to_have_count(0)
    assert outline_paths(frame) < FINE_COUNTRY_PATHS
    assert not [url for url in fetched if url.endswith("countries-50m.json")]
    assert_clean(page)


def test_from_zoom_4_a_slide_draws_the_finer_country_outlines(page, app_server):
    open_slide(page, slide_url(app_server.base_url, "uk", 1))
    frame = map_done(page, drawable_count(slide_sites("uk", 1)))

    poll(page, lambda: outline_paths(frame) > FINE_COUNTRY_PATHS, True, "finer outlines")
    # Zoomed out to a continent, the coarse ones again.
    frame.evaluate(
        "() => { const map = Object.values(window).find((v) => v instanceof L.Map);"
        " map.setZoom(3, {animate: false}); }"
    )
    poll(page, lambda: outline_paths(frame) < FINE_COUNTRY_PATHS, True, "coarse outlines")
    assert_clean(page)
