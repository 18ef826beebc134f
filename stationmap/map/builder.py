"""Build the folium map of the sites: pure, no Streamlit.

The sites are drawn by ONE data-driven layer (`SiteLayer`), not by one folium object per site:
Python sends site records as JSON, and the layer's JavaScript (`stationmap/map/live/layer.js`,
its rules in `core.js`) turns each record into a marker inside one `L.markerClusterGroup`
(see docs/map-offline.md).

Three kinds of map share that layer:

- a static map (`build_map`: the offline export) embeds its records
  (`stationmap.map.records.build_site_records`), each with its popup HTML, for one date;
- a live map (`build_live_map`: the map page) gets every site once
  (`stationmap.map.live_layer.build_live_layer`: each site's status history as a few
  `[day, status]` pairs; popups apart, fetched when opened) and then map view messages
  (`stationmap.map.live_layer.map_view_message`, passed by `folium_bridge.show_live_map`):
  which sites the filters allow, the status filter and the date. Its play control steps
  through the months the same way, in the browser, recolouring markers, hiding sites not yet
  reported and recounting the legend, with no round trip to the server;
- a slide map (`build_slide_map`: a briefing slide) is a live map with one fixed view in its
  payload and no play control: it reads the same per-dataset sites as the map page (fetched
  once, shared by every slide and session), so a slide of ten thousand sites is a document of
  a few kilobytes, not megabytes of records and popups built on every run.

The JSON is embedded so that nothing in it can end the <script> it sits in, nor be read by
folium as a template.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import folium
import pandas as pd
from branca.element import CssLink, Element, JavascriptLink
from folium.elements import JSCSSMixin
from folium.template import Template

from stationmap import browser_code, i18n
from stationmap.browser_code import script_safe_json
from stationmap.html import legend, popups
from stationmap.html.escape import esc
from stationmap.html.texts import Texts, current_texts
from stationmap.i18n import _
from stationmap.map import assets as map_assets
from stationmap.map import folium_bridge
from stationmap.map.live_layer import live_texts
from stationmap.map.records import build_site_records, status_styles
from stationmap.map.zoomable import ZoomableMap
from stationmap.record import schema

# --- where the map looks: centre and zoom ---------------------------------------------------

WORLD_CENTER = (25.0, 10.0)
WORLD_ZOOM = 2
# Fitting to one site (or one city) must not zoom to street level.
FIT_MAX_ZOOM = 7
# A site asked for by name ("Show on map") is shown at city zoom, its neighbours around it.
FOCUS_ZOOM = 10
FIT_PADDING_PX = (30, 30)
# Without a tile layer Leaflet has no maxZoom, and MarkerCluster refuses to draw without one.
MAX_ZOOM = 18
MIN_ZOOM = 1
# Half steps let a fit to the whole world use a wide map instead of a quarter of it.
ZOOM_SNAP = 0.5


# --- the layer -------------------------------------------------------------------------------

# Marker, cluster, legend and popup styles, in the map's own document (the iframe).
MAP_CSS = browser_code.read("map/live/layer.css")

# The layer's code, inlined into the map's script in this order: the rules, streamlit-folium's
# side, then the glue that defines stationmap.drawLayer (see stationmap/browser_code.py).
LAYER_SCRIPTS = ("map/live/core.js", "map/live/bridge.js", "map/live/layer.js")

# folium renders an element through its template's macros (and streamlit-folium calls the
# script macro itself); these only place the style sheet and the script, which are never read
# as templates.
_LAYER_TEMPLATE = """
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.layer_script() }}
{% endmacro %}
"""


class _Verbatim(Element):
    """Text placed in a folium figure as it is.

    folium wraps each element's rendered output in a new Jinja template, so data in it would
    be read as template code; this element's text never is.
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class SiteLayer(JSCSSMixin):
    """Every site as a marker in one cluster group, from one embedded JSON payload.

    Also draws the country outlines (when there are no tiles), the legend and a message over the map
    when no site is shown. Static (the offline export): `records`
    (`records.build_site_records`) are drawn as they are. Live (the map page): `live` says where
    the sites and popups are, inline (`{"records": ..., "popups": ...}`, see
    `live_layer.LiveLayer`) or as URLs the browser fetches (`{"dataUrl": ..., "popupUrls":
    [...], "popupPart": n}`: the popups in parts of n sites, see `live_layer.popup_parts`), and
    `play` holds the play control's words (`live_layer.live_texts`); the sites are shown as
    views arrive (`folium_bridge`), or, with `view` (a map view message), that one view alone,
    with no play control (a briefing slide). Its script and style links come from `assets`.
    """

    _template = Template(_LAYER_TEMPLATE)

    def __init__(
        self,
        records: Sequence[Mapping],
        *,
        legend: str,
        assets: map_assets.MapAssets,
        outlines: bool,
        empty_message: str = "",
        live: Mapping | None = None,
        play: Mapping | None = None,
        view: Mapping | None = None,
        texts: Texts | None = None,
    ):
        super().__init__()
        self._name = "SiteLayer"
        texts = texts or current_texts()
        # Per instance, from the one place that decides local or CDN.
        self.default_js = list(assets.layer_js)
        topojson_url = None
        if live is not None:
            # streamlit-folium loads a map's scripts one after the other before drawing it; the
            # outlines' reader is not needed for the markers, so the layer loads it itself.
            topojson_url = dict(self.default_js).get(map_assets.TOPOJSON_LINK)
            self.default_js = [
                link for link in self.default_js if link[0] != map_assets.TOPOJSON_LINK
            ]
        self.default_css = list(assets.layer_css)
        self.css = MAP_CSS + popups.POPUP_CSS
        self.payload = {
            "records": list(records),
            "live": live,
            "play": play,
            "view": view,
            "statuses": status_styles(texts),
            "cityNotReported": texts.city_not_reported,
            # A cluster's name for screen readers, which would otherwise read a bare number.
            "clusterLabel": _("{count} sites, Enter to zoom"),
            "legend": legend,
            "iconImagePath": assets.icon_image_path,
            "outlinesUrl": assets.outlines_url if outlines else None,
            # A static map's and a slide's only (the map page's first paint has a budget of
            # its own).
            "fineOutlinesUrl": (
                assets.fine_outlines_url if outlines and (live is None or view) else None
            ),
            "fineOutlinesZoom": map_assets.FINE_OUTLINES_ZOOM,
            "topojsonUrl": topojson_url,
            "outlinesAttribution": _("Country outlines: Natural Earth"),
            "emptyMessage": empty_message or _("No sites match these filters."),
            "focusZoom": FOCUS_ZOOM,
            "fitPadding": list(FIT_PADDING_PX),
            "fitMaxZoom": FIT_MAX_ZOOM,
            "worldCenter": list(WORLD_CENTER),
            "worldZoom": WORLD_ZOOM,
            "lang": i18n.html_lang(texts.language),
            "shownReport": folium_bridge.MAP_SHOWN_REPORT,
            "dayReport": folium_bridge.MAP_DAY_REPORT,
        }
        self.payload_json = script_safe_json(self.payload)

    def render(self, **kwargs) -> None:
        """Add the links, style and script to the figure, the latter two verbatim."""
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        sites_url = (self.payload["live"] or {}).get("dataUrl")
        if self.payload["view"] is not None and sites_url:
            # A fixed view's sites are fetched while the map's scripts load, not after them.
            # As fetch() asks for them (same origin, CORS mode), or the browser fetches twice.
            preload = (
                f'<link rel="preload" href="{esc(sites_url)}" as="fetch" crossorigin="anonymous">'
            )
            figure.header.add_child(_Verbatim(preload), name="sm_sites_preload", index=0)
        macros = self._template.module
        figure.header.add_child(_Verbatim(macros.header(self, kwargs)), name=self.get_name())
        figure.script.add_child(_Verbatim(macros.script(self, kwargs)), name=self.get_name())

    def layer_script(self) -> str:
        """The layer's code and the line that draws it on its map with its payload."""
        code = "\n".join(browser_code.read(name).rstrip() for name in LAYER_SCRIPTS)
        draw = browser_code.call("stationmap.drawLayer", self._parent.get_name(), self.payload_json)
        return f"{code}\nvar {self.get_name()} = {draw}\n"


# --- the map ---------------------------------------------------------------------------------


def status_counts(records: Iterable[Mapping]) -> dict[str, int]:
    """How many of these records have each status, every status listed (unreported skipped)."""
    counts = dict.fromkeys(schema.STATUSES, 0)
    for record in records:
        if record["status"] is not None:
            counts[record["status"]] += 1
    return counts


def _bounds(records: Sequence[Mapping]) -> list[list[float]]:
    lats = [record["lat"] for record in records]
    lngs = [record["lng"] for record in records]
    return [[min(lats), min(lngs)], [max(lats), max(lngs)]]


def _base_map(center: Sequence[float], zoom: int, tiles: map_assets.TileChoice) -> folium.Map:
    """An empty map with the app's zoom limits and, if chosen, a tile layer."""
    m = ZoomableMap(
        location=list(center), zoom_start=zoom, tiles=None, control_scale=True, min_zoom=MIN_ZOOM
    )
    m.options["maxZoom"] = MAX_ZOOM
    m.options["minZoom"] = MIN_ZOOM
    m.options["zoomSnap"] = ZOOM_SNAP
    if tiles.has_tiles:
        folium.TileLayer(
            tiles=tiles.url,
            attr=tiles.attribution,
            name=tiles.name,
            max_zoom=MAX_ZOOM,
            max_native_zoom=min(tiles.max_zoom, MAX_ZOOM),
            subdomains=tiles.subdomains,
        ).add_to(m)
    return m


def build_map(
    sites: pd.DataFrame,
    *,
    events: pd.DataFrame,
    sources: pd.DataFrame,
    tiles: map_assets.TileChoice = map_assets.NO_TILES,
    assets: map_assets.MapAssets | None = None,
    as_of: date | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> folium.Map:
    """A static map of `sites` (rows of the site view): one marker layer, legend, background.

    For the offline export; the map page draws `build_live_map`, a briefing slide
    `build_slide_map`.

    - `tiles`: `assets.NO_TILES` draws Natural Earth outlines from the app's own host; any
      other choice adds that tile layer with its attribution.
    - `assets`: where scripts come from (default: `assets.detect_assets()`).
    - `as_of`: the date of the picture: `sites` are the site view for it (default: today).
    - `center` / `zoom`: a fixed view (the briefing sets one per slide); otherwise the map fits
      the sites, or shows the world when there are none.
    """
    assets = assets or map_assets.detect_assets()
    map_assets.install(assets)
    texts = current_texts()
    records = build_site_records(sites, events=events, sources=sources, as_of=as_of, texts=texts)
    fixed_view = center is not None or zoom is not None
    if center is None:
        center = WORLD_CENTER
        if records and fixed_view:
            (south, west), (north, east) = _bounds(records)
            center = ((south + north) / 2, (west + east) / 2)
    m = _base_map(center, zoom if zoom is not None else WORLD_ZOOM, tiles)

    counts = status_counts(records)
    country_level = sum(1 for record in records if record["countryLevel"])
    on_date = sites[sites["reported"].astype(bool)] if "reported" in sites else sites
    unplaced = int(
        (on_date["latitude"].isna() | on_date["longitude"].isna()).sum() if len(on_date) else 0
    )
    SiteLayer(
        records,
        legend=legend.legend_html(counts, country_level=country_level, unplaced=unplaced),
        assets=assets,
        outlines=not tiles.has_tiles,
        texts=texts,
    ).add_to(m)

    if records and not fixed_view:
        m.fit_bounds(_bounds(records), padding=FIT_PADDING_PX, max_zoom=FIT_MAX_ZOOM)
    return m


def build_live_map(
    source: Mapping,
    *,
    tiles: map_assets.TileChoice = map_assets.NO_TILES,
    assets: map_assets.MapAssets | None = None,
) -> folium.Map:
    """The map page's live map: its sites from `source`, shown as views arrive.

    `source` is `SiteLayer`'s `live`: the `live_layer.LiveLayer`'s records and popups inline, or the
    URLs they were published at. Nothing here depends on the filters or the date, so the map's
    script stays the same from rerun to rerun and streamlit-folium keeps the map it has; each
    rerun passes its map view message (`live_layer.map_view_message`) to
    `folium_bridge.show_live_map`.
    """
    assets = assets or map_assets.detect_assets()
    map_assets.install(assets)
    texts = current_texts()
    m = _base_map(WORLD_CENTER, WORLD_ZOOM, tiles)
    SiteLayer(
        [],
        # Every status, each counted in the browser for the view and day shown.
        legend=legend.legend_html(dict.fromkeys(schema.STATUSES, 0), country_level=0),
        assets=assets,
        outlines=not tiles.has_tiles,
        live=source,
        play=live_texts(texts),
        texts=texts,
    ).add_to(m)
    return m


def build_slide_map(
    source: Mapping,
    view: Mapping,
    *,
    legend_html: str,
    bounds: Sequence[Sequence[float]] | None,
    tiles: map_assets.TileChoice = map_assets.NO_TILES,
    assets: map_assets.MapAssets | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> folium.Map:
    """A briefing slide's map: the live layer's sites (`source`, as `build_live_map` takes it)
    shown for one fixed `view` (`live_layer.map_view_message`), with no play control.

    - `legend_html`: the legend, counted for the sites shown (`legend.legend_html`);
    - `bounds`: ``[[south, west], [north, east]]`` of the shown sites' markers (None: none);
    - `center` / `zoom`: a fixed view; otherwise the map fits `bounds`, or shows the world.

    The view is set here, as `build_map` sets it, so the browser never refits the map.
    """
    assets = assets or map_assets.detect_assets()
    map_assets.install(assets)
    texts = current_texts()
    fixed_view = center is not None or zoom is not None
    if center is None:
        center = WORLD_CENTER
        if bounds and fixed_view:
            (south, west), (north, east) = bounds
            center = ((south + north) / 2, (west + east) / 2)
    m = _base_map(center, zoom if zoom is not None else WORLD_ZOOM, tiles)
    SiteLayer(
        [],
        legend=legend_html,
        assets=assets,
        outlines=not tiles.has_tiles,
        live=source,
        play=live_texts(texts),
        view=view,
        texts=texts,
    ).add_to(m)
    if bounds and not fixed_view:
        m.fit_bounds(
            [list(corner) for corner in bounds], padding=FIT_PADDING_PX, max_zoom=FIT_MAX_ZOOM
        )
    return m
