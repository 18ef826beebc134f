"""The map page in a real browser: markers, filters, links with filters, clicks, no third party."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Frame, Page, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.waiting import page_pause, wait_until
from stationmap import config
from stationmap.app import ui_state
from stationmap.map import assets, kept_frame
from stationmap.map import records as map_records
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from tests.browser.helpers import (
    CLUSTERED_EVERY_ZOOM_JS,
    RERUN_TIMEOUT_MS,
    poll,
    published_view,
    sites_drawn,
    wait_for_script,
)

pytestmark = pytest.mark.browser

# The 1:110m Natural Earth file has 177 countries; each is one SVG path.
MIN_COUNTRY_PATHS = 100


def drawable_sites(state: FilterState) -> list[str]:
    """Ids of the sites the map should draw for a FilterState, from the package itself."""
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    view = build_site_view(dataset, on=state.as_of or date.today())
    return list(map_records.placed_sites(apply_filters(view, state)).index)


def open_map(page: Page, url: str) -> None:
    """Load the map page and wait until it is whole and its script has run to the end."""
    page.goto(url)
    wait_for_script(page)


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


def test_the_first_view_is_clustered_for_its_zoom_and_every_zoom_once_it_zooms(
    page, app_server, map_frame
):
    open_map(page, app_server.base_url)
    expected = len(drawable_sites(FilterState()))
    map_shows(page, map_frame, expected)
    frame = map_frame(page)
    # The first view is clustered for the zooms up to a few closer in than its own, and stays
    # so while the map does not zoom: its clusters would otherwise change under the reader's
    # eyes.
    page.evaluate(AFTER_NEXT_PAINT_JS)
    assert frame.evaluate(CLUSTERED_EVERY_ZOOM_JS) == 0

    # The first zoom clusters them for every zoom, before it is drawn.
    frame.locator(".leaflet-control-zoom-in").click()
    poll(page, lambda: frame.evaluate(CLUSTERED_EVERY_ZOOM_JS), 1, "clustered for every zoom")
    frame.locator(".leaflet-control-zoom-out").click()
    # Back at the first zoom, every site is there, in clusters made from every zoom down.
    map_shows(page, map_frame, expected)
    assert_clean(page)


# From the page's first moment: when the sidebar's status filter appeared, on the page's clock.
RECORD_FILTER_SHOWN_JS = f"""
(() => {{
  if (window.top !== window) {{ return; }}
  window.smFilterShownAt = null;
  const observer = new MutationObserver(() => {{
    if (document.querySelector('[data-testid="stSidebar"] .st-key-{ui_state.STATUS}')) {{
      window.smFilterShownAt = performance.now();
      observer.disconnect();
    }}
  }});
  observer.observe(document, {{subtree: true, childList: true}});
}})();
"""

# When the map frame showed its views, on the top page's clock.
VIEWS_SHOWN_JS = """(topOrigin) => performance.getEntriesByName('stationmap:view-shown')
    .map((mark) => performance.timeOrigin + mark.startTime - topOrigin)"""


# Resolves once the frame has painted again and then run a task. The map sends its one report
# (layer.js reportShown, once per map document) from just such a task (bridge.js: a paint,
# then a task), and the top page relays a frame's value to the server in a task of its own.
AFTER_NEXT_PAINT_JS = """() => new Promise((resolve) =>
    requestAnimationFrame(() => setTimeout(resolve, 0)))"""


def assert_sends_no_more(page: Page, map_frame, sent: list[str], expected: int) -> None:
    """Wait until the page has sent `expected` messages and is idle, then check it sent no more.

    No fixed wait: a message that would break the count comes from the run the last one
    started, or from the map reporting again. So the count is checked once that run has ended
    (the page whole, the script not running), and the map's frame and then the top page have
    each painted and run a task after it: a report the map had scheduled has reached the
    websocket by then, and a rerun would show as the script running again.
    """
    wait_until(
        lambda: len(sent),
        lambda count: count >= expected,
        timeout_s=RERUN_TIMEOUT_MS / 1000,
        what="messages sent",
        pause=page_pause(page),
    )
    wait_for_script(page, RERUN_TIMEOUT_MS)
    map_frame(page, RERUN_TIMEOUT_MS).evaluate(AFTER_NEXT_PAINT_JS)
    page.evaluate(AFTER_NEXT_PAINT_JS)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    assert len(sent) == expected


def test_a_first_visit_shows_the_map_first_and_then_the_rest_of_the_page(
    page, app_server, map_frame
):
    # What the page asks the server: each run is one message (Streamlit's own run state in the
    # page can skip a short run, as React draws only its end).
    sent = watch_websocket(page)
    page.add_init_script(RECORD_FILTER_SHOWN_JS)
    open_map(page, app_server.base_url)
    map_shows(page, map_frame, len(drawable_sites(FilterState())))

    filter_shown = page.evaluate("() => window.smFilterShownAt")
    top_origin = page.evaluate("() => performance.timeOrigin")
    shown = map_frame(page).evaluate(VIEWS_SHOWN_JS, top_origin)
    # One view shown, in one document, before the sidebar's filters existed: the run the map's
    # report started sent the same view, which the map did not redo, and kept the iframe.
    assert len(shown) == 1
    assert filter_shown is not None and shown[0] < filter_shown
    # The first run, then the map's report; and the map reports once.
    assert_sends_no_more(page, map_frame, sent, 2)

    # Back on the map from another page, the sidebar's code is in the browser: the click's run
    # draws the map and the sidebar, and the new map reports once it shows its sites, for the
    # counts and the rest (render_order.map_before_rest).
    page.get_by_test_id("stTopNav").get_by_role("link", name="Timeline").click()
    # Whole: its second chart comes with the run its first chart's report starts.
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2, timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page)
    before = len(sent)
    page.get_by_test_id("stTopNav").get_by_role("link", name="Map").click()
    wait_for_script(page)
    map_shows(page, map_frame, len(drawable_sites(FilterState())))
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    assert_sends_no_more(page, map_frame, sent, before + 2)
    assert_clean(page)


# The frame's own script: where it came from, and how many bytes came over the network for it
# (0 from the browser's cache; a few hundred for a "not modified" answer).
FRAME_SCRIPT_JS = """() => performance.getEntriesByType('resource')
    .filter((entry) => /\\/static\\/js\\/main\\.[^/]*\\.js$/.test(entry.name))
    .map((entry) => [new URL(entry.name).pathname, entry.transferSize])"""


def test_back_on_the_map_its_frame_s_script_comes_from_the_browser_s_cache(
    page, app_server, map_frame
):
    # Streamlit serves a component's script so that the browser cannot keep it: the app serves
    # streamlit-folium's from its static files instead (stationmap.map.kept_frame).
    open_map(page, app_server.base_url)
    map_shows(page, map_frame, len(drawable_sites(FilterState())))
    expect(page.locator(f'iframe[title="{kept_frame.FRAME_TITLE}"]')).to_have_count(1)
    ((first_path, _),) = map_frame(page).evaluate(FRAME_SCRIPT_JS)
    assert first_path.startswith("/app/static/frame/streamlit-folium/static/js/main.")
    for name in ("Sources", "Map"):
        page.get_by_test_id("stTopNav").get_by_role("link", name=name).click()
        wait_for_script(page)
    map_shows(page, map_frame, len(drawable_sites(FilterState())))
    ((again_path, transferred),) = map_frame(page).evaluate(FRAME_SCRIPT_JS)
    assert again_path == first_path
    # Its body (225 KB, 55 KB compressed) did not come again.
    assert transferred < 2_000, transferred
    assert_clean(page)


FRAME_FILES_JS = """() => ({
    scripts: [...document.scripts].filter((s) => s.src).map((s) => new URL(s.src).pathname),
    sheets: [...document.querySelectorAll('link[rel="stylesheet"]')]
        .map((l) => [new URL(l.href).pathname, l.parentElement.tagName]),
    fetched: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
})"""


def test_the_map_s_frame_loads_leaflet_and_its_style_sheets_itself_once(
    page, app_server, map_frame
):
    # The kept frame's document has them ahead of streamlit-folium's script, which then has
    # none to load before the map's script (stationmap.map.kept_frame, frame_links).
    open_map(page, app_server.base_url)
    map_shows(page, map_frame, len(drawable_sites(FilterState())))
    files = map_frame(page).evaluate(FRAME_FILES_JS)
    vendor = "/app/static/vendor/"
    bundle = vendor + assets.LEAFLET_MARKERCLUSTER_JS
    scripts = files["scripts"]
    assert scripts.count(bundle) == 1, scripts
    (streamlit_folium,) = [path for path in scripts if "/static/js/main." in path]
    assert scripts.index(bundle) < scripts.index(streamlit_folium)
    assert files["fetched"].count(bundle) == 1
    for name in (assets.LEAFLET_CSS, assets.MARKERCLUSTER_CSS, assets.MARKERCLUSTER_DEFAULT_CSS):
        assert files["sheets"].count([vendor + name, "HEAD"]) == 1, files["sheets"]
        assert files["fetched"].count(vendor + name) == 1
    assert not any("jquery" in path for path in files["fetched"])
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
    # Leaflet and MarkerCluster come as one script (Leaflet's UMD build sets window.L, then
    # MarkerCluster's extends it), and jQuery not at all.
    scripts = [url for url in page.requests_seen if "/app/static/vendor/" in url and ".js" in url]
    assert any(url.endswith("/" + assets.LEAFLET_MARKERCLUSTER_JS) for url in scripts), scripts
    assert not any("jquery" in url or url.endswith("/leaflet.js") for url in scripts), scripts
    loaded = frame.evaluate("() => [typeof L.markerClusterGroup, typeof window.jQuery]")
    assert loaded == ["function", "undefined"]
    assert_clean(page)


def test_choosing_a_status_in_the_sidebar_changes_the_map(page, app_server, map_frame):
    finished = watch_finished_runs(page)
    open_map(page, app_server.base_url)
    map_shows(page, map_frame, len(drawable_sites(FilterState())))
    # The map applies the new view to the markers it has: its document is not loaded again.
    first_view = map_frame(page).locator(".leaflet-container").get_attribute("data-sm-view")
    map_frame(page).evaluate("() => { window.smNotReloaded = true; }")
    runs_before = len(finished)

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
    assert map_frame(page).evaluate("() => window.smNotReloaded === true")
    new_view = map_frame(page).locator(".leaflet-container").get_attribute("data-sm-view")
    assert first_view and new_view and new_view != first_view
    # One run: the page, drawn before the sidebar, used the filters the sidebar then showed (a
    # run that found otherwise would end early for another).
    wait_for_script(page, RERUN_TIMEOUT_MS)
    assert finished[runs_before:] == [ForwardMsg.FINISHED_SUCCESSFULLY]
    assert_clean(page)


def test_a_link_with_filters_opens_the_map_with_them_applied(page, app_server, map_frame):
    status, country = "No evidence reported by authorities", "United Kingdom"
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


def test_a_click_on_a_marker_works_on_a_laptop_screen_where_the_map_is_cut_off(
    page, app_server, map_frame
):
    # 1280x600: even sized to the window, the map's frame (never under 20rem) runs past the
    # bottom of it. Leaflet focuses the map on a mouse press; the page must not scroll then, or
    # the press ends off the marker.
    page.set_viewport_size({"width": 1280, "height": 600})
    open_map(page, f"{app_server.base_url}/?{ui_state.TEXT}=Glasgow")
    map_shows(page, map_frame, 1)
    main = page.get_by_test_id("stMain")
    before = main.evaluate("(element) => element.scrollTop")

    map_frame(page).locator(".sm-marker").click()

    expect(map_frame(page).locator(".leaflet-popup .sm-popup")).to_contain_text("Glasgow")
    assert main.evaluate("(element) => element.scrollTop") == before
    assert_clean(page)


def test_when_nothing_matches_the_map_says_so(page, app_server, map_frame):
    open_map(page, f"{app_server.base_url}/?{ui_state.TEXT}=no-such-place-anywhere")

    frame = map_frame(page)
    expect(frame.locator(".sm-empty")).to_have_text("No sites match these filters.")
    assert sites_drawn(frame) == 0
    assert_clean(page)


# --- the map as of a date, and its play control ---------------------------------------------------

UK_QUERY = f"{ui_state.COUNTRY}={quote_plus('United Kingdom')}"
# Records every state the script passes through, and every reload of the map's frame, from the
# moment it is installed: a step of the play control must cause neither.
WATCH_RERUNS_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.smStates = [];
    new MutationObserver(() => {
        window.smStates.push(app.getAttribute('data-test-script-state'));
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def marker_symbol(frame: Frame, name: str) -> str | None:
    """The letter drawn in a site's marker, found by its screen-reader label, or None."""
    return frame.evaluate(
        """(name) => {
            const marker = [...document.querySelectorAll('.sm-marker')].find(
                (m) => (m.getAttribute('aria-label') || '').startsWith(name + ' \u2014 '));
            return marker ? marker.textContent : null;
        }""",
        name,
    )


def legend_count(frame: Frame, status: str) -> str:
    # text_content: a folded legend (a map under 560 px tall) still holds its counts.
    return frame.locator(f'.sm-legend li[data-status="{status}"] .sm-legend-count').text_content()


def watch_finished_runs(page: Page) -> list[int]:
    """How each script run the server reports to the page from now on ended
    (``ForwardMsg.script_finished``): one entry per run, however short. Streamlit's run state
    in the page can skip a short run, as React draws only its end."""
    finished: list[int] = []

    def received(payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg.FromString(payload)
            if message.WhichOneof("type") == "script_finished":
                finished.append(message.script_finished)

    page.on("websocket", lambda ws: ws.on("framereceived", received))
    return finished


def watch_websocket(page: Page) -> list[str]:
    """The messages the page sends to Streamlit's server from now on (a rerun request is one)."""
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    return sent


@pytest.mark.parametrize(
    ("as_of", "symbol"),
    [("2023-06-05", "I"), ("2023-06-07", "N")],
    ids=["the day before the statement", "the day after it"],
)
def test_a_link_with_as_of_shows_each_sites_status_on_that_day(
    page, app_server, map_frame, as_of, symbol
):
    open_map(page, f"{app_server.base_url}/?{UK_QUERY}&{ui_state.AS_OF}={as_of}")

    poll(page, lambda: marker_symbol(map_frame(page), "Glasgow"), symbol, "Glasgow's marker")
    frame = map_frame(page)
    expect(frame.locator(".sm-play-month")).to_have_text("June 2023")
    expect(frame.locator(".sm-play-day")).to_contain_text(f"{int(as_of[-2:])} June 2023")
    assert_clean(page)


def test_sites_not_yet_reported_on_the_as_of_date_are_hidden(page, app_server, map_frame):
    state = FilterState(countries=("GB",), as_of=date(2022, 10, 1))
    open_map(page, f"{app_server.base_url}/?{UK_QUERY}&{ui_state.AS_OF}=2022-10-01")

    # Croydon, Hendon and Glasgow; Belfast is first named in April 2023.
    map_shows(page, map_frame, len(drawable_sites(state)))
    assert len(drawable_sites(state)) == 3
    assert marker_symbol(map_frame(page), "Belfast") is None
    assert_clean(page)


def headline_sites(page: Page):
    return page.get_by_test_id("stMetric").filter(has_text="Sites").get_by_test_id("stMetricValue")


def test_moving_the_slider_recolours_the_map_and_the_counts_follow(page, app_server, map_frame):
    open_map(page, f"{app_server.base_url}/?{UK_QUERY}&{ui_state.AS_OF}=2023-06-05")
    poll(page, lambda: marker_symbol(map_frame(page), "Glasgow"), "I", "Glasgow's marker")
    frame = map_frame(page)
    frame.evaluate("() => { window.smNotReloaded = true; }")
    expect(headline_sites(page)).to_have_text("4")

    slider = frame.locator(".sm-play-slider")
    slider.focus()
    page.keyboard.press("ArrowRight")

    poll(page, lambda: marker_symbol(frame, "Glasgow"), "N", "Glasgow's marker after a step")
    expect(frame.locator(".sm-play-day")).to_have_text("Statuses on 30 June 2023")
    assert marker_symbol(frame, "Belfast") == "C"
    expect(
        frame.locator('.sm-legend li[data-status="no_evidence_found"] .sm-legend-count')
    ).to_have_text("3")

    # Back to the first month: the sites reported since disappear, on the map and in the
    # counts above it, which name the map's day.
    page.keyboard.press("Home")
    expect(frame.locator(".sm-play-month")).to_have_text("September 2022")
    poll(page, lambda: marker_symbol(frame, "Belfast"), None, "Belfast before its first report")
    assert marker_symbol(frame, "Glasgow") == "A"
    assert legend_count(frame, "alleged") == "3"
    expect(page.get_by_text("Counts on 30 September 2022")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    state = FilterState(countries=("GB",), as_of=date(2022, 9, 30))
    expect(headline_sites(page)).to_have_text(str(len(published_view(state)[1])))
    wait_for_script(page, RERUN_TIMEOUT_MS)
    # The page ran again, with the same view: the map was kept, and so was its slider.
    assert frame.evaluate("() => window.smNotReloaded === true")
    expect(frame.locator(".sm-play-month")).to_have_text("September 2022")
    assert_clean(page)


def test_pressing_play_steps_through_the_months(page, app_server, map_frame):
    open_map(page, f"{app_server.base_url}/?{UK_QUERY}&{ui_state.AS_OF}=2022-10-01")
    frame = map_frame(page)
    expect(frame.locator(".sm-play-month")).to_have_text("October 2022")
    assert legend_count(frame, "under_investigation") == "1"  # Glasgow
    frame.evaluate("() => { window.smNotReloaded = true; }")
    page.evaluate(WATCH_RERUNS_JS)

    button = frame.get_by_role("button", name=re.compile("Play"))
    button.click()

    # By 30 November 2022 the Security Minister had told the Commons the police were
    # investigating the London sites too.
    poll(page, lambda: legend_count(frame, "under_investigation"), "3", "sites under investigation")
    # Playing runs nothing on the server: each month is drawn in the browser.
    assert page.evaluate("() => window.smStates") == []
    frame.get_by_role("button", name=re.compile("Pause")).click()
    expect(frame.get_by_role("button", name=re.compile("Play"))).to_have_attribute(
        "aria-pressed", "false"
    )
    # Paused, the counts above the map move to the month shown.
    shown = frame.locator(".sm-play-day").inner_text().removeprefix("Statuses on ")
    expect(page.get_by_text(f"Counts on {shown}")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page, RERUN_TIMEOUT_MS)
    assert frame.evaluate("() => window.smNotReloaded === true")
    assert_clean(page)


def test_a_popup_shows_the_picture_of_the_month_the_slider_shows(page, app_server, map_frame):
    open_map(page, f"{app_server.base_url}/?{ui_state.TEXT}=Glasgow")
    map_shows(page, map_frame, 1)
    frame = map_frame(page)
    frame.locator(".sm-play-slider").focus()
    page.keyboard.press("Home")
    poll(page, lambda: marker_symbol(frame, "Glasgow"), "A", "Glasgow in September 2022")

    frame.locator(".sm-marker").click()

    popup = map_frame(page).locator(".leaflet-popup .sm-popup")
    # The popup's status line is the one of the month shown, with the event that set it.
    status_line = popup.locator(".sm-now [data-from]:visible")
    expect(status_line).to_contain_text(
        "Alleged, since 12 September 2022 (NGO report, Safeguard Defenders)"
    )
    visible = popup.locator(".sm-events > li:visible")
    expect(visible).to_have_count(1)
    expect(visible.first).to_contain_text("12 September 2022")
    expect(popup.locator(".sm-events > li .sm-to").first).to_have_text("Alleged")

    # Moving on to today, the open popup follows.
    frame.locator(".sm-play-slider").press("End")
    expect(status_line).to_have_count(1)
    expect(status_line).to_contain_text("No evidence reported by authorities, since 6 June 2023")
    expect(visible).to_have_count(popup.locator(".sm-events > li").count())
    assert_clean(page)
