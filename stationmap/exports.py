"""Exports of exactly what is filtered: sites as CSV and GeoJSON, events as CSV.

CSV cells that a spreadsheet would run as a formula are neutralised; GeoJSON follows RFC 7946
(WGS84 longitude-latitude points, no `crs` member).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from datetime import date

import pandas as pd

from stationmap import i18n
from stationmap.i18n import _
from stationmap.record.filters import FilterState
from stationmap.record.loader import Dataset

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets
# (OWASP "CSV injection"); a leading apostrophe makes them show it as text instead.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

SITE_EXPORT_COLUMNS = [
    "site_id",
    "name",
    "country",
    "iso2",
    "region",
    "city",
    "locality",
    "operating_bureau",
    "precision",
    "latitude",
    "longitude",
    "coord_source",
    "status",
    "status_since",
    "status_event_id",
    "first_reported",
    "first_report_event_id",
    "event_count",
    "source_count",
    "basis",
    "independent_sources",
    "notes",
    "source_ids",
    "source_urls",
]

EVENT_EXPORT_COLUMNS = [
    "event_id",
    "date",
    "date_precision",
    "country",
    "iso2",
    "event_type",
    "actor",
    "summary",
    "site_ids",
    "sets_status",
    "source_ids",
    "source_urls",
]


def neutralise_cell(value):
    """A text cell made safe to open in a spreadsheet; numbers and empty cells unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, tuple | list):
        return ";".join(str(item) for item in value)
    return str(value)


def _source_urls(dataset: Dataset, source_ids) -> str:
    urls = dataset.sources["url"]
    return " ".join(urls[source_id] for source_id in source_ids if source_id in urls.index)


def site_export_rows(view: pd.DataFrame, dataset: Dataset) -> list[dict[str, object]]:
    """The filtered sites as plain records (text, numbers), one per site."""
    rows = []
    for site in view.itertuples(index=False):
        record = {}
        for column in SITE_EXPORT_COLUMNS:
            if column == "source_urls":
                record[column] = _source_urls(dataset, site.source_ids)
            elif column in ("latitude", "longitude"):
                value = getattr(site, column)
                record[column] = None if pd.isna(value) else round(float(value), 6)
            elif column in ("event_count", "source_count", "independent_sources"):
                record[column] = int(getattr(site, column))
            else:
                record[column] = _text(getattr(site, column))
        rows.append(record)
    return rows


def _csv(rows: list[dict[str, object]], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _text(neutralise_cell(value)) for key, value in row.items()})
    # A BOM lets Excel open UTF-8 (accented and CJK names) correctly; other tools ignore it.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sites_csv(view: pd.DataFrame, dataset: Dataset) -> bytes:
    """The filtered sites as CSV (UTF-8 with BOM, CRLF, formulas neutralised)."""
    return _csv(site_export_rows(view, dataset), SITE_EXPORT_COLUMNS)


def sites_geojson(view: pd.DataFrame, dataset: Dataset) -> dict:
    """The filtered sites as an RFC 7946 FeatureCollection of points with every attribute."""
    features = []
    for record in site_export_rows(view, dataset):
        latitude, longitude = record["latitude"], record["longitude"]
        geometry = None
        if latitude is not None and longitude is not None:
            geometry = {"type": "Point", "coordinates": [longitude, latitude]}
        properties = {k: v for k, v in record.items() if k not in ("latitude", "longitude")}
        features.append(
            {
                "type": "Feature",
                "id": record["site_id"],
                "geometry": geometry,
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def sites_geojson_bytes(view: pd.DataFrame, dataset: Dataset) -> bytes:
    return json.dumps(sites_geojson(view, dataset), ensure_ascii=False, indent=1).encode("utf-8")


def event_export_rows(events: pd.DataFrame, dataset: Dataset) -> list[dict[str, object]]:
    """Events (rows of the events table, by id) as plain records."""
    rows = []
    for event_id in events["event_id"]:
        event = dataset.events.loc[event_id]
        rows.append(
            {
                "event_id": event_id,
                "date": event["date"].iso() if event["date"] else "",
                "date_precision": event["date_precision"],
                "country": event["country"],
                "iso2": event["iso2"],
                "event_type": event["event_type"],
                "actor": event["actor"],
                "summary": event["summary"],
                "site_ids": ";".join(event["site_ids"]),
                "sets_status": ";".join(f"{s}:{v}" for s, v in event["sets_status"].items()),
                "source_ids": ";".join(event["source_ids"]),
                "source_urls": _source_urls(dataset, event["source_ids"]),
            }
        )
    return rows


def events_csv(events: pd.DataFrame, dataset: Dataset) -> bytes:
    """Events as CSV (UTF-8 with BOM, CRLF, formulas neutralised)."""
    return _csv(event_export_rows(events, dataset), EVENT_EXPORT_COLUMNS)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


# Long filter lists would make unwieldy file names; past this many values we say how many.
MAX_VALUES_IN_NAME = 3


def export_filename(kind: str, extension: str, state: FilterState, on: date) -> str:
    """A file name saying what was exported, the date and the filters in effect.

    e.g. 'stationmap-sites-2026-11-27-status-reported_closed-region-europe.csv'
    """
    parts = ["stationmap", kind, on.isoformat()]
    for label, values in (
        ("status", state.statuses),
        ("country", state.countries),
        ("region", state.regions),
        ("bureau", state.bureaus),
        ("basis", state.bases),
    ):
        if values:
            shown = values if len(values) <= MAX_VALUES_IN_NAME else (f"{len(values)}-values",)
            parts.append(
                label
                + "-"
                + "+".join(_slug(v) if label not in ("status", "basis") else v for v in shown)
            )
    if state.reported_from or state.reported_to:
        start = state.reported_from.isoformat() if state.reported_from else "start"
        end = state.reported_to.isoformat() if state.reported_to else "end"
        parts.append(f"reported-{start}-to-{end}")
    if state.text.strip():
        parts.append("text-" + _slug(state.text)[:30])
    return "-".join(parts) + "." + extension


def describe_filters(state: FilterState, country_names: Mapping[str, str] | None = None) -> str:
    """The filters in words, for the note on an export: 'Status: Reported closed; Region: Europe'.

    `country_names` maps ISO codes to names (codes are shown where it has none). The as-of date
    is not included: exports state it on its own.
    """
    country_names = country_names or {}
    parts = []
    for label, values, name in (
        (_("Status"), state.statuses, i18n.status_label),
        (
            _("Country"),
            state.countries,
            lambda code: i18n.country_label(code, country_names.get(code, code)),
        ),
        (_("Region"), state.regions, i18n.region_label),
        (_("Operating bureau"), state.bureaus, i18n.bureau_label),
        (_("Basis"), state.bases, i18n.basis_label),
    ):
        if values:
            parts.append(f"{label}: {', '.join(name(value) for value in values)}")
    if state.reported_from or state.reported_to:
        start = i18n.day_label(state.reported_from) if state.reported_from else "…"
        end = i18n.day_label(state.reported_to) if state.reported_to else "…"
        parts.append(_("First reported: {start} to {end}").format(start=start, end=end))
    if state.text.strip():
        parts.append(_("Search: “{text}”").format(text=state.text.strip()))
    return "; ".join(parts) if parts else _("none (every reported site)")
