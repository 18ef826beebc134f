"""The site records the maps draw: where each marker stands, its status and its style.

Pure, no folium or Streamlit: the static map (`stationmap.map.builder.build_map`) embeds the
records of `build_site_records`; the live map's layer (`stationmap.map.live_layer`) builds its
own from the same columns, with each site's status history as day numbers (`day_number`,
`history_pairs`), which the browser reads (`stationmap/map/live/core.js`).

Popups are HTML built by `stationmap.html.popups`, where every data value is escaped; names are
sent as text, and set as text or escaped by the browser (`core.js`).

Sites that share a point (three in Madrid, every country-level row of one country at its
capital) are spread on a small ring around that point by `spread_shared_points`, so each one
can be seen and clicked; the page maps a clicked position back to its site with `site_at`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from stationmap.html import palette, popups
from stationmap.html.escape import text_of
from stationmap.html.texts import Texts, current_texts
from stationmap.record import schema
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


def status_styles(texts: Texts | None = None) -> list[dict]:
    """Each status's key, colour, text colour, symbol and label, in the vocabulary's order.

    Sent once per map rather than once per site: records name their status, the browser draws
    it from this table.
    """
    texts = texts or current_texts()
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
RECORD_COLUMNS = [
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


def popup_tables(events: pd.DataFrame, sources: pd.DataFrame) -> tuple[dict, list, dict]:
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
    texts: Texts | None = None,
) -> list[dict]:
    """One record per drawable site: display position, name, status, shape and popup HTML.

    `sites` are rows of the site view (`views.build_site_view`, usually filtered) for the date
    `as_of`: sites not reported by then, and those without coordinates, get no record, and
    events after it are left out of the popups. For a static map (the
    offline export); the map page's live map gets `live_layer.build_live_layer` instead.
    """
    texts = texts or current_texts()
    drawable = placed_sites(sites)
    sources_by_id, event_rows, events_by_id = popup_tables(events, sources)
    site_events = popups.events_by_site(event_rows, drawable.index, as_of)
    records = []
    for site in drawable[RECORD_COLUMNS].to_dict("records"):
        site_id = site["site_id"]
        records.append(
            {
                "id": site_id,
                "lat": site["display_lat"],
                "lng": site["display_lon"],
                # Plain text: the browser sets it as text (tooltip, screen-reader label).
                "name": text_of(site["name"]),
                "status": site["status"],
                "countryLevel": popups.is_country_level(site),
                "popup": popups.popup_html(
                    site, site_events[site_id], sources_by_id, events_by_id, texts
                ),
            }
        )
    return records
