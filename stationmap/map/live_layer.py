"""The live map's layer: every site once, then a small map view message per rerun.

The map page's map is "live": its sites, with each one's status history and popup, are built
once per version of the data and language (`build_live_layer`, kept by
`stationmap.map.source`), and the browser keeps them; each rerun sends only a map view message
(`map_view_message`: which sites the filters allow, the status filter, the date), which the
browser applies to the markers it has, as the play control does for each month. A message is a
few hundred bytes at any number of sites, so a filter change or a new date costs no new map.
The map itself is drawn by `stationmap.map.builder.build_live_map`; the message reaches it
through `stationmap.map.folium_bridge.show_live_map`.
"""

from __future__ import annotations

import base64
import calendar
import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from stationmap import i18n
from stationmap.browser_code import script_safe_json
from stationmap.html import popups
from stationmap.html.escape import text_of
from stationmap.html.texts import Texts, current_texts
from stationmap.i18n import _
from stationmap.map.records import (
    RECORD_COLUMNS,
    STATUS_INDEX,
    day_number,
    history_pairs,
    placed_sites,
    popup_tables,
)
from stationmap.record.dates import PartialDate
from stationmap.record.filters import FilterState, allowed_mask
from stationmap.record.status import StatusChange

# How long the play control shows each month: long enough to read the month and see the
# markers change, short enough that three years play in under a minute.
PLAY_STEP_MS = 900


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


def ids_in_play(site_view: pd.DataFrame, state: FilterState) -> pd.Index:
    """The ids of the sites in a site view that a map with a play control holds.

    Every site the filters allow on some date: the filters that do not depend on the date
    (country, region, bureau, first report, text) apply; the status filter and "reported by
    the view's date" are left to the control, which applies them month by month.
    """
    timeless = dataclasses.replace(state, statuses=(), as_of=None)
    return site_view.index[allowed_mask(site_view, timeless, reported_only=False).to_numpy()]


# --- the sites, once per version of the data and language ------------------------------------


@dataclass(frozen=True)
class LiveLayer:
    """What a live map draws that depends only on the data and the language.

    `records` hold every site of the dataset, in `site_ids` order: id, display position (None
    for a site without coordinates, which the legend still counts), name, country-level shape
    and status history `h` (see `history_pairs`). `popups` are aligned with them (None where
    there is no marker): each popup holds all the site's events, each marked with its day,
    and a status line for each day (see `popups.status_lines_html`). `placed` are the records
    with a position, for `records.site_at`.
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
    texts: Texts | None = None,
) -> LiveLayer:
    """The live layer of `sites`: every row of a site view (`views.build_site_view`).

    Shared points are spread among all the sites with coordinates, so a marker stays in one
    place whatever the filters. The costly part of the map page: build once per version of
    the data and language, and keep (see pages/map.py).
    """
    texts = texts or current_texts()
    spread = placed_sites(sites, reported_only=False)
    rows = sites.assign(
        display_lat=spread["display_lat"].reindex(sites.index),
        display_lon=spread["display_lon"].reindex(sites.index),
    )
    sources_by_id, event_rows, events_by_id = popup_tables(events, sources)
    site_events = popups.events_by_site(event_rows, spread.index)
    records, popup_list = [], []
    for site in rows[RECORD_COLUMNS].to_dict("records"):
        site_id = site["site_id"]
        history = histories.get(site_id, ())
        placed = site_id in site_events
        records.append(
            {
                "id": site_id,
                "lat": site["display_lat"] if placed else None,
                "lng": site["display_lon"] if placed else None,
                # Plain text: the browser sets it as text (tooltip, screen-reader label).
                "name": text_of(site["name"]),
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


def _id_index(site_ids: Iterable[str]) -> pd.Index:
    """Site ids as an index to look up in a layer's `site_ids`: an index as it is (a list of
    10,000 ids made first took 9 ms), anything else listed."""
    return site_ids if isinstance(site_ids, pd.Index) else pd.Index(list(site_ids), dtype=object)


def marker_positions(layer: LiveLayer, site_ids: Iterable[str]) -> pd.DataFrame:
    """Where the markers of these sites stand on a live map: `display_lat` and `display_lon`,
    indexed by site id, for those of them that have a marker (in `site_ids` order)."""
    ids = _id_index(site_ids)
    found = layer.site_ids.get_indexer(ids)
    kept, lats, lngs = [], [], []
    for site_id, index in zip(ids, found, strict=True):
        record = layer.records[index] if index >= 0 else None
        if record is not None and record["lat"] is not None:
            kept.append(site_id)
            lats.append(record["lat"])
            lngs.append(record["lng"])
    return pd.DataFrame(
        {"display_lat": lats, "display_lon": lngs},
        index=pd.Index(kept, dtype=object, name=layer.site_ids.name),
        dtype=float,
    )


# Sites per part of a live map's popups: a first popup costs a fetch of about half a megabyte
# at most (popups run to about 2 kB a site), whatever the size of the data.
POPUP_PART_SITES = 256


def popup_parts(layer: LiveLayer, size: int = POPUP_PART_SITES) -> list[list[str | None]]:
    """The layer's popups in parts of `size` sites, in record order, for separate files."""
    return [layer.popups[start : start + size] for start in range(0, len(layer.popups), size)]


# --- what each rerun sends: the map view message ---------------------------------------------


def map_view_message(
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
      (`ids_in_play`), sent as one bit per record, base64 (`visible`);
    - `statuses`: the status filter, as status indices (`filter`), applied day by day;
    - `as_of` (None: `last`, today): the day shown, and the play control's steps from the
      month of `first` (the first report; None: no control) to `last`, as `[day number,
      month label, caption]`, starting at that day;
    - `focus`: a site to centre on, as its record's index, if it has a marker;
    - `report_shown`: once it has shown this view (or failed to load its sites), the map sets
      `folium_bridge.MAP_SHOWN_REPORT` in its value, which starts a run (see
      render_order.map_first). It is left out of the message's `key`: the view shown is the same.
    The map refits to the allowed sites when they change, and not when only the day does.
    """
    mask = np.zeros(len(layer.site_ids), dtype=bool)
    found = layer.site_ids.get_indexer(_id_index(allowed_ids))
    mask[found[found >= 0]] = True
    steps = play_steps(first, last, as_of) if first is not None else []
    shown_day = as_of or last
    focus_index = layer.site_ids.get_indexer([focus])[0] if focus is not None else -1
    message = {
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
    # Names the message on the map's element once it is shown (data-sm-view), for tests.
    message["key"] = hashlib.sha256(script_safe_json(message).encode()).hexdigest()[:16]
    if report_shown:
        message["report"] = True
    return message


def live_texts(texts: Texts | None = None) -> dict:
    """The live map's own words: its play control, legend note and messages."""
    texts = texts or current_texts()
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
