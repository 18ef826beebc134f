"""Build the folium map of the sites: pure, no Streamlit.

The sites are drawn by ONE data-driven layer (`SiteLayer`), not by one folium object per site:
Python embeds a single JSON array of site records, and a few lines of JavaScript turn each
record into a marker inside one `L.markerClusterGroup`. This keeps a map of ten thousand sites
about as cheap to build and to send as a map of ten (see shared/guides/map-offline.md).

Each record carries its tooltip and popup as HTML built by `stationmap.popups`, where every data
value is escaped. The JSON is embedded so that nothing in it can end the <script> it sits in.

Sites that share a point (three in Madrid, every country-level row of one country at its
capital) are spread on a small ring around that point by `spread_shared_points`, so each one
can be seen and clicked; the page maps a clicked position back to its site with `site_at`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import folium
import numpy as np
import pandas as pd
from branca.element import CssLink, Element, JavascriptLink
from folium.elements import JSCSSMixin
from folium.template import Template

from stationmap import assets as map_assets
from stationmap import palette, popups, schema
from stationmap.i18n import _

# --- spreading sites that share a point ------------------------------------------------------

# Points closer than this many decimal places of a degree (about a metre) are one place.
SHARED_POINT_DECIMALS = 5
# Ring radius, in degrees of latitude (about 1.1 km): the markers separate from street zoom up,
# and still fall into one cluster at country zoom, so they never mislead about the city.
RING_RADIUS_DEG = 0.01
# More sites than this on one point widen the ring in proportion, so neighbours never overlap.
RING_CAPACITY = 6
# Near the poles a degree of longitude shrinks to nothing; this floor keeps the ring finite.
MIN_LONGITUDE_SCALE = 0.2
# Display coordinates are rounded to this many decimals (about 0.1 m): the records, the
# browser and the click that comes back all carry the same numbers.
DISPLAY_DECIMALS = 6

# --- the view --------------------------------------------------------------------------------

WORLD_CENTER = (25.0, 10.0)
WORLD_ZOOM = 2
# Fitting to one site (or one city) must not zoom to street level.
FIT_MAX_ZOOM = 7
FIT_PADDING_PX = (30, 30)
# Without a tile layer Leaflet has no maxZoom, and MarkerCluster refuses to draw without one.
MAX_ZOOM = 18
MIN_ZOOM = 1
# Half steps let a fit to the whole world use a wide map instead of a quarter of it.
ZOOM_SNAP = 0.5
# A click within this many degrees of a marker's display position is on that marker.
CLICK_TOLERANCE_DEG = 1e-5

_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SYMBOL = re.compile(r"^[A-Z]$")


def spread_shared_points(sites: pd.DataFrame) -> pd.DataFrame:
    """A copy of `sites` with `display_lat` / `display_lon`: shared points spread on a ring.

    A site alone at its point keeps its coordinates. Sites sharing a point are placed evenly on
    a ring around it, the first (by site id, so row order does not matter) due north, going
    clockwise. Deterministic: the same sites always land on the same spots. Rows without
    coordinates get NaN.
    """
    spread = sites.copy()
    lat = pd.to_numeric(sites["latitude"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(sites["longitude"], errors="coerce").to_numpy(dtype=float)
    display_lat, display_lon = lat.copy(), lon.copy()
    groups: dict[tuple[float, float], list[tuple[str, int]]] = {}
    for row, site_id in enumerate(sites.index):
        if not (math.isnan(lat[row]) or math.isnan(lon[row])):
            key = (round(lat[row], SHARED_POINT_DECIMALS), round(lon[row], SHARED_POINT_DECIMALS))
            groups.setdefault(key, []).append((str(site_id), row))
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort()
        count = len(members)
        center_lat, center_lon = lat[members[0][1]], lon[members[0][1]]
        radius = RING_RADIUS_DEG * max(1.0, count / RING_CAPACITY)
        lon_scale = max(math.cos(math.radians(center_lat)), MIN_LONGITUDE_SCALE)
        for slot, (_site_id, row) in enumerate(members):
            angle = 2 * math.pi * slot / count
            display_lat[row] = min(90.0, max(-90.0, center_lat + radius * math.cos(angle)))
            shifted = center_lon + radius * math.sin(angle) / lon_scale
            display_lon[row] = ((shifted + 180.0) % 360.0) - 180.0
    spread["display_lat"] = np.round(display_lat, DISPLAY_DECIMALS)
    spread["display_lon"] = np.round(display_lon, DISPLAY_DECIMALS)
    return spread


def site_at(
    records: Sequence[Mapping], clicked: Mapping | None, tolerance: float = CLICK_TOLERANCE_DEG
) -> str | None:
    """The id of the site whose marker is at a clicked position, or None.

    `records` come from `build_site_records` (they carry each marker's display position);
    `clicked` is streamlit-folium's ``last_object_clicked``, ``{"lat": ..., "lng": ...}``.
    """
    if not clicked or not records:
        return None
    try:
        lat, lng = float(clicked["lat"]), float(clicked["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    nearest = min(records, key=lambda r: (r["lat"] - lat) ** 2 + (r["lng"] - lng) ** 2)
    distance = math.hypot(nearest["lat"] - lat, nearest["lng"] - lng)
    return str(nearest["id"]) if distance <= tolerance else None


# --- the records the browser draws -----------------------------------------------------------


def _marker_style(status: str) -> tuple[str, str, str]:
    """A status's fill colour, text colour and symbol, checked: the browser makes HTML of them."""
    color = palette.STATUS_COLORS[status]
    text_color = palette.STATUS_TEXT_COLORS[status]
    symbol = palette.STATUS_SYMBOLS[status]
    if not (_HEX_COLOR.match(color) and _HEX_COLOR.match(text_color) and _SYMBOL.match(symbol)):
        raise ValueError(f"palette entry for {status!r} is not a #rrggbb colour and a letter")
    return color, text_color, symbol


def placed_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """The sites that can be drawn: reported, with a status and coordinates; spread apart."""
    reported = sites[sites["reported"].astype(bool)] if "reported" in sites else sites
    spread = spread_shared_points(reported)
    has_point = spread["display_lat"].notna() & spread["display_lon"].notna()
    return spread[has_point & spread["status"].isin(schema.STATUSES)]


# The site-view columns the records are made from.
_RECORD_COLUMNS = [
    "site_id",
    "name",
    "country",
    "city",
    "locality",
    "operating_bureau",
    "precision",
    "source_ids",
    "status",
    "status_since",
    "status_event_id",
    "display_lat",
    "display_lon",
]


def build_site_records(
    sites: pd.DataFrame,
    *,
    events: pd.DataFrame,
    sources: pd.DataFrame,
    as_of: date | None = None,
    texts: popups.Texts | None = None,
) -> list[dict]:
    """One record per drawable site: display position, status style, tooltip and popup HTML.

    `sites` are rows of the site view (`views.build_site_view`, usually filtered); sites not
    reported, or without coordinates, get no record. Events after `as_of` are left out of the
    popups. This is the costly part of a map; callers may cache it and pass it to `build_map`.
    """
    texts = texts or popups.current_texts()
    drawable = placed_sites(sites)
    sources_by_id = sources.to_dict("index")
    event_rows = events.to_dict("records")
    events_by_id = {event["event_id"]: event for event in event_rows}
    site_events = popups.events_by_site(event_rows, drawable.index, as_of)
    records = []
    for site in drawable[_RECORD_COLUMNS].to_dict("records"):
        site_id = site["site_id"]
        color, text_color, symbol = _marker_style(site["status"])
        popup = popups.popup_html(site, site_events[site_id], sources_by_id, events_by_id, texts)
        records.append(
            {
                "id": site_id,
                "lat": site["display_lat"],
                "lng": site["display_lon"],
                "status": site["status"],
                "color": color,
                "textColor": text_color,
                "symbol": symbol,
                "countryLevel": popups.is_country_level(site),
                "label": popups.tooltip_text(site, texts),
                "tooltip": popups.tooltip_html(site, texts),
                "popup": popup,
            }
        )
    return records


# Characters escaped inside the embedded JSON: `<`, `>` and `&` (no `</script>` or `<!--` can
# form), U+2028 and U+2029 (line breaks to older JavaScript), and the backtick and `$`, so no
# template literal or `${...}` can appear in the page's scripts either.
_SCRIPT_ESCAPES = ("<", ">", "&", "\u2028", "\u2029", "`", "$")
# A brace opening a Jinja tag. JSON's own braces are never followed by these, so every match is
# inside a string, where the escape is harmless.
_JINJA_OPENER = re.compile(r"\{(?=[{%#])")


def script_safe_json(value: object) -> str:
    """JSON that is safe inside an HTML <script>, in JavaScript source and in a Jinja template.

    Besides the characters above, a brace that would open a Jinja tag (``{{``, ``{%``, ``{#``)
    is escaped: folium re-reads the output of its elements as templates.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char in _SCRIPT_ESCAPES:
        text = text.replace(char, f"\\u{ord(char):04x}")
    return _JINJA_OPENER.sub(r"\\u007b", text)


# --- the layer -------------------------------------------------------------------------------

# Marker, cluster, legend and popup styles, in the map's own document (the iframe).
MAP_CSS = """
.leaflet-container.sm-no-tiles { background: #dce6ef; }
.sm-marker { background: transparent; border: 0; }
.sm-marker span {
  display: flex; align-items: center; justify-content: center; box-sizing: border-box;
  width: 24px; height: 24px; border: 2px solid #ffffff; border-radius: 50%;
  box-shadow: 0 0 0 1px rgba(0, 0, 0, 0.6); font: 700 12px/1 sans-serif;
}
.sm-marker.sm-marker-country span {
  border: 2px dashed #1b1f24; border-radius: 3px; box-shadow: 0 0 0 1px #ffffff;
}
.sm-marker:focus-visible span { outline: 3px solid #1d4e89; outline-offset: 2px; }
.marker-cluster.sm-cluster { background: rgba(29, 78, 137, 0.25); }
.marker-cluster.sm-cluster div {
  background: #1d4e89; color: #ffffff; font: 700 12px/30px sans-serif;
}
.sm-legend-control {
  background: rgba(255, 255, 255, 0.95); color: #1b1f24; padding: 6px 10px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.35);
  font: 12px/1.5 sans-serif; max-width: 260px;
}
.sm-legend-title { margin: 0 0 4px; font-weight: 700; cursor: pointer; }
.sm-legend ul { list-style: none; margin: 0; padding: 0; }
.sm-legend-count { float: right; margin-left: 8px; font-weight: 700; }
.sm-legend-note { margin: 4px 0 0; font-style: italic; }
.sm-empty {
  position: absolute; top: 40%; left: 50%; transform: translate(-50%, -50%); z-index: 1000;
  background: #ffffff; color: #1b1f24; border: 1px solid #8a949e; border-radius: 4px;
  padding: 10px 16px; font: 15px/1.4 sans-serif; pointer-events: none;
}
"""

_LAYER_TEMPLATE = """
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (map) {
    var payload = {{ this.payload_json }};
    if (payload.iconImagePath) {
        L.Icon.Default.imagePath = payload.iconImagePath;
    }
    // Natural Earth rings that cross the antimeridian jump from 180 to -180, which Leaflet
    // would draw as a line across the whole map. A ring that crosses twice (Russia, Fiji) is
    // made continuous past 180; one that crosses once goes round a pole (Antarctica) and is
    // closed along it.
    function joinAcrossAntimeridian(ring) {
        var crossings = 0;
        for (var i = 1; i < ring.length; i++) {
            if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) { crossings++; }
        }
        if (crossings === 0) { return ring; }
        var joined = [ring[0]];
        var offset = 0;
        for (var j = 1; j < ring.length; j++) {
            var previous = ring[j - 1], point = ring[j];
            var step = point[0] - previous[0];
            if (Math.abs(step) > 180) {
                if (crossings % 2 === 1) {
                    var pole = point[1] < 0 ? -90 : 90;
                    joined.push([previous[0], pole], [point[0], pole]);
                } else {
                    offset += step > 0 ? -360 : 360;
                }
            }
            joined.push([point[0] + offset, point[1]]);
        }
        return joined;
    }
    if (payload.outlinesUrl) {
        L.DomUtil.addClass(map.getContainer(), "sm-no-tiles");
        // Below every other layer, and never in the way of a click.
        var outlinePane = map.createPane("smOutlines");
        outlinePane.style.zIndex = 250;
        outlinePane.style.pointerEvents = "none";
        fetch(payload.outlinesUrl)
            .then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            })
            .then(function (topology) {
                var countries = topojson.feature(topology, topology.objects.countries);
                countries.features.forEach(function (feature) {
                    var geometry = feature.geometry;
                    if (!geometry) { return; }
                    var polygons = geometry.type === "Polygon"
                        ? [geometry.coordinates] : geometry.coordinates;
                    polygons.forEach(function (polygon) {
                        for (var i = 0; i < polygon.length; i++) {
                            polygon[i] = joinAcrossAntimeridian(polygon[i]);
                        }
                    });
                });
                L.geoJSON(countries, {
                    pane: "smOutlines",
                    interactive: false,
                    attribution: payload.outlinesAttribution,
                    style: {color: "#8a949e", weight: 0.7, fillColor: "#f7f7f4", fillOpacity: 1}
                }).addTo(map);
            })
            .catch(function (error) {
                console.warn("stationmap: country outlines not drawn:", error);
            });
    }
    var cluster = L.markerClusterGroup({
        maxClusterRadius: 40,
        showCoverageOnHover: false,
        // Spreading is done in Python; at the last zoom every site stands alone.
        spiderfyOnMaxZoom: false,
        chunkedLoading: true,
        iconCreateFunction: function (group) {
            var count = group.getChildCount();
            return L.divIcon({
                html: "<div><span>" + count + "</span></div>",
                className: "marker-cluster sm-cluster",
                iconSize: L.point(40, 40)
            });
        }
    });
    var markers = [];
    payload.records.forEach(function (record) {
        var shape = record.countryLevel ? "sm-marker-country" : "sm-marker-point";
        var icon = L.divIcon({
            className: "sm-marker " + shape,
            html: "<span style=\\"background:" + record.color + ";color:" + record.textColor
                + "\\">" + record.symbol + "</span>",
            iconSize: [24, 24],
            iconAnchor: [12, 12],
            popupAnchor: [0, -12],
            tooltipAnchor: [12, 0]
        });
        var marker = L.marker([record.lat, record.lng], {icon: icon, riseOnHover: true});
        marker.bindTooltip(record.tooltip, {direction: "right"});
        marker.bindPopup(record.popup, {maxWidth: 380, minWidth: 240, maxHeight: 320});
        marker.on("add", function () {
            // setAttribute takes text, never HTML.
            if (marker._icon) { marker._icon.setAttribute("aria-label", record.label); }
        });
        markers.push(marker);
    });
    cluster.addLayers(markers);
    map.addLayer(cluster);
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
        var box = L.DomUtil.create("div", "sm-legend-control");
        box.innerHTML = payload.legend;
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
    };
    legend.addTo(map);
    if (payload.emptyMessage) {
        var empty = L.DomUtil.create("div", "sm-empty", map.getContainer());
        empty.setAttribute("role", "status");
        empty.textContent = payload.emptyMessage;
    }
    return cluster;
})({{ this._parent.get_name() }});
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

    Also draws the country outlines (when there are no tiles), the legend and, when there are
    no sites, a message over the map. Its script and style links come from `assets`.
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
    ):
        super().__init__()
        self._name = "SiteLayer"
        # Per instance, from the one place that decides local or CDN.
        self.default_js = list(assets.layer_js)
        self.default_css = list(assets.layer_css)
        self.css = MAP_CSS + popups.POPUP_CSS
        self.payload = {
            "records": list(records),
            "legend": legend,
            "iconImagePath": assets.icon_image_path,
            "outlinesUrl": assets.outlines_url if outlines else None,
            "outlinesAttribution": _("Country outlines: Natural Earth"),
            "emptyMessage": empty_message,
        }
        self.payload_json = script_safe_json(self.payload)

    def render(self, **kwargs) -> None:
        """Add the links, style and script to the figure, the latter two verbatim."""
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        macros = self._template.module
        figure.header.add_child(_Verbatim(macros.header(self, kwargs)), name=self.get_name())
        figure.script.add_child(_Verbatim(macros.script(self, kwargs)), name=self.get_name())


# --- the map ---------------------------------------------------------------------------------


def status_counts(records: Iterable[Mapping]) -> dict[str, int]:
    """How many drawn sites have each status, every status listed."""
    counts = dict.fromkeys(schema.STATUSES, 0)
    for record in records:
        counts[record["status"]] += 1
    return counts


def _bounds(records: Sequence[Mapping]) -> list[list[float]]:
    lats = [record["lat"] for record in records]
    lngs = [record["lng"] for record in records]
    return [[min(lats), min(lngs)], [max(lats), max(lngs)]]


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
    records: Sequence[Mapping] | None = None,
) -> folium.Map:
    """The map of `sites` (rows of the site view): one marker layer, legend, background.

    - `tiles`: `assets.NO_TILES` draws Natural Earth outlines from the app's own host; any
      other choice adds that tile layer with its attribution.
    - `assets`: where scripts come from (default: `assets.detect_assets()`).
    - `as_of`: popups leave out events after this date.
    - `center` / `zoom`: a fixed view (the briefing sets one per slide); otherwise the map fits
      the shown sites, or shows the world when there are none.
    - `records`: `build_site_records(sites, ...)` computed earlier (e.g. cached), to skip that.
    """
    assets = assets or map_assets.detect_assets()
    map_assets.install(assets)
    if records is None:
        records = build_site_records(sites, events=events, sources=sources, as_of=as_of)
    records = list(records)

    fixed_view = center is not None or zoom is not None
    if center is None:
        center = WORLD_CENTER
        if records and fixed_view:
            (south, west), (north, east) = _bounds(records)
            center = ((south + north) / 2, (west + east) / 2)
    m = folium.Map(
        location=list(center),
        zoom_start=zoom if zoom is not None else WORLD_ZOOM,
        tiles=None,
        control_scale=True,
        min_zoom=MIN_ZOOM,
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

    counts = status_counts(records)
    country_level = sum(1 for record in records if record["countryLevel"])
    reported = sites[sites["reported"].astype(bool)] if "reported" in sites else sites
    unplaced = int(
        (reported["latitude"].isna() | reported["longitude"].isna()).sum() if len(reported) else 0
    )
    SiteLayer(
        records,
        legend=popups.legend_html(counts, country_level=country_level, unplaced=unplaced),
        assets=assets,
        outlines=not tiles.has_tiles,
        empty_message="" if records else _("No sites match these filters."),
    ).add_to(m)

    if records and not fixed_view:
        m.fit_bounds(_bounds(records), padding=FIT_PADDING_PX, max_zoom=FIT_MAX_ZOOM)
    return m
