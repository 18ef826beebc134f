"""streamlit-folium behind its adapter: fails loudly if the pinned version's behaviour changes.

The live map relies on streamlit-folium internals (stationmap/map/folium_bridge.py names them):
these tests check the installed version, the frontend code the frame-side bridge relies on, and
what the adapter hands streamlit-folium's component on each run.
"""

from __future__ import annotations

import json
import re
from importlib import metadata, resources

import folium
import folium.plugins
import pytest
import streamlit_folium

from stationmap import browser_code, config
from stationmap.app import ui_state
from stationmap.map import assets, folium_bridge, kept_frame
from stationmap.map import builder as mapbuilder

REQUIREMENTS = config.PROJECT_ROOT / "requirements.txt"


def frontend_bundle() -> str:
    """The installed streamlit-folium's frontend script (its one main.*.js)."""
    build = resources.files("streamlit_folium").joinpath("frontend", "build", "static", "js")
    (bundle,) = [
        entry
        for entry in build.iterdir()
        if entry.name.startswith("main.") and entry.name.endswith(".js")
    ]
    return bundle.read_text(encoding="utf-8")


def test_the_installed_streamlit_folium_is_the_version_the_bridge_was_written_for():
    installed = metadata.version("streamlit-folium")
    assert installed == folium_bridge.PINNED_VERSION, (
        f"streamlit-folium {installed} is installed, but stationmap/map/folium_bridge.py and "
        f"map/live/bridge.js rely on the internals of {folium_bridge.PINNED_VERSION}: check "
        "each use they name, then update PINNED_VERSION"
    )
    pins = re.findall(r"^streamlit-folium==(\S+)$", REQUIREMENTS.read_text(), re.MULTILINE)
    assert pins == [folium_bridge.PINNED_VERSION]


@pytest.mark.parametrize(
    ("hook", "meaning"), folium_bridge.FRONTEND_HOOKS.items(), ids=folium_bridge.FRONTEND_HOOKS
)
def test_the_frontend_still_has_each_hook_the_bridge_relies_on(hook, meaning):
    assert re.search(hook, frontend_bundle()), f"streamlit-folium's frontend no longer: {meaning}"


class Component:
    """A stand-in for streamlit-folium's component: records its arguments, returns a value."""

    def __init__(self, value):
        self.value = value
        self.calls: list[dict] = []

    def __call__(self, **arguments):
        self.calls.append(arguments)
        return self.value


@pytest.fixture
def component(monkeypatch) -> Component:
    fake = Component(
        {
            folium_bridge.CLICKED: {"lat": 51.5, "lng": -0.1},
            folium_bridge.CLICK_COUNT: 3,
            folium_bridge.MAP_SHOWN_REPORT: True,
        }
    )
    monkeypatch.setattr(streamlit_folium, "_component_func", fake)
    return fake


def live_map():
    return mapbuilder.build_live_map({"records": [], "popups": []}, assets=assets.LOCAL_ASSETS)


def test_each_run_hands_the_component_the_map_and_its_view_as_a_feature_group(component):
    views = [{"key": "first", "day": 1}, {"key": "second", "day": 2}]
    values = [
        folium_bridge.show_live_map(live_map(), view, key="site_map", frame_key="f", height=620)
        for view in views
    ]
    first, second = component.calls
    # The click's position, and its count, which tells a new click from the last one kept.
    assert first["returned_objects"] == ["last_object_clicked", "last_object_clicked_count"]
    assert set(first["default"]) == {"last_object_clicked", "last_object_clicked_count"}
    assert first["height"] == 620 and first["width"] is None
    # The map's script draws the layer on streamlit-folium's map_div.
    assert re.search(r"^var \w+ = stationmap\.drawLayer\(map_div, \{", first["script"], re.M)
    # Only the view differs: the same component key keeps the same map, and the feature group,
    # whose script is evaluated in that map, carries the view.
    assert first["script"] == second["script"] and first["key"] == second["key"]
    for arguments, view in zip(component.calls, views, strict=True):
        group = arguments["feature_group"]
        (line,) = re.findall(r"^\}\)\((\{.*\})\);$", group, re.MULTILINE)
        assert json.loads(line) == view
        assert "window.smApplyView(view)" in group
        assert "map_div.addLayer(feature_group_feature_group_0);" in group
    # The component's value comes back as the frame set it.
    assert values == [component.value, component.value]


def test_the_frame_loads_leaflet_and_markercluster_as_one_script_and_no_jquery(component):
    folium_bridge.show_live_map(live_map(), {"key": "v"}, key="m", frame_key="f", height=620)
    (arguments,) = component.calls
    # streamlit-folium loads these one after the other before it draws: one round trip, not
    # three; topojson-client is loaded by the layer itself, after the markers.
    assert arguments["js_links"] == ["/app/static/vendor/" + assets.LEAFLET_MARKERCLUSTER_JS]
    assert arguments["css_links"] == [
        "/app/static/vendor/" + name
        for name in (assets.LEAFLET_CSS, assets.MARKERCLUSTER_CSS, assets.MARKERCLUSTER_DEFAULT_CSS)
    ]
    page = mapbuilder.build_live_map({"records": [], "popups": []}, assets=assets.LOCAL_ASSETS)
    html = page.get_root().render()
    assert f'<script src="/app/static/vendor/{assets.LEAFLET_MARKERCLUSTER_JS}">' in html
    assert "jquery" not in html.casefold()


def test_files_the_kept_frame_loads_itself_are_not_listed_for_it_again(component, monkeypatch):
    made_with = []

    def kept_frame_in_use(links):
        made_with.append(links)
        return links

    monkeypatch.setattr(kept_frame, "use_kept_frame", kept_frame_in_use)
    folium_bridge.show_live_map(
        live_map(), {"key": "v"}, key="m", frame_key="f", height=620, assets=assets.LOCAL_ASSETS
    )
    (arguments,) = component.calls
    assert made_with == [kept_frame.frame_links(assets.LOCAL_ASSETS)]
    # streamlit-folium would load these one after the other before running the map's script;
    # the frame's document has them already.
    assert arguments["js_links"] == [] and arguments["css_links"] == []
    # Per map: any other folium map (a briefing's static one) still loads them itself.
    other_map = mapbuilder.build_live_map({"records": [], "popups": []}, assets=assets.LOCAL_ASSETS)
    assert f"/app/static/vendor/{assets.LEAFLET_MARKERCLUSTER_JS}" in other_map.get_root().render()


def test_from_a_cdn_the_map_keeps_its_links(component, monkeypatch):
    # Building a map points folium's classes at its assets: put them back afterwards.
    for cls in (folium.Map, folium.plugins.MarkerCluster):
        monkeypatch.setattr(cls, "default_js", cls.default_js)
        monkeypatch.setattr(cls, "default_css", cls.default_css)
    monkeypatch.setattr(kept_frame, "use_kept_frame", lambda links: links)
    site_map = mapbuilder.build_live_map({"records": [], "popups": []}, assets=assets.CDN_ASSETS)
    folium_bridge.show_live_map(
        site_map, {"key": "v"}, key="m", frame_key="f", height=620, assets=assets.CDN_ASSETS
    )
    (arguments,) = component.calls
    cdn = assets.CDN_ASSETS
    assert arguments["js_links"] == [url for _, url in cdn.map_js] + [
        url for name, url in cdn.layer_js if name != assets.TOPOJSON_LINK
    ]
    assert arguments["css_links"] == [url for _, url in (*cdn.map_css, *cdn.layer_css)]


def test_the_value_says_where_a_click_was_and_whether_the_map_has_shown(component):
    value = folium_bridge.show_live_map(
        live_map(), {"key": "k"}, key="site_map", frame_key="f", height=620
    )
    assert folium_bridge.clicked_position(value) == {"lat": 51.5, "lng": -0.1}
    assert folium_bridge.map_was_shown(value)
    assert not folium_bridge.map_was_shown({folium_bridge.CLICKED: None})
    assert not folium_bridge.map_was_shown(None)
    assert folium_bridge.clicked_position(None) is None
    assert folium_bridge.clicked_count(value) == 3
    # No value yet, or one from a frame that sent something else: no click.
    for odd in (None, {}, {folium_bridge.CLICK_COUNT: "3"}, {folium_bridge.CLICK_COUNT: True}):
        assert folium_bridge.clicked_count(odd) == 0


STEPS_VIEW = {"key": "view-a", "steps": [[100, "Jan", "..."], [131, "Feb", "..."]]}


def day_value(day, view="view-a"):
    return {folium_bridge.CLICKED: None, folium_bridge.MAP_DAY_REPORT: {"day": day, "view": view}}


def test_the_slider_day_the_map_reports_for_this_view_is_read():
    assert folium_bridge.reported_day(day_value(131), STEPS_VIEW) == 131


@pytest.mark.parametrize(
    "value",
    [
        None,
        {folium_bridge.CLICKED: None},
        day_value(131, view="an-earlier-view"),
        day_value(132),
        day_value("131"),
        day_value(True),
        {folium_bridge.MAP_DAY_REPORT: [131, "view-a"]},
    ],
    ids=["no value", "no report", "stale view", "not a step", "text", "boolean", "not a mapping"],
)
def test_a_day_not_for_this_view_or_not_one_of_its_steps_is_ignored(value):
    # The value comes from the browser: anything but one of the view's own steps, for it, is
    # ignored and the page counts the view's own day.
    assert folium_bridge.reported_day(value, STEPS_VIEW) is None


def test_the_map_fills_streamlit_folium_s_frame_which_the_page_sizes_to_the_window():
    # layer.css overrides the pixel height streamlit-folium sets on #map_div (FRONTEND_HOOKS).
    assert re.search(r"#map_div\s*\{\s*height:\s*100vh !important;", mapbuilder.MAP_CSS)
    page_css = browser_code.read(folium_bridge.FRAME_STYLE)
    assert f".st-key-{ui_state.MAP_FRAME} iframe" in page_css
    assert re.search(r"--sm-map-height: clamp\(.*vh.*\);", page_css)
    assert "height: var(--sm-map-height) !important;" in page_css
