"""streamlit-folium, the live map's carrier, behind one small adapter.

The map page relies on more of streamlit-folium than its documented arguments. Every such use
is named here, and in its frame-side counterpart ``stationmap/map/live/bridge.js``;
``tests/test_folium_bridge.py`` fails if the installed version stops behaving so:

- **Views without a new map.** ``st_folium(..., feature_group_to_add=group)``: when only the
  group's script changes, the frontend keeps the map it has and evaluates the new script in it
  (``eval(feature_group...)`` in its bundle). Each run's view travels that way (`view_layer`,
  whose script is ``view-handoff.js``). The component's key is a hash of the map's script, so
  the same script keeps the same map.
- **The map's report.** The frame exposes the component library as ``window.Streamlit``, and
  keeps the last value it sent in ``window.__GLOBAL_DATA__.previous_data``; ``bridge.js`` sends
  that value again with `MAP_SHOWN_REPORT` set (and wraps ``setComponentValue`` so every later
  value carries it). streamlit-folium hands the frame's value back as it is, so the key reaches
  the page (`map_was_shown`).
- **The slider's day.** Where the play control's slider settles, ``bridge.js`` sets
  `MAP_DAY_REPORT` in the value the same way (the day number and the view's key), which reruns
  the page; its counts follow (`reported_day`).
- **The frame's height.** streamlit-folium sizes its frame and its map in pixels; the page's
  style sheet (``web/map-fit.css``, through the container `show_live_map` puts the frame in)
  sizes the frame to the window instead, from the first paint, and ``layer.css`` makes the
  map (``#map_div``, streamlit-folium's) fill the frame.
- **Clicks.** Only ``last_object_clicked`` and ``last_object_clicked_count`` are returned
  (`RETURNED_OBJECTS`): a click on a marker reruns the page; panning, zooming and playing do
  not. The count tells a new click from the last one kept in the value (`clicked_count`), so
  a site closed on the page is not opened again by the click that opened it. The frame counts
  from 0 and Python's default has None: ``bridge.js`` starts the count at null, or the first
  value would differ from the default and cost a run of the page as soon as the map is drawn.

- **The frame's code.** ``st_folium`` calls the module's ``_component_func``;
  ``kept_frame.use_kept_frame`` points it at the same frontend, declared by the app with its
  script served from ``static/``, which the browser keeps between maps, and its document
  loading the map's own Leaflet and style sheets. ``st_folium`` lists each element's
  ``default_js`` and ``default_css`` for the frame to load before the map's script runs; the
  files the frame has loaded already are left out of them (`_leave_out`).

Nothing here imports streamlit-folium (and with it Streamlit) until a map is shown, so the
map builder and the command line stay free of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import folium
from branca.element import MacroElement
from folium.template import Template

from stationmap import browser_code
from stationmap.map.assets import MapAssets, detect_assets

if TYPE_CHECKING:
    from stationmap.map.kept_frame import FrameLinks

# The version whose internals the above describes (requirements.txt pins the same).
PINNED_VERSION = "0.27.4"
# The name in the map's value under which a live map says it has shown its sites, when its
# view asks it to (`stationmap.map.live_layer.map_view_message(report_shown=True)`).
MAP_SHOWN_REPORT = "stationmap_map_shown"
# The name in the map's value under which it says which day its slider shows, as
# ``{"day": day number, "view": the view's key}``.
MAP_DAY_REPORT = "stationmap_day"
# The page's style sheet sizing the frame to the window. It addresses the frame through its
# container, whose key the page passes (ui_state.MAP_FRAME: the sheet names it).
FRAME_STYLE = "web/map-fit.css"
# What a click returns: the clicked marker's position (`stationmap.map.records.site_at`
# maps it back).
CLICKED = "last_object_clicked"
# How many clicks the map has seen: each one is a new value, the same marker's too.
CLICK_COUNT = "last_object_clicked_count"
RETURNED_OBJECTS = (CLICKED, CLICK_COUNT)
# The frame's script passed to the feature group, with the view appended as its argument.
VIEW_HANDOFF_SCRIPT = "map/live/view-handoff.js"

# Code in streamlit-folium's frontend bundle that the bridge relies on, as regular expressions,
# each with what it means (checked by tests/test_folium_bridge.py against the installed copy).
FRONTEND_HOOKS = {
    r"window\.Streamlit=": "the frame exposes the component library as window.Streamlit",
    r"(\w+)\.previous_data=(\w+),[\w.]+\.setComponentValue\(\2\)": (
        "the value sent is kept in __GLOBAL_DATA__.previous_data"
    ),
    r"window\.__GLOBAL_DATA__=\{": "the frame's state lives in window.__GLOBAL_DATA__",
    r"feature_group!==window\.__GLOBAL_DATA__\.last_feature_group": (
        "a feature group runs again only when its script changed"
    ),
    r"eval\(feature_group": "a changed feature group's script is evaluated in the map drawn",
    r"if\(!window\.map\)": "the map's own script runs once, while no map exists",
    r'getElementById\("map_div"\)': "the map's element is #map_div (layer.css sizes it)",
    r"script\+\"window\.map = map_div; window\.initComponent\(": (
        "the map's own script runs before the frame works out its first value"
    ),
    r"\.last_object_clicked_count\+=1": "a click adds one to the count (null + 1 is 1)",
}


class _ViewScript(MacroElement):
    """Hands a view to the live map in the same document (``view-handoff.js``).

    The script is the feature group's, which streamlit-folium evaluates with every new view; it
    stands alone, as it may run before the map's own script has set the map up, and keeps the
    view for the map then (``bridge.receiveViews``). It is sent on every run, so it stays short.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.handoff }}{% endmacro %}")

    def __init__(self, view: Mapping):
        super().__init__()
        self._name = "SiteView"
        view_json = browser_code.script_safe_json(view)
        self.handoff = f"{browser_code.read(VIEW_HANDOFF_SCRIPT).rstrip()}({view_json});"


def view_layer(view: Mapping) -> folium.FeatureGroup:
    """A view for a live map, as streamlit-folium's `feature_group_to_add`.

    streamlit-folium runs a changed feature group's script in the map it already has, instead
    of drawing a new map; this group draws nothing and only passes the view on.
    """
    group = folium.FeatureGroup(name="view", control=False)
    group.add_child(_ViewScript(view))
    return group


def _elements(element) -> Iterator:
    """`element` and everything under it, as ``st_folium`` walks a map for its links."""
    yield element
    for child in element._children.values():
        yield from _elements(child)


def _leave_out(site_map: folium.Map, loaded: FrameLinks) -> None:
    """Take the files the frame's document loads itself (`loaded`) out of the links of every
    element of `site_map` (per instance: the classes' are every folium map's)."""
    if not loaded:
        return
    for element in _elements(site_map):
        for attribute, urls in (("default_js", loaded.js), ("default_css", loaded.css)):
            links = getattr(element, attribute, None)
            if links and any(url in urls for _, url in links):
                setattr(element, attribute, [link for link in links if link[1] not in urls])


def show_live_map(
    site_map: folium.Map,
    view: Mapping,
    *,
    key: str,
    frame_key: str,
    height: int,
    assets: MapAssets | None = None,
) -> Mapping[str, Any] | None:
    """Draw the live map (`stationmap.map.builder.build_live_map`) with this run's view.

    Returns the map's value.

    The value holds the last clicked marker's position (`clicked_position`), once the map has
    reported, `MAP_SHOWN_REPORT` (`map_was_shown`), and once its slider has moved, the day it
    shows (`reported_day`). It is also kept in ``st.session_state[key]``. The frame is sized
    to the window (``web/map-fit.css``, through the container `frame_key`); `height` (px) is
    what streamlit-folium is told, and what the frame has wherever that sheet does not apply.
    `assets` are those the map was built with (found again if None): the kept frame loads the
    vendored ones itself, and they are taken out of `site_map`'s own links (a map built for
    this run, so no other map loses them).
    """
    import streamlit as st
    from streamlit_folium import st_folium

    from stationmap.map import kept_frame

    # Its script from the app's static files, which the browser keeps, and the map's own files
    # fetched beside it (see kept_frame).
    loaded = kept_frame.use_kept_frame(kept_frame.frame_links(assets or detect_assets()))
    _leave_out(site_map, loaded)
    # Style only: Streamlit puts it where it takes no room, and before the frame, so the frame
    # has its height from the first paint and keeps it (no shift of what is below).
    st.html(f"<style>{browser_code.read(FRAME_STYLE)}</style>")
    with st.container(key=frame_key):
        return st_folium(
            site_map,
            key=key,
            height=height,
            use_container_width=True,
            returned_objects=list(RETURNED_OBJECTS),
            feature_group_to_add=view_layer(view),
        )


def clicked_position(value: Mapping | None) -> Mapping | None:
    """The clicked marker's position in a live map's value, ``{"lat": ..., "lng": ...}``."""
    return value.get(CLICKED) if isinstance(value, Mapping) else None


def clicked_count(value: Mapping | None) -> int:
    """How many clicks a live map's value has counted (0 for none, or no value yet)."""
    count = value.get(CLICK_COUNT) if isinstance(value, Mapping) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else 0


def map_was_shown(value: Any) -> bool:
    """Whether a live map's value (``st.session_state[key]``) says it has shown its sites."""
    return isinstance(value, Mapping) and bool(value.get(MAP_SHOWN_REPORT))


def reported_day(value: Any, view: Mapping) -> int | None:
    """The day number the map's slider shows, from a live map's value, if it is for `view`.

    The value comes from the browser: only a day that is one of the view's own steps, reported
    for this very view (its key), counts. A day reported for an earlier view (the filters have
    changed since) is stale, and the page shows the view's own day.
    """
    if not isinstance(value, Mapping):
        return None
    report = value.get(MAP_DAY_REPORT)
    if not isinstance(report, Mapping) or report.get("view") != view.get("key"):
        return None
    day = report.get("day")
    steps = {step[0] for step in view.get("steps", ())}
    return day if isinstance(day, int) and not isinstance(day, bool) and day in steps else None
