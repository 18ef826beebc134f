"""Build the folium map of the sites: pure, no Streamlit.

The sites are drawn by ONE data-driven layer (`SiteLayer`), not by one folium object per site:
Python sends site records as JSON, and the layer's JavaScript (`stationmap/map/live/layer.js`,
its rules in `core.js`) turns each record into a marker inside one `L.markerClusterGroup`
(see docs/map-offline.md).

Two kinds of map share that layer:

- a static map (`build_map`: a briefing slide, the offline export) embeds its records, each
  with its popup HTML, for one date;
- a live map (`build_live_map`: the map page) gets every site once (`build_live_layer`: each
  site's status history as a few `[day, status]` pairs; popups apart, fetched when opened) and
  then views (`live_view`, passed by `folium_bridge.show_live_map`): which sites the filters
  allow, the status filter and the date. Its play control steps through the months the same
  way, in the browser, recolouring markers, hiding sites not yet reported and recounting the
  legend, with no round trip to the server.

Popups are HTML built by `stationmap.html.popups`, where every data value is escaped; names are sent
as text, and set as text or escaped by the browser (`core.js`). The JSON is embedded so that
nothing in it can end the <script> it sits in, nor be read by folium as a template.

Sites that share a point (three in Madrid, every country-level row of one country at its
capital) are spread on a small ring around that point by `spread_shared_points`, so each one
can be seen and clicked; the page maps a clicked position back to its site with `site_at`.
"""

from __future__ import annotations

import base64
import calendar
import dataclasses
import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import folium
import numpy as np
import pandas as pd
from branca.element import CssLink, Element, JavascriptLink
from folium.elements import JSCSSMixin
from folium.template import Template

from stationmap import browser_code, i18n
from stationmap.browser_code import script_safe_json
from stationmap.html import legend, palette, popups
from stationmap.i18n import _
from stationmap.map import assets as map_assets
from stationmap.map import folium_bridge
from stationmap.map.zoomable import ZoomableMap
from stationmap.record import schema
from stationmap.record.dates import PartialDate
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.status import StatusChange

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
# A site asked for by name ("Show on map") is shown at city zoom, its neighbours around it.
FOCUS_ZOOM = 10
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

    `records` carry each marker's display position (`build_site_records`, or a live layer's
    `placed`);
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

# Day numbers count from this day, so a site's history is a few numbers of three or four digits;
# an earlier date gets a negative number, which works just the same.
DAY_ZERO = date(2020, 1, 1)
# How long the play control shows each month: long enough to read the month and see the
# markers change, short enough that three years play in under a minute.
PLAY_STEP_MS = 900
# The status vocabulary by position: a history names a status by its index, one digit.
STATUS_INDEX = {status: index for index, status in enumerate(schema.STATUSES)}


def day_number(day: date) -> int:
    """A date as the number of days since DAY_ZERO: how the map's play data write dates."""
    return (day - DAY_ZERO).days


def day_of_number(number: int) -> date:
    """The date of a day number (`day_number`'s inverse)."""
    return DAY_ZERO + timedelta(days=number)


def history_pairs(history: Sequence[StatusChange]) -> list[list[int]]:
    """A site's status history as `[day number, status index]` pairs, first report first.

    A change takes effect on its `effective` day, as everywhere else: the first day of its
    period, or the site's first report if later (see `stationmap.record.status`).
    """
    return [[day_number(change.effective), STATUS_INDEX[change.status]] for change in history]


def _marker_style(status: str) -> tuple[str, str, str]:
    """A status's fill colour, text colour and symbol, checked: the browser makes HTML of them."""
    color = palette.STATUS_COLORS[status]
    text_color = palette.STATUS_TEXT_COLORS[status]
    symbol = palette.STATUS_SYMBOLS[status]
    if not (_HEX_COLOR.match(color) and _HEX_COLOR.match(text_color) and _SYMBOL.match(symbol)):
        raise ValueError(f"palette entry for {status!r} is not a #rrggbb colour and a letter")
    return color, text_color, symbol


def status_styles(texts: popups.Texts | None = None) -> list[dict]:
    """Each status's key, colour, text colour, symbol and label, in the vocabulary's order.

    Sent once per map rather than once per site: records name their status, the browser draws
    it from this table.
    """
    texts = texts or popups.current_texts()
    styles = []
    for status in schema.STATUSES:
        color, text_color, symbol = _marker_style(status)
        styles.append(
            {
                "key": status,
                "color": color,
                "textColor": text_color,
                "symbol": symbol,
                "label": texts.status_label(status),
            }
        )
    return styles


def placed_sites(sites: pd.DataFrame, *, reported_only: bool = True) -> pd.DataFrame:
    """The sites that can be drawn: with coordinates and (by default) reported with a status.

    With `reported_only=False`, sites not yet reported on the view's date are kept too: the
    play control shows them from their first report on. Shared points are spread apart among
    the sites kept.
    """
    kept = sites
    if reported_only and "reported" in sites:
        kept = sites[sites["reported"].astype(bool)]
    spread = spread_shared_points(kept)
    has_point = spread["display_lat"].notna() & spread["display_lon"].notna()
    if reported_only:
        has_point &= spread["status"].isin(schema.STATUSES)
    return spread[has_point]


# The site-view columns the records are made from.
_RECORD_COLUMNS = [
    "site_id",
    "name",
    "country",
    "iso2",
    "city",
    "locality",
    "operating_bureau",
    "precision",
    "source_ids",
    "status",
    "status_since",
    "status_event_id",
    "basis",
    "independent_sources",
    "display_lat",
    "display_lon",
]


def _popup_tables(events: pd.DataFrame, sources: pd.DataFrame) -> tuple[dict, list, dict]:
    """What popups are made from: sources by id, the events as rows, and events by id."""
    event_rows = events.to_dict("records")
    return (
        sources.to_dict("index"),
        event_rows,
        {event["event_id"]: event for event in event_rows},
    )


def build_site_records(
    sites: pd.DataFrame,
    *,
    events: pd.DataFrame,
    sources: pd.DataFrame,
    as_of: date | None = None,
    texts: popups.Texts | None = None,
) -> list[dict]:
    """One record per drawable site: display position, name, status, shape and popup HTML.

    `sites` are rows of the site view (`views.build_site_view`, usually filtered) for the date
    `as_of`: sites not reported by then, and those without coordinates, get no record, and
    events after it are left out of the popups. For a static map (a briefing slide, the
    offline export); the map page's live map gets `build_live_layer` instead.
    """
    texts = texts or popups.current_texts()
    drawable = placed_sites(sites)
    sources_by_id, event_rows, events_by_id = _popup_tables(events, sources)
    site_events = popups.events_by_site(event_rows, drawable.index, as_of)
    records = []
    for site in drawable[_RECORD_COLUMNS].to_dict("records"):
        site_id = site["site_id"]
        records.append(
            {
                "id": site_id,
                "lat": site["display_lat"],
                "lng": site["display_lon"],
                # Plain text: the browser sets it as text (tooltip, screen-reader label).
                "name": popups.text_of(site["name"]),
                "status": site["status"],
                "countryLevel": popups.is_country_level(site),
                "popup": popups.popup_html(
                    site, site_events[site_id], sources_by_id, events_by_id, texts
                ),
            }
        )
    return records


# --- playing through time ----------------------------------------------------------------------


def play_steps(first: date, last: date, as_of: date | None = None) -> list[date]:
    """The dates the play control shows: the last day of each month from `first`'s month on.

    The last month ends at `last` (today), and the as-of date is a step of its own, so the
    control starts on exactly the picture the rest of the page shows.
    """
    steps = set()
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        steps.add(min(date(year, month, calendar.monthrange(year, month)[1]), last))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if as_of is not None and as_of <= last:
        steps.add(as_of)
    return sorted(steps)


def sites_in_play(view: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The rows of a site view that a map with a play control holds.

    Every site the filters allow on some date: the filters that do not depend on the date
    (country, region, bureau, first report, text) apply; the status filter and "reported by
    the view's date" are left to the control, which applies them month by month.
    """
    timeless = dataclasses.replace(state, statuses=(), as_of=None)
    allowed = apply_filters(view.assign(reported=True), timeless).index
    return view.loc[allowed]


# --- the live map: sites once, then views ------------------------------------------------------

# The page's map is "live": its sites, with each one's status history and popup, are built once
# per version of the data and language, and the browser keeps them; each rerun sends only a
# view (which sites the filters allow, the status filter, the date), which the browser applies
# to the markers it has, as the play control does for each month. A view is a few hundred
# bytes at any number of sites, so a filter change or a new date costs no new map.


@dataclass(frozen=True)
class LiveLayer:
    """What a live map draws that depends only on the data and the language.

    `records` hold every site of the dataset, in `site_ids` order: id, display position (None
    for a site without coordinates, which the legend still counts), name, country-level shape
    and status history `h` (see `history_pairs`). `popups` are aligned with them (None where
    there is no marker): each popup holds all the site's events, each marked with its day,
    and a status line for each day (see `popups.status_lines_html`). `placed` are the records
    with a position, for `site_at`.
    """

    records: list[dict]
    popups: list[str | None]
    site_ids: pd.Index
    placed: list[dict]


def build_live_layer(
    sites: pd.DataFrame,
    *,
    events: pd.DataFrame,
    sources: pd.DataFrame,
    histories: Mapping[str, Sequence[StatusChange]],
    texts: popups.Texts | None = None,
) -> LiveLayer:
    """The live layer of `sites`: every row of a site view (`views.build_site_view`).

    Shared points are spread among all the sites with coordinates, so a marker stays in one
    place whatever the filters. The costly part of the map page: build once per version of
    the data and language, and keep (see pages/map.py).
    """
    texts = texts or popups.current_texts()
    spread = placed_sites(sites, reported_only=False)
    rows = sites.assign(
        display_lat=spread["display_lat"].reindex(sites.index),
        display_lon=spread["display_lon"].reindex(sites.index),
    )
    sources_by_id, event_rows, events_by_id = _popup_tables(events, sources)
    site_events = popups.events_by_site(event_rows, spread.index)
    records, popup_list = [], []
    for site in rows[_RECORD_COLUMNS].to_dict("records"):
        site_id = site["site_id"]
        history = histories.get(site_id, ())
        placed = site_id in site_events
        records.append(
            {
                "id": site_id,
                "lat": site["display_lat"] if placed else None,
                "lng": site["display_lon"] if placed else None,
                # Plain text: the browser sets it as text (tooltip, screen-reader label).
                "name": popups.text_of(site["name"]),
                "countryLevel": popups.is_country_level(site),
                "h": history_pairs(history),
            }
        )
        popup_list.append(
            popups.popup_html(
                site,
                site_events[site_id],
                sources_by_id,
                events_by_id,
                texts,
                history=history,
                day_of=day_number,
            )
            if placed
            else None
        )
    placed_records = [record for record in records if record["lat"] is not None]
    return LiveLayer(records, popup_list, pd.Index(sites.index), placed_records)


# Sites per part of a live map's popups: a first popup costs a fetch of about half a megabyte
# at most (popups run to about 2 kB a site), whatever the size of the data.
POPUP_PART_SITES = 256


def popup_parts(layer: LiveLayer, size: int = POPUP_PART_SITES) -> list[list[str | None]]:
    """The layer's popups in parts of `size` sites, in record order, for separate files."""
    return [layer.popups[start : start + size] for start in range(0, len(layer.popups), size)]


def live_view(
    layer: LiveLayer,
    allowed_ids: Iterable[str],
    *,
    as_of: date | None,
    statuses: Iterable[str],
    first: date | None,
    last: date,
    focus: str | None = None,
    report_shown: bool = False,
) -> dict:
    """What one rerun of the map page sends its live map: a few hundred bytes at any size.

    - `allowed_ids`: the sites the filters that do not depend on the date allow
      (`sites_in_play`), sent as one bit per record, base64 (`visible`);
    - `statuses`: the status filter, as status indices (`filter`), applied day by day;
    - `as_of` (None: `last`, today): the day shown, and the play control's steps from the
      month of `first` (the first report; None: no control) to `last`, as `[day number,
      month label, caption]`, starting at that day;
    - `focus`: a site to centre on, as its record's index, if it has a marker;
    - `report_shown`: once it has shown this view (or failed to load its sites), the map sets
      `folium_bridge.MAP_SHOWN_REPORT` in its value, which starts a run (see
      render_order.map_first). It is left out of the view's `key`: the view shown is the same.
    The map refits to the allowed sites when they change, and not when only the day does.
    """
    mask = np.zeros(len(layer.site_ids), dtype=bool)
    found = layer.site_ids.get_indexer(pd.Index(list(allowed_ids), dtype=object))
    mask[found[found >= 0]] = True
    steps = play_steps(first, last, as_of) if first is not None else []
    shown_day = as_of or last
    focus_index = layer.site_ids.get_indexer([focus])[0] if focus is not None else -1
    view = {
        "visible": base64.b64encode(np.packbits(mask, bitorder="little").tobytes()).decode(),
        "filter": [STATUS_INDEX[status] for status in statuses if status in STATUS_INDEX],
        "day": day_number(shown_day),
        "steps": [
            [
                day_number(step),
                i18n.date_label(PartialDate(step.replace(day=1), "month")),
                _("Statuses on {date}").format(date=i18n.day_label(step)),
            ]
            for step in steps
        ],
        "start": steps.index(shown_day) if shown_day in steps else max(len(steps) - 1, 0),
        "focus": int(focus_index)
        if focus_index >= 0 and layer.records[focus_index]["lat"] is not None
        else None,
    }
    # Names the view on the map's element once it is shown (data-sm-view), for tests.
    view["key"] = hashlib.sha256(script_safe_json(view).encode()).hexdigest()[:16]
    if report_shown:
        view["report"] = True
    return view


def live_texts(texts: popups.Texts | None = None) -> dict:
    """The live map's own words: its play control, legend note and messages."""
    texts = texts or popups.current_texts()
    return {
        "stepMs": PLAY_STEP_MS,
        "texts": {
            "title": _("Statuses over time"),
            "play": _("Play"),
            "pause": _("Pause"),
            "slider": _("Month shown"),
            "unplaced": texts.legend_unplaced,
            "emptyThen": _("No sites match these filters on this date."),
            "loading": _("Loading this site's events and sources…"),
            "notLoaded": _("The sites could not be loaded. Reload the page to try again."),
        },
    }


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

    Also draws the country outlines (when there are no tiles), the legend and a message over
    the map when no site is shown. Static (a briefing slide, the offline export): `records`
    (`build_site_records`) are drawn as they are. Live (the map page): `live` says where the
    sites and popups are, inline (`{"records": ..., "popups": ...}`, see `LiveLayer`) or as
    URLs the browser fetches (`{"dataUrl": ..., "popupUrls": [...], "popupPart": n}`: the
    popups in parts of n sites, see `popup_parts`), and `play` holds the play
    control's words (`live_texts`); the sites are shown as views arrive (`folium_bridge`). Its
    script and style links come from `assets`.
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
        texts: popups.Texts | None = None,
    ):
        super().__init__()
        self._name = "SiteLayer"
        texts = texts or popups.current_texts()
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
            "statuses": status_styles(texts),
            "cityNotReported": texts.city_not_reported,
            # A cluster's name for screen readers, which would otherwise read a bare number.
            "clusterLabel": _("{count} sites, Enter to zoom"),
            "legend": legend,
            "iconImagePath": assets.icon_image_path,
            "outlinesUrl": assets.outlines_url if outlines else None,
            # A static map's only (the map page's first paint has a budget of its own).
            "fineOutlinesUrl": assets.fine_outlines_url if outlines and live is None else None,
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
    compact_legend: bool = False,
) -> folium.Map:
    """A static map of `sites` (rows of the site view): one marker layer, legend, background.

    For a briefing slide and the offline export; the map page draws `build_live_map`.

    - `tiles`: `assets.NO_TILES` draws Natural Earth outlines from the app's own host; any
      other choice adds that tile layer with its attribution.
    - `assets`: where scripts come from (default: `assets.detect_assets()`).
    - `as_of`: the date of the picture: `sites` are the site view for it (default: today).
    - `center` / `zoom`: a fixed view (the briefing sets one per slide); otherwise the map fits
      the sites, or shows the world when there are none.
    - `compact_legend`: the legend lists only the statuses on the map (a briefing slide's).
    """
    assets = assets or map_assets.detect_assets()
    map_assets.install(assets)
    texts = popups.current_texts()
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
        legend=legend.legend_html(
            counts, country_level=country_level, unplaced=unplaced, compact=compact_legend
        ),
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

    `source` is `SiteLayer`'s `live`: the `LiveLayer`'s records and popups inline, or the URLs
    they were published at. Nothing here depends on the filters or the date, so the map's
    script stays the same from rerun to rerun and streamlit-folium keeps the map it has; each
    rerun passes its view (`live_view`) to `folium_bridge.show_live_map`.
    """
    assets = assets or map_assets.detect_assets()
    map_assets.install(assets)
    texts = popups.current_texts()
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
